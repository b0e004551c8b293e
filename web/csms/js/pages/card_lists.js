// card_lists.js — Card List Management (manual section 9): the table of lists (name, version, cards,
// stations holding it, created); create and edit on the page of figure 9.1 by dragging cards from
// "Available cards" to "Cards in list" and back (a search over the available cards; a button on each card
// does the same for the keyboard); delete (refused while stations hold it: the page says which).
import { html, useState, useEffect, Confirm, Msg, errMsg, Pager, SortTh } from '../ui.js';
import { api, get, qs } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { fmtDate } from '../form.js';

const LIMIT = 50;

function cardLine(c) {
	const who = c.user ? `${c.user.name} ${c.user.surname}` : c.name ? `${c.name} ${c.surname || ''}`.trim() : '';
	return { tag: c.idTag, text: [c.description || '', `[${c.idTag}]`].join(' ').trim(), sub: [c.validFrom ? fmtDate(c.validFrom) : '', who].filter(Boolean).join(' - ') };
}

// One column of the editor: a drop zone of draggable cards, each with its move button.
function Column({ id, title, cards, onDrop, moveLabel, arrow, onMove, children }) {
	const [over, setOver] = useState(false);
	return html`<section class=${'dnd-col' + (over ? ' over' : '')} id=${id} aria-label=${title}
		onDragOver=${(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; setOver(true); }}
		onDragLeave=${() => setOver(false)}
		onDrop=${(e) => { e.preventDefault(); setOver(false); const tag = e.dataTransfer.getData('text/plain'); if (tag) onDrop(tag); }}>
		<h2>${title} <span class="count">${cards.length}</span></h2>
		${children}
		<ul class="dnd-list">${cards.map((c) => { const l = cardLine(c); return html`<li draggable="true" data-tag=${l.tag}
			onDragStart=${(e) => { e.dataTransfer.setData('text/plain', l.tag); e.dataTransfer.effectAllowed = 'move'; }}>
			<span class="grip" aria-hidden="true">⋮⋮</span><span class="what"><span>${l.text}</span><span class="hint">${l.sub}</span></span>
			<button type="button" class="move" aria-label=${moveLabel + ': ' + l.tag} title=${moveLabel} onClick=${() => onMove(l.tag)}>${arrow}</button></li>`; })}</ul>
		${!cards.length && html`<p class="hint empty">${t('cl.dropHere')}</p>`}
	</section>`;
}

function Editor({ id }) {
	const [all, setAll] = useState(null);
	const [inList, setInList] = useState([]);
	const [name, setName] = useState('');
	const [description, setDescription] = useState('');
	const [version, setVersion] = useState(null);
	const [q, setQ] = useState('');
	const [msg, setMsg] = useState(null);
	useEffect(() => {
		(async () => {
			try {
				const cards = (await get(qs('/api/v1/cards', { limit: 1000, sort: 'description' }))).items;
				setAll(cards);
				if (id) {
					const l = await get(`/api/v1/card-lists/${id}`);
					setName(l.name); setDescription(l.description || ''); setVersion(l.version);
					setInList(l.idTags.map((c) => c.idTag));
				}
			} catch (e) { setMsg(errMsg(e)); }
		})();
	}, []);
	const add = (tag) => setInList((l) => (l.includes(tag) ? l : [...l, tag]));
	const remove = (tag) => setInList((l) => l.filter((x) => x !== tag));
	async function save(e) {
		e.preventDefault();
		try {
			const body = { name, description, idTags: inList };
			const r = id ? await api('PUT', `/api/v1/card-lists/${id}`, body) : await api('POST', '/api/v1/card-lists', body);
			location.hash = '#/card-lists?saved=' + encodeURIComponent(r.name) + '&version=' + r.version;
		} catch (err) { setMsg(errMsg(err)); }
	}
	const byTag = new Map((all || []).map((c) => [c.idTag, c]));
	const lower = q.toLowerCase();
	const available = (all || []).filter((c) => !inList.includes(c.idTag) && (!q || [c.idTag, c.description, c.user && c.user.name, c.user && c.user.surname]
		.some((v) => v && v.toLowerCase().includes(lower))));
	const chosen = inList.map((tag) => byTag.get(tag) || { idTag: tag });
	return html`<main class="card-list-edit"><p class="crumbs"><a href="#/card-lists">${t('nav.cardLists')}</a> ›</p>
		<h1>${id ? t('cl.editTitle', { version: version || '' }) : t('cl.newTitle')}</h1>
		<form id="cl-form" onSubmit=${save}>
			<div class="form two panel">
				<div class="field"><label for="cl-name">${t('cl.name')} *</label><input id="cl-name" value=${name} onInput=${(e) => setName(e.target.value)} required maxlength="100" /></div>
				<div class="field"><label for="cl-description">${t('cl.description')}</label><input id="cl-description" value=${description} onInput=${(e) => setDescription(e.target.value)} maxlength="200" /></div>
			</div>
			<p class="hint">${t('cl.dragHint')}</p>
			<div class="dnd">
				<${Column} id="cl-available" title=${t('cl.available')} cards=${available} onDrop=${remove} moveLabel=${t('cl.add')} arrow="→" onMove=${add}>
					<label for="cl-q" class="sr">${t('cl.searchAvailable')}</label>
					<input id="cl-q" type="search" placeholder=${t('cl.searchAvailable')} value=${q} onInput=${(e) => setQ(e.target.value)} /><//>
				<${Column} id="cl-chosen" title=${t('cl.inList')} cards=${chosen} onDrop=${add} moveLabel=${t('cl.remove')} arrow="←" onMove=${remove} />
			</div>
			<${Msg} msg=${msg || (!all && { kind: 'info', text: t('common.waiting') })} />
			<div class="buttons"><a class="button" href="#/card-lists">${t('common.cancel')}</a>
				<button type="submit" class="primary" id="cl-save">${id ? t('common.save') : t('cl.create')}</button></div>
		</form></main>`;
}

export function CardListsPage({ route }) {
	const [res, setRes] = useState(null);
	const [sort, setSort] = useState('name');
	const [offset, setOffset] = useState(0);
	const saved = route.query.get('saved');
	const [msg, setMsg] = useState(null);
	const [del, setDel] = useState(null);
	async function load(s = sort, o = offset) {
		setSort(s); setOffset(o);
		try { setRes(await get(qs('/api/v1/card-lists', { sort: s, limit: LIMIT, offset: o }))); } catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => {
		if (route.arg !== '') return;
		setMsg(saved ? { kind: 'ok', text: t('cl.saved', { name: saved, version: route.query.get('version') }) } : null);
		load();
	}, [route.arg, saved]);
	if (route.arg) return html`<${Editor} id=${route.arg === 'new' ? null : route.arg} />`;
	async function remove(l) {
		try { await api('DELETE', `/api/v1/card-lists/${l.id}`); }
		catch (e) {
			if (e.code !== 'in_use') throw e;
			const d = await get(`/api/v1/card-lists/${l.id}`);
			throw new Error(t('cl.inUse', { name: l.name, stations: d.stationIds.join(', ') }));
		}
		load();
		return t('cl.deleted', { name: l.name });
	}
	const sortTh = (field, label) => html`<${SortTh} field=${field} sort=${sort} onSort=${(s) => load(s, 0)}>${label}<//>`;
	return html`<main class="card-lists"><h1>${t('nav.cardLists')}</h1>
		<p class="hint intro">${t('cl.intro')}</p>
		<div class="table-head"><span></span><a class="button primary" id="cl-new" href="#/card-lists/new">+ ${t('cl.new')}</a></div>
		<${Msg} msg=${msg} />
		${res && html`<div class="table-wrap"><table class="data" id="cl-table"><thead><tr>
			${sortTh('name', t('cl.name'))}${sortTh('version', t('cl.version'))}<th>${t('cl.cards')}</th><th>${t('cl.stations')}</th>
			${sortTh('created', t('cl.created'))}<th><span class="sr">${t('common.actions')}</span></th></tr></thead>
			<tbody>${res.items.map((l) => html`<tr data-list=${l.id} data-name=${l.name}>
				<td>${l.name}${l.description ? html`<br /><span class="hint">${l.description}</span>` : ''}</td><td class="version">${l.version}</td>
				<td class="cards">${l.cards}</td><td class="stations">${l.stations}</td><td>${fmtDateTime(l.created)}</td>
				<td class="row-actions"><a class="button edit" href=${'#/card-lists/' + l.id} aria-label=${t('common.edit') + ' ' + l.name}>${t('common.edit')}</a>
				<button type="button" class="delete danger" aria-label=${t('adm.delete') + ' ' + l.name} onClick=${() => setDel(l)}>${t('adm.delete')}</button></td></tr>`)}</tbody></table></div>
			${!res.items.length && html`<p class="hint">${t('common.none')}</p>`}
			<${Pager} total=${res.total} limit=${LIMIT} offset=${offset} onPage=${(o) => load(sort, o)} />`}
		${del && html`<${Confirm} title=${t('cl.delete')} text=${t('cl.deleteConfirm', { name: del.name })} okLabel=${t('adm.delete')}
			onClose=${() => setDel(null)} action=${() => remove(del)} />`}
	</main>`;
}
