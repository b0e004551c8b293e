// cards.js — Cards (manual section 5): the table (id tag, description, parent code, charge user,
// activation, expiry, state), search and state filter; create and edit in the window of figure 5.1 (the
// ID tag's 14-character padding shown as it will be stored); delete with confirmation; Excel export.
import { html, useState, useEffect, Modal, Confirm, Msg, errMsg, Pager, SortTh } from '../ui.js';
import { api, get, qs, download } from '../api.js';
import { t } from '../i18n.js';
import { can } from '../roles.js';
import { useForm, Field, fmtDate, toDateInput, fromDateInput } from '../form.js';

const LIMIT = 50;

// The id tag as the csms stores it: upper case, zeros added at the end up to 14 characters.
export function storedTag(v) {
	const s = (v || '').trim().toUpperCase();
	return s.length && s.length < 14 ? s + '0'.repeat(14 - s.length) : s;
}

function stateLabel(s) {
	return { active: t('cards.state.active'), blocked: t('cards.state.blocked'), expired: t('cards.state.expired'),
		not_yet_valid: t('cards.state.notYetValid') }[s] || s;
}

function CardForm({ card, userId, onClose, onDone }) {
	const [users, setUsers] = useState(null);
	const [f, set] = useForm({
		userId: card ? String(card.userId || '') : String(userId || ''), parentIdTag: (card && card.parentIdTag) || '',
		idTag: card ? card.idTag : '', description: (card && card.description) || '',
		validFrom: toDateInput(card ? card.validFrom : new Date().toISOString()), expiry: toDateInput(card && card.expiry),
		blocked: !!(card && card.blocked),
	});
	const [msg, setMsg] = useState(null);
	useEffect(() => {
		get(qs('/api/v1/charge-users', { limit: 1000, sort: 'surname' })).then((r) => setUsers(r.items), (e) => setMsg(errMsg(e)));
	}, []);
	async function submit(e) {
		e.preventDefault();
		if (!f.userId) { setMsg({ kind: 'error', text: t('cards.needUser') }); return; }
		const body = { userId: Number(f.userId), parentIdTag: f.parentIdTag.trim() || null, description: f.description,
			validFrom: fromDateInput(f.validFrom), expiry: fromDateInput(f.expiry), blocked: f.blocked };
		try {
			const r = card ? await api('PUT', `/api/v1/cards/${encodeURIComponent(card.idTag)}`, body)
				: await api('POST', '/api/v1/cards', { ...body, idTag: f.idTag.trim(), validFrom: body.validFrom || undefined, expiry: body.expiry || undefined });
			onDone(r);
		} catch (err) { setMsg(errMsg(err)); }
	}
	const stored = storedTag(f.idTag);
	return html`<${Modal} title=${card ? t('cards.edit') : t('cards.new')} onClose=${onClose} wide=${true}>
		<form id="card-form" onSubmit=${submit}><div class="form two">
			<div class="field"><label for="card-user">${t('card.user')} *</label>
				<select id="card-user" value=${f.userId} onChange=${set('userId')} required>
					<option value="">${users ? t('cards.chooseUser') : '…'}</option>
					${(users || []).map((u) => html`<option value=${u.id}>${u.surname} ${u.name} (${u.taxCode})</option>`)}</select>
				${users && !users.length && html`<span class="hint">${t('cards.noUsers')} <a href="#/charge-users">${t('nav.chargeUsers')}</a></span>`}</div>
			<${Field} id="card-parent" label=${t('card.parent')} value=${f.parentIdTag} onInput=${set('parentIdTag')} max="20" hint=${t('cards.parentHint')} />
			<div class="field"><label for="card-tag">${t('card.idTag')} *</label>
				<input id="card-tag" value=${f.idTag} onInput=${set('idTag')} required maxlength="20" readOnly=${!!card} autocomplete="off" spellcheck="false" />
				<span class="hint" id="card-tag-stored">${card ? t('cards.tagFixed') : stored
					? html`${t('cards.storedAs')} <code class="tag">${stored}</code>` : t('cards.tagHint')}</span></div>
			<${Field} id="card-description" label=${t('card.description')} value=${f.description} onInput=${set('description')} max="200" />
			<${Field} id="card-from" type="date" label=${t('cards.activationDate')} value=${f.validFrom} onInput=${set('validFrom')} />
			<${Field} id="card-expiry" type="date" label=${t('cards.expiryDate')} value=${f.expiry} onInput=${set('expiry')} hint=${t('cards.expiryHint')} />
			<div class="field check"><input id="card-blocked" type="checkbox" checked=${f.blocked} onChange=${set('blocked')} />
				<label for="card-blocked">${t('cards.blocked')}</label></div>
		</div>
		<p class="hint">${t('cards.padHint')}</p>
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.cancel')}</button>
			<button type="submit" class="primary">${card ? t('common.save') : t('cards.create')}</button></div></form><//>`;
}

export function CardsPage({ user, route }) {
	const userFilter = route.query.get('user') || '';
	const newFor = route.query.get('new');
	const [res, setRes] = useState(null);
	const [f, setF] = useState({ q: '', state: '' });
	const [applied, setApplied] = useState({ q: '', state: '' });
	const [sort, setSort] = useState('idTag');
	const [offset, setOffset] = useState(0);
	const [msg, setMsg] = useState(null);
	const [dlg, setDlg] = useState(newFor ? { kind: 'new', userId: newFor } : null);
	const manage = can(user, 'cardsWrite');
	async function load(s = sort, o = offset, a = applied) {
		setSort(s); setOffset(o); setApplied(a);
		try { setRes(await get(qs('/api/v1/cards', { ...a, userId: userFilter, sort: s, limit: LIMIT, offset: o }))); }
		catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => { load(); }, []);
	async function exportXlsx() {
		try { await download(qs('/api/v1/cards/export', { format: 'xlsx', ...applied, userId: userFilter, sort })); } catch (e) { setMsg(errMsg(e)); }
	}
	function done(r) {
		setMsg({ kind: 'ok', text: dlg.kind === 'new' ? t('cards.created', { tag: r.idTag }) : t('cards.saved', { tag: r.idTag }) });
		setDlg(null);
		if (newFor) history.replaceState(null, '', '#/cards');
		load();
	}
	const sortTh = (field, label) => html`<${SortTh} field=${field} sort=${sort} onSort=${(s) => load(s, 0)}>${label}<//>`;
	return html`<main class="cards"><h1>${t('nav.cards')}</h1>
		<div class="table-head"><form class="inline" role="search" onSubmit=${(e) => { e.preventDefault(); load(sort, 0, f); }}>
			<label for="cards-q">${t('cards.search')}</label><input id="cards-q" value=${f.q} onInput=${(e) => setF({ ...f, q: e.target.value })} />
			<label for="cards-state">${t('cards.state')}</label>
			<select id="cards-state" value=${f.state} onChange=${(e) => setF({ ...f, state: e.target.value })}>
				<option value="">${t('cards.anyState')}</option>
				${['active', 'blocked', 'expired', 'not_yet_valid'].map((s) => html`<option value=${s}>${stateLabel(s)}</option>`)}</select>
			<button type="submit" id="cards-search">${t('common.search')}</button>
			${userFilter && html`<a href="#/cards" class="button" id="cards-all">${t('cards.allUsers')}</a>`}</form>
			${manage && html`<div class="buttons-inline"><button type="button" id="cards-export" onClick=${exportXlsx} disabled=${!res || !res.total}>⬇ ${t('adm.exportExcel')}</button>
			<button type="button" class="primary" id="cards-new" onClick=${() => setDlg({ kind: 'new' })}>+ ${t('cards.new')}</button></div>`}</div>
		<${Msg} msg=${msg} />
		${res && html`<div class="table-wrap"><table class="data" id="cards-table"><thead><tr>
			${sortTh('idTag', t('card.idTag'))}${sortTh('description', t('card.description'))}<th>${t('card.parent')}</th>
			${sortTh('user', t('card.user'))}${sortTh('validFrom', t('card.validFrom'))}${sortTh('expiry', t('card.expiry'))}
			<th>${t('cards.state')}</th>${manage && html`<th><span class="sr">${t('common.actions')}</span></th>`}</tr></thead>
			<tbody>${res.items.map((c) => html`<tr data-tag=${c.idTag}>
				<td><code class="tag">${c.idTag}</code></td><td>${c.description || ''}</td><td>${c.parentIdTag || ''}</td>
				<td>${c.user ? `${c.user.name} ${c.user.surname}` : '–'}</td><td class="from">${fmtDate(c.validFrom)}</td>
				<td class="expiry">${c.expiry ? fmtDate(c.expiry) : t('cards.noExpiry')}</td>
				<td><span class=${'badge card-' + c.state}>${stateLabel(c.state)}</span></td>
				${manage && html`<td class="row-actions"><button type="button" class="edit" aria-label=${t('common.edit') + ' ' + c.idTag} onClick=${() => setDlg({ kind: 'edit', card: c })}>${t('common.edit')}</button>
				<button type="button" class="delete danger" aria-label=${t('adm.delete') + ' ' + c.idTag} onClick=${() => setDlg({ kind: 'delete', card: c })}>${t('adm.delete')}</button></td>`}</tr>`)}</tbody></table></div>
			${!res.items.length && html`<p class="hint">${t('common.none')}</p>`}
			<${Pager} total=${res.total} limit=${LIMIT} offset=${offset} onPage=${(o) => load(sort, o)} />`}
		${dlg && dlg.kind !== 'delete' && html`<${CardForm} card=${dlg.card} userId=${dlg.userId} onClose=${() => setDlg(null)} onDone=${done} />`}
		${dlg && dlg.kind === 'delete' && html`<${Confirm} title=${t('cards.delete')} onClose=${() => setDlg(null)}
			text=${t('cards.deleteConfirm', { tag: dlg.card.idTag })} okLabel=${t('adm.delete')}
			action=${async () => { await api('DELETE', `/api/v1/cards/${encodeURIComponent(dlg.card.idTag)}`); load(); return t('cards.deleted', { tag: dlg.card.idTag }); }} />`}
	</main>`;
}
