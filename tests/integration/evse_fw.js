// evse_fw.js — firmware update and diagnostics against an ocpp-rpc RPCServer in strict mode and a small node
// HTTP server: UpdateFirmware with a good image (.md5 sidecar) -> Installed and a restart whose BootNotification
// carries the new version; a wrong md5= parameter -> InstallationFailed and "E02 UP" on the display; a 404 ->
// DownloadFailed and "E03 UP"; the local POST /api/firmware (behind the web app's login: setup code, password,
// session cookie + CSRF token; md5, size limit); GetDiagnostics uploaded to the server.
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { freePort, until, Csms, Station, run, assert } = require('./evse_harness');

let csms, st, files, web, webPort;
const uploads = [];
const md5 = (b) => crypto.createHash('md5').update(b).digest('hex');
const good = Buffer.concat([Buffer.from('WLFW WL-22 1.2.3\n'), crypto.randomBytes(200000)]);
const other = crypto.randomBytes(5000);
const PW = 'upgrade-pass-42';

// POST /api/login as the browser does: the session cookie and the CSRF token of the session.
async function login(base) {
	const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ password: PW }) });
	const j = await res.json();
	assert(res.status === 200 && /^[0-9a-f]{32}$/.test(j.csrfToken), `login: ${res.status} ${JSON.stringify(j)}`);
	return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: j.csrfToken };
}

async function startWeb() {
	files = {
		'/fw/wl-22-1.2.3.bin': good,
		'/fw/wl-22-1.2.3.bin.md5': Buffer.from(`${md5(good)}  wl-22-1.2.3.bin\n`),
		'/fw/other.bin': other,
	};
	web = http.createServer((req, res) => {
		if (req.method === 'POST' && req.url.startsWith('/diag/')) {
			const chunks = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => { uploads.push({ headers: req.headers, body: Buffer.concat(chunks).toString() }); res.end('ok'); });
			return;
		}
		const f = files[req.url.split('?')[0]];
		if (!f) { res.statusCode = 404; res.end('not found'); return; }
		res.end(f);
	});
	webPort = await freePort();
	await new Promise((r) => web.listen(webPort, '127.0.0.1', r));
}

const fwStatuses = (since) => csms.calls.filter((c) => c.method === 'FirmwareStatusNotification' && c.at >= since)
	.map((c) => c.params.status);
// The statuses of the update started after since: from its first Downloading on (an Idle the station reports
// about the previous update, late under load, is not part of this one).
const updateStatuses = (since) => {
	const s = fwStatuses(since);
	const i = s.indexOf('Downloading');
	return i < 0 ? s : s.slice(i);
};

async function displayShows(text) {
	return until(async () => (await st.status()).display === text, 20000, `display "${text}"`);
}

run([
	['UpdateFirmware: good image -> Downloading, Downloaded, Installing, restart, Installed, new version', async () => {
		await startWeb();
		csms = new Csms();
		await csms.listen(await freePort());
		st = new Station({ http_port: await freePort(), mode: 'WEB', ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/CP-FW-1` });
		st.start();
		await st.ready();
		const boot = await csms.waitFor('BootNotification');
		assert(boot.params.firmwareVersion === '0.1.0', boot.params.firmwareVersion);
		await csms.waitFor('StatusNotification', (p) => p.connectorId === 1);
		const t0 = Date.now();
		const r = await csms.client().call('UpdateFirmware', { location: `http://127.0.0.1:${webPort}/fw/wl-22-1.2.3.bin`,
			retrieveDate: new Date().toISOString() });
		assert(Object.keys(r).length === 0);
		await until(() => csms.calls.some((c) => c.method === 'BootNotification' && c.params.firmwareVersion === '1.2.3'),
			20000, 'BootNotification with 1.2.3');
		await csms.waitFor('FirmwareStatusNotification', (p) => p.status === 'Installed', 10000);
		const seen = fwStatuses(t0).join(',');
		assert(seen === 'Downloading,Downloaded,Installing,Installed', seen);
		const installed = fs.readFileSync(path.join(st.dir, 'firmware', 'installed.bin'));
		assert(md5(installed) === md5(good), 'installed.bin is not the image');
		await st.ready();
		// the triggered Idle itself (not an older one), so that it cannot arrive during the next test
		const tTrigger = Date.now();
		const t = await csms.client().call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
		assert(t.status === 'Accepted');
		await until(() => fwStatuses(tTrigger).includes('Idle'), 5000, 'Idle');
	}],
	['UpdateFirmware: wrong md5= parameter -> InstallationFailed, E02 UP on the display', async () => {
		const t0 = Date.now();
		await csms.client().call('UpdateFirmware', { retrieveDate: new Date().toISOString(),
			location: `http://127.0.0.1:${webPort}/fw/other.bin?md5=${'0'.repeat(32)}` });
		await until(() => fwStatuses(t0).includes('InstallationFailed'), 15000, 'InstallationFailed');
		assert(updateStatuses(t0).join(',') === 'Downloading,Downloaded,Installing,InstallationFailed', fwStatuses(t0).join(','));
		await displayShows('E02 UP');
	}],
	['UpdateFirmware: 404 after the retries -> DownloadFailed, E03 UP on the display', async () => {
		const t0 = Date.now();
		await csms.client().call('UpdateFirmware', { retrieveDate: new Date().toISOString(), retries: 1, retryInterval: 1,
			location: `http://127.0.0.1:${webPort}/fw/missing.bin?md5=${md5(other)}` });
		await until(() => fwStatuses(t0).includes('DownloadFailed'), 15000, 'DownloadFailed');
		assert(updateStatuses(t0).join(',') === 'Downloading,DownloadFailed', fwStatuses(t0).join(','));
		await displayShows('E03 UP');
	}],
	['GetDiagnostics: the file is uploaded to the location (multipart POST)', async () => {
		const t0 = Date.now();
		const r = await csms.client().call('GetDiagnostics', { location: `http://127.0.0.1:${webPort}/diag/`,
			startTime: new Date(Date.now() - 86400000).toISOString() });
		assert(/^diagnostics-WL-SIM-0001-\d{8}T\d{6}Z\.txt$/.test(r.fileName), r.fileName);
		await csms.waitFor('DiagnosticsStatusNotification', (p) => p.status === 'Uploaded', 15000);
		const st1 = csms.calls.filter((c) => c.method === 'DiagnosticsStatusNotification' && c.at >= t0).map((c) => c.params.status);
		assert(st1.join(',') === 'Uploading,Uploaded', st1.join(','));
		assert(uploads.length === 1 && uploads[0].headers['content-type'].startsWith('multipart/form-data'));
		assert(uploads[0].body.includes(`filename="${r.fileName}"`) && uploads[0].body.includes('# Wattline evse diagnostics') &&
			uploads[0].body.includes('HeartbeatInterval='), uploads[0].body.slice(0, 300));
		const t1 = Date.now();
		await csms.client().call('GetDiagnostics', { location: `http://127.0.0.1:${webPort}/nowhere/`, retries: 0 });
		await until(() => csms.calls.some((c) => c.method === 'DiagnosticsStatusNotification' && c.at >= t1 &&
			c.params.status === 'UploadFailed'), 10000, 'UploadFailed');
	}],
	['local upload: POST /api/firmware needs a login (session cookie + CSRF token) and the right MD5, then 100 UP and a restart', async () => {
		const base = `http://127.0.0.1:${st.opts.http_port}`;
		const url = (m) => `${base}/api/firmware?md5=${m}`;
		let res = await fetch(url(md5(other)), { method: 'POST', body: other });
		let j = await res.json();
		assert(res.status === 401 && j.error.code === 'unauthorized', `no session: ${res.status} ${JSON.stringify(j)}`);
		res = await fetch(url(md5(other)), { method: 'POST', body: other, headers: { Authorization: 'Bearer tok-123' } });
		assert(res.status === 401, `a bearer token is no login: ${res.status}`);
		// first start: the setup code sets the password; then a login like the browser's
		const code = fs.readFileSync(path.join(st.dir, 'setup-code'), 'utf8').trim();
		res = await fetch(`${base}/api/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ code, password: PW }) });
		assert(res.status === 200, `setup: ${res.status} ${await res.text()}`);
		const admin = await login(base);
		res = await fetch(url(md5(other)), { method: 'POST', body: other, headers: { Cookie: admin.cookie } });
		j = await res.json();
		assert(res.status === 403 && j.error.code === 'forbidden', `no CSRF token: ${res.status} ${JSON.stringify(j)}`);
		res = await fetch(url(md5(other)), { method: 'POST', body: other,
			headers: { Cookie: 'wl_session=' + '0'.repeat(64), 'X-CSRF-Token': admin.csrf } });
		assert(res.status === 401, `forged cookie: ${res.status}`);
		const auth = { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/octet-stream' };
		res = await fetch(url('f'.repeat(32)), { method: 'POST', body: other, headers: auth });
		j = await res.json();
		assert(res.status === 422 && j.error.code === 'E02', JSON.stringify(j));
		await displayShows('E02 UP');
		res = await fetch(url('xyz'), { method: 'POST', body: other, headers: auth });
		j = await res.json();
		assert(res.status === 422 && j.error.code === 'E02' && /32 hex/.test(j.error.message), JSON.stringify(j));
		// larger than fw_max_kb (16 MiB): refused at its Content-Length, the body read and dropped
		res = await fetch(url(md5(other)), { method: 'POST', body: Buffer.alloc(16 * 1024 * 1024 + 1), headers: auth });
		j = await res.json();
		assert(res.status === 413 && j.error.code === 'E04', JSON.stringify(j));
		// an empty upload (Content-Length: 0) is refused with a message; the station stays up
		res = await fetch(url(md5(Buffer.alloc(0))), { method: 'POST', body: Buffer.alloc(0),
			headers: Object.assign({ 'Content-Length': '0' }, auth) });
		j = await res.json();
		assert(res.status === 400 && j.error.code === 'E04' && /empty/.test(j.error.message), JSON.stringify(j));
		assert((await st.status()).state, 'the station still answers after an empty upload');
		const left = fs.readdirSync(path.join(st.dir, 'firmware')).filter((f) => f.endsWith('.part'));
		assert(left.length === 0, `upload files left: ${left}`);
		res = await fetch(`${base}/api/firmware`, { headers: auth });
		assert(res.status === 405, `GET: ${res.status}`);
		const before = csms.of('BootNotification').length;
		res = await fetch(url(md5(other)), { method: 'POST', body: other, headers: auth });
		j = await res.json();
		assert(res.status === 200 && j.result === '100 UP', JSON.stringify(j));
		await displayShows('100 UP');
		const want = `local-${md5(other).slice(0, 8)}`;
		await until(() => csms.calls.slice(before).some((c) => c.method === 'BootNotification' &&
			c.params.firmwareVersion === want), 20000, `BootNotification with ${want}`);
		const installed = fs.readFileSync(path.join(st.dir, 'firmware', 'installed.bin'));
		assert(md5(installed) === md5(other), 'installed.bin is not the uploaded image');
		// the restart ended the login sessions (they live in memory); the password stays
		await st.ready();
		res = await fetch(url(md5(other)), { method: 'POST', body: other, headers: auth });
		assert(res.status === 401, `old session after the restart: ${res.status}`);
		const again = await login(base);
		assert(again.csrf && again.csrf !== admin.csrf, 'a new session');
	}],
	['every frame was valid for the official schemas; clean exit', async () => {
		assert(csms.failures.length === 0, `strict validation failures: ${csms.failures.join('; ')}`);
		await st.ready();
		await st.stop();
		await csms.close();
		web.close();
		st.cleanup();
	}],
]);
