// operators.js — Operators (manual section 11): the table; create (every field but the phone required;
// the roles offered are those the signed-in role may create), edit, delete, reset a password (the new
// one shown once; it must be changed at the next sign-in); whether the confirmation e-mail went out.
import { html, useState, useEffect, Modal, Confirm, Msg, errMsg, Pager, SortTh } from '../ui.js';
import { api, get, qs } from '../api.js';
import { t, fmtDateTime, LANGS } from '../i18n.js';
import { CREATABLE } from '../roles.js';
import { useForm, Field } from '../form.js';

const LIMIT = 50;

export function roleLabel(r) {
	return { administrator: t('ops.role.administrator'), local_manager: t('ops.role.localManager'),
		maintenance_technician: t('ops.role.technician') }[r] || r;
}

function OperatorForm({ op, roles, onClose, onDone }) {
	const [f, set] = useForm({ username: op ? op.username : '', name: op ? op.name : '', surname: op ? op.surname : '',
		email: op ? op.email : '', phone: (op && op.phone) || '', language: op ? op.language : 'it', role: op ? op.role : roles[0],
		password: '', confirm: '' });
	const [msg, setMsg] = useState(null);
	async function submit(e) {
		e.preventDefault();
		if (!op && f.password !== f.confirm) { setMsg({ kind: 'error', text: t('setup.mismatch') }); return; }
		const { confirm, password, username, ...rest } = f;
		try {
			const r = op ? await api('PUT', `/api/v1/operators/${op.id}`, rest) : await api('POST', '/api/v1/operators', { ...rest, username, password });
			onDone(r);
		} catch (err) { setMsg(errMsg(err)); }
	}
	return html`<${Modal} title=${op ? t('ops.edit', { username: op.username }) : t('ops.new')} onClose=${onClose} wide=${true}>
		<form id="op-form" onSubmit=${submit}><div class="form two">
			<${Field} id="op-username" label=${t('setup.username')} value=${f.username} onInput=${set('username')} req=${true} max="64" readOnly=${!!op} hint=${op ? '' : t('ops.usernameHint')} />
			<div class="field"><label for="op-role">${t('ops.roleLabel')} *</label>
				<select id="op-role" value=${f.role} onChange=${set('role')}>${roles.map((r) => html`<option value=${r}>${roleLabel(r)}</option>`)}</select></div>
			<${Field} id="op-name" label=${t('setup.name')} value=${f.name} onInput=${set('name')} req=${true} max="100" />
			<${Field} id="op-surname" label=${t('setup.surname')} value=${f.surname} onInput=${set('surname')} req=${true} max="100" />
			<${Field} id="op-email" type="email" label=${t('setup.email')} value=${f.email} onInput=${set('email')} req=${true} max="200" />
			<${Field} id="op-phone" type="tel" label=${t('ops.phone')} value=${f.phone} onInput=${set('phone')} max="40" />
			<div class="field"><label for="op-language">${t('login.language')} *</label>
				<select id="op-language" value=${f.language} onChange=${set('language')}>${LANGS.map((l) => html`<option value=${l}>${t('lang.' + l)}</option>`)}</select></div>
			${!op && html`<span></span>
			<${Field} id="op-password" type="password" auto="new-password" label=${t('setup.password')} value=${f.password} onInput=${set('password')} req=${true} max="128" />
			<${Field} id="op-confirm" type="password" auto="new-password" label=${t('setup.confirm')} value=${f.confirm} onInput=${set('confirm')} req=${true} max="128" />`}
		</div><p class="hint">${t('ops.required')}</p>
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.cancel')}</button>
			<button type="submit" class="primary">${op ? t('common.save') : t('ops.create')}</button></div></form><//>`;
}

function ResetPassword({ op, onClose }) {
	const [res, setRes] = useState(null);
	const [msg, setMsg] = useState(null);
	const [busy, setBusy] = useState(false);
	async function go() {
		setBusy(true);
		try { setRes(await api('POST', `/api/v1/operators/${op.id}/password`, {})); setMsg(null); } catch (e) { setMsg(errMsg(e)); }
		setBusy(false);
	}
	return html`<${Modal} title=${t('ops.reset')} onClose=${onClose}>
		${!res ? html`<p>${t('ops.resetConfirm', { username: op.username })}</p>` : html`
			<p>${t('ops.resetDone', { username: op.username })}</p>
			<p class="once"><code id="op-temp-password">${res.temporaryPassword}</code></p>
			<p class="msg info">${t('ops.resetOnce')}</p>`}
		<${Msg} msg=${msg} />
		<div class="buttons">${res ? html`<button type="button" class="primary" onClick=${onClose}>${t('common.close')}</button>` : html`
			<button type="button" onClick=${onClose}>${t('common.cancel')}</button>
			<button type="button" class="primary confirm" disabled=${busy} onClick=${go}>${t('ops.reset')}</button>`}</div><//>`;
}

export function OperatorsPage({ user }) {
	const roles = CREATABLE[user.role] || [];
	const [res, setRes] = useState(null);
	const [sort, setSort] = useState('username');
	const [offset, setOffset] = useState(0);
	const [msg, setMsg] = useState(null);
	const [dlg, setDlg] = useState(null);
	async function load(s = sort, o = offset) {
		setSort(s); setOffset(o);
		try { setRes(await get(qs('/api/v1/operators', { sort: s, limit: LIMIT, offset: o }))); } catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => { load(); }, []);
	function done(r, created) {
		setDlg(null);
		setMsg({ kind: 'ok', text: created
			? `${t('ops.created', { username: r.username })} ${r.emailQueued ? t('ops.emailQueued', { email: r.email }) : t('ops.noEmail')}`
			: t('ops.saved', { username: r.username }) });
		load();
	}
	const sortTh = (field, label) => html`<${SortTh} field=${field} sort=${sort} onSort=${(s) => load(s, 0)}>${label}<//>`;
	return html`<main class="operators"><h1>${t('nav.operators')}</h1>
		<div class="table-head"><span class="hint">${t('ops.mayCreate', { roles: roles.map(roleLabel).join(', ') })}</span>
			${roles.length > 0 && html`<button type="button" class="primary" id="ops-new" onClick=${() => setDlg({ kind: 'new' })}>+ ${t('ops.new')}</button>`}</div>
		<${Msg} msg=${msg} />
		${res && html`<div class="table-wrap"><table class="data" id="ops-table"><thead><tr>
			${sortTh('username', t('setup.username'))}${sortTh('surname', t('setup.surname'))}<th>${t('setup.name')}</th><th>${t('setup.email')}</th>
			<th>${t('ops.phone')}</th>${sortTh('role', t('ops.roleLabel'))}<th>${t('login.language')}</th><th>${t('ops.lastLogin')}</th>
			<th><span class="sr">${t('common.actions')}</span></th></tr></thead>
			<tbody>${res.items.map((o) => { const mine = roles.includes(o.role); return html`<tr data-operator=${o.username}>
				<td>${o.username}${o.id === user.id ? html` <span class="hint">(${t('ops.you')})</span>` : ''}</td><td>${o.surname}</td><td>${o.name}</td><td>${o.email}</td><td>${o.phone || ''}</td>
				<td class="role">${roleLabel(o.role)}</td><td>${t('lang.' + o.language)}</td>
				<td>${fmtDateTime(o.lastLogin)}${o.mustChangePassword ? html`<br /><span class="hint">${t('ops.mustChange')}</span>` : ''}</td>
				<td class="row-actions">${mine && html`<button type="button" class="edit" onClick=${() => setDlg({ kind: 'edit', op: o })}>${t('common.edit')}</button>
					<button type="button" class="reset" onClick=${() => setDlg({ kind: 'reset', op: o })}>${t('ops.reset')}</button>
					${o.id !== user.id && html`<button type="button" class="delete danger" onClick=${() => setDlg({ kind: 'delete', op: o })}>${t('adm.delete')}</button>`}`}</td></tr>`; })}</tbody></table></div>
			<${Pager} total=${res.total} limit=${LIMIT} offset=${offset} onPage=${(o) => load(sort, o)} />`}
		${dlg && (dlg.kind === 'new' || dlg.kind === 'edit') && html`<${OperatorForm} op=${dlg.op} roles=${dlg.op && !roles.includes(dlg.op.role) ? [dlg.op.role] : roles}
			onClose=${() => setDlg(null)} onDone=${(r) => done(r, dlg.kind === 'new')} />`}
		${dlg && dlg.kind === 'reset' && html`<${ResetPassword} op=${dlg.op} onClose=${() => { setDlg(null); load(); }} />`}
		${dlg && dlg.kind === 'delete' && html`<${Confirm} title=${t('ops.delete')} text=${t('ops.deleteConfirm', { username: dlg.op.username })} okLabel=${t('adm.delete')}
			onClose=${() => setDlg(null)} action=${async () => { await api('DELETE', `/api/v1/operators/${dlg.op.id}`); load(); return t('ops.deleted', { username: dlg.op.username }); }} />`}
	</main>`;
}
