// transactions.js — the Transactions page (manual section 7): the filter of figure 7.1, the table of 7.2
// with paging and sorting, the total consumption, Excel export of all or one row, and the measurements
// window of 7.3 (uPlot).
import { html, useState, useEffect, Modal, Msg, errMsg, Pager, SortTh } from '../ui.js';
import { get, qs, download } from '../api.js';
import { t, fmtDateTime, fmtKWh, fmtDuration } from '../i18n.js';
import { can } from '../roles.js';
import { MeasurementsChart } from '../chart.js';

const LIMIT = 25;

function toIso(local) { const d = new Date(local); return isNaN(d) ? '' : d.toISOString(); }

function Measurements({ tx, onClose }) {
	const [data, setData] = useState(null);
	const [msg, setMsg] = useState(null);
	useEffect(() => { get(`/api/v1/transactions/${tx.id}/measurements`).then(setData, (e) => setMsg(errMsg(e))); }, []);
	return html`<${Modal} title=${t('tx.measurementsOf', { id: tx.id })} onClose=${onClose} wide=${true}>
		<${Msg} msg=${msg || (!data && { kind: 'info', text: t('common.waiting') })} />
		${data && (data.series.length ? html`<${MeasurementsChart} series=${data.series} />
			<p class="hint">${t('tx.chartHint')}${data.truncated ? ' ' + t('tx.truncated') : ''}</p>` : html`<p class="hint">${t('tx.noMeasurements')}</p>`)}
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.close')}</button></div><//>`;
}

export function TransactionsPage({ user, route }) {
	const rq = route.query;
	const initSocket = rq.get('station') ? `${rq.get('station')}\u0000${rq.get('connector') || ''}` : '';
	const [f, setF] = useState({ q: '', range: 'month', from: '', to: '', socket: initSocket, idTag: '', user: '', view: '', group: '' });
	const [opts, setOpts] = useState({ sockets: [], cards: [], users: [], views: [] });
	const [res, setRes] = useState(null);
	const [sort, setSort] = useState('-start');
	const [offset, setOffset] = useState(0);
	const [msg, setMsg] = useState(null);
	const [chart, setChart] = useState(null);
	const [applied, setApplied] = useState(f);

	useEffect(() => {
		const soft = (p) => p.then((r) => r.items, () => []);
		Promise.all([soft(get(qs('/api/v1/home/sockets', { limit: 1000 }))), soft(get(qs('/api/v1/cards', { limit: 1000 }))),
			can(user, 'chargeUsers') ? soft(get(qs('/api/v1/charge-users', { limit: 1000 }))) : [], soft(get(qs('/api/v1/views', { limit: 1000 })))])
			.then(([sockets, cards, users, views]) => setOpts({ sockets, cards, users, views }));
		search(null, f, '-start', 0);
	}, []);

	function args(a) {
		const [station, connector] = a.socket ? a.socket.split('\u0000') : [];
		const base = { q: a.q, station, connector, idTag: a.idTag, user: a.user, view: a.view, group: a.view ? a.group : '' };
		if (a.range === 'free') return { ...base, from: toIso(a.from), to: toIso(a.to) };
		return { ...base, range: a.range };
	}
	async function search(e, a = f, s = sort, o = 0) {
		if (e) e.preventDefault();
		setApplied(a); setSort(s); setOffset(o);
		if (a.range === 'free' && (!a.from || !a.to)) { setMsg({ kind: 'error', text: t('tx.needRange') }); return; }
		try {
			setRes(await get(qs('/api/v1/transactions', { ...args(a), limit: LIMIT, offset: o, sort: s })));
			setMsg(null);
		} catch (err) { setMsg(errMsg(err)); }
	}
	async function exportAll() {
		try { await download(qs('/api/v1/transactions/export.xlsx', args(applied))); } catch (e) { setMsg(errMsg(e)); }
	}
	async function exportOne(id) {
		try { await download(`/api/v1/transactions/${id}/export.xlsx`); } catch (e) { setMsg(errMsg(e)); }
	}
	const set = (k) => (e) => setF({ ...f, [k]: e.target.value, ...(k === 'view' ? { group: '' } : {}) });
	const view = opts.views.find((v) => String(v.id) === f.view);
	const sel = (id, k, label, items, all) => html`<div class="field"><label for=${id}>${label}</label>
		<select id=${id} value=${f[k]} onChange=${set(k)}><option value="">${all}</option>${items}</select></div>`;
	return html`<main class="transactions"><h1>${t('nav.transactions')}</h1>
		<form class="panel filter" onSubmit=${search} role="search">
			<div class="field"><label for="tx-q">${t('tx.searchSocket')}</label><input id="tx-q" value=${f.q} onInput=${set('q')} /></div>
			<div class="field"><label for="tx-range">${t('tx.range')}</label>
				<select id="tx-range" value=${f.range} onChange=${set('range')}>
				${['today', 'week', 'month', 'free'].map((r) => html`<option value=${r}>${t('tx.range.' + r)}</option>`)}</select></div>
			${f.range === 'free' && html`<div class="field"><label for="tx-from">${t('tx.from')}</label><input id="tx-from" type="datetime-local" value=${f.from} onInput=${set('from')} required /></div>
				<div class="field"><label for="tx-to">${t('tx.to')}</label><input id="tx-to" type="datetime-local" value=${f.to} onInput=${set('to')} required /></div>`}
			${sel('tx-socket', 'socket', t('tx.socket'), opts.sockets.map((s) => html`<option value=${`${s.stationId}\u0000${s.connectorId}`}>${s.name}</option>`), t('tx.anySocket'))}
			${sel('tx-card', 'idTag', t('tx.card'), opts.cards.map((c) => html`<option value=${c.idTag}>${c.idTag}${c.description ? ` (${c.description})` : ''}</option>`), t('tx.anyCard'))}
			${sel('tx-user', 'user', t('tx.user'), opts.users.map((u) => html`<option value=${u.id}>${u.name} ${u.surname}</option>`), t('tx.anyUser'))}
			${sel('tx-view', 'view', t('tx.view'), opts.views.map((v) => html`<option value=${v.id}>${v.name}</option>`), t('tx.anyView'))}
			<div class="field"><label for="tx-group">${t('tx.group')}</label>
				<select id="tx-group" value=${f.group} disabled=${!view} onChange=${set('group')}><option value="">${t('tx.anyGroup')}</option>
				${(view ? view.groups : []).map((g) => html`<option value=${g.id}>${g.unassigned ? t('home.unassigned') : g.name}</option>`)}</select></div>
			<div class="field actions"><button type="submit" class="primary" id="tx-search">${t('common.search')}</button></div>
		</form>
		<${Msg} msg=${msg} />
		${res && html`<div class="table-head">
			<p class="total" id="tx-total">${t('tx.totalConsumption')}: <strong>${fmtKWh(res.energyWh)}</strong> · ${t('tx.count', { n: res.total })}</p>
			<button type="button" id="tx-export" onClick=${exportAll} disabled=${!res.total}>⬇ ${t('tx.exportAll')}</button></div>
		<div class="table-wrap"><table class="data" id="tx-table">
			<thead><tr><${SortTh} field="id" sort=${sort} onSort=${(s) => search(null, applied, s, 0)}>${t('tx.number')}<//>
				<${SortTh} field="socket" sort=${sort} onSort=${(s) => search(null, applied, s, 0)}>${t('tx.socket')}<//>
				<th>${t('tx.chargeUser')}</th><th>${t('tx.terminatedBy')}</th>
				<${SortTh} field="start" sort=${sort} onSort=${(s) => search(null, applied, s, 0)}>${t('tx.start')}<//>
				<${SortTh} field="end" sort=${sort} onSort=${(s) => search(null, applied, s, 0)}>${t('tx.end')}<//>
				<${SortTh} field="duration" sort=${sort} onSort=${(s) => search(null, applied, s, 0)}>${t('tx.duration')}<//>
				<${SortTh} field="energy" sort=${sort} onSort=${(s) => search(null, applied, s, 0)}>${t('tx.energy')}<//>
				<th><span class="sr">${t('common.actions')}</span></th></tr></thead>
			<tbody>${res.items.map((x) => html`<tr data-tx=${x.id}>
				<td>${x.id}</td><td>${x.socket}</td><td>${x.user ? `${x.user} (${x.idTag})` : x.idTag}</td><td>${x.terminatedBy || (x.status === 'open' ? t('tx.open') : '–')}</td>
				<td>${fmtDateTime(x.start)}</td><td>${fmtDateTime(x.end)}</td>
				<td>${fmtDuration(x.durationS)} <span class="hint">${t('tx.totalDuration')}</span><br />${fmtDuration(x.chargeDurationS)} <span class="hint">${t('tx.chargeDuration')}</span></td>
				<td class="num">${fmtKWh(x.energyWh)}</td>
				<td class="row-actions"><button type="button" class="chart" title=${t('tx.measurements')} aria-label=${t('tx.measurements') + ' ' + x.id} onClick=${() => setChart(x)}>${t('tx.chart')}</button>
				<button type="button" class="export-one" title=${t('tx.exportOne')} aria-label=${t('tx.exportOne') + ' ' + x.id} onClick=${() => exportOne(x.id)}>${t('tx.excel')}</button></td></tr>`)}
			</tbody></table></div>
		${!res.items.length && html`<p class="hint">${t('tx.none')}</p>`}
		<${Pager} total=${res.total} limit=${LIMIT} offset=${offset} onPage=${(o) => search(null, applied, sort, o)} />`}
		${chart && html`<${Measurements} tx=${chart} onClose=${() => setChart(null)} />`}
	</main>`;
}
