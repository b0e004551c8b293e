// cards_picker.js — the card picker of figure 6.1 (Tag ID, description, parent code, charge user,
// activation, expiry), then the confirm of 6.2 and the station's answer of 6.3.
import { html, useState, useEffect, Modal, Msg, errMsg } from './ui.js';
import { api, get, qs } from './api.js';
import { t, fmtDateTime } from './i18n.js';

export function CardPicker({ socket, onClose }) {
	const [cards, setCards] = useState(null);
	const [q, setQ] = useState('');
	const [chosen, setChosen] = useState(null);
	const [msg, setMsg] = useState(null);
	const [busy, setBusy] = useState(false);
	const [done, setDone] = useState(false);
	useEffect(() => {
		get(qs('/api/v1/cards', { limit: 1000, sort: 'idTag' })).then((r) => setCards(r.items), (e) => setMsg(errMsg(e)));
	}, []);
	async function start() {
		setBusy(true);
		setMsg({ kind: 'info', text: t('common.waiting') });
		try {
			const r = await api('POST', `/api/v1/stations/${encodeURIComponent(socket.stationId)}/connectors/${socket.connectorId}/start`, { idTag: chosen.idTag });
			const st = r && r.response && r.response.status;
			setMsg({ kind: st === 'Accepted' ? 'ok' : 'error', text: t('home.stationAnswered', { status: st || '?' }) });
			setDone(true);
		} catch (e) { setMsg(errMsg(e)); }
		setBusy(false);
	}
	const lower = q.toLowerCase();
	const shown = (cards || []).filter((c) => !q || [c.idTag, c.description, c.user && c.user.name, c.user && c.user.surname]
		.some((v) => v && v.toLowerCase().includes(lower)));
	return html`<${Modal} title=${t('picker.title')} onClose=${onClose} wide=${true}>
		${!chosen ? html`
		<label for="picker-filter">${t('common.filter')}</label>
		<input id="picker-filter" value=${q} onInput=${(e) => setQ(e.target.value)} />
		<div class="table-wrap tall"><table class="data" id="picker">
			<thead><tr><th>${t('card.idTag')}</th><th>${t('card.description')}</th><th>${t('card.parent')}</th>
			<th>${t('card.user')}</th><th>${t('card.validFrom')}</th><th>${t('card.expiry')}</th><th></th></tr></thead>
			<tbody>${shown.map((c) => html`<tr data-tag=${c.idTag} class=${c.state !== 'active' ? 'dim' : ''}>
				<td>${c.idTag}</td><td>${c.description}</td><td>${c.parentIdTag ? `[${c.parentIdTag}]` : ''}</td>
				<td>${c.user ? `${c.user.name} ${c.user.surname}` : ''}</td><td>${fmtDateTime(c.validFrom)}</td><td>${c.expiry ? fmtDateTime(c.expiry) : ''}</td>
				<td><button type="button" class="choose" disabled=${c.state !== 'active'} onClick=${() => setChosen(c)}>${t('picker.choose')}</button></td></tr>`)}
			</tbody></table></div>
		${cards && !shown.length && html`<p class="hint">${t('common.none')}</p>`}` : html`
		<p>${t('picker.confirm', { tag: chosen.idTag, socket: socket.name })}</p>`}
		<${Msg} msg=${msg} />
		<div class="buttons">
			${done ? html`<button type="button" class="primary" onClick=${onClose}>${t('common.close')}</button>` : html`
			<button type="button" onClick=${chosen ? () => setChosen(null) : onClose}>${t('common.cancel')}</button>
			${chosen && html`<button type="button" class="primary confirm" disabled=${busy} onClick=${start}>${t('home.start')}</button>`}`}
		</div><//>`;
}
