// evse_dpm.js — dynamic power management on a real evse against the grid meter simulator (build/release/
// meter_sim, libmodbus) over Modbus TCP on 127.0.0.1, the loop closed by relaying the station's own current
// to the simulator: a house load step lowers the EV current within 2 s; ECOPLUS pauses when the sun goes
// and resumes after the start delay; a silent meter gives ERR MET, the safe current and a StatusNotification
// with PowerMeterFailure, and recovery when it answers again; NaN / negative currents; the page's settings
// and their refusals; a bad register map refused at start; a serial (RTU) meter through a socat pty pair.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { freePort, sleep, until, Csms, Station, run, assert } = require('./evse_harness');

const METER_SIM = process.env.METER_SIM || 'build/release/meter_sim';
const PW = 'correct-horse-9';

// The meter simulator: commands on stdin, answers ("ok ..." / "error ...") on stdout.
class MeterSim {
	constructor(args) {
		this.out = '';
		this.proc = spawn(METER_SIM, args, { stdio: ['pipe', 'pipe', 'pipe'] });
		started.push(this.proc);
		this.proc.stdout.on('data', (d) => { this.out += d; });
		this.proc.stderr.on('data', (d) => { this.out += d; });
		this.exited = new Promise((r) => this.proc.on('exit', r));
	}
	ready() { return until(() => /ready/.test(this.out), 5000, 'meter_sim ready'); }
	cmd(line) { this.proc.stdin.write(line + '\n'); }
	async stop() { if (this.proc.exitCode === null) { this.cmd('quit'); await this.exited; } }
}

// A browser-like client of the station's web app (session cookie + CSRF token).
class Client {
	constructor(base) { this.base = base; this.cookie = ''; this.csrf = ''; }
	async req(method, p, body) {
		const h = {};
		if (this.cookie) h.Cookie = this.cookie;
		if (this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
		if (body !== undefined) h['Content-Type'] = 'application/json';
		const r = await fetch(this.base + p, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
		const sc = r.headers.get('set-cookie');
		if (sc) this.cookie = sc.split(';')[0];
		const text = await r.text();
		let json = null;
		try { json = JSON.parse(text); } catch (e) { json = null; }
		if (json && json.csrfToken) this.csrf = json.csrfToken;
		return { status: r.status, json, text };
	}
	async setup(dir) {
		const code = (await until(() => fs.existsSync(path.join(dir, 'setup-code')) &&
			fs.readFileSync(path.join(dir, 'setup-code'), 'utf8').trim(), 5000, 'setup code'));
		const r = await this.req('POST', '/api/setup', { code, password: PW });
		assert(r.status === 200, `setup ${r.status} ${r.text}`);
		const l = await this.req('POST', '/api/login', { password: PW });
		assert(l.status === 200, `login ${l.status} ${l.text}`);
	}
}

let sim, st, csms, web, relay;

// a failed test leaves nothing running behind it: every station and simulator started is killed at exit
const started = [];
process.on('exit', () => {
	for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

// Closed loop: the simulator's meter sees the station's EV current (the station's own meter).
function startRelay() {
	let busy = false;
	relay = setInterval(async () => {
		if (busy) return;
		busy = true;
		try { const s = await st.status(); sim.cmd(`ev ${s.outputCurrent}`); } catch (e) { /* restarting */ }
		busy = false;
	}, 100);
}

const DPM = {
	dpm: 'true', dpm_limit: '25', dpm_fault: '3', dpm_min_on: '1', dpm_min_off: '1', dpm_start_delay: '3',
	dpm_stop_delay: '3', dpm_ramp: '20', dpm_poll_ms: '250', dpm_timeout_ms: '200', dpm_switches_h: '0',
};

async function startAll() {
	const mport = await freePort();
	sim = new MeterSim(['--port', String(mport), '--model', 'sdm630', '--pv-slave', '2']);
	await sim.ready();
	sim.cmd('house 2070'); // 3 A per phase
	sim.cmd('pv 0');
	csms = new Csms();
	await csms.listen(await freePort());
	st = new Station(Object.assign({
		http_port: await freePort(), ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/CP-DPM`, mode: 'FREE',
		dpm_meter_host: '127.0.0.1', dpm_meter_port: String(mport), dpm_pv_slave: '2',
	}, DPM));
	st.start();
	started.push(st.proc);
	await st.ready();
	web = new Client(`http://127.0.0.1:${st.opts.http_port}`);
	await web.setup(st.dir);
	startRelay();
}

async function dpm() { const r = await web.req('GET', '/api/dpm'); assert(r.status === 200, r.text); return r.json; }

run([
	['the page shows the live figures of the meter; FULL leaves limit − other loads − margin', async () => {
		await startAll();
		await st.sim('plug response_ms=100');
		const s = await until(async () => { const x = await st.status(); return x.outputCurrent > 20 && Math.abs(x.offeredA - 21) < 0.3 && x; }, 10000, 'charging at 21 A');
		let last;
		const d = await until(async () => { const x = await dpm(); last = x; return x.evW > 3 * 230 * 19 && Math.abs(x.availableA - 22) < 0.3 && x; }, 10000, 'the EV in the figures').catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(last)}`); });
		assert(d.enabled === true && d.mode === 'FULL' && d.haveReading === true && d.meterFault === false, JSON.stringify(d));
		assert(Math.abs(d.availableA - 22) < 0.3, `available ${d.availableA}`); // 25 − 3
		assert(Math.abs(d.houseW - 2070) < 150 && d.gridW > d.evW, `house ${d.houseW} grid ${d.gridW}`);
		assert(s.limitA <= 21.05, `limit ${s.limitA}`);
	}],
	['a house load step lowers the EV current within 2 s of the meter showing it', async () => {
		sim.cmd('house 10350'); // 15 A per phase: 25 − 15 − 1 = 9 A
		const t0 = Date.now();
		await until(async () => (await st.status()).offeredA <= 9.05, 5000, 'offer 9 A');
		const dt = Date.now() - t0;
		assert(dt < 2000, `took ${dt} ms`);
		await until(async () => Math.abs((await st.status()).outputCurrent - 9) < 0.2, 3000, 'EV at 9 A');
		// the oven goes off: the offer climbs again, gradually
		sim.cmd('house 2070');
		await until(async () => Math.abs((await st.status()).offeredA - 21) < 0.3, 5000, 'back to 21 A');
	}],
	['the whole contract taken by the house: suspended (SuspendedEVSE), not ended; resumes when room', async () => {
		sim.cmd('house 14490'); // 21 A per phase: 4 A left
		await until(async () => (await st.status()).state === 'SUSPENDED_EVSE', 4000, 'SuspendedEVSE');
		assert((await st.status()).session.active, 'session still active');
		sim.cmd('house 2070');
		await until(async () => (await st.status()).state === 'CHARGING', 6000, 'charging again');
		await csms.waitFor('StatusNotification', (p) => p.status === 'SuspendedEVSE');
	}],
	['settings: ECOPLUS refused without a renewable source, bad values refused with the field named', async () => {
		let r = await web.req('PUT', '/api/dpm', { mode: 'ECOPLUS' });
		assert(r.status === 400 && /ECOPLUS needs a renewable source/.test(r.text), r.text);
		r = await web.req('PUT', '/api/dpm', { mode: 'TURBO' });
		assert(r.status === 400 && /mode: bad value/.test(r.text), r.text);
		r = await web.req('PUT', '/api/dpm', { limit: 3 });
		assert(r.status === 400 && /dpm_limit: 3 A/.test(r.text), r.text);
		r = await web.req('PUT', '/api/dpm', { minGridShare: -5 });
		assert(r.status === 400 && /minGridShare/.test(r.text), r.text);
		r = await web.req('PUT', '/api/dpm', { colour: 'red' });
		assert(r.status === 400 && /colour: unknown field/.test(r.text), r.text);
		r = await new Client(web.base).req('PUT', '/api/dpm', { mode: 'FULL' });
		assert(r.status === 401, `no session: ${r.status}`);
		// OCPP: the same rule for the vendor keys
		const cl = csms.client();
		let c = await cl.call('ChangeConfiguration', { key: 'WattlineDpmMode', value: 'ECOSMART' });
		assert(c.status === 'Rejected', JSON.stringify(c));
		c = await cl.call('ChangeConfiguration', { key: 'WattlineDpmLimit', value: '24' });
		assert(c.status === 'Accepted', JSON.stringify(c));
		await until(async () => (await dpm()).limit === 24, 3000, 'limit 24 in force');
		const g = await cl.call('GetConfiguration', { key: ['WattlineDpmLimit', 'WattlineDpmMode', 'WattlineDpmEnabled'] });
		const v = Object.fromEntries(g.configurationKey.map((k) => [k.key, k.value]));
		assert(v.WattlineDpmLimit === '24' && v.WattlineDpmMode === 'FULL' && v.WattlineDpmEnabled === 'true', JSON.stringify(v));
		// switched off: no limit from DPM, the meter still read; on again: no ERR MET on the way
		r = await web.req('PUT', '/api/dpm', { enabled: false });
		assert(r.status === 200 && r.json.enabled === false, r.text);
		await until(async () => (await st.status()).limitA === 32, 3000, 'no DPM limit');
		sim.cmd('house 4140');
		let off;
		await until(async () => { off = await dpm(); return Math.abs(off.houseW - 4140) < 150; }, 3000, 'figures kept fresh while off')
			.catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(off)}`); });
		assert(off.haveReading && !off.meterFault, JSON.stringify(off));
		sim.cmd('house 2070');
		r = await web.req('PUT', '/api/dpm', { enabled: true });
		assert(r.status === 200 && r.json.enabled === true, r.text);
		for (let i = 0; i < 10; i++) {
			assert((await st.status()).display !== 'ERR MET', 'no meter fault when switched on again');
			await sleep(100);
		}
		await until(async () => (await st.status()).limitA <= 24, 3000, 'DPM limit again');
		r = await web.req('PUT', '/api/dpm', { renewable: true, mode: 'ECOPLUS', limit: 25 });
		assert(r.status === 200 && r.json.mode === 'ECOPLUS' && r.json.renewable === true, r.text);
	}],
	['ECOPLUS: pauses when the sun goes, resumes only after the start delay', async () => {
		sim.cmd('house 690'); // 1 A per phase
		sim.cmd('pv 9660'); // 14 A per phase of production: 13 A of surplus
		await until(async () => { const s = await st.status(); return s.state === 'CHARGING' && Math.abs(s.offeredA - 13) < 0.6; }, 10000, 'charging on the surplus');
		// the PV feed's meter (unit id 2) gives the production; the house is grid − EV + PV
		let f;
		await until(async () => { f = await dpm(); return Math.abs(f.pvW - 9660) < 50 && Math.abs(f.houseW - 690) < 150 && Math.abs(f.gridW) < 400; }, 8000, 'PV and house figures, the EV taking the surplus')
			.catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(f)}`); });
		sim.cmd('pv 0');
		await until(async () => (await st.status()).state === 'SUSPENDED_EVSE', 8000, 'paused');
		const d = await dpm();
		assert(/no renewable surplus/.test(d.reason), d.reason);
		sim.cmd('pv 9660');
		const t0 = Date.now();
		await sleep(1500);
		assert((await st.status()).state === 'SUSPENDED_EVSE', 'not before the start delay');
		await until(async () => (await st.status()).state === 'CHARGING', 8000, 'resumed');
		const dt = Date.now() - t0;
		assert(dt >= 2900, `resumed after ${dt} ms (start delay 3 s)`);
		const r = await web.req('PUT', '/api/dpm', { mode: 'FULL' });
		assert(r.status === 200, r.text);
		sim.cmd('house 2070');
		sim.cmd('pv 0');
	}],
	['the meter stops answering: ERR MET, the safe current (0), StatusNotification PowerMeterFailure; then recovery', async () => {
		await until(async () => (await st.status()).state === 'CHARGING', 8000, 'charging');
		const before = csms.calls.length;
		sim.cmd('silent on');
		await until(async () => (await st.status()).display === 'ERR MET', 8000, 'ERR MET');
		const s = await st.status();
		assert(s.offeredA === 0 && s.limitA === 0, `offer ${s.offeredA}, limit ${s.limitA}`);
		assert(s.session.active, 'the session is not ended by a meter fault');
		const sn = await csms.waitFor('StatusNotification', (p) => p.errorCode === 'PowerMeterFailure', 5000);
		assert(sn.params.vendorErrorCode === 'ERR MET' && /grid meter: timeout/.test(sn.params.info) && sn.params.status === 'SuspendedEVSE', JSON.stringify(sn.params));
		assert(csms.calls.indexOf(sn) >= before, 'a new StatusNotification');
		const d = await dpm();
		assert(d.meterFault === true && /timeout/.test(d.meterError), JSON.stringify(d));
		sim.cmd('silent off');
		await until(async () => (await st.status()).state === 'CHARGING', 8000, 'charging again');
		assert((await st.status()).display !== 'ERR MET', 'display back to the rotation');
		const idx = csms.calls.indexOf(sn);
		await until(() => csms.calls.slice(idx + 1).find((c) => c.method === 'StatusNotification' && c.params.errorCode === 'NoError' && c.params.status === 'Charging'), 5000, 'StatusNotification NoError');
		assert(!(await dpm()).meterFault, 'fault cleared');
	}],
	['NaN or a negative current from the meter: a fault, never more current', async () => {
		for (const mode of ['nan', 'negative']) {
			sim.cmd(`${mode} on`);
			await until(async () => (await st.status()).display === 'ERR MET', 8000, `ERR MET on ${mode}`);
			const d = await dpm();
			assert(d.meterFault && (mode === 'nan' ? /not a number/ : /negative/).test(d.meterError), JSON.stringify(d));
			assert((await st.status()).offeredA === 0, 'nothing offered');
			sim.cmd(`${mode} off`);
			await until(async () => (await st.status()).state === 'CHARGING', 8000, 'charging again');
		}
		clearInterval(relay);
		await st.sim('unplug');
		await st.stop();
		st.cleanup();
		await sim.stop();
		await csms.close();
	}],
	['a bad register map or a missing meter is refused at start with a clear error', async () => {
		const cases = [
			[{ dpm_meter: 'custom', dpm_meter_map: 'i1@x p1@12' }, /meter map: entry 1 "i1@x": bad address/],
			[{ dpm_meter: 'custom', dpm_meter_map: 'i1@6 p1@12' }, /no i2 for a 3-phase station/],
			[{ dpm_meter: 'sdm120' }, /no i2 for a 3-phase station/],
			[{ dpm_meter_host: '' }, /no meter/],
			[{ dpm_mode: 'ECOPLUS' }, /ECOPLUS needs a renewable source/],
		];
		for (const [opts, re] of cases) {
			const bad = new Station(Object.assign({ http_port: await freePort(), dpm_meter_host: '127.0.0.1' }, DPM, opts));
			bad.start();
			started.push(bad.proc);
			const r = await bad.exited;
			assert(r.code !== 0 && re.test(bad.log), `${JSON.stringify(opts)}: ${r.code} ${bad.log}`);
			bad.cleanup();
		}
	}],
	['a serial (RTU) SDM120 through a socat pty pair', async () => {
		if (spawnSync('socat', ['-V']).status !== 0) throw new Error('socat is missing (scripts/install-deps.sh)');
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpm-rtu-'));
		const a = path.join(dir, 'meter'), b = path.join(dir, 'station');
		const socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
		try {
			await until(() => fs.existsSync(a) && fs.existsSync(b), 5000, 'pty pair');
			sim = new MeterSim(['--rtu', a, '--model', 'sdm120', '--baud', '19200', '--slave', '7']);
			await sim.ready();
			sim.cmd('house 1150'); // 5 A
			sim.cmd('pv 0');
			st = new Station(Object.assign({
				http_port: await freePort(), mode: 'FREE', power: '7400', phases: '1', dpm_meter: 'sdm120',
				dpm_meter_device: b, dpm_meter_baud: '19200', dpm_meter_slave: '7',
			}, DPM));
			st.start();
			started.push(st.proc);
			await st.ready();
			web = new Client(`http://127.0.0.1:${st.opts.http_port}`);
			await web.setup(st.dir);
			startRelay();
			await st.sim('plug response_ms=100 phases=1');
			await until(async () => { const s = await st.status(); return s.state === 'CHARGING' && Math.abs(s.offeredA - 19) < 0.3; }, 10000, 'charging at 25 − 5 − 1 A');
			const d = await dpm();
			assert(d.meter === 'sdm120' && d.haveReading && Math.abs(d.houseW - 1150) < 40, JSON.stringify(d));
			sim.cmd('silent on');
			await until(async () => (await st.status()).display === 'ERR MET', 8000, 'ERR MET over RTU');
			sim.cmd('silent off');
			await until(async () => (await st.status()).state === 'CHARGING', 8000, 'recovered over RTU');
		} finally {
			clearInterval(relay);
			if (st) { await st.stop().catch(() => {}); st.cleanup(); }
			if (sim) await sim.stop();
			socat.kill();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}],
]);
