// account.js — Change Password (manual section 13) and the placeholder of the pages part 2 brings.
import { html, useState, Msg, errMsg } from '../ui.js';
import { api } from '../api.js';
import { t } from '../i18n.js';

export function PasswordPage() {
	const [f, setF] = useState({ current: '', new: '', confirm: '' });
	const [msg, setMsg] = useState(null);
	const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
	async function submit(e) {
		e.preventDefault();
		try {
			await api('PUT', '/api/v1/auth/password', f);
			setMsg({ kind: 'ok', text: t('password.changed') });
			setF({ current: '', new: '', confirm: '' });
		} catch (err) { setMsg(errMsg(err)); }
	}
	const field = (k, auto) => html`<label for=${'pw-' + k}>${t('password.' + k)}</label>
		<input id=${'pw-' + k} type="password" value=${f[k]} onInput=${set(k)} required autocomplete=${auto} />`;
	return html`<main><h1>${t('nav.changePassword')}</h1>
		<form class="card narrow" onSubmit=${submit}><div class="form">
		${field('current', 'current-password')}${field('new', 'new-password')}${field('confirm', 'new-password')}</div>
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="submit" class="primary">${t('common.save')}</button></div></form></main>`;
}

export function ComingPage({ title }) {
	return html`<main><h1>${title}</h1><p class="card coming">${t('coming.text')}</p></main>`;
}
