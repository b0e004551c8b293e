// evse_webapp.test.js — the station's local web app in a real headless Chromium (Debian chromium driven by
// playwright-core) against a real evse on the simulator: first-start setup with the one-time code, login,
// the live State page following a plug-in, reading a tapped card into a slot, changing the max current,
// a session authorised from the app, the history CSV download, a scheduled start, a firmware upgrade on
// the Upgrade page (a wrong MD5 refused with E02, the right one installed and the station restarted).
// Phone-sized viewport.
// Every wait is for a condition, with generous time limits (a loaded 2-core machine runs it).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { freePort, until, Station, run, assert } = require('../integration/evse_harness');

const T = 30000; // the longest wait for one condition
let st, base, browser, page;
const problems = []; // console errors and CSP violations of the pages
const image = Buffer.concat([Buffer.from('WLFW WL-22 9.9.9\n'), crypto.randomBytes(100000)]);
const md5 = (b) => crypto.createHash('md5').update(b).digest('hex');

process.on('exit', (code) => {
	if (code && st) console.log('--- evse log (end) ---\n' + st.log.slice(-4000));
	if (st && st.proc && st.proc.exitCode === null) st.proc.kill('SIGKILL');
});

async function text(sel) { return (await page.textContent(sel)) || ''; }
async function waitText(sel, pred, what) {
	await until(async () => pred(await text(sel)), T, what || sel);
}
async function apiStatus() { return st.status(); }

run([
	['start evse and a phone-sized Chromium', async () => {
		st = new Station({ http_port: await freePort(), mode: 'PERSONAL', log_level: 'info' });
		st.start();
		await st.ready();
		base = `http://127.0.0.1:${st.opts.http_port}`;
		browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
				'--disable-component-update', '--disable-sync'], timeout: 60000 });
		const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
		page = await ctx.newPage();
		page.setDefaultTimeout(T);
		// refusals (401, 404 of the favicon) are logged by Chromium as failed loads: only script errors count
		page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(m.text()); });
		page.on('pageerror', (e) => problems.push(String(e)));
	}],
	['the settings ask for the one-time setup code, and it sets the password', async () => {
		await page.goto(`${base}/settings.html`);
		await page.waitForURL(/login\.html/);
		await page.waitForSelector('#setup:not([hidden])');
		const code = fs.readFileSync(path.join(st.dir, 'setup-code'), 'utf8').trim();
		assert(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/.test(code), `setup code "${code}"`);
		assert(st.log.includes(code), 'the setup code is in the log');
		await page.fill('#code', code.toLowerCase());
		await page.fill('#new-password', 'wallbox-pass-7');
		await page.fill('#confirm-password', 'wallbox-pass-7');
		await page.click('#setup button[type=submit]');
		await page.waitForURL(/settings\.html/);
		await page.waitForSelector('#settings:not([hidden])');
		assert(!fs.existsSync(path.join(st.dir, 'setup-code')), 'the setup-code file is removed once used');
	}],
	['log out, and log in with the new password', async () => {
		await page.click('#logout');
		await page.waitForURL(/index\.html/);
		await page.goto(`${base}/login.html?next=settings.html`);
		await page.waitForSelector('#login:not([hidden])');
		await page.fill('#password', 'wrong-password');
		await page.click('#login button[type=submit]');
		await waitText('#msg', (t) => /wrong password/.test(t), 'refusal shown');
		await page.fill('#password', 'wallbox-pass-7');
		await page.click('#login button[type=submit]');
		await page.waitForURL(/settings\.html/);
	}],
	['change the max current to 16 A and see it saved', async () => {
		await page.waitForSelector('#settings:not([hidden])');
		assert(await page.inputValue('#maxCurrent') === '32', 'default 32 A');
		await page.fill('#maxCurrent', '16');
		await page.click('#save');
		await waitText('#msg', (t) => /^Saved/.test(t), 'saved');
		await page.reload();
		await page.waitForSelector('#settings:not([hidden])');
		await until(async () => (await page.inputValue('#maxCurrent')) === '16', T, '16 A after reload');
		assert((await apiStatus()).limitA <= 16, 'the station obeys 16 A');
	}],
	['the State page follows a plug-in live', async () => {
		await page.goto(`${base}/index.html`);
		await waitText('#link', (t) => t === 'live', 'event stream');
		await waitText('[data-field=state]', (t) => t === 'AVAILABLE', 'AVAILABLE');
		assert((await text('[data-field=serialNumber]')) === 'WL-SIM-0001', 'serial number');
		await waitText('[data-field=gridVoltage]', (t) => / V$/.test(t) && parseFloat(t) > 200, 'grid voltage');
		await st.sim('plug');
		await waitText('[data-field=state]', (t) => t === 'PREPARING', 'PREPARING after the plug-in');
		await waitText('[data-field=cpVoltage]', (t) => parseFloat(t) < 10, 'CP voltage of state B');
		await st.sim('unplug');
		await waitText('[data-field=state]', (t) => t === 'AVAILABLE', 'AVAILABLE after unplugging');
	}],
	['read a tapped card and write it to slot 1', async () => {
		await page.goto(`${base}/cards.html`);
		await page.waitForSelector('#slots tr[data-slot="1"]');
		await page.click('#read');
		await waitText('#msg', (t) => /Hold the card/.test(t), 'waiting for a card');
		await st.sim('tap CARD42');
		await until(async () => (await page.inputValue('#uid')) === 'CARD42', T, 'the card number read');
		await page.click('#slots tr[data-slot="1"] button.write');
		await waitText('#slots tr[data-slot="1"] .uid', (t) => t === 'CARD42', 'slot 1 holds CARD42');
	}],
	['authorise a session from the app, follow it, stop it', async () => {
		await page.goto(`${base}/session.html`);
		await waitText('#link', (t) => t === 'live', 'event stream');
		await until(async () => (await page.$$('#slot option[value="1"]')).length === 1, T, 'card slot 1 offered');
		await page.click('#authorise');
		await waitText('#msg', (t) => /Authorised/.test(t), 'authorised');
		await st.sim('plug');
		await waitText('[data-field=state]', (t) => t === 'CHARGING', 'CHARGING');
		await waitText('[data-field=session]', (t) => /CARD42 \(APP\)/.test(t), 'session of CARD42 started from the app');
		await waitText('[data-field=energy]', (t) => parseFloat(t) > 0, 'energy counting');
		await page.click('#stop');
		await waitText('[data-field=session]', (t) => t === 'none', 'session ended');
		await st.sim('unplug');
		await waitText('[data-field=state]', (t) => t === 'AVAILABLE', 'AVAILABLE');
	}],
	['the history shows the session and downloads as CSV', async () => {
		await page.goto(`${base}/history.html`);
		await page.waitForSelector('#records tr');
		const row = await page.textContent('#records tr');
		assert(/CARD42/.test(row) && /APP/.test(row) && /kWh/.test(row), `record: ${row}`);
		const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
		const csv = fs.readFileSync(await dl.path(), 'utf8');
		assert(dl.suggestedFilename() === 'history.csv', dl.suggestedFilename());
		const lines = csv.trim().split(/\r?\n/);
		assert(lines[0] === 'no,start,end,start_mode,stop_mode,energy_kwh,id', lines[0]);
		assert(lines.length === 2 && /,APP,Local,[0-9.]+,CARD42$/.test(lines[1]), lines[1]);
	}],
	['schedule a start: no current is offered before its time', async () => {
		await page.goto(`${base}/session.html`);
		await waitText('#link', (t) => t === 'live', 'event stream');
		await page.fill('#delay', '30');
		await page.click('#plan');
		await waitText('#msg', (t) => /Start scheduled/.test(t), 'scheduled');
		await waitText('[data-field=scheduledStart]', (t) => t !== 'none' && t !== '—', 'scheduled start shown');
		const at = Date.parse((await apiStatus()).scheduledStart);
		assert(Math.abs(at - (Date.now() + 30 * 60000)) < 120000, `scheduled at ${new Date(at).toISOString()}`);
		await until(async () => (await page.$$('#slot option[value="1"]')).length === 1, T, 'card slot 1 offered');
		await page.click('#authorise');
		await waitText('#msg', (t) => /Authorised/.test(t), 'authorised');
		await st.sim('plug');
		await waitText('[data-field=state]', (t) => t === 'SUSPENDED_EVSE', 'the session waits for its time');
		assert((await apiStatus()).offeredA === 0, 'no current offered');
		await page.click('#unplan');
		await waitText('[data-field=state]', (t) => t === 'CHARGING', 'charging once the schedule is cancelled');
		await page.click('#stop');
		await waitText('[data-field=session]', (t) => t === 'none', 'session ended');
		await st.sim('unplug');
	}],
	['Upgrade: a wrong MD5 shows E02 UP and installs nothing', async () => {
		await page.goto(`${base}/upgrade.html`);
		await page.waitForSelector('#upgrade:not([hidden])');
		await page.setInputFiles('#file', { name: 'wl-22-9.9.9.bin', mimeType: 'application/octet-stream', buffer: image });
		await page.fill('#md5', 'f'.repeat(32));
		await page.click('#send');
		await waitText('#msg', (t) => /^E02 UP/.test(t), 'E02 UP shown');
		assert(/MD5 checksum does not match/.test(await text('#msg')), await text('#msg'));
		await until(async () => (await apiStatus()).display === 'E02 UP', T, 'E02 UP on the display');
		const fwDir = path.join(st.dir, 'firmware');
		assert(!fs.existsSync(path.join(fwDir, 'installed.bin')), 'nothing installed');
		assert(!fs.existsSync(fwDir) || fs.readdirSync(fwDir).every((f) => !f.endsWith('.part')), 'no upload left');
	}],
	['Upgrade: the right MD5 shows 100 UP; the station restarts with the image and asks for a new login', async () => {
		await page.fill('#md5', md5(image).toUpperCase());
		await page.click('#send');
		await waitText('#msg', (t) => /^100 UP/.test(t), '100 UP shown');
		// the station re-executes itself 3 s later: its login sessions (in memory) end, the password stays
		const cookie = (await page.context().cookies(base)).find((c) => c.name === 'wl_session');
		assert(cookie, 'a session cookie');
		await until(async () => {
			try {
				const r = await fetch(`${base}/api/auth`, { headers: { Cookie: `wl_session=${cookie.value}` } });
				return (await r.json()).loggedIn === false;
			} catch (e) { return false; } // down while it restarts
		}, T, 'the station restarted');
		await st.ready();
		const installed = fs.readFileSync(path.join(st.dir, 'firmware', 'installed.bin'));
		assert(md5(installed) === md5(image), 'installed.bin is the uploaded image');
		await page.goto(`${base}/upgrade.html`);
		await page.waitForURL(/login\.html/);
		await page.waitForSelector('#login:not([hidden])');
		await page.fill('#password', 'wallbox-pass-7');
		await page.click('#login button[type=submit]');
		await page.waitForURL(/upgrade\.html/);
		await page.waitForSelector('#upgrade:not([hidden])');
	}],
	['no script errors or CSP violations; stop', async () => {
		assert(problems.length === 0, problems.join('\n'));
		await browser.close();
		await st.stop();
		st.cleanup();
	}],
]).catch((e) => { console.log(e); process.exit(1); });
