// evse_group_lb.js — the Master's load balancer over real evse processes: a Master (PRO, group_threshold 18 A
// per phase: room for three sessions at 6 A) and four evse Satellites behind an ocpp-rpc strict central
// system. Four arrivals (remote start + plug on connectors 2..5): three charge at 6 A, the fourth waits at
// 0 A (its Satellite got a ChargePointMaxProfile of 0 A: SuspendedEVSE upstream) with its transaction still
// running, and starts within a few cycles when one of the three leaves; an EV that draws less (Current.Import)
// leaves the rest to the other session. A bad threshold stops the start.
'use strict';
const { spawn } = require('child_process');
const { RPCClient } = require('ocpp-rpc');
const { freePort, until, Csms, Station, run, assert } = require('./evse_harness');

const METER_SIM = process.env.METER_SIM || 'build/release/meter_sim';
const started = [];
process.on('exit', () => {
	for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

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
			[{ group_satellites: 'A:5A' }, 'group_satellites: "A:5A": maximum 5 A (6..80)'],
			[{ group_satellites: 'A:1P:2P' }, 'group_satellites: "A:1P:2P": unknown field "2P"'],
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
	['an EV that draws less (its Current.Import in MeterValues) leaves the rest to the other session', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		// S1 samples every second (set by a central system of its own before it joins) and its EV takes 6 A
		const pre = new Csms();
		await pre.listen(await freePort());
		const s1 = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-S1', group_role: 'satellite',
			ocpp_url: `ws://127.0.0.1:${pre.port}/ocpp/S1` });
		s1.start();
		await pre.waitFor('BootNotification');
		const r = await pre.client().call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '1' });
		assert(r.status === 'Accepted', r.status);
		await s1.stop();
		await pre.close();
		s1.opts.ocpp_url = `ws://127.0.0.1:${gport}/ocpp/S1`;
		const s2 = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-S2', group_role: 'satellite',
			ocpp_url: `ws://127.0.0.1:${gport}/ocpp/S2` });
		master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: 'S1,S2', group_threshold: '18',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-LB2` });
		master.start();
		await master.ready();
		s1.start();
		s2.start();
		await s1.ready();
		await s2.ready();
		await until(() => statusOf(2) === 'Available' && statusOf(3) === 'Available', 15000, 'satellites available');
		const c = csms.client();
		for (const [k, st, plug] of [[2, s1, 'plug max_a=6 response_ms=200'], [3, s2, 'plug response_ms=200']]) {
			const x = await c.call('RemoteStartTransaction', { idTag: `CARD-${k}`, connectorId: k });
			assert(x.status === 'Accepted', x.status);
			await st.sim(plug);
			await until(async () => (await stateOf(st)).state === 'CHARGING', 10000, `connector ${k} charging`);
		}
		await csms.waitFor('MeterValues', (p) => p.connectorId === 2 && p.meterValue.some((m) =>
			m.sampledValue.some((v) => v.measurand === 'Current.Import')), 8000);
		// 9 A each without the draw; with it S1 is offered its 6 A + 1 A and S2 the rest (11 A)
		await until(async () => (await stateOf(s1)).limitA <= 8 && (await stateOf(s2)).limitA >= 10, 20000,
			'S1 near its draw, S2 given the rest');
		const a = await stateOf(s1), b = await stateOf(s2);
		assert(a.limitA + b.limitA <= 18, `${a.limitA} + ${b.limitA} A`);
		assert(csms.failures.length === 0, csms.failures.join('; '));
		for (const s of [s1, s2, master]) await s.stop();
		await csms.close();
		for (const s of [master, s1, s2]) s.cleanup();
	}],
	['each Satellite\'s maximum and phases: a 1-phase 16 A point gets 16 A, two 1-phase points share their phase', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		// S1: 1-phase 16 A on L2; S2: 1-phase 32 A on L2 as well; S3: 1-phase on L1. Under 40 A per phase:
		// S1 16 A (its maximum), S2 the rest of L2 (24 A), S3 alone on L1 (32 A). Every point taken as 3-phase
		// 32 A (the old assumption) would have given 16 + 12 + 12.
		master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: 'S1:16A:1P:L2, S2:1P:L2, S3:L1:1P',
			group_threshold: '40', ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-LB3` });
		master.start();
		await master.ready();
		const ss = [];
		for (let i = 1; i <= 3; i++) {
			const s = new Station({ http_port: await freePort(), mode: 'WEB', serial: `WL-S${i}`, group_role: 'satellite',
				phases: '1', power: '7400', ocpp_url: `ws://127.0.0.1:${gport}/ocpp/S${i}` });
			s.start();
			ss.push(s);
		}
		for (const s of ss) await s.ready();
		await until(() => [2, 3, 4].every((k) => statusOf(k) === 'Available'), 15000, 'satellites available');
		const c = csms.client();
		const s1 = ss[0];
		let r = await c.call('RemoteStartTransaction', { idTag: 'CARD-1', connectorId: 2 });
		assert(r.status === 'Accepted', r.status);
		await s1.sim('plug response_ms=200');
		await until(async () => (await stateOf(s1)).state === 'CHARGING', 10000, 'S1 charging');
		// alone: its own maximum, not the threshold and not the assumed 32 A
		await until(async () => (await stateOf(s1)).limitA === 16, 15000, 'S1 at its 16 A');
		for (const [k, st] of [[3, ss[1]], [4, ss[2]]]) {
			r = await c.call('RemoteStartTransaction', { idTag: `CARD-${k}`, connectorId: k });
			assert(r.status === 'Accepted', r.status);
			await st.sim('plug response_ms=200');
			await until(async () => (await stateOf(st)).state === 'CHARGING', 10000, `connector ${k} charging`);
		}
		await until(async () => {
			const st = await Promise.all(ss.map(stateOf));
			return st[0].limitA === 16 && st[1].limitA === 24 && st[2].limitA === 32;
		}, 20000, 'S1 16 A, S2 24 A (the rest of L2), S3 32 A (L1 alone)');
		for (let n = 0; n < 5; n++) {
			const st = await Promise.all(ss.map(stateOf));
			assert(st[0].limitA <= 16, `S1 at ${st[0].limitA} A`);
			assert(st[0].limitA + st[1].limitA <= 40, `L2: ${st[0].limitA} + ${st[1].limitA} A`);
		}
		assert(csms.failures.length === 0, csms.failures.join('; '));
		for (const s of [...ss, master]) await s.stop();
		await csms.close();
		for (const s of [master, ...ss]) s.cleanup();
	}],
	['upstream caps: a ChargePointMaxProfile of 12 A on connector 0 caps the group, a TxDefaultProfile on connector k its point', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: 'S1,S2', group_threshold: '40',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-LB4` });
		master.start();
		await master.ready();
		const ss = [];
		for (let i = 1; i <= 2; i++) {
			const s = new Station({ http_port: await freePort(), mode: 'WEB', serial: `WL-S${i}`, group_role: 'satellite',
				ocpp_url: `ws://127.0.0.1:${gport}/ocpp/S${i}` });
			s.start();
			ss.push(s);
		}
		for (const s of ss) await s.ready();
		await until(() => statusOf(2) === 'Available' && statusOf(3) === 'Available', 15000, 'satellites available');
		const c = csms.client();
		for (const [k, st] of [[2, ss[0]], [3, ss[1]]]) {
			const r = await c.call('RemoteStartTransaction', { idTag: `CARD-${k}`, connectorId: k });
			assert(r.status === 'Accepted', r.status);
			await st.sim('plug response_ms=200');
			await until(async () => (await stateOf(st)).state === 'CHARGING', 10000, `connector ${k} charging`);
		}
		const limits = async () => (await Promise.all(ss.map(stateOf))).map((x) => x.limitA);
		await until(async () => { const l = await limits(); return l[0] === 20 && l[1] === 20; }, 15000, '20 A each under 40 A');
		const prof = (id, purpose, limit) => ({ chargingProfileId: id, stackLevel: 1, chargingProfilePurpose: purpose,
			chargingProfileKind: 'Absolute', chargingSchedule: { chargingRateUnit: 'A', startSchedule: '2020-01-01T00:00:00Z',
				chargingSchedulePeriod: [{ startPeriod: 0, limit }] } });
		let r = await c.call('SetChargingProfile', { connectorId: 0, csChargingProfiles: prof(77, 'ChargePointMaxProfile', 12) });
		assert(r.status === 'Accepted', r.status);
		await until(async () => { const l = await limits(); return l[0] === 6 && l[1] === 6; }, 15000, 'the group under 12 A: 6 A each');
		for (let n = 0; n < 5; n++) {
			const l = await limits();
			assert(l[0] + l[1] <= 12, `the group at ${l[0] + l[1]} A under a 12 A ChargePointMaxProfile`);
		}
		r = await c.call('ClearChargingProfile', { id: 77 });
		assert(r.status === 'Accepted', r.status);
		await until(async () => { const l = await limits(); return l[0] === 20 && l[1] === 20; }, 15000, 'back to 20 A each');
		// a TxDefaultProfile of 8 A on connector 2 (relayed to S1): S1 at 8 A, S2 the rest (32 A, its maximum)
		r = await c.call('SetChargingProfile', { connectorId: 2, csChargingProfiles: prof(78, 'TxDefaultProfile', 8) });
		assert(r.status === 'Accepted', r.status);
		await until(async () => { const l = await limits(); return l[0] === 8 && l[1] === 32; }, 15000, 'S1 at 8 A, S2 at 32 A');
		r = await c.call('ClearChargingProfile', { connectorId: 2, chargingProfilePurpose: 'TxDefaultProfile' });
		assert(r.status === 'Accepted', r.status);
		await until(async () => { const l = await limits(); return l[0] === 20 && l[1] === 20; }, 15000, '20 A each again');
		// a remote start's TxProfile (10 A) caps that point from its session on: S2's next session at 10 A, S1 30 A
		const tx3 = csms.nextTx;
		r = await c.call('RemoteStopTransaction', { transactionId: tx3 });
		assert(r.status === 'Accepted', r.status);
		await csms.waitFor('StopTransaction', (p) => p.transactionId === tx3);
		await ss[1].sim('unplug');
		await until(() => statusOf(3) === 'Available', 10000, 'connector 3 available');
		const txp = prof(79, 'TxProfile', 10);
		r = await c.call('RemoteStartTransaction', { idTag: 'CARD-3B', connectorId: 3, chargingProfile: txp });
		assert(r.status === 'Accepted', r.status);
		await ss[1].sim('plug response_ms=200');
		await until(async () => { const l = await limits(); return l[0] === 30 && l[1] === 10; }, 20000,
			'S2 at its TxProfile 10 A, S1 the rest (30 A)');
		assert(csms.failures.length === 0, csms.failures.join('; '));
		for (const s of [...ss, master]) await s.stop();
		await csms.close();
		for (const s of [master, ...ss]) s.cleanup();
	}],
	['the Master\'s DPM meter: the room is dpm_limit - the house load, the balancer (not DPM) owns the Master\'s limit', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		const mport = await freePort(), hport = await freePort();
		// the meter sees the house and the Master's own EV (read from its /api/status by the simulator)
		const sim = spawn(METER_SIM, ['--port', String(mport), '--model', 'sdm630', '--evse-port', String(hport)],
			{ stdio: ['pipe', 'pipe', 'pipe'] });
		started.push(sim);
		let simOut = '';
		sim.stdout.on('data', (d) => { simOut += d; });
		sim.stderr.on('data', (d) => { simOut += d; });
		await until(() => /ready/.test(simOut), 5000, 'meter_sim ready');
		sim.stdin.write('house 13800\npv 0\n'); // 20 A per phase
		master = new Station({ http_port: hport, mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: '', group_threshold: '40',
			dpm: 'true', dpm_limit: '32', dpm_meter_host: '127.0.0.1', dpm_meter_port: String(mport), dpm_fault: '3',
			dpm_poll_ms: '250', dpm_timeout_ms: '200', dpm_ramp: '20', dpm_min_off: '1', dpm_min_on: '1',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-LB5` });
		master.start();
		started.push(master.proc);
		await master.ready();
		await until(() => statusOf(1) === 'Available', 15000, 'the Master available');
		// the Master has readings (without one there is no room: a session then waits its 60 s off time)
		await until(() => {
			sim.stdin.write('status\n');
			const m = [...simOut.matchAll(/answered=(\d+)/g)];
			return m.length && Number(m[m.length - 1][1]) >= 4;
		}, 10000, 'the meter read by the Master');
		const c = csms.client();
		const r = await c.call('RemoteStartTransaction', { idTag: 'CARD-1', connectorId: 1 });
		assert(r.status === 'Accepted', r.status);
		await master.sim('plug response_ms=200');
		// room = min(40, 32 - 20) = 12 A: the balancer's 12 A, not DPM's own offer (32 - 20 - its 1 A margin = 11 A)
		let last;
		await until(async () => { last = await stateOf(master); return last.state === 'CHARGING' && last.limitA === 12; },
			20000, 'the Master at 12 A').catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(last)}\n${master.log}`); });
		for (let n = 0; n < 5; n++) {
			const x = await stateOf(master);
			assert(x.limitA === 12, `the Master at ${x.limitA} A`);
		}
		// the house takes 30 A: 2 A left, the session suspended (not stopped)
		sim.stdin.write('house 20700\n');
		await until(async () => { last = await stateOf(master); return last.limitA === 0 && last.session.active; }, 10000,
			'suspended at 0 A').catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(last)}`); });
		assert(!csms.of('StopTransaction').length, 'the balancer stopped a session');
		assert(csms.failures.length === 0, csms.failures.join('; '));
		await master.stop();
		sim.stdin.write('quit\n');
		await csms.close();
		master.cleanup();
	}],
	['a Satellite of two connectors (ocpp-rpc strict client) gets its total and a TxDefaultProfile per connector', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: 'THIRD:2', group_threshold: '40',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-LB6` });
		master.start();
		await master.ready();
		const calls = [];
		const third = new RPCClient({ endpoint: `ws://127.0.0.1:${gport}/ocpp`, identity: 'THIRD', protocols: ['ocpp1.6'],
			strictMode: true, reconnect: false });
		third.handle(({ method, params }) => {
			calls.push({ method, params });
			if (method === 'RemoteStartTransaction' || method === 'SetChargingProfile' || method === 'ClearChargingProfile')
				return { status: 'Accepted' };
			return {};
		});
		await third.connect();
		await third.call('BootNotification', { chargePointVendor: 'Other', chargePointModel: 'X' });
		const ts = () => new Date().toISOString();
		for (const c of [1, 2])
			await third.call('StatusNotification', { connectorId: c, errorCode: 'NoError', status: 'Available', timestamp: ts() });
		await until(() => statusOf(2) === 'Available' && statusOf(3) === 'Available', 5000, 'connectors 2, 3 available');
		const r = await csms.client().call('RemoteStartTransaction', { idTag: 'CARD-T', connectorId: 2 });
		assert(r.status === 'Accepted', r.status);
		await third.call('StartTransaction', { connectorId: 1, idTag: 'CARD-T', meterStart: 0, timestamp: ts() });
		await third.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: ts() });
		// the latest limit of each kind the Master sent: the total on connector 0, the share on 1 and on 2
		const latest = (conn, purpose) => {
			const x = calls.filter((c) => c.method === 'SetChargingProfile' && c.params.connectorId === conn &&
				c.params.csChargingProfiles.chargingProfilePurpose === purpose);
			return x.length ? x[x.length - 1].params.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit : undefined;
		};
		await until(() => latest(0, 'ChargePointMaxProfile') === 32 && latest(1, 'TxDefaultProfile') === 32 &&
			latest(2, 'TxDefaultProfile') === 0, 15000, 'total 32 A, connector 1 32 A, connector 2 0 A')
			.catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(calls.map((c) => [c.method, c.params.connectorId]))}`); });
		assert(csms.failures.length === 0, csms.failures.join('; '));
		third.close({ force: true });
		await master.stop();
		await csms.close();
		master.cleanup();
	}],
]);
