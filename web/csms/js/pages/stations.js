// stations.js — the Stations page (manual 8, figure 8.1): name, OCPP protocol, code, device type, number
// of sockets; the details button of each row; for an Administrator: register a station.
import { html, useState, useEffect, Modal, Msg, errMsg, Pager, SortTh } from '../ui.js';
import { api, get, qs } from '../api.js';
import { t } from '../i18n.js';
import { can } from '../roles.js';

const LIMIT = 50;

function Register({ onClose, onDone }) {
	const [f, setF] = useState({ id: '', name: '', password: '' });
	const [msg, setMsg] = useState(null);
	const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
	async function submit(e) {
		e.preventDefault();
		const body = { id: f.id, name: f.name };
		if (f.password) body.password = f.password;
		try { await api('POST', '/api/v1/stations', body); onDone(f.id); } catch (err) { setMsg(errMsg(err)); }
	}
	return html`<${Modal} title=${t('stations.register')} onClose=${onClose}>
		<form onSubmit=${submit} id="register-form"><div class="form">
			<label for="reg-id">${t('stations.code')}</label><input id="reg-id" value=${f.id} onInput=${set('id')} required maxlength="48" />
			<label for="reg-name">${t('stations.name')}</label><input id="reg-name" value=${f.name} onInput=${set('name')} />
			<label for="reg-pw">${t('stations.password')}</label><input id="reg-pw" type="password" autocomplete="new-password" value=${f.password} onInput=${set('password')} minlength="16" maxlength="40" />
		</div><p class="hint">${t('stations.passwordHint')}</p>
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
