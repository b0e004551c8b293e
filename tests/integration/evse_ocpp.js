// evse_ocpp.js — evse against an ocpp-rpc RPCServer in strict mode: boot first with Basic auth, status
// notifications, remote start/stop with meter values, configuration, triggers, faults, refusals.
'use strict';
const { freePort, until, Csms, Station, run, assert } = require('./evse_harness');

let csms, st;

async function setup() {
	csms = new Csms();
	await csms.listen(await freePort());
	st = new Station({
		http_port: await freePort(), mode: 'WEB', serial: 'WL-IT-1', ocpp_password: 'secret-key-16chars',
		ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/CP-IT-1`,
	});
	st.start();
	await st.ready();
}

run([
	['boot first, with Basic auth, then status of connectors 0 and 1', async () => {
		await setup();
		const boot = await csms.waitFor('BootNotification');
		assert(csms.calls[0].method === 'BootNotification', 'first message is not BootNotification');
		assert(boot.params.chargePointVendor === 'Wattline' && boot.params.chargePointSerialNumber === 'WL-IT-1');
		assert(csms.auth[0].identity === 'CP-IT-1' && csms.auth[0].password === 'secret-key-16chars', 'basic auth');
		await csms.waitFor('StatusNotification', (p) => p.connectorId === 0);
		await csms.waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'Available');
	}],
	['configuration keys: get, change, read-only refused', async () => {
		const c = csms.client();
		const all = await c.call('GetConfiguration', {});
		assert(all.configurationKey.find((k) => k.key === 'HeartbeatInterval' && k.value === '300'), 'HeartbeatInterval');
		let r = await c.call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '1' });
		assert(r.status === 'Accepted', r.status);
		r = await c.call('ChangeConfiguration', { key: 'NumberOfConnectors', value: '3' });
		assert(r.status === 'Rejected', r.status);
		r = await c.call('GetConfiguration', { key: ['NoSuchKey'] });
		assert(r.unknownKey[0] === 'NoSuchKey');
	}],
	['remote start, charging with meter values, remote stop', async () => {
		const c = csms.client();
		let r = await c.call('RemoteStartTransaction', { idTag: 'REMOTE-1', connectorId: 1 });
		assert(r.status === 'Accepted', r.status);
		await st.sim('plug response_ms=200');
		const start = await csms.waitFor('StartTransaction', (p) => p.idTag === 'REMOTE-1');
		await csms.waitFor('StatusNotification', (p) => p.status === 'Charging');
		const txId = csms.nextTx;
		const mv = await csms.waitFor('MeterValues', (p) => p.transactionId === txId, 5000);
		assert(mv.params.meterValue[0].sampledValue.some((s) => s.measurand === 'Voltage' && s.phase === 'L1-N'), 'voltage');
		assert(start.params.connectorId === 1);
		r = await c.call('RemoteStopTransaction', { transactionId: txId + 1 });
		assert(r.status === 'Rejected', 'unknown transaction accepted');
		r = await c.call('RemoteStopTransaction', { transactionId: txId });
		assert(r.status === 'Accepted', r.status);
		const stop = await csms.waitFor('StopTransaction', (p) => p.transactionId === txId);
		assert(stop.params.reason === 'Remote' && stop.params.meterStop >= start.params.meterStart, 'stop');
		await csms.waitFor('StatusNotification', (p) => p.status === 'Finishing');
		const unplugAt = csms.calls.length;
		await st.sim('unplug');
		await csms.waitFor('StatusNotification', (p) => p.status === 'Available' && p.timestamp > stop.params.timestamp);
		// Finishing -> Available, no Preparing in between (OCPP 1.6 §4.9)
		const after = csms.calls.slice(unplugAt).filter((x) => x.method === 'StatusNotification').map((x) => x.params.status);
		assert(after[0] === 'Available', `statuses after the unplug: ${after.join(', ')}`);
	}],
	['a card is authorised by the central system', async () => {
		await st.sim('plug response_ms=200');
		await st.sim('tap CARD-77');
		await csms.waitFor('Authorize', (p) => p.idTag === 'CARD-77');
		await csms.waitFor('StartTransaction', (p) => p.idTag === 'CARD-77');
		await st.sim('tap CARD-77');
		await csms.waitFor('StopTransaction', (p) => p.idTag === 'CARD-77' && p.reason === 'Local');
		await st.sim('unplug');
	}],
	['trigger message, change availability, unsupported action', async () => {
		const c = csms.client();
		const before = csms.of('Heartbeat').length;
		let r = await c.call('TriggerMessage', { requestedMessage: 'Heartbeat' });
		assert(r.status === 'Accepted');
		await until(() => csms.of('Heartbeat').length > before, 5000, 'Heartbeat');
		r = await c.call('ChangeAvailability', { connectorId: 1, type: 'Inoperative' });
		assert(r.status === 'Accepted', r.status);
		await csms.waitFor('StatusNotification', (p) => p.status === 'Unavailable');
		r = await c.call('ChangeAvailability', { connectorId: 1, type: 'Operative' });
		await csms.waitFor('StatusNotification', (p) => p.status === 'Available' && csms.of('StatusNotification').length > 4);
		let err = null;
		try { await c.call('ExtendedTriggerMessage', { requestedMessage: 'Heartbeat' }); } catch (e) { err = e; }
		assert(err && err.rpcErrorCode === 'NotSupported', `expected NotSupported, got ${err && err.rpcErrorCode}`);
	}],
	['a protection trips: Faulted with its code, never re-closed remotely', async () => {
		await st.sim('fault ird on');
		const f = await csms.waitFor('StatusNotification', (p) => p.status === 'Faulted');
		assert(f.params.errorCode === 'GroundFailure' && f.params.vendorErrorCode === 'ERR IRD', JSON.stringify(f.params));
		const s = await st.status();
		assert(s.errors.includes('ERR IRD') && s.leds.belt.color === 'red' && s.display === 'ERR IRD');
		await st.sim('fault ird off');
		const r = await csms.client().call('RemoteStartTransaction', { idTag: 'REMOTE-2' });
		assert(r.status === 'Rejected', 'a faulted station accepted a remote start');
		await st.sim('press');
		await csms.waitFor('StatusNotification', (p) => p.status === 'Available' && p.timestamp > f.params.timestamp);
	}],
	['every frame was valid for the official schemas; clean exit', async () => {
		assert(csms.failures.length === 0, `strict validation failures: ${csms.failures.join('; ')}`);
		await st.stop();
		await csms.close();
		st.cleanup();
	}],
]);
