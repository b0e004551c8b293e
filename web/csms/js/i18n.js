// i18n.js — the catalogs (i18n/en.json, i18n/it.json: one key per string) and the language's formats for
// dates, numbers and energy. t(key, {name}) fills {name}; a missing key shows the key itself.
const catalogs = {};
let lang = 'en';

export const LANGS = ['en', 'it'];
const LOCALES = { en: 'en-GB', it: 'it-IT' };

export async function loadCatalogs() {
	await Promise.all(LANGS.map(async (l) => {
		const r = await fetch(`i18n/${l}.json`);
		if (!r.ok) throw new Error(`catalog ${l}: HTTP ${r.status}`);
		catalogs[l] = await r.json();
	}));
}

export function setLang(l) {
	lang = LANGS.includes(l) ? l : 'en';
	document.documentElement.lang = lang;
}
export function getLang() { return lang; }

export function t(key, vars) {
	let s = (catalogs[lang] && catalogs[lang][key]) ?? (catalogs.en && catalogs.en[key]) ?? key;
	if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined && vars[k] !== null ? String(vars[k]) : m));
	return s;
}

export function fmtDateTime(iso) {
	if (!iso) return '–';
	const d = new Date(iso);
	if (isNaN(d)) return '–';
	return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'short', timeStyle: 'medium' }).format(d);
}
export function fmtNumber(n, digits = 0) {
	if (n === null || n === undefined || isNaN(n)) return '–';
	return new Intl.NumberFormat(LOCALES[lang], { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}
export function fmtKWh(wh) { return wh === null || wh === undefined ? '–' : `${fmtNumber(wh / 1000, 2)} kWh`; }
export function fmtDuration(s) {
	if (s === null || s === undefined) return '–';
	s = Math.max(0, Math.round(s));
	const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
	return `${hh}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}
