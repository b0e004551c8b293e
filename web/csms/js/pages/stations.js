// stations.js — the Stations page (manual 8, figure 8.1): name, OCPP protocol, code, device type, number
// of sockets; the details button of each row; for an Administrator: register a station.
import { html, useState, useEffect, Modal, Msg, errMsg, Pager, SortTh } from '../ui.js';
import { api, get, qs, download } from '../api.js';
import { t } from '../i18n.js';
import { can } from '../roles.js';

const LIMIT = 50;

const TYPES = ['Type1', 'Type2', 'Type3A', 'Type3C', 'Schuko', 'CHAdeMO', 'CCS2'];

function Register({ onClose, onDone }) {
	const [f, setF] = useState({ id: '', name: '', password: '' });
	const [sockets, setSockets] = useState([{ type: 'Type2', phases: '3', maxCurrent: '32' }]);
	const [msg, setMsg] = useState(null);
	const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
	const setSocket = (i, k) => (e) => setSockets(sockets.map((x, j) => (j === i ? { ...x, [k]: e.target.value } : x)));
	async function submit(e) {
		e.preventDefault();
		const body = { id: f.id, name: f.name, sockets: sockets.map((x, i) => ({ connectorId: i + 1, type: x.type || null,
			phases: x.phases ? Number(x.phases) : null, maxCurrent: x.maxCurrent ? Number(x.maxCurrent) : null })) };
		if (f.password) body.password = f.password;
		try { await api('POST', '/api/v1/stations', body); onDone(f.id); } catch (err) { setMsg(errMsg(err)); }
	}
	return html`<${Modal} title=${t('stations.register')} onClose=${onClose}>
		<form onSubmit=${submit} id="register-form"><div class="form">
			<label for="reg-id">${t('stations.code')}</label><input id="reg-id" value=${f.id} onInput=${set('id')} required maxlength="48" />
			<label for="reg-name">${t('stations.name')}</label><input id="reg-name" value=${f.name} onInput=${set('name')} />
			<label for="reg-pw">${t('stations.password')}</label><input id="reg-pw" type="password" autocomplete="new-password" value=${f.password} onInput=${set('password')} minlength="16" maxlength="40" />
		</div><p class="hint">${t('stations.passwordHint')}</p>
		<table class="data sockets-spec" id="reg-sockets"><thead><tr><th>#</th><th>${t('socket.type')}</th><th>${t('socket.phases')}</th><th>${t('socket.maxCurrent')}</th><th></th></tr></thead>
		<tbody>${sockets.map((x, i) => html`<tr><td>${i + 1}</td>
			<td><select aria-label=${t('socket.type') + ' ' + (i + 1)} value=${x.type} onChange=${setSocket(i, 'type')}><option value="">${t('socket.typeUnknown')}</option>
				${TYPES.map((ty) => html`<option value=${ty}>${t('socketType.' + ty)}</option>`)}</select></td>
			<td><select aria-label=${t('socket.phases') + ' ' + (i + 1)} value=${x.phases} onChange=${setSocket(i, 'phases')}><option value="">–</option>
				<option value="1">${t('socket.singlePhase')}</option><option value="3">${t('socket.threePhase')}</option></select></td>
			<td><input aria-label=${t('socket.maxCurrent') + ' ' + (i + 1)} type="number" min="1" max="1000" value=${x.maxCurrent} onInput=${setSocket(i, 'maxCurrent')} /></td>
			<td><button type="button" class="icon" aria-label=${t('stations.removeSocket', { n: i + 1 })} onClick=${() => setSockets(sockets.filter((_, j) => j !== i))}>×</button></td></tr>`)}</tbody></table>
		<button type="button" id="reg-add-socket" onClick=${() => setSockets([...sockets, { ...(sockets[sockets.length - 1] || { type: 'Type2', phases: '3', maxCurrent: '32' }) }])}>+ ${t('stations.addSocket')}</button>
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.cancel')}</button><button type="submit" class="primary">${t('stations.register')}</button></div>
		</form><//>`;
}

export function StationsPage({ user }) {
	const [res, setRes] = useState(null);
	const [q, setQ] = useState('');
	const [sort, setSort] = useState('name');
	const [offset, setOffset] = useState(0);
	const [msg, setMsg] = useState(null);
	const [reg, setReg] = useState(false);
	async function load(s = sort, o = offset, query = q) {
		setSort(s); setOffset(o);
		try { setRes(await get(qs('/api/v1/stations', { q: query, sort: s, limit: LIMIT, offset: o }))); setMsg(null); }
		catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => { load(); }, []);
	return html`<main class="stations"><h1>${t('nav.stations')}</h1>
		<div class="table-head"><form class="inline" role="search" onSubmit=${(e) => { e.preventDefault(); load(sort, 0); }}>
			<label for="st-q">${t('common.search')}</label><input id="st-q" value=${q} onInput=${(e) => setQ(e.target.value)} />
			<button type="submit">${t('common.search')}</button></form>
			<span class="spacer"></span>
			<button type="button" id="st-export" onClick=${async () => { try { await download(qs('/api/v1/stations', { format: 'xlsx', q })); } catch (e) { setMsg(errMsg(e)); } }}>⬇ ${t('stations.export')}</button>
			${can(user, 'stationAdmin') && html`<button type="button" class="primary" id="st-register" onClick=${() => setReg(true)}>+ ${t('stations.register')}</button>`}</div>
		<${Msg} msg=${msg} />
		${res && html`<div class="table-wrap"><table class="data" id="st-table"><thead><tr>
			<${SortTh} field="name" sort=${sort} onSort=${(s) => load(s, 0)}>${t('stations.name')}<//>
			<th>${t('stations.protocol')}</th><${SortTh} field="id" sort=${sort} onSort=${(s) => load(s, 0)}>${t('stations.code')}<//>
			<th>${t('stations.deviceType')}</th><th>${t('stations.sockets')}</th>
			<${SortTh} field="state" sort=${sort} onSort=${(s) => load(s, 0)}>${t('stations.state')}<//><th><span class="sr">${t('common.actions')}</span></th></tr></thead>
			<tbody>${res.items.map((s) => html`<tr data-station=${s.id}>
				<td>${s.name || s.id}</td><td>${s.ocppProtocol}</td><td>${s.code}</td><td>${s.deviceType}</td><td class="num">${s.sockets}</td>
				<td><span class=${'badge state-' + s.state}>${t('stationState.' + s.state)}</span> <span class=${'conn ' + (s.connected ? 'on' : 'off')}>${s.connected ? t('stations.connected') : t('stations.offline')}</span></td>
				<td><a class="button details" href=${'#/station/' + encodeURIComponent(s.id)}>${t('home.details')}</a></td></tr>`)}</tbody></table></div>
			${!res.items.length && html`<p class="hint">${t('common.none')}</p>`}
			<${Pager} total=${res.total} limit=${LIMIT} offset=${offset} onPage=${(o) => load(sort, o)} />`}
		${reg && html`<${Register} onClose=${() => setReg(false)} onDone=${(id) => { setReg(false); location.hash = '#/station/' + encodeURIComponent(id); }} />`}
	</main>`;
}
