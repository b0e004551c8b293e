// lms_export.js — the Master's group history with 10,000 transactions: how long each /api/group route takes and how
// late the control cycles get (controlLateMs). Run: EVSE_BIN=build/release/evse node bench/lms_export.js
const fs = require('fs'), path = require('path'), { execFileSync } = require('child_process');
const { freePort, Csms, Station, until } = require('../tests/integration/evse_harness');
(async () => {
	const csms = new Csms(); await csms.listen(await freePort());
	const m = new Station({ http_port: await freePort(), mode: 'WEB', edition: 'PRO', group_role: 'master', group_port: await freePort(),
		group_satellites: 'S1,S2,S3', ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/M` });
	m.start(); await m.ready(); await m.stop();
	execFileSync('python3', ['-c', `
import sqlite3,sys,datetime
db=sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO lms_user(name,from_ms,until_ms,hours_from,hours_to,days,max_sessions,max_kwh) VALUES('Ann',0,0,-1,-1,0,0,0)")
rows=[(1+i%4,'S%d'%(i%4),'CARD%06d'%(i%300)+'00000000',1 if i%3==0 else 0,1000+i,datetime.datetime.utcfromtimestamp(1767225600+i*3600).strftime('%Y-%m-%dT%H:%M:%S.000Z'),1767225600000+i*3600000,'2026-01-01T01:00:00.000Z',1767229200000+i*3600000,0,7000.0+i%100,'Local') for i in range(10000)]
db.executemany("INSERT OR IGNORE INTO group_tx(connector,point,id_tag,user_id,tx_id,start,start_ms,stop,stop_ms,meter_start,energy_wh,stop_reason) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",rows)
db.commit(); print(db.execute('select count(*) from group_tx').fetchone())
`, m.opts.db], { stdio: 'inherit' });
	m.start(); await m.ready();
	const base = `http://127.0.0.1:${m.opts.http_port}`;
	const code = fs.readFileSync(path.join(m.dir, 'setup-code'), 'utf8').trim();
	let r = await fetch(`${base}/api/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, password: 'measure-pass-1' }) });
	const cookie = r.headers.get('set-cookie').split(';')[0];
	for (const p of ['/api/group/transactions', '/api/group/transactions?q=ann', '/api/group/transactions.csv', '/api/group/transactions.xlsx', '/api/group/transactions.xlsx?limit=2000', '/api/group/consumption?by=day', '/api/group']) {
		const t = [];
		let len = 0;
		for (let i = 0; i < 5; i++) {
			const t0 = process.hrtime.bigint();
			r = await fetch(base + p, { headers: { Cookie: cookie } });
			len = (await r.arrayBuffer()).byteLength;
			t.push(Number(process.hrtime.bigint() - t0) / 1e6);
		}
		t.sort((a, b) => a - b);
		console.log(`${p}: ${r.status}, ${len} bytes, median ${t[2].toFixed(1)} ms, max ${t[4].toFixed(1)} ms; controlLateMs ${(await m.status()).controlLateMs}`);
	}
	await m.stop(); await csms.close(); m.cleanup();
})();
