// evse_group_lb.js — the Master's load balancer over real evse processes: a Master (PRO, group_threshold 18 A
// per phase: room for three sessions at 6 A) and four evse Satellites behind an ocpp-rpc strict central
// system. Four arrivals (remote start + plug on connectors 2..5): three charge at 6 A, the fourth waits at
// 0 A (its Satellite got a ChargePointMaxProfile of 0 A: SuspendedEVSE upstream) with its transaction still
// running, and starts within a few cycles when one of the three leaves. A bad threshold stops the start.
'use strict';
const { freePort, until, Csms, Station, run, assert } = require('./evse_harness');

let csms, master, gport;
const sats = [];

const statusOf = (k) => {
	const s = csms.of('StatusNotification').filter((c) => c.params.connectorId === k);
	return s.length ? s[s.length - 1].params.status : undefined;
};
const stateOf = async (st) => { try { return await st.status(); } catch (e) { return {}; } };

run([
	['a bad group_threshold is refused at start with a clear message', async () => {
		gport = await freePort();
		for (const [opts, msg] of [
			[{ group_threshold: '5' }, 'group_threshold: 5 A (0 = no balancing, or 6..800)'],
			[{ group_threshold: '801' }, 'group_threshold: 801 out of range (0..800)'],
			[{ group_threshold: '40', group_satellites: 'A:8,B:8' }, 'at most 16 can be balanced'],
		]) {
			const st = new Station(Object.assign({ http_port: 0, mode: 'WEB', edition: 'PRO', group_role: 'master',
				group_port: gport, ocpp_url: 'ws://127.0.0.1:9/ocpp/M' }, opts));
			st.start();
			const r = await st.exited;
			assert(r.code !== 0 && st.log.includes(msg), `${JSON.stringify(opts)}: exit ${r.code}, log: ${st.log}`);
			st.cleanup();
		}
	}],
	['four arrivals under a threshold for three: the fourth waits at 0 A, starts when one leaves', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: 'S1,S2,S3,S4', group_threshold: '18',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-LB` });
		master.start();
		await master.ready();
		for (let i = 1; i <= 4; i++) {
			const s = new Station({ http_port: await freePort(), mode: 'WEB', serial: `WL-S${i}`, group_role: 'satellite',
				ocpp_url: `ws://127.0.0.1:${gport}/ocpp/S${i}` });
			s.start();
			sats.push(s);
		}
		for (const s of sats) await s.ready();
		await until(() => [2, 3, 4, 5].every((k) => statusOf(k) === 'Available'), 15000, 'satellites available');
		// idle points hold no room: every Satellite at 0 A until its session starts
		await until(async () => (await Promise.all(sats.map(stateOf))).every((x) => x.limitA === 0), 10000,
			'idle satellites at 0 A');
		const c = csms.client();
		const tx = [];
		for (let i = 0; i < 4; i++) {
			const r = await c.call('RemoteStartTransaction', { idTag: `CARD-${i + 1}`, connectorId: i + 2 });
			assert(r.status === 'Accepted', r.status);
			await sats[i].sim('plug response_ms=200');
			const start = await csms.waitFor('StartTransaction', (p) => p.idTag === `CARD-${i + 1}`);
			assert(start.params.connectorId === i + 2, `StartTransaction on ${start.params.connectorId}`);
			tx.push(csms.nextTx);
			if (i < 3)
				await until(async () => (await stateOf(sats[i])).state === 'CHARGING', 10000, `S${i + 1} charging`);
		}
		// three at 6 A; the fourth (the newest) suspended at 0 A, its session kept
		await until(async () => {
			const st = await Promise.all(sats.map(stateOf));
			return st.slice(0, 3).every((x) => x.state === 'CHARGING' && x.limitA === 6) && st[3].limitA === 0;
		}, 15000, 'three at 6 A, the fourth at 0 A');
		await until(() => statusOf(5) === 'SuspendedEVSE', 5000, 'connector 5 SuspendedEVSE upstream');
		const s4 = await stateOf(sats[3]);
		assert(s4.state === 'SUSPENDED_EVSE' && s4.session.active && s4.offeredA === 0, JSON.stringify(s4));
		assert(!csms.of('StopTransaction').length, 'a session was stopped');
		// the sum never exceeds the threshold for long: sample it a few times
		for (let n = 0; n < 5; n++) {
			const st = await Promise.all(sats.map(stateOf));
			const sum = st.reduce((a, x) => a + (x.limitA || 0), 0);
			assert(sum <= 18, `limits sum to ${sum} A`);
		}
		// the first leaves: the fourth starts within a few cycles (1 s each), at 6 A or more
		const t0 = Date.now();
		const r = await c.call('RemoteStopTransaction', { transactionId: tx[0] });
		assert(r.status === 'Accepted', r.status);
		await csms.waitFor('StopTransaction', (p) => p.transactionId === tx[0]);
		const t1 = Date.now();
		await until(async () => {
			const x = await stateOf(sats[3]);
			return x.state === 'CHARGING' && x.limitA >= 6;
		}, 10000, 'the fourth charging');
		const waited = Date.now() - t1;
		console.log(`     queued session started ${waited} ms after the StopTransaction (${t1 - t0} ms from the remote stop)`);
		assert(waited < 4000, `the fourth started ${waited} ms after room appeared`);
		await until(() => statusOf(5) === 'Charging', 5000, 'connector 5 Charging upstream');
		const st = await Promise.all(sats.map(stateOf));
		assert(st.slice(1).reduce((a, x) => a + x.limitA, 0) <= 18, JSON.stringify(st.map((x) => x.limitA)));
		assert(csms.of('StopTransaction').length === 1, 'only the remote stop');
		assert(csms.failures.length === 0, csms.failures.join('; '));
		for (const s of sats) await s.stop();
		await master.stop();
		await csms.close();
		for (const s of [master, ...sats]) s.cleanup();
	}],
]);
