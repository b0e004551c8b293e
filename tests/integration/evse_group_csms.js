// evse_group_csms.js — a Master/Satellite group of real evse processes against the real csms (both sanitizer
// builds): the csms shows one station with the Master's socket and three Satellites' sockets; a remote start
// through the csms on a Satellite's socket is a txn on that connector; a Satellite killed with -9
// mid-session shows Unavailable, and its transaction is closed (PowerLoss) in the csms once it is back.
'use strict';
const { freePort, until, Station, run, assert } = require('./evse_harness');
const { Csms } = require('./csms/lib');

const ID = 'GROUP-REAL-1', CARD = 'CARD-GROUP-1';
let csms, master, gport;
const sats = {};

const station = async () => (await csms.api('GET', `/api/v1/stations/${ID}`)).body;
const connector = async (n) => ((await station()).connectors || []).find((c) => c.connectorId === n) || {};
const txns = () => csms.sql(`SELECT * FROM txn WHERE station_id = '${ID}' ORDER BY id`);

async function op(action, payload) {
	const r = await csms.op(ID, action, payload);
	assert(r.status === 200 && r.body.outcome === 'result', `${action}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
	return r.body.response;
}

run([
	['the csms shows one station whose connectors 1..4 are the group\'s sockets', async () => {
		csms = new Csms(['--station-policy', 'known']);
		await csms.start();
		await csms.addStation(ID);
		await csms.putTag(CARD);
		gport = await freePort();
		master = new Station({ http_port: await freePort(), mode: 'WEB', edition: 'PRO', group_role: 'master', group_port: gport,
			group_satellites: 'SAT-1,SAT-2,SAT-3', ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/${ID}` });
		master.start();
		for (const id of ['SAT-1', 'SAT-2', 'SAT-3']) {
			sats[id] = new Station({ http_port: await freePort(), mode: 'WEB', group_role: 'satellite',
				ocpp_url: `ws://127.0.0.1:${gport}/ocpp/${id}` });
			sats[id].start();
		}
		await master.ready();
		for (const s of Object.values(sats)) await s.ready();
		await until(async () => (await station()).connected, 10000, 'connected in csms');
		for (let k = 1; k <= 4; k++)
			await until(async () => (await connector(k)).status === 'Available', 10000, `connector ${k} Available`);
		const rows = csms.sql(`SELECT id FROM station ORDER BY id`).map((r) => r.id);
		assert(rows.join() === ID, `stations in csms: ${rows.join()}`);
	}],
	['remote start through the csms on connector 3 charges SAT-2; its txn is on connector 3', async () => {
		let r = await op('RemoteStartTransaction', { idTag: CARD, connectorId: 3 });
		assert(r.status === 'Accepted', r.status);
		await sats['SAT-2'].sim('plug response_ms=50');
		await until(() => txns().length === 1, 8000, 'txn row');
		assert(txns()[0].connector_id === 3, JSON.stringify(txns()[0]));
		await until(async () => (await connector(3)).status === 'Charging', 8000, 'connector 3 Charging');
		assert((await sats['SAT-2'].status()).state === 'CHARGING', 'SAT-2 not charging');
		r = await op('RemoteStopTransaction', { transactionId: txns()[0].id });
		assert(r.status === 'Accepted', r.status);
		await until(() => txns()[0].stop_reason === 'Remote', 8000, 'remote stop in txn');
		await sats['SAT-2'].sim('unplug');
	}],
	['SAT-3 killed with -9 mid-session: Unavailable, then its txn closed (PowerLoss) when it is back', async () => {
		const s = sats['SAT-3'];
		await s.sim('plug response_ms=50');
		await s.sim(`tap ${CARD}`);
		await until(() => txns().length === 2, 8000, 'second txn row');
		assert(txns()[1].connector_id === 4, JSON.stringify(txns()[1]));
		await s.kill9();
		await until(async () => (await connector(4)).status === 'Unavailable', 8000, 'connector 4 Unavailable');
		assert((await connector(2)).status === 'Available', 'SAT-1 affected');
		s.start();
		await s.ready();
		await until(() => txns()[1].stop_ts !== null, 15000, 'stop after restart');
		assert(txns()[1].stop_reason === 'PowerLoss', `reason ${txns()[1].stop_reason}`);
		assert(csms.sql(`SELECT count(*) AS n FROM orphan_stop`)[0].n === 0, 'orphan stop');
		assert(txns().length === 2, 'extra transaction');
		await s.sim('unplug');
		for (const st of Object.values(sats)) await st.stop();
		await master.stop();
		await csms.stopAndCheck();
		for (const st of [master, ...Object.values(sats)]) st.cleanup();
	}],
]);
