// evse_offline.js — 100 transactions while the central system is unreachable, with a kill -9 of evse in
// the middle of a session; after the restart and the reconnection every transaction message arrives exactly
// once and in order (the killed session ends with a PowerLoss StopTransaction).
'use strict';
const { freePort, until, Csms, Station, run, assert } = require('./evse_harness');

const N = 100, KILL_AT = 50;
let csms, st, port;

async function oneSession(i, unplug = true) {
	const tag = `T${String(i).padStart(3, '0')}`;
	await st.sim('plug response_ms=20');
	await st.sim(`tap ${tag}`);
	await until(async () => (await st.status()).session.active, 5000, `session ${tag}`);
	if (unplug) {
		await st.sim('unplug');
		await until(async () => !(await st.status()).session.active, 5000, `end of ${tag}`);
	}
}

run([
	['offline: allow unknown ids, then lose the central system', async () => {
		port = await freePort();
		csms = new Csms();
		await csms.listen(port);
		st = new Station({ log_level: process.env.EVSE_LOG || 'warn', http_port: await freePort(), mode: 'WEB', ocpp_url: `ws://127.0.0.1:${port}/ocpp/CP-OFF` });
		st.start();
		await st.ready();
		await csms.waitFor('BootNotification');
		await until(() => csms.client(), 5000, 'client');
		await until(async () => (await st.status()).online, 5000, 'online');
		for (const [key, value] of [['AllowOfflineTxForUnknownId', 'true'], ['MeterValueSampleInterval', '0'],
			['LocalAuthorizeOffline', 'false']]) {
			const r = await csms.client().call('ChangeConfiguration', { key, value });
			assert(r.status === 'Accepted', `${key}: ${r.status}`);
		}
		await csms.close();
		await until(async () => !(await st.status()).online, 5000, 'offline');
	}],
	[`${KILL_AT} sessions offline, kill -9 during the next`, async () => {
		try { for (let i = 1; i < KILL_AT; i++) await oneSession(i); } catch (e) { console.log(st.log.slice(-3000)); throw e; }
		await oneSession(KILL_AT, false);
		const s = await st.status();
		assert(s.queued === 2 * KILL_AT - 1, `queued ${s.queued}`);
		await st.kill9();
	}],
	['restart, the other sessions offline', async () => {
		st.start();
		await st.ready();
		for (let i = KILL_AT + 1; i <= N; i++) await oneSession(i);
		const s = await st.status();
		assert(s.queued === 2 * N, `queued ${s.queued}`);
	}],
	['the central system is back: every message once, in order', async () => {
		csms = new Csms();
		await csms.listen(port);
		await until(() => csms.of('StopTransaction').length >= N, 30000, 'all messages');
		await until(async () => (await st.status()).queued === 0, 5000, 'empty queue');
		const tx = csms.calls.filter((c) => c.method === 'StartTransaction' || c.method === 'StopTransaction');
		assert(tx.length === 2 * N, `${tx.length} transaction messages`);
		const ids = {};
		let tx_id = 1000;
		for (let i = 1; i <= N; i++) {
			const start = tx[2 * i - 2], stop = tx[2 * i - 1];
			const tag = `T${String(i).padStart(3, '0')}`;
			assert(start.method === 'StartTransaction' && start.params.idTag === tag, `message ${2 * i - 1}: ${start.method} ${start.params.idTag}`);
			assert(stop.method === 'StopTransaction' && stop.params.transactionId === ++tx_id, `stop of ${tag}: ${JSON.stringify(stop.params)}`);
			assert(stop.params.reason === (i === KILL_AT ? 'PowerLoss' : 'EVDisconnected'), `${tag} reason ${stop.params.reason}`);
			assert(stop.params.meterStop >= start.params.meterStart, `${tag} meter`);
			ids[tag] = (ids[tag] || 0) + 1;
		}
		assert(Object.values(ids).every((n) => n === 1), 'a transaction was delivered twice');
		assert(csms.failures.length === 0, csms.failures.join('; '));
		await st.stop();
		await csms.close();
		st.cleanup();
	}],
]);
