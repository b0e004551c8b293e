// home.js — the Home page (manual section 3): Diagnostics, Consumed energy, the search bar with the
// Socket View drop-down, the groups of the view with a tile per socket and its control panel. Live:
// socket statuses and energy follow GET /api/v1/live; other events reload the page's data (at most
// once a second), and so does a reconnect.
import { html, useState, useEffect, useRef, useCallback, Modal, Confirm, Msg, errMsg } from '../ui.js';
import { api, get, qs } from '../api.js';
import { t, fmtDateTime, fmtKWh, fmtNumber } from '../i18n.js';
import { subscribe } from '../live.js';
import { can } from '../roles.js';
import { SocketIcon } from '../socket_icon.js';
import { CardPicker } from '../cards_picker.js';

export const STATUSES = ['to_be_configured', 'available', 'charging', 'charging_suspended', 'occupied', 'booked',
	'not_available', 'fault', 'out_of_service'];
const key = (station, connector) => `${station}\u0000${connector}`;
const PAGE = 60; // tiles shown at first and added by "Show more": the first screen stays fast at 10,000 sockets

// The first n sockets of a search, in requests of up to 1000 (the API's page limit).
async function fetchSockets(args, n) {
	const items = [];
	let total = 0;
	for (let offset = 0; offset < n; offset += 1000) {
		const r = await get(qs('/api/v1/home/sockets', { ...args, limit: Math.min(1000, n - offset), offset }));
		items.push(...r.items);
		total = r.total;
		if (items.length >= total) break;
	}
	return { items, total };
}

export function cabling(s) {
	if (!s.type) return t('socket.typeUnknown');
	const type = t('socketType.' + s.type);
	if (s.type === 'CHAdeMO' || s.type === 'CCS2') return s.maxPowerKw ? `${type} · DC ${fmtNumber(s.maxPowerKw)} kW` : `${type} · DC`;
	const parts = [type];
	if (s.maxCurrent) parts.push(`${fmtNumber(s.maxCurrent)} A`);
	if (s.phases) parts.push(t(s.phases === 3 ? 'socket.threePhase' : 'socket.singlePhase'));
	return parts.join(' · ');
}

function Diagnostics({ diag, status, onStatus }) {
	if (!diag) return html`<section class="panel diag"><h2>${t('home.diagnostics')}</h2></section>`;
	return html`<section class="panel diag" aria-labelledby="diag-h"><h2 id="diag-h">${t('home.diagnostics')}</h2>
		<button type="button" class=${'diag-total' + (!status ? ' on' : '')} id="diag-total" onClick=${() => onStatus('')}>
			${t('home.total')}: <strong>${fmtNumber(diag.total)}</strong></button>
		<ul class="diag-list">${STATUSES.map((k) => html`<li><button type="button" id=${'diag-' + k}
			class=${'diag-item st-' + k + (status === k ? ' on' : '')} aria-pressed=${status === k} onClick=${() => onStatus(status === k ? '' : k)}>
			<span class="dot"></span><span class="label">${t('status.' + k)}</span><strong class="count">${fmtNumber(diag.counts[k] || 0)}</strong></button></li>`)}</ul>
	</section>`;
}

function Energy({ energy }) {
	const item = (k) => html`<div class="energy-item" id=${'energy-' + k}><span>${t('home.energy.' + k)}</span>
		<strong>${energy ? fmtKWh(energy[k].energyWh) : '–'}</strong></div>`;
	return html`<section class="panel energy" aria-labelledby="energy-h"><h2 id="energy-h">${t('home.consumed')}</h2>
		${item('today')}${item('week')}${item('month')}</section>`;
}

function ListMenu({ socket, onAction }) {
	const [open, setOpen] = useState(false);
	useEffect(() => {
		if (!open) return;
		const close = (e) => { if (!e.target.closest || !e.target.closest('.list-menu.open')) setOpen(false); };
		document.addEventListener('click', close);
		return () => document.removeEventListener('click', close);
	}, [open]);
	const item = (id, label) => html`<li><button type="button" class=${id} onClick=${() => { setOpen(false); onAction(id, socket); }}>${label}</button></li>`;
	return html`<div class=${'list-menu' + (open ? ' open' : '')}>
		<button type="button" class="ctl lists" aria-haspopup="true" aria-expanded=${open} title=${t('home.listManagement')} onClick=${() => setOpen(!open)}>☰ ${t('home.lists')}</button>
		${open && html`<ul>${item('send-list', t('home.sendList'))}${item('list-version', t('home.listVersion'))}${item('reset-list', t('home.resetList'))}</ul>`}
	</div>`;
}

function Tile({ s, group, user, onAction }) {
	const c = s.charging;
	const canStart = s.status === 'available';
	const canStop = ['charging', 'occupied', 'charging_suspended'].includes(s.status);
	return html`<article class=${'tile st-' + s.status} data-socket=${s.stationId + '/' + s.connectorId} aria-label=${s.name}>
		<header><h3 class="name">${s.name}</h3><span class="group">${group}</span></header>
		<div class="tile-body">
			<${SocketIcon} type=${s.type} status=${s.status} />
			<div><div class="cabling">${cabling(s)}</div>
			<div class="status"><span class="badge">${t('status.' + s.status)}</span></div></div>
		</div>
		<dl class="tx">${c ? html`
			<div><dt>${t('socket.energy')}</dt><dd class="energy">${fmtKWh(s.energyWh)}</dd></div>
			<div><dt>${t('socket.current')}</dt><dd class="current">${s.currentA != null ? `${fmtNumber(s.currentA, 1)} A` : '–'}</dd></div>
			<div><dt>${t('socket.started')}</dt><dd class="started">${fmtDateTime(c.start)}</dd></div>
			<div><dt>${t('socket.user')}</dt><dd class="user">${c.user || c.idTag}</dd></div>` : html`<div class="notx">${t('socket.noTx')}</div>`}
		</dl>
		<footer class="controls">
			${can(user, 'remoteStartStop') && html`
			<button type="button" class="ctl start" disabled=${!canStart} onClick=${() => onAction('start', s)}>▶ ${t('home.start')}</button>
			<button type="button" class="ctl stop" disabled=${!canStop} onClick=${() => onAction('stop', s)}>■ ${t('home.stop')}</button>`}
			${can(user, 'listManagement') && html`<${ListMenu} socket=${s} onAction=${onAction} />`}
			${can(user, 'transactions') && html`<a class="ctl txlink" href=${`#/transactions?station=${encodeURIComponent(s.stationId)}&connector=${s.connectorId}`}>${t('nav.transactions')}</a>`}
			<button type="button" class="ctl details" onClick=${() => onAction('details', s)}>${t('home.details')}</button>
		</footer>
	</article>`;
}

// The dialogs of the control panel; each shows the API's answer or failure in words.
function Dialog({ dlg, onClose }) {
	const s = dlg.socket, sid = encodeURIComponent(s.stationId);
	const [info, setInfo] = useState(null);
	const [msg, setMsg] = useState(null);
	const [lists, setLists] = useState(null);
	const [listId, setListId] = useState('');
	useEffect(() => {
		if (dlg.kind === 'details')
			get(`/api/v1/stations/${sid}`).then(setInfo, (e) => setMsg(errMsg(e)));
		if (dlg.kind === 'list-version')
			get(`/api/v1/stations/${sid}/card-list`).then(setInfo, (e) => setMsg(errMsg(e)));
		if (dlg.kind === 'send-list')
			get(qs('/api/v1/card-lists', { limit: 1000, sort: 'name' })).then((r) => { setLists(r.items); if (r.items[0]) setListId(String(r.items[0].id)); }, (e) => setMsg(errMsg(e)));
	}, []);
	const sendResult = (r) => { const x = r.results && r.results[0]; return t('home.listAnswered', { status: x ? x.status : '?', detail: x && x.detail ? x.detail : '' }); };
	switch (dlg.kind) {
	case 'start': return html`<${CardPicker} socket=${s} onClose=${onClose} />`;
	case 'stop': return html`<${Confirm} title=${t('home.stop')} text=${t('home.stopConfirm', { socket: s.name })} onClose=${onClose}
		action=${async () => { const r = await api('POST', `/api/v1/stations/${sid}/connectors/${s.connectorId}/stop`); return t('home.stationAnswered', { status: r.response && r.response.status }); }} />`;
	case 'reset-list': return html`<${Confirm} title=${t('home.resetList')} text=${t('home.resetConfirm', { station: s.stationName })} onClose=${onClose}
		action=${async () => sendResult(await api('POST', '/api/v1/card-lists/default/send', { stations: [s.stationId] }))} />`;
	case 'send-list': return html`<${Modal} title=${t('home.sendList')} onClose=${onClose}>
		${lists && (lists.length ? html`<label for="send-list-id">${t('home.chooseList')}</label>
			<select id="send-list-id" value=${listId} onChange=${(e) => setListId(e.target.value)}>${lists.map((l) => html`<option value=${l.id}>${l.name} (v${l.version})</option>`)}</select>`
			: html`<p>${t('home.noLists')}</p>`)}
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.close')}</button>
		${lists && lists.length > 0 && html`<button type="button" class="primary confirm" onClick=${async () => {
			setMsg({ kind: 'info', text: t('common.waiting') });
			try { setMsg({ kind: 'ok', text: sendResult(await api('POST', `/api/v1/card-lists/${listId}/send`, { stations: [s.stationId] })) }); }
			catch (e) { setMsg(errMsg(e)); }
		}}>${t('home.send')}</button>`}</div><//>`;
	case 'list-version': return html`<${Modal} title=${t('home.listVersion')} onClose=${onClose}>
		${info && html`<dl class="kv"><dt>${t('home.listName')}</dt><dd>${info.listName || '-'}</dd>
			<dt>${t('home.listVersionNo')}</dt><dd>${info.listVersion}</dd>
			<dt>${t('home.listMatches')}</dt><dd>${info.matches ? t('common.yes') : t('common.no')}</dd></dl>
			${info.cards && html`<div class="table-wrap"><table class="data"><thead><tr><th>${t('card.idTag')}</th><th>${t('card.description')}</th></tr></thead>
			<tbody>${info.cards.map((c) => html`<tr><td>${c.idTag}</td><td>${c.description || ''}</td></tr>`)}</tbody></table></div>`}`}
		<${Msg} msg=${msg || (!info && { kind: 'info', text: t('common.waiting') })} />
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.close')}</button></div><//>`;
	case 'details': return html`<${Modal} title=${t('home.details')} onClose=${onClose}>
		<dl class="kv" id="socket-details"><dt>${t('home.cardList')}</dt><dd class="list-name">${info ? info.localListName || '-' : '…'}</dd>
		<dt>${t('home.txNumber')}</dt><dd class="tx-number">${s.charging ? s.charging.transactionId : '-'}</dd></dl>
		<${Msg} msg=${msg} />
		<p><a href=${'#/station/' + sid} onClick=${onClose}>${t('home.stationPage')}</a></p>
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.close')}</button></div><//>`;
	}
	return null;
}

export function HomePage({ user }) {
	const [views, setViews] = useState(null);
	const [viewId, setViewId] = useState('');
	const [view, setView] = useState(null);
	const [diag, setDiag] = useState(null);
	const [energy, setEnergy] = useState(null);
	const [sockets, setSockets] = useState(null);
	const [total, setTotal] = useState(0);
	const [shown, setShown] = useState(PAGE);
	const [q, setQ] = useState('');
	const [status, setStatus] = useState('');
	const [applied, setApplied] = useState({ q: '', status: '' });
	const [msg, setMsg] = useState(null);
	const [dlg, setDlg] = useState(null);
	const [link, setLink] = useState('open');
	const live = useRef({ timer: null });

	const state = useRef({ shown: PAGE });
	state.current = { applied, viewId, shown };
	async function load(a = applied, vid = viewId, n = state.current.shown) {
		try {
			const scope = { view: vid };
			const [d, e, s, v] = await Promise.all([get(qs('/api/v1/home/diagnostics', scope)), get(qs('/api/v1/home/energy', scope)),
				fetchSockets({ ...scope, q: a.q, status: a.status }, n),
				vid ? get(`/api/v1/views/${vid}`) : Promise.resolve(null)]);
			setDiag(d); setEnergy(e); setView(v); setTotal(s.total);
			// the energy so far and the current of the last MeterValue; later meter events update the energy
			setSockets((old) => {
				const prev = new Map((old || []).map((x) => [key(x.stationId, x.connectorId), x]));
				return s.items.map((x) => {
					const n = { ...x, energyWh: x.charging ? x.charging.energyWh : null, currentA: x.charging ? x.charging.currentA : null };
					const p = prev.get(key(x.stationId, x.connectorId));
					return p && JSON.stringify(p) === JSON.stringify(n) ? p : n;
				});
			});
			setMsg(null);
		} catch (err) { setMsg(errMsg(err)); }
	}
	useEffect(() => {
		// every view holds every socket, so the counts and the tiles need no view: they load beside the views
		load(applied, '');
		get(qs('/api/v1/views', { limit: 1000, sort: 'name' })).then((r) => {
			const list = r.items.slice().sort((a, b) => (b.isDefault ? 1 : 0) - (a.isDefault ? 1 : 0));
			setViews(list);
			if (list[0]) { setViewId(String(list[0].id)); load(applied, String(list[0].id)); }
		}, (e) => { setMsg(errMsg(e)); setViews([]); });
	}, []);
	// live: socket statuses and energy are applied in batches (at most 4 renders a second, however many events
	// come); the rest (diagnostics, who charges) is reloaded at most once a second; a reconnect reloads at once
	useEffect(() => {
		const pending = new Map(); // key -> changes
		let flush = null;
		const apply = () => {
			flush = null;
			const changes = new Map(pending);
			pending.clear();
			setSockets((list) => list && list.map((x) => { const c = changes.get(key(x.stationId, x.connectorId)); return c ? { ...x, ...c } : x; }));
		};
		const queue = (d, change) => {
			const k = key(d.station, d.connector);
			pending.set(k, { ...pending.get(k), ...change });
			if (!flush) flush = setTimeout(apply, 250);
		};
		const reload = (ms) => {
			if (live.current.timer && ms) return; // one is coming: throttled, not postponed
			clearTimeout(live.current.timer);
			live.current.timer = setTimeout(() => { live.current.timer = null; load(state.current.applied, state.current.viewId); }, ms);
		};
		const off = subscribe((type, d) => {
			if (type === 'link') { setLink(d); return; }
			if (type === 'socket' && d.socketStatus) queue(d, { status: d.socketStatus.key });
			if (type === 'transaction' && d.event === 'meter') {
				queue(d, { energyWh: d.energy });
				// the current is not in the event: read it again with the next reload, at the latest in 10 s
				if (!live.current.meter)
					live.current.meter = setTimeout(() => { live.current.meter = null; reload(0); }, 10000);
				return;
			}
			reload(type === 'reconnected' ? 0 : 1000);
		});
		return () => { off(); clearTimeout(flush); };
	}, []);
	useEffect(() => () => { clearTimeout(live.current.timer); clearTimeout(live.current.meter); }, []);
	// one tile element per socket object: Preact skips a tile whose element is the same as at the last render,
	// so a batch of events re-renders only the tiles that changed
	const onAction = useCallback((kind, sk) => setDlg({ kind, socket: sk }), []);
	const tiles = useRef(new WeakMap());
	const tileOf = (s, group) => {
		const c = tiles.current.get(s);
		if (c && c.group === group) return c.el;
		const el = html`<${Tile} key=${key(s.stationId, s.connectorId)} s=${s} group=${group} user=${user} onAction=${onAction} />`;
		tiles.current.set(s, { group, el });
		return el;
	};

	function search(e) {
		if (e) e.preventDefault();
		const a = { q, status };
		setApplied(a);
		setShown(PAGE);
		load(a, viewId, PAGE);
	}
	function filterStatus(k) {
		setStatus(k);
		const a = { q, status: k };
		setApplied(a);
		setShown(PAGE);
		load(a, viewId, PAGE);
	}
	function chooseView(vid) { setViewId(vid); setShown(PAGE); load(applied, vid, PAGE); }
	function more() { const n = shown + PAGE; setShown(n); load(applied, viewId, n); }

	// the groups of the view, each with its sockets that match the search
	let groups = [];
	if (sockets) {
		const byKey = new Map(sockets.map((s) => [key(s.stationId, s.connectorId), s]));
		const placed = new Set();
		if (view)
			for (const g of view.groups) {
				const list = g.sockets.map((m) => byKey.get(key(m.station, m.connector))).filter(Boolean);
				list.forEach((s) => placed.add(key(s.stationId, s.connectorId)));
				if (list.length) groups.push({ id: g.id, name: g.unassigned ? t('home.unassigned') : g.name, sockets: list });
			}
		const rest = sockets.filter((s) => !placed.has(key(s.stationId, s.connectorId)));
		if (rest.length) groups.push({ id: 'rest', name: view ? t('home.unassigned') : t('home.allSockets'), sockets: rest });
	}
	return html`<main class="home">
		<div class="home-top"><${Diagnostics} diag=${diag} status=${applied.status} onStatus=${filterStatus} /><${Energy} energy=${energy} /></div>
		<form class="searchbar panel" onSubmit=${search} role="search">
			<label for="home-q">${t('home.searchName')}</label>
			<input id="home-q" value=${q} onInput=${(e) => setQ(e.target.value)} placeholder=${t('home.searchHint')} />
			<label for="home-status">${t('home.status')}</label>
			<select id="home-status" value=${status} onChange=${(e) => setStatus(e.target.value)}>
				<option value="">${t('home.allStatuses')}</option>
				${STATUSES.map((k) => html`<option value=${k}>${t('status.' + k)}</option>`)}</select>
			<button type="submit" class="primary" id="home-search">${t('common.search')}</button>
			<label for="home-view">${t('home.view')}</label>
			<select id="home-view" value=${viewId} disabled=${!views || !views.length} onChange=${(e) => chooseView(e.target.value)}>
				${views && !views.length && html`<option value="">${t('home.noViews')}</option>`}
				${(views || []).map((v) => html`<option value=${v.id}>${v.name}${v.isDefault ? ' ★' : ''}</option>`)}</select>
			<span class=${'link ' + link} id="live-link" title=${t('home.live.' + link)}>● ${t('home.live.' + link)}</span>
		</form>
		<${Msg} msg=${msg} />
		${sockets && !sockets.length && html`<p class="hint" id="no-sockets">${t('home.noSockets')}</p>`}
		${groups.map((g) => html`<section class="group" aria-label=${g.name}><h2>${g.name} <span class="count">${g.sockets.length}</span></h2>
			<div class="tiles">${g.sockets.map((s) => tileOf(s, g.name))}</div></section>`)}
		${sockets && total > sockets.length && html`<p class="more"><button type="button" id="home-more" onClick=${more}>${t('home.showMore', { shown: sockets.length, total })}</button></p>`}
		${dlg && html`<${Dialog} dlg=${dlg} onClose=${() => { setDlg(null); }} />`}
	</main>`;
}
