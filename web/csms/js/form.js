// form.js — small helpers shared by the Master Data and Administration pages: a form's state, a labelled
// field, a date (without time) in the language's format and as an <input type=date> value.
import { html, useState } from './ui.js';
import { getLang } from './i18n.js';

// [values, set(key) -> input handler, setValues]
export function useForm(init) {
	const [f, setF] = useState(init);
	const set = (k) => (e) => setF((old) => ({ ...old, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value }));
	return [f, set, setF];
}

// A label and its input; `req` marks a required field.
export function Field({ id, label, value, onInput, type = 'text', req, max, auto, hint, readOnly }) {
	return html`<div class="field">
		<label for=${id}>${label}${req ? ' *' : ''}</label>
		<input id=${id} type=${type} value=${value} onInput=${onInput} required=${!!req} maxlength=${max}
			autocomplete=${auto || 'off'} readOnly=${!!readOnly} />
		${hint && html`<span class="hint">${hint}</span>`}</div>`;
}

export function fmtDate(iso) {
	if (!iso) return '–';
	const d = new Date(iso);
	if (isNaN(d)) return '–';
	return new Intl.DateTimeFormat(getLang() === 'it' ? 'it-IT' : 'en-GB', { dateStyle: 'short' }).format(d);
}

// RFC 3339 time -> "YYYY-MM-DD" of the local day (an <input type=date> value), '' for none.
export function toDateInput(iso) {
	if (!iso) return '';
	const d = new Date(iso);
	if (isNaN(d)) return '';
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// "YYYY-MM-DD" -> the local midnight of that day as RFC 3339 UTC; null for ''.
export function fromDateInput(v) {
	if (!v) return null;
	const [y, m, d] = v.split('-').map(Number);
	return new Date(y, m - 1, d).toISOString();
}

export function fmtSize(bytes) {
	if (bytes === null || bytes === undefined) return '–';
	const loc = getLang() === 'it' ? 'it-IT' : 'en-GB';
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1048576) return `${new Intl.NumberFormat(loc, { maximumFractionDigits: 1 }).format(bytes / 1024)} KiB`;
	return `${new Intl.NumberFormat(loc, { maximumFractionDigits: 1 }).format(bytes / 1048576)} MiB`;
}
