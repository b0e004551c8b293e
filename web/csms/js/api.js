// api.js — calls to the csms REST API (docs/api.md): JSON in and out, the X-CSRF-Token header on every
// write, every failure turned into an ApiError carrying the API's own message; a 401 of a signed-in
// page means the session expired (onExpired is told).
import { t } from './i18n.js';

let csrf = '';
let expiredHandler = null;
export function setCsrf(token) { csrf = token || ''; }
export function onExpired(fn) { expiredHandler = fn; }

export class ApiError extends Error {
	constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function send(method, path, body, raw) {
	const headers = {};
	if (body !== undefined && !raw) headers['content-type'] = 'application/json';
	if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
	try {
		return await fetch(path, { method, headers, credentials: 'same-origin',
			body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
	} catch (e) {
		throw new ApiError(0, 'network', t('err.network'));
	}
}

async function fail(r, opts) {
	let data = null;
	try { data = await r.json(); } catch { /* not JSON */ }
	const e = data && data.error ? data.error : {};
	const err = new ApiError(r.status, e.code || 'http', e.message || t('err.http', { status: r.status }));
	if (r.status === 401 && !(opts && opts.noExpire) && expiredHandler) expiredHandler(err);
	if (r.status === 403 && e.code === 'forbidden') err.message = t('err.forbidden', { message: err.message });
	return err;
}

export async function api(method, path, body, opts) {
	const r = await send(method, path, body, opts && opts.raw);
	if (!r.ok) throw await fail(r, opts);
	const text = await r.text();
	return text ? JSON.parse(text) : null;
}
export const get = (path, opts) => api('GET', path, undefined, opts);

// Builds "path?a=1&b=2" from an object, leaving out empty values.
export function qs(path, args) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(args || {})) if (v !== undefined && v !== null && v !== '') p.set(k, v);
	const s = p.toString();
	return s ? `${path}?${s}` : path;
}

// Downloads a file the API makes (Excel exports): fetched, so a refusal is shown in words, then saved.
export async function download(path) {
	const r = await send('GET', path);
	if (!r.ok) throw await fail(r);
	const blob = await r.blob();
	const cd = r.headers.get('content-disposition') || '';
	const m = /filename="([^"]+)"/.exec(cd);
	const a = document.createElement('a');
	a.href = URL.createObjectURL(blob);
	a.download = m ? m[1] : 'export.xlsx';
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
