// account.js — Change Password (manual section 13); an operator whose password must be changed (after an
// Administrator's reset) is led here at sign-in (app.js).
import { html, useState, Msg, errMsg } from '../ui.js';
import { api } from '../api.js';
import { t } from '../i18n.js';

export function PasswordPage({ user }) {
	const [f, setF] = useState({ current: '', new: '', confirm: '' });
	const [msg, setMsg] = useState(null);
	const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
	async function submit(e) {
		e.preventDefault();
		if (f.new !== f.confirm) { setMsg({ kind: 'error', text: t('setup.mismatch') }); return; }
		try {
			await api('PUT', '/api/v1/auth/password', f);
			if (user) user.mustChangePassword = false;
			setMsg({ kind: 'ok', text: `${t('password.changed')} ${t('pw.othersEnded')}` });
			setF({ current: '', new: '', confirm: '' });
		} catch (err) { setMsg(errMsg(err)); }
	}
	const field = (k, auto) => html`<label for=${'pw-' + k}>${t('password.' + k)}</label>
		<input id=${'pw-' + k} type="password" value=${f[k]} onInput=${set(k)} required autocomplete=${auto} />`;
	return html`<main><h1>${t('nav.changePassword')}</h1>
		${user && user.mustChangePassword && html`<p class="msg info" id="pw-must">${t('pw.mustChange')}</p>`}
		<form class="card narrow" id="pw-form" onSubmit=${submit}><div class="form">
		${field('current', 'current-password')}${field('new', 'new-password')}${field('confirm', 'new-password')}</div>
		<p class="hint">${t('pw.rules')}</p>
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="submit" class="primary">${t('nav.changePassword')}</button></div></form></main>`;
}
