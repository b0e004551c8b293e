// ui.js — Preact + htm (vendor/, copied from npm by `make web-vendor`) and the small shared components:
// a message line, a modal dialog, a confirm dialog, a pager. Text is always rendered as text (htm
// children), never as HTML.
import { h, render, Fragment } from '../vendor/preact.module.js';
import { useState, useEffect, useRef, useCallback, useMemo } from '../vendor/hooks.module.js';
import htm from '../vendor/htm.module.js';
import { t } from './i18n.js';

export const html = htm.bind(h);
export { h, render, Fragment, useState, useEffect, useRef, useCallback, useMemo };

// A message line: {kind: 'error'|'ok'|'info', text}. role=alert so screen readers hear failures.
export function Msg({ msg }) {
	if (!msg || !msg.text) return null;
	return html`<p class=${'msg ' + (msg.kind || 'info')} role=${msg.kind === 'error' ? 'alert' : 'status'}>${msg.text}</p>`;
}

export function errMsg(e) { return { kind: 'error', text: e && e.message ? e.message : String(e) }; }

export function Modal({ title, onClose, children, wide }) {
	const ref = useRef(null);
	useEffect(() => {
		const prev = document.activeElement;
		const el = ref.current && ref.current.querySelector('input, select, button.primary, button');
		if (el) el.focus();
		const onKey = (e) => { if (e.key === 'Escape') onClose(); };
		document.addEventListener('keydown', onKey);
		return () => { document.removeEventListener('keydown', onKey); if (prev && prev.focus) prev.focus(); };
	}, []);
	return html`<div class="backdrop" onClick=${(e) => { if (e.target === e.currentTarget) onClose(); }}>
		<div class=${'modal' + (wide ? ' wide' : '')} role="dialog" aria-modal="true" aria-label=${title} ref=${ref}>
			<header><h2>${title}</h2><button type="button" class="icon" aria-label=${t('common.close')} onClick=${onClose}>×</button></header>
			<div class="modal-body">${children}</div>
		</div></div>`;
}

// Asks, then runs action(); shows its answer (or failure) in words until closed.
export function Confirm({ title, text, action, onClose, okLabel }) {
	const [busy, setBusy] = useState(false);
	const [msg, setMsg] = useState(null);
	const [done, setDone] = useState(false);
	async function go() {
		setBusy(true);
		setMsg({ kind: 'info', text: t('common.waiting') });
		try {
			const text2 = await action();
			setMsg({ kind: 'ok', text: text2 || t('common.done') });
			setDone(true);
		} catch (e) { setMsg(errMsg(e)); }
		setBusy(false);
	}
	return html`<${Modal} title=${title} onClose=${onClose}>
		<p>${text}</p>
		<${Msg} msg=${msg} />
		<div class="buttons">
			${done ? html`<button type="button" class="primary" onClick=${onClose}>${t('common.close')}</button>` : html`
			<button type="button" onClick=${onClose}>${t('common.cancel')}</button>
			<button type="button" class="primary confirm" disabled=${busy} onClick=${go}>${okLabel || t('common.confirm')}</button>`}
		</div><//>`;
}

export function Pager({ total, limit, offset, onPage }) {
	if (!total) return null;
	const page = Math.floor(offset / limit) + 1, pages = Math.max(1, Math.ceil(total / limit));
	return html`<nav class="pager" aria-label=${t('common.pages')}>
		<button type="button" disabled=${offset === 0} onClick=${() => onPage(Math.max(0, offset - limit))}>‹ ${t('common.prev')}</button>
		<span>${t('common.pageOf', { page, pages, total })}</span>
		<button type="button" disabled=${page >= pages} onClick=${() => onPage(offset + limit)}>${t('common.next')} ›</button>
	</nav>`;
}

// A sortable column header: sort is "field" or "-field".
export function SortTh({ field, sort, onSort, children }) {
	const dir = sort === field ? 'ascending' : sort === '-' + field ? 'descending' : 'none';
	const next = sort === field ? '-' + field : field;
	return html`<th aria-sort=${dir}><button type="button" class="sort" onClick=${() => onSort(next)}>${children}${dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}</button></th>`;
}
