// sbc_card_list.js — SBC Card List (manual section 9, "from Administration"): the stations with check
// boxes and the list each holds ("-" = the default list of every registered card); Send List (choose a
// list on its row) and Remove List (= send the default list) for the checked stations; the result per
// station in words.
import { html, useState, useEffect, Modal, Msg, errMsg, Pager } from '../ui.js';
import { api, get, qs } from '../api.js';
import { t } from '../i18n.js';

const LIMIT = 100;

// the answers the page puts in words; the API's own detail is shown for the others and for errors
const WORDS = { Accepted: 1, Failed: 1, VersionMismatch: 1, NotSupported: 1, offline: 1, timeout: 1, error: 1, busy: 1 };

function resultText(r) {
	const words = {
		Accepted: t('sbc.res.accepted'), Failed: t('sbc.res.failed'), VersionMismatch: t('sbc.res.versionMismatch'),
		NotSupported: t('sbc.res.notSupported'), offline: t('sbc.res.offline'), timeout: t('sbc.res.timeout'),
		error: t('sbc.res.error'), busy: t('sbc.res.busy'),
	};
	return words[r.status] || r.status;
}

function Results({ title, results, onClose }) {
	return html`<${Modal} title=${title} onClose=${onClose} wide=${true}>
		<div class="table-wrap"><table class="data" id="sbc-results"><thead><tr><th>${t('sbc.station')}</th><th>${t('sbc.result')}</th><th>${t('sbc.detail')}</th></tr></thead>
		<tbody>${results.map((r) => html`<tr data-station=${r.station} data-status=${r.status}>
			<td>${r.station}</td><td><span class=${'badge ' + (r.status === 'Accepted' ? 'res-ok' : 'res-bad')}>${r.status}</span> ${resultText(r)}</td><td>${r.status === 'error' || !(r.status in WORDS) ? r.detail || '' : ''}</td></tr>`)}</tbody></table></div>
		<div class="buttons"><button type="button" class="primary" onClick=${onClose}>${t('common.close')}</button></div><//>`;
}

function ChooseList({ stations, onClose, onSent }) {
	const [lists, setLists] = useState(null);
	const [msg, setMsg] = useState(null);
	const [busy, setBusy] = useState(false);
	useEffect(() => { get(qs('/api/v1/card-lists', { limit: 1000, sort: 'name' })).then((r) => setLists(r.items), (e) => setMsg(errMsg(e))); }, []);
	async function send(l) {
		setBusy(true);
		setMsg({ kind: 'info', text: t('sbc.sending', { n: stations.length }) });
		try { onSent(l, await api('POST', `/api/v1/card-lists/${l.id}/send`, { stations })); }
		catch (e) { setMsg(errMsg(e)); setBusy(false); }
	}
	return html`<${Modal} title=${t('sbc.chooseList', { n: stations.length })} onClose=${onClose} wide=${true}>
		${lists && (lists.length ? html`<div class="table-wrap"><table class="data" id="sbc-lists"><thead><tr><th>${t('cl.name')}</th><th>${t('cl.version')}</th><th>${t('cl.cards')}</th><th></th></tr></thead>
			<tbody>${lists.map((l) => html`<tr data-list=${l.id} data-name=${l.name}><td>${l.name}</td><td>${l.version}</td><td>${l.cards}</td>
				<td><button type="button" class="choose primary" disabled=${busy} onClick=${() => send(l)}>${t('sbc.sendThis')}</button></td></tr>`)}</tbody></table></div>`
			: html`<p>${t('home.noLists')} <a href="#/card-lists/new">${t('cl.new')}</a></p>`)}
		<${Msg} msg=${msg || (!lists && { kind: 'info', text: t('common.waiting') })} />
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.cancel')}</button></div><//>`;
}

export function SbcCardListPage() {
	const [res, setRes] = useState(null);
	const [offset, setOffset] = useState(0);
	const [checked, setChecked] = useState(new Set());
	const [msg, setMsg] = useState(null);
	const [dlg, setDlg] = useState(null); // {kind: 'send'} | {kind: 'remove'} | {kind: 'results', title, results}
	async function load(o = offset) {
		setOffset(o);
		try { setRes(await get(qs('/api/v1/stations', { sort: 'name', limit: LIMIT, offset: o }))); } catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => { load(); }, []);
	const toggle = (id) => setChecked((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
	const ids = res ? res.items.map((s) => s.id) : [];
	const allOn = ids.length > 0 && ids.every((id) => checked.has(id));
	const toggleAll = () => setChecked(allOn ? new Set() : new Set(ids));
	function sent(title, r) {
		setDlg({ kind: 'results', title, results: r.results || [] });
		setMsg({ kind: r.accepted === (r.results || []).length ? 'ok' : 'error', text: t('sbc.summary', { ok: r.accepted || 0, n: (r.results || []).length }) });
		load();
	}
	async function removeList() {
		setMsg({ kind: 'info', text: t('sbc.sending', { n: checked.size }) });
		setDlg(null);
		try { sent(t('sbc.removeList'), await api('POST', '/api/v1/card-lists/default/send', { stations: [...checked] })); }
		catch (e) { setMsg(errMsg(e)); }
	}
	return html`<main class="sbc"><h1>${t('nav.sbcCardList')}</h1>
		<p class="hint intro">${t('sbc.intro')}</p>
		<${Msg} msg=${msg} />
		${res && html`<div class="table-wrap"><table class="data" id="sbc-table"><thead><tr>
			<th class="check"><input type="checkbox" id="sbc-all" aria-label=${t('sbc.selectAll')} checked=${allOn} onChange=${toggleAll} /></th>
			<th>${t('stations.name')}</th><th>${t('stations.code')}</th><th>${t('stations.state')}</th><th>${t('sbc.list')}</th></tr></thead>
			<tbody>${res.items.map((s) => html`<tr data-station=${s.id} class=${checked.has(s.id) ? 'selected' : ''}>
				<td class="check"><input type="checkbox" aria-label=${t('sbc.select', { station: s.name || s.id })} checked=${checked.has(s.id)} onChange=${() => toggle(s.id)} /></td>
				<td>${s.name || s.id}</td><td>${s.code}</td>
				<td><span class=${'conn ' + (s.connected ? 'on' : 'off')}>${s.connected ? t('stations.connected') : t('stations.offline')}</span></td>
				<td class="list-name">${s.localListName === '-' ? html`- <span class="hint">(${t('sbc.default')})</span>` : s.localListName}</td></tr>`)}</tbody></table></div>
			${!res.items.length && html`<p class="hint">${t('common.none')}</p>`}
			<${Pager} total=${res.total} limit=${LIMIT} offset=${offset} onPage=${load} />
			<div class="buttons left"><span class="hint" id="sbc-count">${t('sbc.checked', { n: checked.size })}</span>
				<button type="button" class="primary" id="sbc-send" disabled=${!checked.size} onClick=${() => setDlg({ kind: 'send' })}>${t('home.sendList')}</button>
				<button type="button" id="sbc-remove" disabled=${!checked.size} onClick=${() => setDlg({ kind: 'remove' })}>${t('sbc.removeList')}</button></div>`}
		${dlg && dlg.kind === 'send' && html`<${ChooseList} stations=${[...checked]} onClose=${() => setDlg(null)} onSent=${(l, r) => sent(t('sbc.sentTitle', { name: l.name }), r)} />`}
		${dlg && dlg.kind === 'remove' && html`<${Modal} title=${t('sbc.removeList')} onClose=${() => setDlg(null)}>
			<p>${t('sbc.removeConfirm', { n: checked.size })}</p>
			<div class="buttons"><button type="button" onClick=${() => setDlg(null)}>${t('common.cancel')}</button>
			<button type="button" class="primary confirm" onClick=${removeList}>${t('sbc.removeList')}</button></div><//>`}
		${dlg && dlg.kind === 'results' && html`<${Results} title=${dlg.title} results=${dlg.results} onClose=${() => setDlg(null)} />`}
	</main>`;
}
