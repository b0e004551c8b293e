// charge_users.js — Charge Users (manual section 4): the table of registered users, create (name, surname
// and tax code required), edit, delete with confirmation (a user with cards: say so, offer to delete the
// cards too), export to Excel. A new user is told they cannot charge until a card is assigned.
import { html, useState, useEffect, Modal, Confirm, Msg, errMsg, Pager, SortTh } from '../ui.js';
import { api, get, qs, download } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { useForm, Field } from '../form.js';

const LIMIT = 50;
const FIELDS = ['name', 'surname', 'taxCode', 'email', 'phone', 'address', 'notes'];
const REQUIRED = { name: true, surname: true, taxCode: true };

function UserForm({ user, onClose, onDone }) {
	const [f, set] = useForm(Object.fromEntries(FIELDS.map((k) => [k, (user && user[k]) || ''])));
	const [msg, setMsg] = useState(null);
	async function submit(e) {
		e.preventDefault();
		try {
			const r = user ? await api('PUT', `/api/v1/charge-users/${user.id}`, f) : await api('POST', '/api/v1/charge-users', f);
			onDone(r);
		} catch (err) { setMsg(errMsg(err)); }
	}
	const label = { name: t('cu.name'), surname: t('cu.surname'), taxCode: t('cu.taxCode'), email: t('cu.email'),
		phone: t('cu.phone'), address: t('cu.address'), notes: t('cu.notes') };
	return html`<${Modal} title=${user ? t('cu.edit') : t('cu.new')} onClose=${onClose} wide=${true}>
		<form id="cu-form" onSubmit=${submit}><div class="form two">
			${FIELDS.map((k) => html`<${Field} id=${'cu-' + k} label=${label[k]} value=${f[k]} onInput=${set(k)} req=${REQUIRED[k]}
				type=${k === 'email' ? 'email' : 'text'} max=${k === 'notes' || k === 'address' ? 500 : 200} />`)}
		</div><p class="hint">${t('cu.required')}</p>
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.cancel')}</button>
			<button type="submit" class="primary">${user ? t('common.save') : t('cu.create')}</button></div></form><//>`;
}

export function ChargeUsersPage() {
	const [res, setRes] = useState(null);
	const [q, setQ] = useState('');
	const [applied, setApplied] = useState('');
	const [sort, setSort] = useState('surname');
	const [offset, setOffset] = useState(0);
	const [msg, setMsg] = useState(null);
	const [dlg, setDlg] = useState(null); // {kind: 'new'|'edit'|'delete', user}
	async function load(s = sort, o = offset, query = applied) {
		setSort(s); setOffset(o); setApplied(query);
		try { setRes(await get(qs('/api/v1/charge-users', { q: query, sort: s, limit: LIMIT, offset: o }))); }
		catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => { load(); }, []);
	async function exportXlsx() {
		try { await download(qs('/api/v1/charge-users/export', { format: 'xlsx', q: applied, sort })); } catch (e) { setMsg(errMsg(e)); }
	}
	function done(r, created) {
		setDlg(null);
		setMsg(created
			? { kind: 'ok', text: t('cu.created', { name: `${r.name} ${r.surname}` }), cardFor: r.id }
			: { kind: 'ok', text: t('cu.saved', { name: `${r.name} ${r.surname}` }) });
		load();
	}
	async function remove(u) {
		const r = await api('DELETE', qs(`/api/v1/charge-users/${u.id}`, { cascade: u.cards ? 'true' : '' }));
		load();
		return r && r.cardsDeleted ? t('cu.deletedWithCards', { n: r.cardsDeleted }) : t('cu.deleted');
	}
	const sortTh = (field, label) => html`<${SortTh} field=${field} sort=${sort} onSort=${(s) => load(s, 0)}>${label}<//>`;
	return html`<main class="charge-users"><h1>${t('nav.chargeUsers')}</h1>
		<p class="hint intro">${t('cu.intro')}</p>
		<div class="table-head"><form class="inline" role="search" onSubmit=${(e) => { e.preventDefault(); load(sort, 0, q); }}>
			<label for="cu-q">${t('cu.search')}</label><input id="cu-q" value=${q} onInput=${(e) => setQ(e.target.value)} />
			<button type="submit" id="cu-search">${t('common.search')}</button></form>
			<div class="buttons-inline"><button type="button" id="cu-export" onClick=${exportXlsx} disabled=${!res || !res.total}>⬇ ${t('adm.exportExcel')}</button>
			<button type="button" class="primary" id="cu-new" onClick=${() => setDlg({ kind: 'new' })}>+ ${t('cu.new')}</button></div></div>
		${msg && html`<div class=${'msg ' + msg.kind} role=${msg.kind === 'error' ? 'alert' : 'status'} id="cu-msg">${msg.text}
			${msg.cardFor && html` <a href=${'#/cards?new=' + msg.cardFor} id="cu-add-card">${t('cu.addCard')}</a>`}</div>`}
		${res && html`<div class="table-wrap"><table class="data" id="cu-table"><thead><tr>
			${sortTh('surname', t('cu.surname'))}${sortTh('name', t('cu.name'))}${sortTh('taxCode', t('cu.taxCode'))}
			<th>${t('cu.email')}</th><th>${t('cu.phone')}</th><th>${t('cu.cards')}</th>${sortTh('created', t('cu.createdAt'))}
			<th><span class="sr">${t('common.actions')}</span></th></tr></thead>
			<tbody>${res.items.map((u) => html`<tr data-user=${u.id}>
				<td>${u.surname}</td><td>${u.name}</td><td>${u.taxCode}</td><td>${u.email || ''}</td><td>${u.phone || ''}</td>
				<td class="cards">${u.cards ? html`<a href=${'#/cards?user=' + u.id}>${u.cards}</a>` : html`<span class="warn" title=${t('cu.noCardHint')}>0</span>`}</td>
				<td>${fmtDateTime(u.created)}</td>
				<td class="row-actions"><button type="button" class="edit" aria-label=${t('common.edit') + ' ' + u.name + ' ' + u.surname} onClick=${() => setDlg({ kind: 'edit', user: u })}>${t('common.edit')}</button>
				<button type="button" class="delete danger" aria-label=${t('adm.delete') + ' ' + u.name + ' ' + u.surname} onClick=${() => setDlg({ kind: 'delete', user: u })}>${t('adm.delete')}</button></td></tr>`)}</tbody></table></div>
			${!res.items.length && html`<p class="hint">${t('common.none')}</p>`}
			<${Pager} total=${res.total} limit=${LIMIT} offset=${offset} onPage=${(o) => load(sort, o)} />`}
		${dlg && dlg.kind !== 'delete' && html`<${UserForm} user=${dlg.user} onClose=${() => setDlg(null)} onDone=${(r) => done(r, dlg.kind === 'new')} />`}
		${dlg && dlg.kind === 'delete' && html`<${Confirm} title=${t('cu.delete')} onClose=${() => setDlg(null)}
			text=${dlg.user.cards ? t('cu.deleteWithCards', { name: `${dlg.user.name} ${dlg.user.surname}`, n: dlg.user.cards }) : t('cu.deleteConfirm', { name: `${dlg.user.name} ${dlg.user.surname}` })}
			okLabel=${dlg.user.cards ? t('cu.deleteBoth') : t('adm.delete')} action=${() => remove(dlg.user)} />`}
	</main>`;
}
