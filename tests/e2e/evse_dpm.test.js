// evse_dpm.test.js — the local app's "Dynamic Power Management" page (000: app function 04, "Manage Dynamic
// Power Management functioning mode") in a real headless Chromium against a real evse reading the grid meter
// simulator over Modbus TCP: log in, see the live grid / house / EV figures, find ECOSMART and ECOPLUS
// locked without a renewable source, declare one and choose ECOPLUS, and see a refusal explained.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');
const { freePort, until, Station, run, assert } = require('../integration/evse_harness');

const T = 30000;
const PW = 'wallbox-pass-7';
let st, sim, base, browser, page, simOut = '';
const problems = [];

process.on('exit', () => {
	if (st && st.proc && st.proc.exitCode === null) st.proc.kill('SIGKILL');
	if (sim && sim.exitCode === null) sim.kill('SIGKILL');
});

async function text(sel) { return (await page.textContent(sel)) || ''; }

run([
	['start the meter simulator, evse with DPM, and Chromium', async () => {
		const mport = await freePort(), hport = await freePort();
		// the simulator reads the EV's current from the station itself (--evse-port): the loop is closed
		sim = spawn(process.env.METER_SIM || 'build/release/meter_sim', ['--port', String(mport), '--evse-port', String(hport)], { stdio: ['pipe', 'pipe', 'pipe'] });
		sim.stdout.on('data', (d) => { simOut += d; });
		await until(() => /ready/.test(simOut), T, 'meter_sim');
		sim.stdin.write('house 2070\npv 0\n');
		st = new Station({ http_port: hport, mode: 'FREE', dpm: 'true', dpm_limit: '25',
			dpm_meter_host: '127.0.0.1', dpm_meter_port: String(mport), dpm_poll_ms: '500' });
		st.start();
		await st.ready();
		base = `http://127.0.0.1:${st.opts.http_port}`;
		const code = await until(() => fs.existsSync(path.join(st.dir, 'setup-code')) && fs.readFileSync(path.join(st.dir, 'setup-code'), 'utf8').trim(), T, 'setup code');
		const r = await fetch(`${base}/api/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, password: PW }) });
		assert(r.status === 200, `setup ${r.status}`);
		browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
				'--disable-component-update', '--disable-sync'], timeout: 60000 });
		page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
		page.setDefaultTimeout(T);
		page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(m.text()); });
		page.on('pageerror', (e) => problems.push(String(e)));
	}],
	['the page asks for the password, then shows the live figures of the meter', async () => {
		await page.goto(`${base}/dpm.html`);
		await page.waitForURL(/login\.html/);
		await page.waitForSelector('#login:not([hidden])');
		await page.fill('#password', PW);
		await page.click('#login button[type=submit]');
		await page.waitForURL(/dpm\.html/);
		await page.waitForSelector('#dpm:not([hidden])');
		await until(async () => /^2\.0[0-9] kW$/.test(await text('[data-field="houseW"]')), T, 'house 2.07 kW');
		assert(/sdm630, answering/.test(await text('[data-field="meter"]')), await text('[data-field="meter"]'));
		assert(await text('[data-field="pvW"]') === 'no reading', 'no PV reading with an SDM630 alone');
		assert(await page.isChecked('#enabled'), 'DPM on');
		assert(await page.inputValue('#limit') === '25', 'limit from the config file');
		assert(await page.isDisabled('#mode option[value="ECOPLUS"]'), 'ECOPLUS locked without a renewable source');
		// an EV plugged: the meter sees it (closed loop), the page shows it apart from the house
		await st.sim('plug response_ms=100');
		await until(async () => /^1[0-9]\.[0-9]{2} kW$/.test(await text('[data-field="evW"]')) && /^2\.[01][0-9] kW$/.test(await text('[data-field="houseW"]')) &&
			/^1[0-9]\.[0-9]{2} kW$/.test(await text('[data-field="gridW"]')), T, 'EV 10+ kW, house 2.1 kW, grid with both')
			.catch(async (e) => {
				const shown = await Promise.all(['evW', 'houseW', 'gridW'].map((f) => text(`[data-field="${f}"]`)));
				throw new Error(`${e.message}; the page shows EV ${shown[0]}, house ${shown[1]}, grid ${shown[2]}`);
			});
	}],
	['declare a renewable source and choose ECOPLUS', async () => {
		await page.check('#renewable');
		assert(!(await page.isDisabled('#mode option[value="ECOPLUS"]')), 'ECOPLUS unlocked');
		await page.selectOption('#mode', 'ECOPLUS');
		await page.click('#dpm button[type=submit]');
		await until(async () => (await text('#msg')) === 'Saved.', T, 'saved');
		await until(async () => /no renewable surplus|deficit/.test(await text('[data-field="reason"]')), T, 'no surplus shown');
	}],
	['a refusal of the station is shown: ECOPLUS without a renewable source', async () => {
		await page.uncheck('#renewable');
		await page.click('#dpm button[type=submit]');
		await until(async () => /ECOPLUS needs a renewable source/.test(await text('#msg')), T, 'refusal shown');
		assert(problems.length === 0, problems.join('\n'));
		await browser.close();
		await st.stop();
		st.cleanup();
		sim.stdin.write('quit\n');
	}],
]);
