// evse_model.js — the models on a real evse: a mode the model lacks is refused at start (exit 2, the message
// names the mode and what the model allows), the role is in the start log, and a settings change in the web
// app to a mode the model lacks is refused with 400 and the same message.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { freePort, Station, run, assert } = require('./evse_harness');

const bin = process.env.EVSE_BIN || 'build/asan/evse';
const URL = 'ws://127.0.0.1:9/ocpp/CP-M1';

function startRefused(args, pattern) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evse-model-'));
	const r = spawnSync(bin, ['--http_port=0', `--db=${path.join(dir, 'evse.db')}`, ...args], { encoding: 'utf8', timeout: 10000 });
	fs.rmSync(dir, { recursive: true, force: true });
	assert(r.status === 2, `exit ${r.status} for ${args.join(' ')}: ${r.stderr}`);
	assert(pattern.test(r.stderr), `"${r.stderr.trim()}" !~ ${pattern}`);
}

run([
	['a mode the model lacks is refused at start, with what the model allows', async () => {
		startRefused(['--edition=LITE', '--mode=WEB', `--ocpp_url=${URL}`],
			/^evse: mode WEB: not available on a LITE station \(LITE: FREE, PERSONAL \(app, no OCPP\)\)$/m);
		startRefused(['--edition=LITE', '--mode=PERSONAL', `--ocpp_url=${URL}`], /ocpp_url: a LITE station has no OCPP/);
		startRefused(['--edition=PRO', '--mode=FREE'], /mode FREE: not available on a PRO station \(PRO: WEB\/NET Master\)/);
		startRefused(['--edition=PRO', '--mode=PERSONAL'], /mode PERSONAL: not available on a PRO station/);
		startRefused(['--edition=GOLD'], /edition: "GOLD" is not one of the allowed values/);
	}],
	['an allowed pair starts and logs its model and group role', async () => {
		const st = new Station({ http_port: await freePort(), edition: 'LITE', mode: 'PERSONAL', log_level: 'info' });
		st.start();
		await st.ready();
		assert(/LITE, .*mode PERSONAL \(group role none\)/.test(st.log), st.log);
		await st.stop();
		st.cleanup();
	}],
	['a settings change to a mode the model lacks is refused (400) and nothing is saved', async () => {
		const st = new Station({ http_port: await freePort(), edition: 'LITE', mode: 'PERSONAL' });
		const pw = spawnSync(bin, [`--db=${st.opts.db}`, 'passwd'], { input: 'installer-pass-1\n' });
		assert(pw.status === 0, String(pw.stderr));
		st.start();
		await st.ready();
		const base = `http://127.0.0.1:${st.opts.http_port}`;
		const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ password: 'installer-pass-1' }) });
		assert(login.status === 200, `login ${login.status}`);
		const cookie = login.headers.get('set-cookie').split(';')[0];
		const { csrfToken } = await login.json();
		const h = { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrfToken };
		const r = await fetch(`${base}/api/settings`, { method: 'PUT', headers: h, body: JSON.stringify({ mode: 'WEB', ocppUrl: URL }) });
		const j = await r.json();
		assert(r.status === 400 && /mode WEB: not available on a LITE station/.test(j.error.message), JSON.stringify(j));
		const g = await (await fetch(`${base}/api/settings`, { headers: h })).json();
		assert(g.mode === 'PERSONAL' && !g.ocppUrl, JSON.stringify(g));
		await st.stop();
		st.cleanup();
	}],
]);
