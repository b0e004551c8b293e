// app.js — the shell of the MMS: first start (setup code -> first Administrator), sign-in (figure 2.1),
// the navigation bar (2.2) with its account menu, and the pages by the address's #hash.
import { html, render, useState, useEffect, Msg, errMsg } from './ui.js';
import { api, get, setCsrf, onExpired } from './api.js';
import { t, loadCatalogs, setLang, getLang, LANGS } from './i18n.js';
import { liveStart, liveStop, subscribe } from './live.js';
import { can } from './roles.js';
import { HomePage } from './pages/home.js';
import { TransactionsPage } from './pages/transactions.js';
import { StationsPage } from './pages/stations.js';
import { StationPage } from './pages/station.js';
import { PasswordPage } from './pages/account.js';
import { ChargeUsersPage } from './pages/charge_users.js';
import { CardsPage } from './pages/cards.js';
import { CardListsPage } from './pages/card_lists.js';
import { SbcCardListPage } from './pages/sbc_card_list.js';
import { ViewsPage } from './pages/views.js';
import { OperatorsPage } from './pages/operators.js';
import { MaintenancePage } from './pages/maintenance.js';

// Pages by the first segment of the hash: #/home, #/transactions?..., #/stations/ID
const PAGES = {
	home: { component: HomePage },
	transactions: { component: TransactionsPage, need: 'transactions' },
	stations: { component: StationsPage },
	station: { component: StationPage },
	views: { component: ViewsPage, need: 'views' },
	cards: { component: CardsPage, need: 'cards' },
	'card-lists': { component: CardListsPage, need: 'cardLists' },
	'charge-users': { component: ChargeUsersPage, need: 'chargeUsers' },
	operators: { component: OperatorsPage, need: 'operators' },
	'sbc-card-list': { component: SbcCardListPage, need: 'sbcCardList' },
	maintenance: { component: MaintenancePage, need: 'maintenance' },
	password: { component: PasswordPage },
};

function parseHash() {
	const h = location.hash.replace(/^#\/?/, '');
	const [path, query] = h.split('?');
	const parts = path.split('/').map(decodeURIComponent);
	return { page: parts[0] || 'home', arg: parts[1] || '', query: new URLSearchParams(query || '') };
}

function useRoute() {
	const [route, setRoute] = useState(parseHash());
	useEffect(() => {
		const on = () => setRoute(parseHash());
		addEventListener('hashchange', on);
		return () => removeEventListener('hashchange', on);
	}, []);
	return route;
}

function LangSelect({ value, onChange, id }) {
	return html`<select id=${id} value=${value} onChange=${(e) => onChange(e.target.value)}>
		${LANGS.map((l) => html`<option value=${l}>${t('lang.' + l)}</option>`)}</select>`;
}

function SetupPage({ onDone }) {
	const [f, setF] = useState({ setupCode: '', username: '', name: '', surname: '', email: '', password: '', confirm: '' });
	const [msg, setMsg] = useState(null);
	const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
	async function submit(e) {
		e.preventDefault();
		if (f.password !== f.confirm) { setMsg({ kind: 'error', text: t('setup.mismatch') }); return; }
		const { confirm, ...body } = f;
		try {
			await api('POST', '/api/v1/setup', { ...body, setupCode: body.setupCode.trim() });
			onDone(t('setup.created', { username: f.username }));
		} catch (err) { setMsg(errMsg(err)); }
	}
	const field = (k, type = 'text', auto) => html`<label for=${'setup-' + k}>${t('setup.' + k)}</label>
		<input id=${'setup-' + k} name=${k} type=${type} value=${f[k]} onInput=${set(k)} required autocomplete=${auto || 'off'} />`;
	return html`<main class="signin"><form class="card" id="setup" onSubmit=${submit}>
		<h1>${t('setup.title')}</h1><p class="hint">${t('setup.hint')}</p>
		<div class="form">${field('setupCode')}${field('username', 'text', 'username')}${field('name')}${field('surname')}
		${field('email', 'email')}${field('password', 'password', 'new-password')}${field('confirm', 'password', 'new-password')}</div>
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="submit" class="primary">${t('setup.create')}</button></div>
	</form></main>`;
}

function LoginPage({ onLogin, notice }) {
	const [username, setUser] = useState('');
	const [password, setPw] = useState('');
	const [language, setLanguage] = useState(getLang());
	const [msg, setMsg] = useState(notice);
	async function submit(e) {
		e.preventDefault();
		setMsg(null);
		try {
			const r = await api('POST', '/api/v1/auth/login', { username, password, language }, { noExpire: true });
			onLogin({ ...r.operator, csrfToken: r.csrfToken });
		} catch (err) { setMsg(errMsg(err)); }
	}
	return html`<main class="signin"><form class="card" id="login" onSubmit=${submit}>
		<h1><span class="logo" aria-hidden="true">⚡</span> Wattline MMS</h1>
		<div class="form">
		<label for="username">${t('login.username')}</label>
		<input id="username" value=${username} onInput=${(e) => setUser(e.target.value)} required autocomplete="username" />
		<label for="password">${t('login.password')}</label>
		<input id="password" type="password" value=${password} onInput=${(e) => setPw(e.target.value)} required autocomplete="current-password" />
		<label for="language">${t('login.language')}</label>
		<${LangSelect} id="language" value=${language} onChange=${(l) => { setLanguage(l); setLang(l); }} />
		</div>
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="submit" class="primary">${t('login.submit')}</button></div>
	</form></main>`;
}

// A drop-down menu of the navigation bar, opened by click or keyboard; Escape closes it.
function Menu({ id, label, items, current }) {
	const [open, setOpen] = useState(false);
	useEffect(() => {
		if (!open) return;
		const close = (e) => { if (!e.target.closest || !e.target.closest('#' + id)) setOpen(false); };
		const key = (e) => { if (e.key === 'Escape') setOpen(false); };
		document.addEventListener('click', close);
		document.addEventListener('keydown', key);
		return () => { document.removeEventListener('click', close); document.removeEventListener('keydown', key); };
	}, [open]);
	const visible = items.filter((i) => !i.hidden);
	if (!visible.length) return null;
	const active = visible.some((i) => i.page && i.page === current);
	return html`<div class="menu" id=${id}>
		<button type="button" class=${active ? 'active' : ''} aria-haspopup="true" aria-expanded=${open} onClick=${() => setOpen(!open)}>${label} ▾</button>
		${open && html`<ul role="menu">${visible.map((i) => html`<li role="none">${i.href
			? html`<a role="menuitem" href=${i.href} id=${i.id} onClick=${() => setOpen(false)}>${i.label}</a>`
			: html`<button type="button" role="menuitem" id=${i.id} onClick=${() => { setOpen(false); i.onClick(); }}>${i.label}</button>`}</li>`)}</ul>`}
	</div>`;
}

function NavBar({ user, route, onLogout, onLanguage }) {
	const link = (page, label, id) => html`<a href=${'#/' + page} id=${id} class=${route.page === page ? 'active' : ''} aria-current=${route.page === page ? 'page' : undefined}>${label}</a>`;
	return html`<header class="topbar"><nav aria-label=${t('nav.main')}>
		<span class="brand"><span aria-hidden="true">⚡</span> Wattline MMS</span>
		${link('home', t('nav.home'), 'nav-home')}
		${can(user, 'transactions') && link('transactions', t('nav.transactions'), 'nav-transactions')}
		<${Menu} id="menu-master" label=${t('nav.masterData')} current=${route.page} items=${[
			{ href: '#/stations', label: t('nav.stations'), id: 'nav-stations', page: 'stations' },
			{ href: '#/views', label: t('nav.views'), id: 'nav-views', page: 'views', hidden: !can(user, 'views') },
			{ href: '#/cards', label: t('nav.cards'), id: 'nav-cards', page: 'cards', hidden: !can(user, 'cards') },
			{ href: '#/card-lists', label: t('nav.cardLists'), id: 'nav-card-lists', page: 'card-lists', hidden: !can(user, 'cardLists') },
			{ href: '#/charge-users', label: t('nav.chargeUsers'), id: 'nav-charge-users', page: 'charge-users', hidden: !can(user, 'chargeUsers') },
		]} />
		<${Menu} id="menu-admin" label=${t('nav.administration')} current=${route.page} items=${[
			{ href: '#/operators', label: t('nav.operators'), id: 'nav-operators', page: 'operators', hidden: !can(user, 'operators') },
			{ href: '#/sbc-card-list', label: t('nav.sbcCardList'), id: 'nav-sbc-card-list', page: 'sbc-card-list', hidden: !can(user, 'sbcCardList') },
			{ href: '#/maintenance', label: t('nav.maintenance'), id: 'nav-maintenance', page: 'maintenance', hidden: !can(user, 'maintenance') },
		]} />
		<span class="spacer"></span>
		<${Menu} id="menu-account" label=${user.username} current=${route.page} items=${[
			{ href: '#/password', label: t('nav.changePassword'), id: 'nav-password', page: 'password' },
			{ label: getLang() === 'en' ? 'Italiano' : 'English', id: 'nav-language', onClick: () => onLanguage(getLang() === 'en' ? 'it' : 'en') },
			{ label: t('nav.logout'), id: 'nav-logout', onClick: onLogout },
		]} />
	</nav></header>`;
}

function App() {
	const [phase, setPhase] = useState('loading'); // loading | setup | login | in | broken
	const [user, setUser] = useState(null);
	const [notice, setNotice] = useState(null);
	const [, setTick] = useState(0);
	const route = useRoute();

	function signedOut(text, kind = 'info') {
		liveStop();
		setCsrf('');
		setUser(null);
		setNotice(text ? { kind, text } : null);
		setPhase('login');
	}
	function signedIn(u) {
		setCsrf(u.csrfToken);
		setLang(u.language);
		setUser(u);
		setNotice(null);
		setPhase('in');
		liveStart();
		if (u.mustChangePassword) location.hash = '#/password'; // after an Administrator's reset (manual 13)
	}
	useEffect(() => {
		onExpired(() => signedOut(t('login.expired'), 'error'));
		(async () => {
			try {
				// the catalogs, the setup state and the session in parallel: the first screen waits for the slowest
				const me = get('/api/v1/auth/me', { noExpire: true }).then((u) => ({ u }), (e) => ({ e }));
				const [, health, who] = await Promise.all([loadCatalogs(), get('/api/v1/health'), me]);
				if (health.setupNeeded) { setPhase('setup'); return; }
				if (who.u) signedIn(who.u);
				else if (who.e.status === 401) setPhase('login');
				else throw who.e;
			} catch (e) { setNotice(errMsg(e)); setPhase('broken'); }
		})();
		// a stream that fails while signed in may be an expired session: ask, and go back to sign-in if so
		return subscribe((type, d) => {
			if (type === 'link' && d === 'closed') get('/api/v1/auth/me').catch(() => {});
		});
	}, []);

	async function logout() {
		try { await api('POST', '/api/v1/auth/logout'); } catch (e) { /* signed out all the same */ }
		signedOut(t('login.loggedOut'));
	}
	async function language(l) {
		try {
			await api('PUT', '/api/v1/auth/me', { language: l });
			setLang(l);
			setUser({ ...user, language: l });
			setTick((n) => n + 1);
		} catch (e) { alertError(e); }
	}

	if (phase === 'loading') return html`<p class="loading">…</p>`;
	if (phase === 'broken') return html`<main class="signin"><div class="card"><${Msg} msg=${notice} /></div></main>`;
	if (phase === 'setup') return html`<${SetupPage} onDone=${(text) => { setNotice({ kind: 'ok', text }); setPhase('login'); }} />`;
	if (phase === 'login') return html`<${LoginPage} notice=${notice} onLogin=${signedIn} />`;
	const p = PAGES[route.page];
	let body;
	if (!p) body = html`<main><p class="msg error" role="alert">${t('err.noPage')}</p></main>`;
	else if (p.need && !can(user, p.need)) body = html`<main><p class="msg error" role="alert">${t('err.notForRole')}</p></main>`;
	else body = html`<${p.component} key=${route.page + getLang()} user=${user} route=${route} title=${p.title && t(p.title)} />`;
	return html`<${NavBar} user=${user} route=${route} onLogout=${logout} onLanguage=${language} />${body}`;
}

function alertError(e) { window.alert(e.message); }

render(html`<${App} />`, document.getElementById('app'));
