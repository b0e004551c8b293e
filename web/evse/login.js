// login.js — first start (setup code + new password) or log in; then back to the page that asked.
'use strict';

function next() {
	const n = new URLSearchParams(location.search).get('next') || 'settings.html';
	return /^[a-z][a-z-]*\.html$/.test(n) ? n : 'settings.html'; // only our own pages
}

function refusal(e) {
	if (e.status === 429) return `Too many wrong attempts: try again in ${e.retryAfter || 'a few'} s.`;
	return e.message;
}

document.addEventListener('DOMContentLoaded', async () => {
	const a = await WL.auth();
	if (a.loggedIn) { location.href = next(); return; }
	const setup = document.getElementById('setup'), login = document.getElementById('login');
	if (a.setupRequired) {
		setup.hidden = false;
		document.querySelector('h1').textContent = 'First start: set the password';
	} else {
		login.hidden = false;
	}
	setup.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const pw = document.getElementById('new-password').value;
		if (pw !== document.getElementById('confirm-password').value) {
			WL.say('msg', 'The two passwords differ.', 'error');
			return;
		}
		try {
			await WL.api('POST', '/api/setup', { code: document.getElementById('code').value.trim(), password: pw }, { noRedirect: true });
			location.href = next();
		} catch (e) { WL.say('msg', refusal(e), 'error'); }
	});
	login.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		try {
			await WL.api('POST', '/api/login', { password: document.getElementById('password').value }, { noRedirect: true });
			location.href = next();
		} catch (e) { WL.say('msg', refusal(e), 'error'); }
	});
});
