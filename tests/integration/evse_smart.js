// evse_smart.js — evse against an ocpp-rpc RPCServer in strict mode: smart charging (SetChargingProfile
// changes the allowed current and the PWM duty in GET /api/status, GetCompositeSchedule, ClearChargingProfile,
// a profile surviving a restart), MinimumStatusDuration, a reservation across a restart.
'use strict';
const { freePort, sleep, until, Csms, Station, run, assert } = require('./evse_harness');

let csms, st;

const profile = (id, purpose, limit, extra = {}) => Object.assign({
	chargingProfileId: id, stackLevel: 0, chargingProfilePurpose: purpose, chargingProfileKind: 'Absolute',
	chargingSchedule: { startSchedule: new Date(Date.now() - 1000).toISOString(), chargingRateUnit: 'A',
		chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
}, extra);

async function restart() {
	const before = csms.of('BootNotification').length;
	await st.stop();
	st.start();
	await st.ready();
	await until(() => csms.of('BootNotification').length > before, 10000, 'BootNotification after restart');
}

run([
	['SetChargingProfile changes the allowed current and the PWM duty during a session', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		st = new Station({ http_port: await freePort(), mode: 'WEB', ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/CP-SM-1` });
		st.start();
		await st.ready();
		await csms.waitFor('StatusNotification', (p) => p.connectorId === 1);
		const c = csms.client();
		assert((await c.call('RemoteStartTransaction', { idTag: 'SMART-1' })).status === 'Accepted');
		await st.sim('plug response_ms=100');
		await csms.waitFor('StartTransaction');
		await until(async () => (await st.status()).state === 'CHARGING', 10000, 'CHARGING');
		let s = await st.status();
		assert(s.limitA === 32 && Math.abs(s.duty - 53.3) < 0.5, `before: ${s.limitA} A, ${s.duty} %`);
		const txId = csms.nextTx;
		let r = await c.call('SetChargingProfile', { connectorId: 1,
			csChargingProfiles: profile(11, 'TxProfile', 10, { transactionId: txId }) });
		assert(r.status === 'Accepted', r.status);
		// the PWM follows on the next control cycle
		s = await until(async () => { const v = await st.status(); return v.limitA === 10 && Math.abs(v.duty - 16.7) < 0.5 && v; },
			5000, 'limit 10 A, duty 16.7 %');
		// a station maximum in W below it: 4140 W / (230 V x 3) = 6 A
		r = await c.call('SetChargingProfile', { connectorId: 0, csChargingProfiles: Object.assign(
			profile(12, 'ChargePointMaxProfile', 4140), { chargingSchedule: { chargingRateUnit: 'W',
				chargingSchedulePeriod: [{ startPeriod: 0, limit: 4140 }] } }) });
		assert(r.status === 'Accepted', r.status);
		s = await until(async () => { const v = await st.status(); return v.limitA === 6 && Math.abs(v.duty - 10) < 0.5 && v; },
			5000, 'limit 6 A, duty 10 %');
		r = await c.call('SetChargingProfile', { connectorId: 1,
			csChargingProfiles: profile(13, 'TxProfile', 10, { transactionId: txId + 7 }) });
		assert(r.status === 'Rejected', 'a TxProfile of another transaction was accepted');
	}],
	['GetCompositeSchedule and ClearChargingProfile', async () => {
		const c = csms.client();
		let r = await c.call('GetCompositeSchedule', { connectorId: 1, duration: 600 });
		assert(r.status === 'Accepted' && r.connectorId === 1, JSON.stringify(r));
		assert(r.chargingSchedule.chargingSchedulePeriod[0].limit === 6, JSON.stringify(r.chargingSchedule));
		r = await c.call('GetCompositeSchedule', { connectorId: 1, duration: 600, chargingRateUnit: 'W' });
		assert(r.chargingSchedule.chargingRateUnit === 'W' && r.chargingSchedule.chargingSchedulePeriod[0].limit === 4140,
			JSON.stringify(r.chargingSchedule));
		r = await c.call('ClearChargingProfile', { chargingProfilePurpose: 'ChargePointMaxProfile' });
		assert(r.status === 'Accepted', r.status);
		await until(async () => (await st.status()).limitA === 10, 5000, 'limit back to 10 A');
		r = await c.call('ClearChargingProfile', { id: 11 });
		assert(r.status === 'Accepted', r.status);
		await until(async () => (await st.status()).limitA === 32, 5000, 'no limit');
		r = await c.call('ClearChargingProfile', { id: 11 });
		assert(r.status === 'Unknown', r.status);
		r = await c.call('RemoteStopTransaction', { transactionId: csms.nextTx });
		await csms.waitFor('StopTransaction');
		await st.sim('unplug');
		await csms.waitFor('StatusNotification', (p) => p.status === 'Available' && p.connectorId === 1 &&
			csms.of('StopTransaction').length > 0);
	}],
	['a TxDefaultProfile survives a restart', async () => {
		const r = await csms.client().call('SetChargingProfile', { connectorId: 0,
			csChargingProfiles: profile(21, 'TxDefaultProfile', 12) });
		assert(r.status === 'Accepted', r.status);
		await until(async () => (await st.status()).limitA === 12, 5000, 'limit 12 A');
		await restart();
		await until(async () => (await st.status()).limitA === 12, 5000, 'limit 12 A after the restart');
		const cs = await csms.client().call('GetCompositeSchedule', { connectorId: 1, duration: 60 });
		assert(cs.chargingSchedule.chargingSchedulePeriod[0].limit === 12, JSON.stringify(cs));
		await csms.client().call('ClearChargingProfile', {});
	}],
	['MinimumStatusDuration: a short status is not sent, the lasting one is', async () => {
		const c = csms.client();
		assert((await c.call('ChangeConfiguration', { key: 'MinimumStatusDuration', value: '3' })).status === 'Accepted');
		await sleep(500);
		const t0 = Date.now();
		await st.sim('plug');
		await sleep(1000);
		await st.sim('unplug');
		await sleep(4000);
		assert(!csms.calls.some((x) => x.method === 'StatusNotification' && x.at > t0),
			'a status that lasted 1 s was sent');
		await st.sim('plug');
		await sleep(2000);
		assert(!csms.calls.some((x) => x.method === 'StatusNotification' && x.at > t0), 'sent before 3 s');
		const p = await until(() => csms.calls.find((x) => x.method === 'StatusNotification' && x.at > t0), 5000,
			'the lasting status');
		assert(p.params.status === 'Preparing', p.params.status);
		assert(p.at - t0 >= 7900, 'Preparing came too early');
		await st.sim('unplug');
		assert((await c.call('ChangeConfiguration', { key: 'MinimumStatusDuration', value: '0' })).status === 'Accepted');
		await until(async () => (await st.status()).state === 'AVAILABLE', 5000, 'AVAILABLE');
	}],
	['a reservation survives a restart', async () => {
		const r = await csms.client().call('ReserveNow', { connectorId: 1, reservationId: 77, idTag: 'RES-77',
			expiryDate: new Date(Date.now() + 120000).toISOString() });
		assert(r.status === 'Accepted', r.status);
		await until(async () => (await st.status()).state === 'RESERVED', 5000, 'RESERVED');
		const t0 = Date.now();
		await restart();
		await until(async () => (await st.status()).state === 'RESERVED', 5000, 'RESERVED after the restart');
		await csms.waitFor('StatusNotification', (p) => p.status === 'Reserved' && p.connectorId === 1 &&
			Date.parse(p.timestamp) > t0);
		// only its card may start
		await st.sim('plug');
		await st.sim('tap RES-77');
		const start = await csms.waitFor('StartTransaction', (p) => p.idTag === 'RES-77');
		assert(start.params.reservationId === 77, JSON.stringify(start.params));
		await st.sim('tap RES-77');
		await csms.waitFor('StopTransaction', (p) => p.idTag === 'RES-77');
		await st.sim('unplug');
	}],
	['every frame was valid for the official schemas; clean exit', async () => {
		assert(csms.failures.length === 0, `strict validation failures: ${csms.failures.join('; ')}`);
		await st.stop();
		await csms.close();
		st.cleanup();
	}],
]);
