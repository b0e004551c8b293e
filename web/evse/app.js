// app.js — shared by every page of the station's local web app: the API client (session cookie + CSRF
// token), the login guard, DOM helpers that only ever set text (nothing from the station is parsed as
// HTML), and the navigation bar.
'use strict';

const WL = (() => {
	let csrf = null;

	class ApiError extends Error {
		constructor(status, code, message, retryAfter) {
			super(message);
			this.status = status;
			this.code = code;
			this.retryAfter = retryAfter;
		}
	}

	async function auth() {
		const r = await fetch('/api/auth', { credentials: 'same-origin', cache: 'no-store' });
		const j = await r.json();
		csrf = j.csrfToken;
		return j;
	}

	function toLogin() {
		location.href = 'login.html?next=' + encodeURIComponent(location.pathname.replace(/^\//, '') || 'index.html');
	}

	// One API call: JSON in and out; a refusal becomes an ApiError with the station's message.
	async function api(method, path, body, opts = {}) {
		const init = { method, headers: {}, credentials: 'same-origin', cache: 'no-store' };
		if (method !== 'GET') {
			if (!csrf) await auth();
			init.headers['X-CSRF-Token'] = csrf || '';
			init.body = '';
		}
		if (opts.raw !== undefined) {
			init.headers['Content-Type'] = 'application/octet-stream';
			init.body = opts.raw;
		} else if (body !== undefined) {
			init.headers['Content-Type'] = 'application/json';
			init.body = JSON.stringify(body);
		}
		const r = await fetch(path, init);
		let j = null;
		try { j = await r.json(); } catch (e) { j = null; }
		if (r.status === 401 && !opts.noRedirect) toLogin();
		if (!r.ok) {
			const e = j && j.error ? j.error : {};
			throw new ApiError(r.status, e.code || String(r.status), e.message || r.statusText,
				Number(r.headers.get('Retry-After')) || 0);
		}
		return j;
	}

	// Pages behind the password call this first.
	async function requireLogin() {
		const a = await auth();
		if (!a.loggedIn) {
			toLogin();
			return new Promise(() => {}); // the page is going away: nothing more to do
		}
		return a;
	}

	// el('td', {className: 'num'}, 'text', child, ...): children are text or nodes, never markup.
	function el(tag, props, ...children) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(props || {})) {
			if (k === 'dataset') Object.assign(e.dataset, v);
			else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
			else e[k] = v;
		}
		for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
		return e;
	}

	function say(target, text, kind = 'info') {
		const m = typeof target === 'string' ? document.getElementById(target) : target;
		m.className = 'msg ' + kind;
		m.textContent = text;
	}

	function time(iso) {
		if (!iso) return '—';
		const d = new Date(iso);
		return isNaN(d) ? String(iso) : d.toLocaleString();
	}

	function num(v, digits) {
		return typeof v === 'number' && isFinite(v) ? v.toFixed(digits) : '—';
	}

	// The live status over Server-Sent Events (the browser reconnects by itself).
	function follow(onStatus, onLink) {
		const es = new EventSource('/api/events');
		es.onmessage = (ev) => { try { onStatus(JSON.parse(ev.data)); } catch (e) { /* a torn line: wait for the next */ } };
		es.onopen = () => onLink && onLink(true);
		es.onerror = () => onLink && onLink(false);
		return es;
	}

	function nav() {
		const here = location.pathname.replace(/^\//, '') || 'index.html';
		for (const a of document.querySelectorAll('nav a')) if (a.getAttribute('href') === here) a.setAttribute('aria-current', 'page');
		const out = document.getElementById('logout');
		if (!out) return;
		auth().then((a) => {
			out.hidden = !a.loggedIn;
			// the group's pages: a Master's only (404 elsewhere)
			for (const g of document.querySelectorAll('[data-group]')) g.hidden = !(a.loggedIn && a.groupMaster);
		}).catch(() => {});
		out.addEventListener('click', async () => {
			try { await api('POST', '/api/logout'); } catch (e) { /* gone already */ }
			location.href = 'index.html';
		});
	}

	document.addEventListener('DOMContentLoaded', nav);
	return { api, auth, requireLogin, el, say, time, num, follow, ApiError };
})();
