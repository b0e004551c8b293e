// evse_group.js — a Master/Satellite group of real evse processes behind an ocpp-rpc strict central system:
// one Master (group_role=master) and two Satellites (group_role=satellite, ocpp_url = the Master's), plus a
// third-party Satellite with two connectors played by an ocpp-rpc strict client. Upstream sees one station
// whose connectors are the group's sockets; a remote start on a Satellite's socket charges there with
// StartTransaction / MeterValues / StopTransaction upstream on the right connector and transaction id; a
// Satellite killed shows its socket Unavailable; a Satellite without its Master falls to group_safe_current.
'use strict';
const { RPCClient } = require('ocpp-rpc');
const { freePort, sleep, until, Csms, Station, run, assert } = require('./evse_harness');

let csms, master, satA, satB, third, gport;
const thirdCalls = [];

const sat = (id, opts = {}) => new Station(Object.assign({
	http_port: 0, mode: 'WEB', serial: `WL-${id}`, group_role: 'satellite', group_safe_current: '8',
	ocpp_url: `ws://127.0.0.1:${gport}/ocpp/${id}`,
}, opts));

// a station's status, {} while it restarts
const status = async (st) => { try { return await st.status(); } catch (e) { return {}; } };

// the latest status upstream of connector k
const statusOf = (k) => {
	const s = csms.of('StatusNotification').filter((c) => c.params.connectorId === k);
	return s.length ? s[s.length - 1].params.status : undefined;
};

run([
	['refusals: a master without satellites list is fine, a bad list or mode is refused at start', async () => {
		gport = await freePort();
		for (const [opts, msg] of [
			[{ group_satellites: 'A,A' }, 'group_satellites: "A" is listed twice'],
			[{ group_satellites: 'A:9' }, '9 connectors (1..8)'],
			[{ mode: 'FREE', edition: 'BUSINESS' }, 'group_role master needs mode WEB'],
			[{ edition: 'BUSINESS' }, 'group_role master: a BUSINESS station cannot be a Master'],
			[{ group_listen: '10.9.9.9' }, 'group_listen 10.9.9.9: '],
		]) {
			const st = new Station(Object.assign({ http_port: 0, mode: 'WEB', edition: 'PRO', group_role: 'master',
				group_port: gport, ocpp_url: 'ws://127.0.0.1:9/ocpp/M' }, opts));
			st.start();
			const r = await st.exited;
			assert(r.code !== 0 && st.log.includes(msg), `${JSON.stringify(opts)}: exit ${r.code}, log: ${st.log}`);
			st.cleanup();
		}
	}],
	['upstream sees one station whose connectors are the group\'s sockets, with their statuses', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO', group_role: 'master',
			group_port: gport, group_satellites: 'SAT-A,SAT-B,THIRD:2',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-1` });
		master.start();
		await master.ready();
		// SAT-B: MeterValueSampleInterval 1 s, set by a central system of its own before it joins the group
		const pre = new Csms();
		await pre.listen(await freePort());
		satB = sat('SAT-B', { http_port: await freePort(), ocpp_url: `ws://127.0.0.1:${pre.port}/ocpp/SAT-B` });
		satB.start();
		await pre.waitFor('BootNotification');
		const r = await pre.client().call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '1' });
		assert(r.status === 'Accepted', r.status);
		await satB.stop();
		await pre.close();
		satB.opts.ocpp_url = `ws://127.0.0.1:${gport}/ocpp/SAT-B`;
		satB.start();
		satA = sat('SAT-A', { http_port: await freePort() });
		satA.start();
		await satA.ready();
		await satB.ready();
		await csms.waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'Available');
		await until(() => statusOf(2) === 'Available' && statusOf(3) === 'Available', 10000, 'satellites available');
		assert(statusOf(4) === 'Unavailable' && statusOf(5) === 'Unavailable', `third party: ${statusOf(4)} ${statusOf(5)}`);
		assert(csms.clients.length === 1 && csms.of('BootNotification').length === 1, 'one station upstream');
		assert(csms.of('BootNotification')[0].params.chargePointSerialNumber === 'WL-MASTER', 'the master boots');
		assert(csms.failures.length === 0, csms.failures.join('; '));
		await until(async () => (await satA.status()).online, 5000, 'SAT-A online');
	}],
	['remote start on a Satellite\'s socket: charging there, its transaction upstream on connector 3', async () => {
		const c = csms.client();
		let r = await c.call('RemoteStartTransaction', { idTag: 'CARD-B', connectorId: 3 });
		assert(r.status === 'Accepted', r.status);
		await satB.sim('plug response_ms=200');
		const start = await csms.waitFor('StartTransaction', (p) => p.idTag === 'CARD-B');
		assert(start.params.connectorId === 3, `StartTransaction on ${start.params.connectorId}`);
		const txId = csms.nextTx;
		await until(async () => (await satB.status()).state === 'CHARGING', 10000, 'SAT-B charging');
		assert((await satA.status()).state !== 'CHARGING' && (await master.status()).state !== 'CHARGING', 'wrong point');
		await csms.waitFor('StatusNotification', (p) => p.connectorId === 3 && p.status === 'Charging');
		const mv = await csms.waitFor('MeterValues', (p) => p.transactionId === txId, 8000);
		assert(mv.params.connectorId === 3, `MeterValues on ${mv.params.connectorId}`);
		r = await c.call('RemoteStopTransaction', { transactionId: txId });
		assert(r.status === 'Accepted', r.status);
		const stop = await csms.waitFor('StopTransaction', (p) => p.transactionId === txId);
		assert(stop.params.reason === 'Remote' && stop.params.meterStop >= start.params.meterStart, 'stop');
		await until(async () => !(await satB.status()).session.active, 5000, 'session over on SAT-B');
		await satB.sim('unplug');
		assert(csms.failures.length === 0, csms.failures.join('; '));
	}],
	['calls on connector k reach the right point, renumbered; answers come back', async () => {
		const c = csms.client();
		const at = csms.calls.length;
		let r = await c.call('TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 2 });
		assert(r.status === 'Accepted', r.status);
		await until(() => csms.calls.slice(at).find((x) => x.method === 'MeterValues' && x.params.connectorId === 2),
			5000, 'MeterValues of SAT-A on connector 2');
		r = await c.call('ChangeAvailability', { connectorId: 2, type: 'Inoperative' });
		assert(r.status === 'Accepted', r.status);
		await until(async () => (await satA.status()).state === 'UNAVAILABLE', 5000, 'SAT-A inoperative');
		await csms.waitFor('StatusNotification', (p) => p.connectorId === 2 && p.status === 'Unavailable');
		assert((await satB.status()).state !== 'UNAVAILABLE', 'SAT-B made inoperative');
		r = await c.call('ChangeAvailability', { connectorId: 2, type: 'Operative' });
		assert(r.status === 'Accepted', r.status);
		await until(() => statusOf(2) === 'Available', 5000, 'SAT-A available again');
		r = await c.call('GetCompositeSchedule', { connectorId: 3, duration: 60 });
		assert(r.status === 'Accepted' && r.connectorId === 3, JSON.stringify(r));
		// the relay's cost: a call answered by SAT-B through the Master against one the Master answers itself
		const median = async (k) => {
			const t = [];
			for (let i = 0; i < 20; i++) {
				const t0 = process.hrtime.bigint();
				await c.call('GetCompositeSchedule', { connectorId: k, duration: 60 });
				t.push(Number(process.hrtime.bigint() - t0) / 1e6);
			}
			return t.sort((a, b) => a - b)[10];
		};
		const own = await median(1), relayed = await median(3);
		console.log(`     GetCompositeSchedule median: master ${own.toFixed(1)} ms, relayed to SAT-B ${relayed.toFixed(1)} ms`);
		assert(relayed < own + 50, `the relay adds ${(relayed - own).toFixed(1)} ms`);
		r = await c.call('UnlockConnector', { connectorId: 3 });
		assert(r.status === 'Unlocked', r.status);
		let err;
		try { await c.call('UnlockConnector', { connectorId: 4 }); } catch (e) { err = e; }
		assert(err && /THIRD is not connected/.test(err.message), `not connected: ${err && err.message}`);
		assert(csms.failures.length === 0, csms.failures.join('; '));
	}],
	['a third-party Satellite (ocpp-rpc strict client, 2 connectors) is connectors 4 and 5', async () => {
		let refused;
		const nope = new RPCClient({ endpoint: `ws://127.0.0.1:${gport}/ocpp`, identity: 'NOPE', protocols: ['ocpp1.6'],
			strictMode: true, reconnect: false });
		try { await nope.connect(); } catch (e) { refused = e; }
		assert(refused, 'an unknown satellite id was accepted');
		third = new RPCClient({ endpoint: `ws://127.0.0.1:${gport}/ocpp`, identity: 'THIRD', protocols: ['ocpp1.6'],
			strictMode: true, reconnect: false });
		third.handle(({ method, params }) => {
			thirdCalls.push({ method, params });
			if (method === 'RemoteStartTransaction' || method === 'RemoteStopTransaction') return { status: 'Accepted' };
			return {};
		});
		await third.connect();
		const boot = await third.call('BootNotification', { chargePointVendor: 'Other', chargePointModel: 'X' });
		assert(boot.status === 'Accepted', boot.status);
		const ts = new Date().toISOString();
		await third.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Preparing', timestamp: ts });
		await until(() => statusOf(5) === 'Preparing', 5000, 'connector 5 Preparing');
		assert(statusOf(4) === 'Unavailable', `connector 4 ${statusOf(4)}`);
		// a connector the group does not know is answered and not reported
		await third.call('StatusNotification', { connectorId: 3, errorCode: 'NoError', status: 'Available', timestamp: ts });
		assert(!csms.of('StatusNotification').some((x) => x.params.connectorId === 6), 'connector 6 reported');
		let err;
		let r;
		try { r = await csms.client().call('RemoteStartTransaction', { idTag: 'CARD-T', connectorId: 5 }); } catch (e) {
			throw new Error(`${e.message}\n${master.log}`);
		}
		assert(r.status === 'Accepted', r.status);
		const rs = thirdCalls.find((x) => x.method === 'RemoteStartTransaction');
		assert(rs && rs.params.connectorId === 2 && rs.params.idTag === 'CARD-T', JSON.stringify(rs));
		const auth = await third.call('Authorize', { idTag: 'CARD-T' });
		assert(auth.idTagInfo.status === 'Accepted', JSON.stringify(auth));
		const st = await third.call('StartTransaction', { connectorId: 2, idTag: 'CARD-T', meterStart: 100, timestamp: ts });
		const up = await csms.waitFor('StartTransaction', (p) => p.idTag === 'CARD-T');
		assert(up.params.connectorId === 5 && st.transactionId === csms.nextTx, `${up.params.connectorId} ${st.transactionId}`);
		try {
			await third.call('StartTransaction', { connectorId: 3, idTag: 'CARD-T', meterStart: 100, timestamp: ts });
		} catch (e) { err = e; }
		assert(err && /connectorId 3: THIRD has 2 connectors/.test(err.message), `connector 3: ${err && err.message}`);
		const r2 = await csms.client().call('RemoteStopTransaction', { transactionId: st.transactionId });
		assert(r2.status === 'Accepted', r2.status);
		assert(thirdCalls.find((x) => x.method === 'RemoteStopTransaction' && x.params.transactionId === st.transactionId),
			'RemoteStop reached the third party');
		await third.call('StopTransaction', { transactionId: st.transactionId, meterStop: 200, timestamp: ts });
		await csms.waitFor('StopTransaction', (p) => p.transactionId === st.transactionId);
		await third.close({ force: true });
		await until(() => statusOf(4) === 'Unavailable' && statusOf(5) === 'Unavailable', 5000, 'third party away');
		assert(csms.failures.length === 0, csms.failures.join('; '));
	}],
	['upstream away: a Satellite\'s card is authorised by the Master\'s local list, its StartTransaction held until upstream is back', async () => {
		let r = await csms.client().call('SendLocalList', { listVersion: 1, updateType: 'Full',
			localAuthorizationList: [{ idTag: 'CARD-OFF', idTagInfo: { status: 'Accepted' } }] });
		assert(r.status === 'Accepted', r.status);
		const port = csms.port;
		await csms.close();
		await until(async () => !(await master.status()).online, 5000, 'master offline');
		// a third-party Satellite gives up waiting and sends its StartTransaction again: the held one is
		// answered "superseded" and only the second goes upstream
		const t = new RPCClient({ endpoint: `ws://127.0.0.1:${gport}/ocpp`, identity: 'THIRD', protocols: ['ocpp1.6'],
			strictMode: true, reconnect: false, callConcurrency: 2 });
		await t.connect();
		await t.call('BootNotification', { chargePointVendor: 'Other', chargePointModel: 'X' });
		const ts = new Date().toISOString();
		const first = t.call('StartTransaction', { connectorId: 1, idTag: 'HELD-1', meterStart: 0, timestamp: ts })
			.then(() => 'answered', (e) => e.message);
		await sleep(300);
		const second = t.call('StartTransaction', { connectorId: 1, idTag: 'HELD-2', meterStart: 0, timestamp: ts });
		assert(/superseded/.test(await first), `first: ${await first}`);
		await satA.sim('plug response_ms=200');
		await satA.sim('tap CARD-OFF');
		await until(async () => (await satA.status()).state === 'CHARGING', 10000, 'SAT-A charging on the local list');
		csms = new Csms();
		const ids = {};
		csms.handlers.StartTransaction = (p) => {
			ids[p.idTag] = ++csms.nextTx;
			return { transactionId: ids[p.idTag], idTagInfo: { status: 'Accepted' } };
		};
		await csms.listen(port);
		const start = await csms.waitFor('StartTransaction', (p) => p.idTag === 'CARD-OFF', 20000);
		assert(start.params.connectorId === 2, `StartTransaction on ${start.params.connectorId}`);
		const held = await second;
		assert(held.transactionId === ids['HELD-2'], `held answered ${held.transactionId}, upstream ${ids['HELD-2']}`);
		const up = await csms.waitFor('StartTransaction', (p) => p.idTag === 'HELD-2');
		assert(up.params.connectorId === 4, `held StartTransaction on ${up.params.connectorId}`);
		assert(!csms.of('StartTransaction').some((c) => c.params.idTag === 'HELD-1'), 'the superseded one went upstream');
		await t.call('StopTransaction', { transactionId: held.transactionId, meterStop: 0, timestamp: ts });
		await t.close({ force: true });
		const offTx = ids['CARD-OFF'];
		await until(() => statusOf(2) === 'Charging' && statusOf(3) === 'Available', 5000, 'statuses again after the boot');
		r = await csms.client().call('RemoteStopTransaction', { transactionId: offTx });
		assert(r.status === 'Accepted', r.status);
		await csms.waitFor('StopTransaction', (p) => p.transactionId === offTx);
		assert(csms.of('StartTransaction').filter((c) => c.params.idTag === 'CARD-OFF').length === 1, 'StartTransaction sent twice');
		await satA.sim('unplug');
		assert(csms.failures.length === 0, csms.failures.join('; '));
	}],
	['a Satellite killed: its socket Unavailable upstream; the others keep theirs', async () => {
		await satA.kill9();
		await until(() => statusOf(2) === 'Unavailable', 5000, 'connector 2 Unavailable');
		assert(statusOf(3) === 'Available' && statusOf(1) === 'Available', `${statusOf(1)} ${statusOf(3)}`);
	}],
	['Reset and ChangeAvailability of connector 0 reach every Satellite; the Master answers for the station', async () => {
		const calls = [];
		const t = new RPCClient({ endpoint: `ws://127.0.0.1:${gport}/ocpp`, identity: 'THIRD', protocols: ['ocpp1.6'],
			strictMode: true, reconnect: false });
		t.handle(({ method, params }) => {
			calls.push({ method, params });
			return method === 'Reset' || method === 'ChangeAvailability' ? { status: 'Accepted' } : {};
		});
		await t.connect();
		await t.call('BootNotification', { chargePointVendor: 'Other', chargePointModel: 'X' });
		let r = await csms.client().call('ChangeAvailability', { connectorId: 0, type: 'Inoperative' });
		assert(r.status === 'Accepted', r.status);
		await until(() => calls.find((x) => x.method === 'ChangeAvailability' && x.params.connectorId === 0), 5000,
			'ChangeAvailability 0 at the third party');
		await until(async () => (await status(satB)).state === 'UNAVAILABLE', 5000, 'SAT-B inoperative');
		await until(async () => (await status(master)).state === 'UNAVAILABLE', 5000, 'master inoperative');
		r = await csms.client().call('ChangeAvailability', { connectorId: 0, type: 'Operative' });
		assert(r.status === 'Accepted', r.status);
		await until(async () => (await status(satB)).state === 'AVAILABLE', 5000, 'SAT-B operative');
		const boots = csms.of('BootNotification').length;
		r = await csms.client().call('Reset', { type: 'Soft' });
		assert(r.status === 'Accepted', r.status);
		await until(() => calls.find((x) => x.method === 'Reset' && x.params.type === 'Soft'), 5000, 'Reset at the third party');
		await until(() => csms.of('BootNotification').length === boots + 1, 20000, 'the master boots again');
		await t.close({ force: true });
		await until(async () => (await status(satB)).online && (await status(satB)).state === 'AVAILABLE', 20000,
			'SAT-B back with its master');
		assert(csms.failures.length === 0, csms.failures.join('; '));
	}],
	['a Satellite that loses its Master mid-session falls to group_safe_current; full again when it is back', async () => {
		await until(async () => (await status(satB)).limitA === 32, 5000, 'full limit with its master');
		let r = await csms.client().call('RemoteStartTransaction', { idTag: 'CARD-B2', connectorId: 3 });
		assert(r.status === 'Accepted', r.status);
		await satB.sim('plug response_ms=200');
		await csms.waitFor('StartTransaction', (p) => p.idTag === 'CARD-B2');
		const txId = csms.nextTx;
		await until(async () => (await satB.status()).state === 'CHARGING', 10000, 'SAT-B charging');
		await until(async () => (await satB.status()).offeredA > 8, 5000, 'more than 8 A offered with its master');
		const boots = csms.of('BootNotification').length;
		await master.stop();
		await until(async () => (await satB.status()).limitA === 8, 5000, 'safe current 8 A');
		await until(async () => (await satB.status()).offeredA <= 8, 5000, 'at most 8 A offered');
		assert((await satB.status()).state === 'CHARGING', 'the session goes on');
		master.start();
		await until(async () => (await satB.status()).limitA === 32, 15000, 'full limit with its master back');
		// the restarted Master still knows which Satellite runs the transaction
		await until(() => csms.of('BootNotification').length === boots + 1, 10000, 'master back');
		await until(() => csms.client().call('RemoteStopTransaction', { transactionId: txId })
			.then((x) => x.status === 'Accepted', () => false), 10000, 'remote stop accepted');
		const stop = await csms.waitFor('StopTransaction', (p) => p.transactionId === txId);
		assert(stop.params.reason === 'Remote', stop.params.reason);
		await satB.stop();
		await master.stop();
		await csms.close();
		for (const s of [master, satA, satB]) s.cleanup();
	}],
]);
