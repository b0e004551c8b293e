// station.js — a station's details (manual 8): General (information, status, Hard/Soft reboot, the name
// edited in place; for an Administrator accept/reject and password), Firmware (version, upload and
// update, progress), Sockets (status, type, cabling, description edited in place, remote start), Events
// and Messages (paged; a message's JSON pretty-printed on demand).
import { html, useState, useEffect, Modal, Confirm, Msg, errMsg } from '../ui.js';
import { api, get, qs } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { can } from '../roles.js';
import { subscribe } from '../live.js';
import { cabling } from './home.js';
import { CardPicker } from '../cards_picker.js';
import { SocketIcon } from '../socket_icon.js';

const TABS = ['general', 'firmware', 'sockets', 'events', 'messages'];
const PAGE = 25;

// A text shown with an edit button; editing shows an input with confirm and cancel.
function EditInPlace({ value, label, onSave, enabled, id }) {
	const [edit, setEdit] = useState(false);
	const [v, setV] = useState(value || '');
	const [msg, setMsg] = useState(null);
	async function save(e) {
		e.preventDefault();
		try { await onSave(v); setEdit(false); setMsg(null); } catch (err) { setMsg(errMsg(err)); }
	}
	if (!edit) return html`<span class="edit-in-place" id=${id}><span class="value">${value || '–'}</span>
		${enabled && html`<button type="button" class="icon edit" aria-label=${t('common.edit') + ' ' + label} title=${t('common.edit')} onClick=${() => { setV(value || ''); setEdit(true); }}>✎</button>`}</span>`;
	return html`<form class="edit-in-place editing" id=${id} onSubmit=${save}>
		<input aria-label=${label} value=${v} onInput=${(e) => setV(e.target.value)} maxlength="100" />
		<button type="submit" class="icon ok" aria-label=${t('common.confirm')} title=${t('common.confirm')}>✔</button>
		<button type="button" class="icon cancel" aria-label=${t('common.cancel')} title=${t('common.cancel')} onClick=${() => setEdit(false)}>✖</button>
		<${Msg} msg=${msg} /></form>`;
}

function General({ st, user, reload, sid }) {
	const [ask, setAsk] = useState(null);
	const [pw, setPw] = useState(null);
	const [msg, setMsg] = useState(null);
	const admin = can(user, 'stationAdmin');
	const rows = [['stations.code', st.id], ['station.vendor', st.vendor], ['station.model', st.model], ['station.serial', st.serialNumber],
		['station.boxSerial', st.chargeBoxSerialNumber], ['station.firmware', st.firmwareVersion], ['station.meterType', st.meterType],
		['station.meterSerial', st.meterSerialNumber], ['station.iccid', st.iccid], ['station.imsi', st.imsi],
		['station.lastBoot', fmtDateTime(st.lastBoot)], ['station.lastHeartbeat', fmtDateTime(st.lastHeartbeat)],
		['station.lastConnect', fmtDateTime(st.lastConnect)], ['station.lastDisconnect', fmtDateTime(st.lastDisconnect)],
		['station.address', st.remoteAddress], ['home.cardList', st.localListName || '-']];
	async function decide(what) {
		try { await api('POST', `/api/v1/stations/${sid}/${what}`); reload(); setMsg(null); } catch (e) { setMsg(errMsg(e)); }
	}
	return html`<section class="panel" id="station-general">
		<div class="station-head"><h2><${EditInPlace} id="station-name" label=${t('stations.name')} value=${st.name} enabled=${admin}
			onSave=${async (v) => { await api('PUT', `/api/v1/stations/${sid}`, { name: v }); reload(); }} /></h2>
			<span class=${'badge state-' + st.state} id="station-state">${t('stationState.' + st.state)}</span>
			<span class=${'conn ' + (st.connected ? 'on' : 'off')} id="station-conn">${st.connected ? t('stations.connected') : t('stations.offline')}</span></div>
		<dl class="kv two">${rows.map(([k, v]) => html`<dt>${t(k)}</dt><dd>${v || '–'}</dd>`)}</dl>
		${admin && html`<div class="buttons left">
			<button type="button" id="soft-reboot" onClick=${() => setAsk('Soft')}>${t('station.softReboot')}</button>
			<button type="button" id="hard-reboot" onClick=${() => setAsk('Hard')}>${t('station.hardReboot')}</button>
			${st.state === 'pending' && html`<button type="button" class="primary" id="station-accept" onClick=${() => decide('accept')}>${t('station.accept')}</button>
				<button type="button" id="station-reject" onClick=${() => decide('reject')}>${t('station.reject')}</button>`}
			<button type="button" id="station-password" onClick=${() => setPw('')}>${t('station.setPassword')}</button></div>`}
		<${Msg} msg=${msg} />
		${ask && html`<${Confirm} title=${t(ask === 'Soft' ? 'station.softReboot' : 'station.hardReboot')} text=${t('station.rebootConfirm', { station: st.name || st.id })}
			onClose=${() => setAsk(null)} action=${async () => { const r = await api('POST', `/api/v1/stations/${sid}/reset`, { type: ask }); return t('home.stationAnswered', { status: r.response && r.response.status }); }} />`}
		${pw !== null && html`<${Modal} title=${t('station.setPassword')} onClose=${() => setPw(null)}>
			<form onSubmit=${async (e) => { e.preventDefault(); try { await api('PUT', `/api/v1/stations/${sid}/password`, { password: pw || null }); setPw(null); setMsg({ kind: 'ok', text: t('station.passwordSet') }); reload(); } catch (err) { setMsg(errMsg(err)); setPw(null); } }}>
			<label for="st-pw">${t('stations.password')}</label><input id="st-pw" type="password" autocomplete="new-password" value=${pw} onInput=${(e) => setPw(e.target.value)} />
			<p class="hint">${t('stations.passwordHint')}</p>
			<div class="buttons"><button type="button" onClick=${() => setPw(null)}>${t('common.cancel')}</button><button type="submit" class="primary">${t('common.save')}</button></div></form><//>`}
	</section>`;
}

function Firmware({ st, sid, reload }) {
	const [file, setFile] = useState(null);
	const [msg, setMsg] = useState(null);
	// the progress (FirmwareStatusNotification) is read again every 3 s while this tab is open
	useEffect(() => { const timer = setInterval(reload, 3000); return () => clearInterval(timer); }, []);
	async function send(e) {
		e.preventDefault();
		if (!file) return;
		try {
			setMsg({ kind: 'info', text: t('station.uploading') });
			const name = file.name.replace(/[^A-Za-z0-9._-]/g, '_');
			await api('POST', `/api/v1/firmware/${encodeURIComponent(name)}`, file, { raw: true });
			const r = await api('POST', `/api/v1/stations/${sid}/firmware-update`, { name });
			setMsg({ kind: 'ok', text: t('home.stationAnswered', { status: r.outcome === 'result' ? 'Accepted' : r.outcome }) });
			reload();
		} catch (err) { setMsg(errMsg(err)); }
	}
	return html`<section class="panel" id="station-firmware">
		<dl class="kv"><dt>${t('station.firmware')}</dt><dd>${st.firmwareVersion || '–'}</dd>
		<dt>${t('station.firmwareStatus')}</dt><dd id="fw-status">${st.firmwareStatus || '–'}</dd></dl>
		<form onSubmit=${send} class="inline"><label for="fw-file">${t('station.firmwareFile')}</label>
			<input id="fw-file" type="file" onChange=${(e) => setFile(e.target.files[0] || null)} />
			<button type="submit" class="primary" disabled=${!file}>${t('station.update')}</button></form>
		<${Msg} msg=${msg} /></section>`;
}

const TYPES = ['Type1', 'Type2', 'Type3A', 'Type3C', 'Schuko', 'CHAdeMO', 'CCS2'];

// The socket's type, phases and maximum current (Administrator), as defined when creating a station.
function SocketSpec({ c, sid, onClose }) {
	const [f, setF] = useState({ type: c.type || '', phases: c.phases ? String(c.phases) : '', maxCurrent: c.maxCurrent ? String(c.maxCurrent) : '' });
	const [msg, setMsg] = useState(null);
	const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
	async function save(e) {
		e.preventDefault();
		try {
			await api('PUT', `/api/v1/stations/${sid}/connectors/${c.connectorId}`, { type: f.type || null,
				phases: f.phases ? Number(f.phases) : null, maxCurrent: f.maxCurrent ? Number(f.maxCurrent) : null });
			onClose(true);
		} catch (err) { setMsg(errMsg(err)); }
	}
	return html`<${Modal} title=${t('socket.editSpec', { n: c.connectorId })} onClose=${() => onClose(false)}>
		<form onSubmit=${save} id="socket-spec"><div class="form">
		<label for="spec-type">${t('socket.type')}</label><select id="spec-type" value=${f.type} onChange=${set('type')}>
			<option value="">${t('socket.typeUnknown')}</option>${TYPES.map((x) => html`<option value=${x}>${t('socketType.' + x)}</option>`)}</select>
		<label for="spec-phases">${t('socket.phases')}</label><select id="spec-phases" value=${f.phases} onChange=${set('phases')}>
			<option value="">–</option><option value="1">${t('socket.singlePhase')}</option><option value="3">${t('socket.threePhase')}</option></select>
		<label for="spec-current">${t('socket.maxCurrent')}</label><input id="spec-current" type="number" min="1" max="1000" value=${f.maxCurrent} onInput=${set('maxCurrent')} />
		</div><${Msg} msg=${msg} />
		<div class="buttons"><button type="button" onClick=${() => onClose(false)}>${t('common.cancel')}</button><button type="submit" class="primary">${t('common.save')}</button></div></form><//>`;
}

function Sockets({ st, sid, user, reload }) {
	const [pick, setPick] = useState(null);
	const [spec, setSpec] = useState(null);
	return html`<section class="panel" id="station-sockets"><div class="table-wrap"><table class="data"><thead><tr>
		<th>#</th><th></th><th>${t('socket.description')}</th><th>${t('home.status')}</th><th>${t('socket.cabling')}</th><th>${t('socket.error')}</th><th></th></tr></thead>
		<tbody>${st.connectors.filter((c) => c.connectorId > 0).map((c) => html`<tr data-connector=${c.connectorId}>
			<td>${c.connectorId}</td><td><${SocketIcon} type=${c.type} status=${c.socketStatus} /></td>
			<td><${EditInPlace} id=${'socket-desc-' + c.connectorId} label=${t('socket.description')} value=${c.description} enabled=${can(user, 'stationAdmin')}
				onSave=${async (v) => { await api('PUT', `/api/v1/stations/${sid}/connectors/${c.connectorId}`, { description: v }); reload(); }} /></td>
			<td><span class=${'badge st-' + c.socketStatus}>${t('status.' + c.socketStatus)}</span></td><td>${cabling(c)}
				${can(user, 'stationAdmin') && html` <button type="button" class="icon edit-spec" aria-label=${t('socket.editSpec', { n: c.connectorId })} title=${t('common.edit')} onClick=${() => setSpec(c)}>✎</button>`}</td>
			<td>${c.errorCode && c.errorCode !== 'NoError' ? c.errorCode : ''}${c.vendorErrorCode ? ` (${c.vendorErrorCode})` : ''}</td>
			<td>${can(user, 'remoteStartStop') && html`<button type="button" class="start" disabled=${c.socketStatus !== 'available'}
				onClick=${() => setPick({ stationId: st.id, connectorId: c.connectorId, name: c.description || `${st.name || st.id} #${c.connectorId}` })}>▶ ${t('home.start')}</button>`}</td></tr>`)}
		</tbody></table></div>
		${pick && html`<${CardPicker} socket=${pick} onClose=${() => { setPick(null); reload(); }} />`}
		${spec && html`<${SocketSpec} c=${spec} sid=${sid} onClose=${(changed) => { setSpec(null); if (changed) reload(); }} />`}</section>`;
}

// Events and messages: pages of PAGE rows by id (the API pages with after=ID, oldest first).
function Log({ sid, kind }) {
	const [pages, setPages] = useState([0]);
	const [items, setItems] = useState(null);
	const [open, setOpen] = useState({});
	const [msg, setMsg] = useState(null);
	const after = pages[pages.length - 1];
	async function load() {
		try { setItems((await get(qs(`/api/v1/stations/${sid}/${kind}`, { after, limit: PAGE }))).items); setMsg(null); }
		catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => { load(); }, [after]);
	const pretty = (text) => { try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; } };
	const action = (text) => { try { const m = JSON.parse(text); return m[0] === 2 ? m[2] : m[0] === 3 ? t('station.result') : t('station.error'); } catch { return ''; } };
	return html`<section class="panel" id=${'station-' + kind}>
		<${Msg} msg=${msg} />
		${items && html`<div class="table-wrap"><table class="data log"><thead><tr><th>#</th><th>${t('station.time')}</th>
			${kind === 'messages' ? html`<th>${t('station.direction')}</th><th>${t('station.action')}</th><th>${t('station.frame')}</th>`
			: html`<th>${t('station.kind')}</th><th>${t('station.connector')}</th><th>${t('station.detail')}</th>`}</tr></thead>
			<tbody>${items.map((m) => html`<tr data-id=${m.id}><td>${m.id}</td><td>${fmtDateTime(m.time)}</td>
				${kind === 'messages' ? html`<td>${m.direction === 'in' ? '⇠ ' + t('station.in') : '⇢ ' + t('station.out')}</td><td>${action(m.text)}</td>
				<td><button type="button" class="link show-json" aria-expanded=${!!open[m.id]} onClick=${() => setOpen({ ...open, [m.id]: !open[m.id] })}>${open[m.id] ? t('station.hideJson') : t('station.showJson')}</button>
				${open[m.id] ? html`<pre class="json">${pretty(m.text)}</pre>` : html`<code class="short">${m.text.slice(0, 80)}</code>`}</td>`
				: html`<td>${m.kind}</td><td>${m.connectorId ?? ''}</td><td>${m.detail}</td>`}</tr>`)}</tbody></table></div>
			${!items.length && html`<p class="hint">${t('common.none')}</p>`}`}
		<nav class="pager"><button type="button" disabled=${pages.length < 2} onClick=${() => setPages(pages.slice(0, -1))}>‹ ${t('common.prev')}</button>
			<button type="button" onClick=${load}>${t('common.refresh')}</button>
			<button type="button" class="next" disabled=${!items || items.length < PAGE} onClick=${() => setPages([...pages, items[items.length - 1].id])}>${t('common.next')} ›</button></nav>
	</section>`;
}

export function StationPage({ user, route }) {
	const sid = encodeURIComponent(route.arg);
	const [st, setSt] = useState(null);
	const [msg, setMsg] = useState(null);
	const tab = TABS.includes(route.query.get('tab')) ? route.query.get('tab') : 'general';
	async function reload() {
		try { setSt(await get(`/api/v1/stations/${sid}`)); setMsg(null); } catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => { reload(); }, [sid]);
	useEffect(() => {
		let timer = null;
		return subscribe((type, d) => {
			if (type === 'reconnected' || (d && d.station === route.arg)) { clearTimeout(timer); timer = setTimeout(reload, 500); }
		});
	}, [sid]);
	const visible = TABS.filter((x) => (x === 'events' || x === 'messages' ? can(user, 'eventsMessages') : x === 'firmware' ? can(user, 'firmware') : true));
	return html`<main class="station"><p class="crumbs"><a href="#/stations">${t('nav.stations')}</a> › ${st ? st.name || st.id : route.arg}</p>
		<${Msg} msg=${msg} />
		${st && html`<div class="tabs" role="tablist">${visible.map((x) => html`<a role="tab" id=${'tab-' + x} aria-selected=${tab === x} class=${tab === x ? 'active' : ''}
			href=${`#/station/${sid}?tab=${x}`}>${t('station.tab.' + x)}</a>`)}</div>
		${tab === 'general' && html`<${General} st=${st} sid=${sid} user=${user} reload=${reload} />`}
		${tab === 'firmware' && html`<${Firmware} st=${st} sid=${sid} reload=${reload} />`}
		${tab === 'sockets' && html`<${Sockets} st=${st} sid=${sid} user=${user} reload=${reload} />`}
		${(tab === 'events' || tab === 'messages') && html`<${Log} key=${tab} sid=${sid} kind=${tab} />`}`}
	</main>`;
}
