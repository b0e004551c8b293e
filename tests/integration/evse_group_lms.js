// evse_group_lms.js — the Master's Local Management System over real processes: a Master (PRO) and two evse
// Satellites behind an ocpp-rpc strict central system, driven through the Master's /api/group routes with a
// logged-in client. A user with at most 1 session is authorised once, then refused (its tap answered Blocked
// by the Master, never asked upstream; a remote start's StartTransaction answered Blocked, the Satellite stops
// it); a pause puts the point in SuspendedEVSE with its transaction kept and a resume brings it back to
// Charging; a soft reset restarts one Satellite; the group's history has the session, with search, filter,
// CSV and xlsx downloads; the threshold changes at run time; UpdateFirmware reaches a Satellite and its
// FirmwareStatusNotification shows; bad input is refused with a clear message; a non-Master has no such pages.
'use strict';
const fs = require('fs');
const { execFileSync } = require('child_process');
const path = require('path');
const { RPCClient } = require('ocpp-rpc');
const XLSX = require('xlsx');
const { freePort, until, sleep, Csms, Station, run, assert } = require('./evse_harness');

const PW = 'group-admin-pass-1';
let csms, master, s1, s2, base, gport, other;

class Client {
	constructor() { this.cookie = ''; this.csrf = ''; }
	async req(method, p, body, headers = {}) {
		const h = Object.assign({}, headers);
		if (this.cookie) h.Cookie = this.cookie;
		if (this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
		let b;
		if (body !== undefined) {
			b = JSON.stringify(body);
			h['Content-Type'] = 'application/json';
		}
		const r = await fetch(base + p, { method, headers: h, body: b });
		const sc = r.headers.get('set-cookie');
		if (sc) this.cookie = sc.split(';')[0];
		const buf = Buffer.from(await r.arrayBuffer());
		const text = buf.toString('utf8');
		let json = null;
		try { json = JSON.parse(text); } catch (e) { json = null; }
		if (json && json.csrfToken) this.csrf = json.csrfToken;
		return { status: r.status, json, text, buf, headers: r.headers };
	}
}
const admin = new Client();

function refused(r, status, pattern) {
	assert(r.status === status, `expected ${status}, got ${r.status}: ${r.text}`);
	assert(r.json && r.json.error && pattern.test(r.json.error.message), `message ${r.text} !~ ${pattern}`);
}
const statusOf = (k) => {
	const s = csms.of('StatusNotification').filter((c) => c.params.connectorId === k);
	return s.length ? s[s.length - 1].params.status : undefined;
};
const stateOf = async (st) => { try { return await st.status(); } catch (e) { return {}; } };
const group = async () => (await admin.req('GET', '/api/group')).json;

run([
	['a Master and two Satellites; the admin logs in on the Master', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: 'S1,S2', log_level: 'info',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-LMS` });
		master.start();
		await master.ready();
		base = `http://127.0.0.1:${master.opts.http_port}`;
		s1 = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-S1', group_role: 'satellite',
			ocpp_url: `ws://127.0.0.1:${gport}/ocpp/S1` });
		s2 = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-S2', group_role: 'satellite',
			ocpp_url: `ws://127.0.0.1:${gport}/ocpp/S2` });
		s1.start();
		s2.start();
		await s1.ready();
		await s2.ready();
		await until(() => statusOf(2) === 'Available' && statusOf(3) === 'Available', 15000, 'satellites available');
		const code = await until(() => fs.existsSync(path.join(master.dir, 'setup-code')) &&
			fs.readFileSync(path.join(master.dir, 'setup-code'), 'utf8').trim(), 5000, 'setup code');
		const r = await admin.req('POST', '/api/setup', { code, password: PW });
		assert(r.status === 200, r.text);
		// not logged in: refused
		const anon = new Client();
		refused(await anon.req('GET', '/api/group'), 401, /./);
		const g = await group();
		assert(g.points.length === 3, JSON.stringify(g));
		assert(g.points[1].satellite === 'S1' && g.points[1].connected && g.points[1].status === 'Available', JSON.stringify(g.points[1]));
		assert(g.upstream.connected && g.upstream.url.endsWith('/ocpp/GROUP-LMS') && g.upstream.lastMessage, JSON.stringify(g.upstream));
		assert(g.access === 'authorised' && g.thresholdA === 0 && !g.balancing, JSON.stringify(g));
	}],
	['bad input is refused with a clear message', async () => {
		refused(await admin.req('POST', '/api/group/users', { name: 'X', cards: ['C1'], from: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' }),
			400, /^until: must be after from$/);
		refused(await admin.req('POST', '/api/group/users', { name: 'X', cards: ['C1'], hours: { from: '07:00', to: '24:30' } }),
			400, /^hours: "24:30" is not a time of 00:00\.\.23:59$/);
		refused(await admin.req('POST', '/api/group/users', { name: 'X', cards: ['bad card'] }), 400, /cards: "bad card" is not a card/);
		refused(await admin.req('POST', '/api/group/points/9/pause', {}), 404, /^no point "9\/pause" \(1\.\.3\)$/);
		refused(await admin.req('POST', '/api/group/points/2/explode', {}), 404, /no action "explode"/);
		refused(await admin.req('PUT', '/api/group/points/2/limit', { limitA: 90 }), 400, /limitA: 90 out of range \(0 = the point's maximum, or 6\.\.80\)/);
		refused(await admin.req('PUT', '/api/group/settings', { thresholdA: 5 }), 400, /^threshold: 5 A \(0 = no balancing, or 6\.\.800\)$/);
		// numbers out of an int's range: refused before any cast
		refused(await admin.req('PUT', '/api/group/settings', { thresholdA: 1e10 }), 400, /^thresholdA: not a whole number of amperes$/);
		refused(await admin.req('PUT', '/api/group/points/2/limit', { limitA: -1e300 }), 400, /^limitA: a whole number of amperes/);
		refused(await admin.req('POST', '/api/group/firmware', { point: 1e10, location: 'http://127.0.0.1:9/x.bin' }), 400, /^point: a whole number/);
		refused(await admin.req('PUT', '/api/group/settings', { access: 'open' }), 400, /access: "open" is not free or authorised/);
		refused(await admin.req('POST', '/api/group/firmware', { point: 2, location: 'file:///etc/passwd' }), 400, /location: .* is not an http\(s\):\/\/ or ftp:\/\/ URL/);
		refused(await admin.req('POST', '/api/group/points/2/stop', {}), 409, /no transaction known on point 2/);
		refused(await admin.req('GET', '/api/group/transactions?from=2026-13-01'), 400, /from: "2026-13-01" is not a date/);
		refused(await admin.req('DELETE', '/api/group/users/77'), 404, /no user 77/);
	}],
	['a user with at most 1 session: authorised once, then refused (tap and remote start)', async () => {
		const u = await admin.req('POST', '/api/group/users', { name: 'Ann Lee', cards: ['LMS-1'], maxSessions: 1 });
		assert(u.status === 201 && u.json.id > 0 && u.json.cards[0] === 'LMS-1000000000', u.text);
		const dup = await admin.req('POST', '/api/group/users', { name: 'Bob', cards: ['lms-1'] });
		refused(dup, 409, /card LMS-1000000000 belongs to another user/);
		const list = (await admin.req('GET', '/api/group/users')).json;
		assert(list.users.length === 1 && list.users[0].maxSessions === 1, JSON.stringify(list));
		// first session: a start from the LMS (RemoteStartTransaction to S1), allowed
		const st = await admin.req('POST', '/api/group/points/2/start', { idTag: 'LMS-1' });
		assert(st.status === 202, st.text);
		await s1.sim('plug response_ms=200');
		const start = await csms.waitFor('StartTransaction', (p) => p.idTag === 'LMS-1');
		assert(start.params.connectorId === 2, JSON.stringify(start.params));
		await until(async () => (await stateOf(s1)).state === 'CHARGING', 10000, 'S1 charging');
		await until(async () => { const g = await group(); return g.points[1].session && g.points[1].session.transactionId; }, 5000, 'session on the status page');
		const p2 = (await group()).points[1];
		assert(p2.session.idTag === 'LMS-1000000000' && p2.session.user === 'Ann Lee' && p2.session.durationS >= 0, JSON.stringify(p2));
		await sleep(1500);
		const stop = await admin.req('POST', '/api/group/points/2/stop', {});
		assert(stop.status === 202, stop.text);
		await csms.waitFor('StopTransaction', (q) => q.transactionId === p2.session.transactionId);
		await until(async () => (await stateOf(s1)).state !== 'CHARGING', 10000, 'S1 stopped');
		await s1.sim('unplug');
		await until(() => statusOf(2) === 'Available', 10000, 'S1 available');
		// the same card tapped again: refused by the Master (Blocked), not asked upstream
		const asked = csms.of('Authorize').length;
		await s1.sim('tap LMS-1');
		await until(() => /card LMS-1 of Ann Lee refused \(Blocked\): maximum number of sessions reached \(1 sessions/.test(master.log), 5000, 'refusal logged');
		await sleep(300);
		assert(csms.of('Authorize').length === asked, 'the refused card was asked upstream');
		await s1.sim('plug response_ms=200');
		await sleep(1500);
		assert(!(await stateOf(s1)).session.active, 'a session started for the refused card');
		await s1.sim('unplug');
		// a remote start of the card from upstream on S1's connector: Rejected by the Master, never passed down
		const rs = await csms.client().call('RemoteStartTransaction', { idTag: 'LMS-1', connectorId: 2 });
		assert(rs.status === 'Rejected', JSON.stringify(rs));
		assert(/connector 2: remote start of LMS-1 rejected \(Blocked, the LMS rules\)/.test(master.log), 'no log of the rejection');
		await sleep(300);
		assert(!(await stateOf(s1)).session.authorized, 'S1 took the refused remote start');
		// and from the Points page: refused, as on the Master's own socket
		refused(await admin.req('POST', '/api/group/points/2/start', { idTag: 'LMS-1' }), 409, /^LMS-1 refused \(Blocked, the LMS rules\)$/);
		// a remote start accepted, its user's limit lowered before the EV plugs in: its StartTransaction is
		// answered Blocked, the Satellite ends it
		const uid = list.users[0].id;
		assert((await admin.req('PUT', `/api/group/users/${uid}`, { name: 'Ann Lee', cards: ['LMS-1'], maxSessions: 5 })).status === 200);
		const stops = csms.of('StopTransaction').length;
		assert((await admin.req('POST', '/api/group/points/2/start', { idTag: 'LMS-1' })).status === 202);
		await until(async () => (await stateOf(s1)).session.authorized, 5000, 'S1 took the remote start');
		assert((await admin.req('PUT', `/api/group/users/${uid}`, { name: 'Ann Lee', cards: ['LMS-1'], maxSessions: 1 })).status === 200);
		await s1.sim('plug response_ms=200');
		await until(() => csms.of('StopTransaction').length > stops, 10000, 'the refused transaction stopped');
		const last = csms.of('StopTransaction').pop().params;
		assert(last.reason === 'DeAuthorized', JSON.stringify(last));
		assert(/connector 2: transaction \d+ answered Blocked/.test(master.log), 'no log of the StartTransaction refusal');
		await s1.sim('unplug');
		await until(() => statusOf(2) === 'Available', 10000, 'S1 available again');
	}],
	['free access: the Master accepts every card itself, the refused user included; back to authorised', async () => {
		const r = await admin.req('PUT', '/api/group/settings', { access: 'free' });
		assert(r.status === 200 && r.json.access === 'free', r.text);
		const asked = csms.of('Authorize').length;
		await s1.sim('tap LMS-1');
		await until(async () => (await stateOf(s1)).session.authorized, 5000, 'LMS-1 accepted in free access');
		assert(csms.of('Authorize').length === asked, 'free access asked upstream');
		await s1.sim('plug response_ms=200');
		await until(async () => (await stateOf(s1)).state === 'CHARGING', 10000, 'S1 charging in free access');
		const tx = await until(async () => { const g = await group(); return g.points[1].session && g.points[1].session.transactionId; }, 5000, 'its transaction');
		assert((await admin.req('POST', '/api/group/points/2/stop', {})).status === 202);
		await csms.waitFor('StopTransaction', (q) => q.transactionId === tx);
		await s1.sim('unplug');
		await until(() => statusOf(2) === 'Available', 10000, 'S1 available');
		const back = await admin.req('PUT', '/api/group/settings', { access: 'authorised' });
		assert(back.status === 200 && back.json.access === 'authorised', back.text);
		assert((await admin.req('GET', '/api/group/users')).json.access === 'authorised');
	}],
	['pause: SuspendedEVSE with the transaction kept; resume: Charging again', async () => {
		const st = await admin.req('POST', '/api/group/points/3/start', { idTag: 'GUEST-7' });
		assert(st.status === 202, st.text);
		await s2.sim('plug response_ms=200');
		await csms.waitFor('StartTransaction', (q) => q.idTag === 'GUEST-7');
		await until(async () => (await stateOf(s2)).state === 'CHARGING', 10000, 'S2 charging');
		const tx = await until(async () => { const g = await group(); return g.points[2].session && g.points[2].session.transactionId; }, 5000, 'S2 transaction id');
		// while the status page is read, the session's figures are live (TriggerMessage MeterValues)
		const live = await until(async () => { const x = (await group()).points[2].session; return x.currentA > 0 && x.powerW > 0 && x; }, 10000, 'live current and power');
		assert(live.currentA <= 32 && live.durationS >= 0, JSON.stringify(live));
		const stops = csms.of('StopTransaction').length;
		const p = await admin.req('POST', '/api/group/points/3/pause', {});
		assert(p.status === 200 && p.json.message === 'point 3 paused', p.text);
		await until(async () => (await stateOf(s2)).state === 'SUSPENDED_EVSE', 10000, 'S2 SuspendedEVSE');
		await until(() => statusOf(3) === 'SuspendedEVSE', 10000, 'connector 3 SuspendedEVSE upstream');
		const x = await stateOf(s2);
		assert(x.session.active && x.offeredA === 0, JSON.stringify(x));
		assert((await group()).points[2].paused, 'paused on the status page');
		const r = await admin.req('POST', '/api/group/points/3/resume', {});
		assert(r.status === 200, r.text);
		await until(async () => (await stateOf(s2)).state === 'CHARGING', 10000, 'S2 charging again');
		await until(() => statusOf(3) === 'Charging', 10000, 'connector 3 Charging upstream');
		assert(csms.of('StopTransaction').length === stops, 'the paused transaction was stopped');
		assert((await stateOf(s2)).session.active, 'session kept');
		// the threshold at run time: balancing starts without a restart, S2 under 10 A
		const t = await admin.req('PUT', '/api/group/settings', { thresholdA: 10 });
		assert(t.status === 200 && t.json.thresholdA === 10 && t.json.balancing, t.text);
		await until(async () => { const y = await stateOf(s2); return y.limitA > 0 && y.limitA <= 10; }, 10000, 'S2 balanced under 10 A');
		// a cap per point, applied through the balancer
		assert((await admin.req('PUT', '/api/group/points/3/limit', { limitA: 7 })).status === 200);
		await until(async () => { const y = await stateOf(s2); return y.limitA > 0 && y.limitA <= 7; }, 10000, 'S2 capped at 7 A');
		// pause under the balancer too
		assert((await admin.req('POST', '/api/group/points/3/pause', {})).status === 200);
		await until(async () => (await stateOf(s2)).state === 'SUSPENDED_EVSE', 10000, 'S2 paused by the balancer');
		assert((await admin.req('POST', '/api/group/points/3/resume', {})).status === 200);
		await until(async () => (await stateOf(s2)).state === 'CHARGING', 15000, 'S2 resumed by the balancer');
		assert(csms.of('StopTransaction').length === stops, 'a balancer pause stopped the transaction');
		// balancing turned off while a point is paused: its pause stays, its cap comes back with the resume
		assert((await admin.req('POST', '/api/group/points/3/pause', {})).status === 200);
		await until(async () => (await stateOf(s2)).state === 'SUSPENDED_EVSE', 10000, 'S2 paused again');
		const off = await admin.req('PUT', '/api/group/settings', { thresholdA: 0 });
		assert(off.status === 200 && !off.json.balancing, off.text);
		await sleep(2500);
		const still = await stateOf(s2);
		assert(still.state === 'SUSPENDED_EVSE' && still.limitA === 0, `balancing off lifted the pause: ${JSON.stringify(still)}`);
		assert((await admin.req('POST', '/api/group/points/3/resume', {})).status === 200);
		await until(async () => { const y = await stateOf(s2); return y.state === 'CHARGING' && y.limitA === 7; }, 10000, 'S2 resumed at its cap of 7 A');
		assert((await admin.req('PUT', '/api/group/points/3/limit', { limitA: 0 })).status === 200);
		await until(async () => (await stateOf(s2)).limitA > 7, 10000, 'the cap lifted');
		const stop = await admin.req('POST', '/api/group/points/3/stop', {});
		assert(stop.status === 202, stop.text);
		await csms.waitFor('StopTransaction', (q) => q.transactionId === tx);
		await s2.sim('unplug');
	}],
	['the group history: the sessions, search, filter, CSV and Excel', async () => {
		const all = await until(async () => {
			const r = (await admin.req('GET', '/api/group/transactions')).json;
			return r.transactions.length >= 4 && r.transactions.every((t) => t.stop) && r;
		}, 10000, 'four stopped transactions');
		const ann = all.transactions.filter((t) => t.user === 'Ann Lee');
		assert(ann.length === 3 && ann.every((t) => t.point === 2 && t.satellite === 'S1' && t.idTag === 'LMS-1000000000'), JSON.stringify(ann));
		assert(ann.some((t) => t.stopReason === 'Remote') && ann.some((t) => t.stopReason === 'DeAuthorized'), JSON.stringify(ann));
		// the start the LMS refused is marked so (and left out of the user's count), the others are not
		assert(ann.filter((t) => t.refused === 'Blocked').length === 1 && ann.find((t) => t.refused).stopReason === 'DeAuthorized' &&
			all.transactions.filter((t) => t.refused).length === 1, JSON.stringify(all.transactions));
		const q = (await admin.req('GET', '/api/group/transactions?q=ann')).json;
		assert(q.transactions.length === 3, JSON.stringify(q));
		const g = (await admin.req('GET', '/api/group/transactions?q=GUEST')).json;
		assert(g.transactions.length === 1 && g.transactions[0].point === 3, JSON.stringify(g));
		const f = (await admin.req('GET', '/api/group/transactions?point=3')).json;
		assert(f.transactions.length === 1, JSON.stringify(f));
		const today = new Date();
		const d = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
		const ranged = (await admin.req('GET', `/api/group/transactions?from=${d}&to=${d}`)).json;
		assert(ranged.transactions.length === 4, JSON.stringify(ranged));
		const none = (await admin.req('GET', '/api/group/transactions?from=2020-01-01&to=2020-01-31')).json;
		assert(none.transactions.length === 0, JSON.stringify(none));
		const csv = await admin.req('GET', '/api/group/transactions.csv?point=2');
		assert(csv.status === 200 && /text\/csv/.test(csv.headers.get('content-type')), csv.text);
		assert(/attachment; filename="group-transactions.csv"/.test(csv.headers.get('content-disposition')), csv.headers.get('content-disposition'));
		const lines = csv.text.trim().split('\r\n');
		assert(lines.length === 4 && /^"No","Point","Satellite","Card","User"/.test(lines[0]) && /"2","S1","LMS-1000000000","Ann Lee"/.test(lines[1]), csv.text);
		// the refused start is marked in the downloads too (last column), the others left empty
		assert(/,"Refused"$/.test(lines[0]), lines[0]);
		const marks = lines.slice(1).map((l) => l.slice(l.lastIndexOf(',') + 1));
		assert(marks.filter((m) => m === '"Blocked"').length === 1 && marks.filter((m) => m === '""').length === 2, csv.text);
		const x = await admin.req('GET', '/api/group/transactions.xlsx');
		assert(x.status === 200 && /spreadsheetml/.test(x.headers.get('content-type')) && x.buf.slice(0, 2).toString() === 'PK' && x.buf.length > 2000,
			`${x.status} ${x.headers.get('content-type')} ${x.buf.length}`);
		const sheet = XLSX.read(x.buf);
		const rows = XLSX.utils.sheet_to_json(sheet.Sheets[sheet.SheetNames[0]], { header: 1, raw: true });
		const col = rows[0].indexOf('Refused');
		assert(col === rows[0].length - 1 && rows.length === 5, JSON.stringify(rows));
		assert(rows.slice(1).filter((r) => r[col] === 'Blocked').length === 1 && rows.slice(1).filter((r) => r[col] === undefined).length === 3,
			JSON.stringify(rows));
		const c = (await admin.req('GET', '/api/group/consumption?by=day')).json;
		assert(c.rows.length === 2 && c.rows.every((r) => r.period === d) && c.rows.find((r) => r.point === 2).sessions === 3, JSON.stringify(c));
	}],
	['the Master\'s own socket: a start and a stop from the LMS, in the group history as point 1', async () => {
		const st = await admin.req('POST', '/api/group/points/1/start', { idTag: 'MASTER-1' });
		assert(st.status === 202 && st.json.message === 'authorising', st.text);
		await master.sim('plug response_ms=200');
		await until(async () => (await stateOf(master)).state === 'CHARGING', 10000, 'the Master charging');
		await until(async () => { const g = await group(); return g.points[0].session && g.points[0].session.idTag === 'MASTER-1000000'; }, 5000, 'point 1 session');
		const stop = await admin.req('POST', '/api/group/points/1/stop', {});
		assert(stop.status === 200, stop.text);
		const r = await until(async () => {
			const x = (await admin.req('GET', '/api/group/transactions?point=1')).json;
			return x.transactions.length === 1 && x.transactions[0].stop && x;
		}, 10000, 'point 1 in the history');
		const t = r.transactions[0];
		assert(t.satellite === 'master' && t.idTag === 'MASTER-1000000' && t.stopReason === 'Remote', JSON.stringify(t));
		await master.sim('unplug');
		// the rules hold on the Master's own socket too: an expired user's card is refused there, not asked upstream
		const u = await admin.req('POST', '/api/group/users', { name: 'Past', cards: ['OLD-1'], from: '2020-01-01T00:00:00Z', until: '2020-01-02T00:00:00Z' });
		assert(u.status === 201, u.text);
		await until(async () => (await stateOf(master)).state === 'AVAILABLE', 10000, 'the Master available');
		await master.sim('tap OLD-1');
		await until(() => /card OLD-1 of Past refused \(Expired\): validity ended/.test(master.log), 5000, 'expired card refused');
		assert(!csms.of('Authorize').some((c) => c.params.idTag === 'OLD-1'), 'the expired card was asked upstream');
		// a remote start of the expired card on the Master's own socket: Rejected by the LMS
		const rs = await csms.client().call('RemoteStartTransaction', { idTag: 'OLD-1', connectorId: 1 });
		assert(rs.status === 'Rejected', JSON.stringify(rs));
		assert(/connector 1: remote start of OLD-1 rejected \(Expired, the LMS rules\)/.test(master.log), 'no log of the rejection');
		// a remote start accepted, its user expired before the EV plugs in: the session stopped (DeAuthorized), as on a Satellite
		const soon = await admin.req('POST', '/api/group/users', { name: 'Soon', cards: ['SOON-1'] });
		assert(soon.status === 201, soon.text);
		const stops = csms.of('StopTransaction').length;
		const ok = await csms.client().call('RemoteStartTransaction', { idTag: 'SOON-1', connectorId: 1 });
		assert(ok.status === 'Accepted', JSON.stringify(ok));
		const ex = await admin.req('PUT', `/api/group/users/${soon.json.id}`, { name: 'Soon', cards: ['SOON-1'], from: '2020-01-01T00:00:00Z', until: '2020-01-02T00:00:00Z' });
		assert(ex.status === 200, ex.text);
		await master.sim('plug response_ms=200');
		await until(() => csms.of('StopTransaction').length > stops, 10000, 'the refused own session stopped');
		const last = csms.of('StopTransaction').pop().params;
		assert(last.reason === 'DeAuthorized', JSON.stringify(last));
		assert(/connector 1: session of SOON-1\w* stopped \(Expired, the LMS rules\)/.test(master.log), 'no log of the refusal');
		await until(async () => (await stateOf(master)).state !== 'CHARGING', 10000, 'the Master stopped');
		await master.sim('unplug');
		assert(!(await stateOf(master)).session.active, 'the expired card charges on the Master');
		await until(async () => (await stateOf(master)).state === 'AVAILABLE', 10000, 'the Master available again');
	}],
	['the Master\'s own running session counts toward its user\'s maximum kWh: the card is then refused on a Satellite', async () => {
		const u = await admin.req('POST', '/api/group/users', { name: 'Kay', cards: ['KWH-1'], maxKwh: 0.005 });
		assert(u.status === 201, u.text);
		const st = await admin.req('POST', '/api/group/points/1/start', { idTag: 'KWH-1' });
		assert(st.status === 202, st.text);
		await master.sim('plug response_ms=200');
		await until(async () => (await stateOf(master)).state === 'CHARGING', 10000, 'the Master charging');
		await until(async () => { const x = (await group()).points[0].session; return x && x.energyKwh >= 0.012; }, 30000, 'the Master past 0.012 kWh');
		const asked = csms.of('Authorize').length;
		await s1.sim('tap KWH-1');
		await until(() => /card KWH-1 of Kay refused \(Blocked\): maximum energy reached \(1 sessions, 0\.0[1-9]\d kWh used\)/.test(master.log), 5000,
			'the card refused on S1 while its session runs on the Master').catch((e) => { throw new Error(`${e.message}: ${master.log.split('\n').filter((l) => /KWH-1/.test(l)).join(' | ')}`); });
		assert(csms.of('Authorize').length === asked, 'the card over its maximum kWh was asked upstream');
		assert((await admin.req('POST', '/api/group/points/1/stop', {})).status === 200);
		await until(async () => (await stateOf(master)).state !== 'CHARGING', 10000, 'the Master stopped');
		await master.sim('unplug');
		await until(async () => (await stateOf(master)).state === 'AVAILABLE', 10000, 'the Master available again');
	}],
	['UpdateFirmware to one Satellite: its FirmwareStatusNotification shows', async () => {
		const r = await admin.req('POST', '/api/group/firmware', { point: 2, location: 'http://127.0.0.1:9/wl-22-9.9.9.bin' });
		assert(r.status === 202 && /UpdateFirmware sent to 1 satellite$/.test(r.json.message), r.text);
		await until(async () => /^(Downloading|DownloadFailed)$/.test((await group()).satellites[0].firmwareStatus), 15000, 'S1 firmware status');
		assert((await group()).satellites[1].firmwareStatus === null, 'S2 got no update');
	}],
	['soft reset of one Satellite: it restarts and comes back', async () => {
		const boots = (master.log.match(/satellite S2 booted/g) || []).length;
		const r = await admin.req('POST', '/api/group/points/3/reset', {});
		assert(r.status === 202 && r.json.message === 'Reset sent to S2', r.text);
		await until(() => (master.log.match(/satellite S2 booted/g) || []).length > boots, 20000, 'S2 booted again');
		await until(async () => (await group()).points[2].connected, 10000, 'S2 connected again');
		assert((master.log.match(/satellite S1 booted/g) || []).length === 1, 'S1 restarted too');
	}],
	['hard reset of the whole system: every Satellite, then the Master, restart', async () => {
		const count = (id) => (master.log.match(new RegExp(`satellite ${id} booted`, 'g')) || []).length;
		const b1 = count('S1'), b2 = count('S2');
		assert((await admin.req('POST', '/api/group/points/2/pause', {})).status === 200); // kept across the restart
		const r = await admin.req('POST', '/api/group/reset', {});
		assert(r.status === 202 && r.json.message === 'hard reset sent to 2 satellites; the Master restarts in 2 s', r.text);
		await until(() => /hard reset: restarting/.test(master.log), 15000, 'the Master restarting');
		await master.ready();
		await until(() => count('S1') > b1 && count('S2') > b2, 30000, 'both Satellites booted again');
		await until(() => statusOf(2) === 'Available' && statusOf(3) === 'Available', 20000, 'points available again');
		// the login sessions went with the restart; the pause did not
		refused(await admin.req('GET', '/api/group'), 401, /./);
		assert((await admin.req('POST', '/api/login', { password: PW })).status === 200);
		const g = await group();
		assert(g.points[1].paused && !g.points[2].paused, JSON.stringify(g.points));
		assert((await admin.req('POST', '/api/group/points/2/resume', {})).status === 200);
		assert(!(await group()).points[1].paused, 'resumed');
	}],
	['a station that is not a Master has no group pages or routes', async () => {
		other = new Station({ http_port: await freePort(), mode: 'WEB', ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/ALONE` });
		other.start();
		await other.ready();
		const ob = `http://127.0.0.1:${other.opts.http_port}`;
		for (const p of ['/api/group', '/api/group/users', '/group.html', '/group-users.html', '/group-history.html']) {
			const r = await fetch(ob + p);
			assert(r.status === 404, `${p}: ${r.status}`);
		}
		assert((await fetch(`${base}/group.html`)).status === 200, 'the Master serves its group page');
		await other.stop();
		for (const s of [s1, s2, master]) await s.stop();
		await csms.close();
		assert(csms.failures.length === 0, csms.failures.join('; '));
		for (const s of [master, s1, s2, other]) s.cleanup();
	}],
	['a Satellite of two connectors: balancing off clears every share, a pause limits its connector only, kept across a reconnect and a restart', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: 'THIRD:2', group_threshold: '40', log_level: 'info',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-LMS2` });
		master.start();
		await master.ready();
		base = `http://127.0.0.1:${master.opts.http_port}`;
		admin.cookie = admin.csrf = '';
		const code = await until(() => fs.existsSync(path.join(master.dir, 'setup-code')) &&
			fs.readFileSync(path.join(master.dir, 'setup-code'), 'utf8').trim(), 5000, 'setup code');
		assert((await admin.req('POST', '/api/setup', { code, password: PW })).status === 200);
		let calls = [];
		const connect = async () => {
			const t = new RPCClient({ endpoint: `ws://127.0.0.1:${gport}/ocpp`, identity: 'THIRD', protocols: ['ocpp1.6'],
				strictMode: true, reconnect: false });
			t.handle(({ method, params }) => {
				calls.push({ method, params });
				if (method === 'SetChargingProfile' || method === 'ClearChargingProfile' || method === 'RemoteStopTransaction') return { status: 'Accepted' };
				return {};
			});
			await t.connect();
			await t.call('BootNotification', { chargePointVendor: 'Other', chargePointModel: 'X' });
			for (const c of [1, 2])
				await t.call('StatusNotification', { connectorId: c, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
			return t;
		};
		const cleared = (id) => calls.some((c) => c.method === 'ClearChargingProfile' && c.params.id === id);
		const set = (conn, purpose) => calls.filter((c) => c.method === 'SetChargingProfile' && c.params.connectorId === conn &&
			c.params.csChargingProfiles.chargingProfilePurpose === purpose).map((c) => c.params.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit);
		const dump = () => JSON.stringify(calls.map((c) => [c.method, c.params.connectorId, c.params.id]));
		let third = await connect();
		await until(() => set(0, 'ChargePointMaxProfile').length && set(1, 'TxDefaultProfile').length && set(2, 'TxDefaultProfile').length,
			10000, 'the balancer\'s total and shares');
		// balancing off: the total (900001) and each connector's share (900002, 900003) cleared
		calls = [];
		assert((await admin.req('PUT', '/api/group/settings', { thresholdA: 0 })).status === 200);
		await until(() => cleared(900001) && cleared(900002) && cleared(900003), 5000, 'every share cleared')
			.catch((e) => { throw new Error(`${e.message}: ${dump()}`); });
		// a pause of connector 2 (point 3): its own TxDefaultProfile at 0 A, not the Satellite's total
		calls = [];
		assert((await admin.req('POST', '/api/group/points/3/pause', {})).status === 200);
		await until(() => set(2, 'TxDefaultProfile').pop() === 0, 5000, 'connector 2 at 0 A').catch((e) => { throw new Error(`${e.message}: ${dump()}`); });
		assert(!set(0, 'ChargePointMaxProfile').length && !set(1, 'TxDefaultProfile').length, `the pause limited more: ${dump()}`);
		// a cap set while the Satellite is offline: sent when it is back, with the pause
		third.close({ force: true });
		await until(async () => !(await group()).points[1].connected, 5000, 'THIRD offline');
		assert((await admin.req('PUT', '/api/group/points/2/limit', { limitA: 10 })).status === 200);
		calls = [];
		third = await connect();
		await until(() => set(1, 'TxDefaultProfile').pop() === 10 && set(2, 'TxDefaultProfile').pop() === 0, 5000, 'cap and pause again')
			.catch((e) => { throw new Error(`${e.message}: ${dump()}`); });
		// the Master's own socket paused, then the Master restarted: its 0 A and the Satellite's limits applied again
		assert((await admin.req('POST', '/api/group/points/1/pause', {})).status === 200);
		await until(async () => (await stateOf(master)).limitA === 0, 5000, 'the Master at 0 A');
		third.close({ force: true });
		await master.stop();
		master.start();
		await master.ready();
		await until(async () => (await stateOf(master)).limitA === 0, 5000, 'the Master at 0 A after its restart')
			.catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await stateOf(master))}`); });
		calls = [];
		third = await connect();
		await until(() => set(1, 'TxDefaultProfile').pop() === 10 && set(2, 'TxDefaultProfile').pop() === 0, 5000, 'cap and pause after the restart')
			.catch((e) => { throw new Error(`${e.message}: ${dump()}`); });
		// a start the rules refuse on a station that goes on charging on the refusal: the Master stops it
		assert((await admin.req('POST', '/api/login', { password: PW })).status === 200); // the restart ended the login
		const gone = await admin.req('POST', '/api/group/users', { name: 'Gone', cards: ['GONE-1'], until: '2020-01-02T00:00:00Z' });
		assert(gone.status === 201, gone.text);
		const ts = new Date().toISOString();
		const started = await third.call('StartTransaction', { connectorId: 1, idTag: 'GONE-1', meterStart: 0, timestamp: ts });
		assert(started.idTagInfo.status === 'Expired' && started.transactionId > 0, JSON.stringify(started));
		const rstop = await until(() => calls.find((c) => c.method === 'RemoteStopTransaction'), 8000, 'the refused session stopped by the Master');
		assert(rstop.params.transactionId === started.transactionId, JSON.stringify(rstop.params));
		assert(/connector 2: session of GONE-1\w* stopped \(Expired, the LMS rules\)/.test(master.log), 'no log of the stop');
		await third.call('StopTransaction', { transactionId: started.transactionId, meterStop: 10, timestamp: new Date().toISOString(), reason: 'Remote' });
		// the users cannot be read (a store error): a card is refused, not taken for no user's and asked upstream
		execFileSync('sqlite3', ['-cmd', '.timeout 3000', master.opts.db, 'DROP TABLE lms_card']);
		await master.sim('tap ANY-1');
		await until(() => /card ANY-1 refused: the LMS users cannot be read/.test(master.log), 5000, 'the store error logged');
		await sleep(500);
		assert(!csms.of('Authorize').some((c) => c.params.idTag === 'ANY-1'), 'a card was let through on a store error');
		assert(!(await stateOf(master)).session.authorized, 'a card was authorised on a store error');
		third.close({ force: true });
		await master.stop();
		await csms.close();
		master.cleanup();
	}],
]);
