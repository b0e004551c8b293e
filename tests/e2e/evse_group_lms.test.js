// evse_group_lms.test.js — the Master's Local Management System pages in a real headless Chromium (phone width)
// against a real Master (PRO) and an evse Satellite behind an ocpp-rpc central system: create a user with limits
// and see it listed (and a bad one refused with the Master's message), start a session and pause / resume it
// from the status page (confirmed in a dialog), change the load-balancing threshold, and find the session in
// the group's history. SHOTS=dir keeps screenshots (phone and desktop width).
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { freePort, until, Csms, Station, run, assert } = require('../integration/evse_harness');

const T = 30000;
const PW = 'group-admin-pass-2';
const SHOTS = process.env.SHOTS || '';
let csms, master, sat, base, browser, page;
const problems = [], dialogs = [];

process.on('exit', () => {
	for (const s of [master, sat]) if (s && s.proc && s.proc.exitCode === null) s.proc.kill('SIGKILL');
});

async function shot(name) { if (SHOTS) await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true }); }
async function text(sel) { return (await page.textContent(sel)) || ''; }
const point2 = 'section.point[data-point="2"]';

run([
	['a Master, a Satellite, a central system and Chromium', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		const gport = await freePort();
		master = new Station({ http_port: await freePort(), mode: 'WEB', edition: 'PRO', group_role: 'master',
			group_port: gport, group_satellites: 'SAT-A', ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/E2E-GROUP` });
		sat = new Station({ http_port: await freePort(), mode: 'WEB', group_role: 'satellite',
			ocpp_url: `ws://127.0.0.1:${gport}/ocpp/SAT-A` });
		master.start();
		await master.ready();
		sat.start();
		await sat.ready();
		base = `http://127.0.0.1:${master.opts.http_port}`;
		const code = await until(() => fs.existsSync(path.join(master.dir, 'setup-code')) && fs.readFileSync(path.join(master.dir, 'setup-code'), 'utf8').trim(), T, 'setup code');
		const r = await fetch(`${base}/api/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, password: PW }) });
		assert(r.status === 200, `setup ${r.status}`);
		if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
		browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
				'--disable-component-update', '--disable-sync'], timeout: 60000 });
		page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
		page.setDefaultTimeout(T);
		page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(m.text()); });
		page.on('pageerror', (e) => problems.push(String(e)));
		page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
	}],
	['log in; the Group link shows on a Master; create a user with limits and see it listed', async () => {
		await page.goto(`${base}/group-users.html`);
		await page.waitForURL(/login\.html/);
		await page.fill('#password', PW);
		await page.click('#login button[type=submit]');
		await page.waitForURL(/\/group-users\.html$/);
		await page.waitForSelector('#user:not([hidden])');
		await page.waitForSelector('nav a[href="group.html"]:not([hidden])');
		assert(await page.isChecked('input[name=access][value=authorised]'), 'authorised by default');
		await page.fill('#name', 'Ann Lee');
		await page.fill('#cards', '8c45be53, AB-77');
		await page.fill('#until', '2031-06-30T18:00');
		// allowed hours and days around now (the session below must be allowed at any hour the test runs): from an
		// hour ago to two hours ahead, on yesterday and today (a window across midnight belongs to its first day)
		const now = new Date(), pad = (n) => String(n).padStart(2, '0');
		const from = `${pad((now.getHours() + 23) % 24)}:00`, to = `${pad((now.getHours() + 2) % 24)}:00`;
		const week = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
		const ticked = [week[(now.getDay() + 6) % 7], week[now.getDay()]];
		const daysShown = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].filter((d) => ticked.includes(d)).join(' ');
		await page.fill('#hoursFrom', from);
		await page.fill('#hoursTo', to);
		for (const d of ticked) await page.check(`#days input[value=${d}]`);
		await page.fill('#maxSessions', '3');
		await page.fill('#maxKwh', '20');
		await page.click('#saveUser');
		await until(async () => (await text('#msg')) === 'Ann Lee saved.', T, 'saved');
		const row = await text('#users tr');
		assert(/Ann Lee/.test(row) && /8C45BE53000000, AB-77000000000/.test(row) && row.includes(`${from}–${to}, ${daysShown}`) &&
			/3 sessions, 20 kWh/.test(row), row);
		await shot('group-users');
		// a refusal of the Master is shown as it comes
		await page.fill('#name', 'Night owl');
		await page.fill('#cards', 'NIGHT-1');
		await page.fill('#hoursFrom', '22:00');
		await page.fill('#hoursTo', '22:00');
		await page.click('#saveUser');
		await until(async () => /hours: from and to are both 22:00/.test(await text('#msg.error')), T, 'refusal shown');
		assert((await page.$$('#users tr')).length === 1, 'the bad user was listed');
	}],
	['the status page: start a session, pause it (SuspendedEVSE, kept), resume it (Charging)', async () => {
		await page.click('nav a[href="group.html"]');
		await page.waitForURL(/\/group\.html$/);
		await page.waitForSelector(point2);
		assert(/SAT-A, connector 1/.test(await text(`${point2} h2`)), await text(`${point2} h2`));
		await until(async () => /^Available/.test(await text(`${point2} [data-field=status]`)), T, 'point 2 Available');
		assert(/connected/.test(await text('#link [data-field=connected]')), 'upstream shown connected');
		await page.fill(`${point2} input[type=text]`, 'AB-77');
		await page.click(`${point2} button[data-action=start]`);
		await until(async () => /RemoteStartTransaction sent to SAT-A/.test(await text('#msg')), T, 'start sent');
		await sat.sim('plug response_ms=200');
		await until(async () => /^Charging/.test(await text(`${point2} [data-field=status]`)), T, 'point 2 Charging');
		assert(/AB-77000000000 \(Ann Lee\)/.test(await text(`${point2} [data-field=card]`)), await text(`${point2} [data-field=card]`));
		await page.click(`${point2} button[data-action=pause]`);
		await until(async () => /SuspendedEVSE · paused/.test(await text(`${point2} [data-field=status]`)), T, 'paused in the page');
		const s = await sat.status();
		assert(s.state === 'SUSPENDED_EVSE' && s.session.active, JSON.stringify(s));
		await shot('group-paused');
		await page.click(`${point2} button[data-action=resume]`);
		await until(async () => /^Charging$/.test(await text(`${point2} [data-field=status]`)), T, 'charging again in the page');
		assert((await sat.status()).session.active, 'session kept');
		assert(!csms.of('StopTransaction').length, 'the pause stopped the transaction');
		assert(dialogs.some((d) => /Pause point 2\?/.test(d)) && dialogs.some((d) => /Resume point 2\?/.test(d)), dialogs.join(' | '));
	}],
	['change the load-balancing threshold', async () => {
		await page.fill('#threshold', '10');
		await page.click('#balance button[type=submit]');
		await until(async () => (await text('#msg')) === 'Threshold 10 A per phase saved.', T, 'threshold saved');
		await until(async () => { const x = await sat.status(); return x.limitA > 0 && x.limitA <= 10; }, T, 'the Satellite under 10 A');
		await until(async () => /^[0-9.]+ A$/.test(await text(`${point2} [data-field=limit]`)), T, 'the balancer\'s offer shown');
		await page.fill('#threshold', '3');
		await page.click('#balance button[type=submit]');
		await until(async () => /threshold: 3 A \(0 = no balancing, or 6\.\.800\)/.test(await text('#msg.error')), T, 'bad threshold refused');
		await shot('group-status');
		await page.setViewportSize({ width: 1100, height: 900 });
		await shot('group-status-desktop');
		await page.setViewportSize({ width: 390, height: 844 });
	}],
	['stop it; the history page lists it with its user, and the consumption', async () => {
		await page.click(`${point2} button[data-action=stop]`);
		await csms.waitFor('StopTransaction', () => true, T);
		await page.goto(`${base}/group-history.html`);
		await page.waitForSelector('#txBox:not([hidden])');
		await until(async () => /Ann Lee/.test(await text('#tx')) && /Remote/.test(await text('#tx')), T, 'history row');
		await page.fill('#q', 'nobody');
		await page.click('#filter button[type=submit]');
		await until(async () => !(await page.isHidden('#noTx')), T, 'no match');
		assert(/q=nobody/.test(await page.getAttribute('#csv', 'href')), 'the download follows the filter');
		assert((await page.$$('#cons tr')).length === 1, 'one consumption row');
		await shot('group-history');
		assert(problems.length === 0, problems.join('\n'));
		await browser.close();
		await sat.stop();
		await master.stop();
		await csms.close();
		master.cleanup();
		sat.cleanup();
	}],
]);
