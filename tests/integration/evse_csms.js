// evse_csms.js — the real evse against the real csms (both sanitizer builds): boot and connector statuses
// as the csms shows them, a card transaction with meter values in csms's txn table, remote start/stop
// through the csms operations API, configuration round trip, and a kill -9 mid-transaction whose
// PowerLoss stop reaches the csms exactly once.
'use strict';
const { freePort, sleep, until, Station, run, assert } = require('./evse_harness');
const { Csms } = require('./csms/lib');

const ID = 'CP-REAL-1', CARD = 'CARD-REAL-1';
let csms, st;

const station = async () => (await csms.api('GET', `/api/v1/stations/${ID}`)).body;
const connector = async (n) => ((await station()).connectors || []).find((c) => c.connectorId === n) || {};
const txns = () => csms.sql(`SELECT * FROM txn WHERE station_id = '${ID}' ORDER BY id`);

async function op(action, payload) {
	const r = await csms.op(ID, action, payload);
	assert(r.status === 200 && r.body.outcome === 'result', `${action}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
	return r.body.response;
}

async function endSession() {
	await st.sim('unplug');
	await until(async () => !(await st.status()).session.active, 5000, 'end of session');
}

run([
	['boot accepted by csms; station connected with its connector statuses', async () => {
		csms = new Csms(['--station-policy', 'known']);
		await csms.start();
		await csms.addStation(ID);
		await csms.putTag(CARD);
		st = new Station({ log_level: process.env.EVSE_LOG || 'warn', http_port: await freePort(), mode: 'WEB',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/${ID}` });
		st.start();
		await st.ready();
		await until(async () => (await st.status()).online, 10000, 'evse online');
		await until(async () => (await station()).connected, 5000, 'connected in csms');
		const s = await station();
		assert(s.vendor === 'Wattline' && s.model === 'WL-22', `boot fields ${JSON.stringify(s)}`);
		await until(async () => (await connector(1)).status === 'Available', 5000, 'connector 1 Available');
		await until(async () => (await connector(0)).status === 'Available', 5000, 'connector 0 Available');
		await until(() => csms.logSql(`SELECT count(*) AS n FROM message WHERE station_id = '${ID}' AND text LIKE '%BootNotification%'`)[0].n >= 1,
			5000, 'a BootNotification in the message log');
	}],
	['GetConfiguration / ChangeConfiguration round trip through csms', async () => {
		let r = await op('GetConfiguration', { key: ['HeartbeatInterval'] });
		assert(r.configurationKey && r.configurationKey[0].key === 'HeartbeatInterval', JSON.stringify(r));
		r = await op('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '1' });
		assert(r.status === 'Accepted', r.status);
		r = await op('GetConfiguration', { key: ['MeterValueSampleInterval', 'NoSuchKey'] });
		assert(r.configurationKey[0].value === '1' && r.unknownKey[0] === 'NoSuchKey', JSON.stringify(r));
		r = await op('ChangeConfiguration', { key: 'NumberOfConnectors', value: '3' });
		assert(r.status === 'Rejected', `read-only key: ${r.status}`);
	}],
	['card tap transaction lands in csms txn with meter values', async () => {
		await st.sim('plug response_ms=50');
		await st.sim(`tap ${CARD}`);
		await until(async () => (await connector(1)).status === 'Charging', 8000, 'Charging in csms');
		await until(() => txns().length === 1, 5000, 'txn row');
		const id = txns()[0].id;
		await until(() => csms.sql(`SELECT count(*) AS n FROM meter_value WHERE txn_id = ${id} AND source = 'MeterValues'`)[0].n >= 1,
			8000, 'meter values of the transaction');
		await endSession();
		await until(() => txns()[0].stop_ts !== null, 5000, 'stop in txn');
		const t = txns()[0];
		assert(t.start_status === 'Accepted' && t.stop_reason === 'EVDisconnected', JSON.stringify(t));
		assert(t.meter_stop > t.meter_start, `energy ${t.meter_start}..${t.meter_stop}`);
		assert(t.id_tag.startsWith(CARD.toUpperCase()), t.id_tag);
		await until(async () => (await st.status()).queued === 0, 5000, 'empty queue');
	}],
	['remote start and remote stop sent through csms are accepted and recorded', async () => {
		let r = await op('RemoteStartTransaction', { idTag: CARD, connectorId: 1 });
		assert(r.status === 'Accepted', r.status);
		await st.sim('plug response_ms=50');
		await until(() => txns().length === 2, 8000, 'remote txn row');
		const t = txns()[1];
		assert(t.stop_ts === null && t.connector_id === 1, JSON.stringify(t));
		r = await op('RemoteStopTransaction', { transactionId: t.id });
		assert(r.status === 'Accepted', r.status);
		await until(() => txns()[1].stop_reason === 'Remote', 8000, 'remote stop in txn');
		const ops = csms.sql(`SELECT action FROM operation WHERE station_id = '${ID}' AND action LIKE 'Remote%' ORDER BY id`);
		assert(ops.map((o) => o.action).join() === 'RemoteStartTransaction,RemoteStopTransaction', JSON.stringify(ops));
		await endSession();
		await until(async () => (await connector(1)).status === 'Available', 5000, 'Available again');
	}],
	['a reservation through csms: Reserved, only its card starts, reservationId in txn', async () => {
		const expiryDate = new Date(Date.now() + 600000).toISOString();
		let r = await op('ReserveNow', { connectorId: 1, expiryDate, idTag: CARD, reservationId: 77 });
		assert(r.status === 'Accepted', r.status);
		await until(async () => (await connector(1)).status === 'Reserved', 5000, 'Reserved in csms');
		await csms.putTag('CARD-OTHER');
		await st.sim('plug response_ms=50');
		await st.sim('tap CARD-OTHER');
		await sleep(600); /* its Authorize (Accepted by csms) comes back, the reservation refuses it */
		assert((await st.status()).state === 'RESERVED', 'not reserved any more');
		assert(txns().length === 2, 'another card started on a reserved connector');
		await st.sim(`tap ${CARD}`);
		try { await until(() => txns().length === 3, 8000, 'reserved txn row'); } catch (e) {
			console.log(st.log.slice(-3000), JSON.stringify((await csms.messages(ID)).slice(-12), null, 1));
			throw e;
		}
		assert(txns()[2].reservation_id === 77, JSON.stringify(txns()[2]));
		r = await op('CancelReservation', { reservationId: 77 });
		assert(r.status === 'Rejected', `used reservation cancelled: ${r.status}`);
		await endSession();
	}],
	['kill -9 mid-transaction: the PowerLoss stop reaches csms once', async () => {
		await st.sim('plug response_ms=50');
		await st.sim(`tap ${CARD}`);
		await until(() => txns().length === 4, 8000, 'fourth txn row');
		await st.kill9();
		await until(async () => !(await station()).connected, 15000, 'csms sees the disconnect');
		st.start();
		await st.ready();
		await until(() => txns()[3].stop_ts !== null, 15000, 'stop after restart');
		const t = txns()[3];
		assert(t.stop_reason === 'PowerLoss', `reason ${t.stop_reason}`);
		await until(async () => (await st.status()).queued === 0, 5000, 'empty queue');
		const stops = () => csms.logSql(`SELECT count(*) AS n FROM message WHERE station_id = '${ID}' AND dir = 'in' AND text LIKE '%"StopTransaction"%'`)[0].n;
		await until(() => stops() >= 4, 5000, 'the StopTransaction frames in the message log');
		await sleep(300);
		assert(stops() === 4, `${stops()} StopTransaction frames`);
		assert(csms.sql(`SELECT count(*) AS n FROM orphan_stop`)[0].n === 0, 'orphan stop');
		assert(txns().length === 4, 'extra transaction');
		await st.sim('unplug');
		await st.stop();
		await csms.stopAndCheck();
		st.cleanup();
	}],
]);
