// evse_unread.js — a peer that never reads what the evse sends cannot make it queue without end: past the OCPP
// RPC's bound on unread output (ocpp_rpc_overflowed) the connection is closed with a clear log line. A Satellite
// that pipelines Heartbeats and reads no answer is closed by the Master, which goes on serving another Satellite;
// a central system that sends GetConfiguration calls and reads no answer is closed by the station, which connects
// again. (The peers are raw WebSocket peers: their sockets paused, they read nothing at all.)
'use strict';
const WebSocket = require('ws');
const { RPCClient } = require('ocpp-rpc');
const { freePort, until, sleep, Csms, Station, run, assert } = require('./evse_harness');

// Sends frames from make(i) to ws, its socket paused, until done() or ms pass: the number sent.
async function flood(ws, make, done, ms) {
	let sent = 0;
	const end = Date.now() + ms;
	while (Date.now() < end && !done() && ws.readyState === WebSocket.OPEN) {
		if (ws.bufferedAmount > 8 * 1024 * 1024) { await sleep(20); continue; }
		for (let i = 0; i < 500; i++) ws.send(make(sent++));
		await sleep(1);
	}
	return sent;
}

const connectRaw = (url) => new Promise((resolve, reject) => {
	const ws = new WebSocket(url, ['ocpp1.6']);
	ws.once('open', () => resolve(ws));
	ws.once('error', reject);
});

run([
	['a Satellite that reads no answer is closed by the Master, which serves another Satellite', async () => {
		const csms = new Csms();
		await csms.listen(await freePort());
		const gport = await freePort();
		const master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: 'DEAF,OK',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-UNREAD` });
		master.start();
		await master.ready();
		const deaf = await connectRaw(`ws://127.0.0.1:${gport}/ocpp/DEAF`);
		const booted = new Promise((resolve) => deaf.once('message', (m) => resolve(JSON.parse(String(m)))));
		deaf.send(JSON.stringify([2, 'b', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }]));
		const boot = await booted;
		assert(boot[0] === 3 && boot[2].status === 'Accepted', JSON.stringify(boot));
		deaf.on('error', () => {});
		deaf._socket.pause(); // from now on it reads nothing
		const closed = () => /satellite DEAF: closed, its answers were not read \(\d+ bytes waiting\)/.test(master.log);
		const sent = await flood(deaf, (i) => `[2,"h${i}","Heartbeat",{}]`, closed, 30000);
		await until(closed, 5000, `the Master closing DEAF (${sent} Heartbeats sent)`)
			.catch((e) => { throw new Error(`${e.message}: ${master.log.slice(-600)}`); });
		console.log(`DEAF closed after ${sent} Heartbeats`);
		deaf.terminate();
		// the Master goes on: another Satellite boots and is answered
		const ok = new RPCClient({ endpoint: `ws://127.0.0.1:${gport}/ocpp`, identity: 'OK', protocols: ['ocpp1.6'],
			strictMode: true, reconnect: false });
		await ok.connect();
		const b = await ok.call('BootNotification', { chargePointVendor: 'Other', chargePointModel: 'X' });
		assert(b.status === 'Accepted', JSON.stringify(b));
		await ok.close({ force: true });
		await master.stop();
		await csms.close();
		master.cleanup();
	}],
	['a central system that reads no answer is closed by the station, which connects again', async () => {
		const port = await freePort();
		const wss = new WebSocket.Server({ host: '127.0.0.1', port, handleProtocols: (p) => (p.has('ocpp1.6') ? 'ocpp1.6' : false) });
		let conns = 0;
		let first = null;
		const answer = (ws, m) => {
			const [type, id, action] = JSON.parse(String(m));
			if (type !== 2)
				return;
			const now = new Date().toISOString();
			const conf = { BootNotification: { status: 'Accepted', currentTime: now, interval: 300 },
				Heartbeat: { currentTime: now } }[action] || {};
			ws.send(JSON.stringify([3, id, conf]));
			if (action === 'BootNotification' && ws === first)
				first.booted = true;
		};
		wss.on('connection', (ws) => {
			conns++;
			if (!first)
				first = ws;
			ws.on('error', () => {});
			ws.on('message', (m) => answer(ws, m));
		});
		await new Promise((r) => wss.once('listening', r));
		const st = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-UNREAD',
			ocpp_url: `ws://127.0.0.1:${port}/ocpp/CP-UNREAD` });
		st.start();
		await st.ready();
		await until(() => first && first.booted, 10000, 'the station booted');
		await sleep(300); // its StatusNotifications answered
		first._socket.pause(); // from now on it reads nothing
		const closed = () => /the central system does not read what it is sent: connection closed \(\d+ bytes waiting\)/.test(st.log);
		const sent = await flood(first, (i) => `[2,"g${i}","GetConfiguration",{}]`, closed, 30000);
		await until(closed, 5000, `the station closing the connection (${sent} GetConfiguration sent)`)
			.catch((e) => { throw new Error(`${e.message}: ${st.log.slice(-600)}`); });
		console.log(`the central system closed after ${sent} GetConfiguration calls`);
		first.terminate();
		await until(() => conns >= 2, 15000, 'the station connecting again');
		await st.stop();
		await new Promise((r) => wss.close(r));
		st.cleanup();
	}],
]);
