// evse_group_auth.js — Satellites authenticate to their Master (OCPP 1.6 security profile 1: HTTP Basic auth on
// the WebSocket upgrade): `evse group-passwd` keeps a Satellite's password hashed in the Master's store (and
// refuses a bad one); an evse Satellite with the right ocpp_password connects; a wrong password or none is
// refused with 401 and logged without the secret; repeated failures from one address get 429; a Satellite
// without a password set connects on a Master that listens on loopback only.
'use strict';
const { spawnSync } = require('child_process');
const { RPCClient } = require('ocpp-rpc');
const { freePort, until, Csms, Station, run, assert } = require('./evse_harness');

const PW = 'k9-Zq2!mXe4pW7rT-s1';
let csms, master, s1, gport;

const statusOf = (k) => {
	const s = csms.of('StatusNotification').filter((c) => c.params.connectorId === k);
	return s.length ? s[s.length - 1].params.status : undefined;
};

// `evse group-passwd ID` on the Master's store, the password on stdin
function groupPasswd(st, id, input) {
	return spawnSync(st.bin, [`--db=${st.opts.db}`, `--group_satellites=${st.opts.group_satellites}`, 'group-passwd', id],
		{ input: input + '\n', encoding: 'utf8' });
}

// an ocpp-rpc Satellite's connection attempt: 'ok', or the refusal's message
async function attempt(identity, password) {
	const c = new RPCClient({ endpoint: `ws://127.0.0.1:${gport}/ocpp`, identity, protocols: ['ocpp1.6'],
		strictMode: true, reconnect: false, ...(password === undefined ? {} : { password }) });
	try {
		await c.connect();
		await c.close({ force: true });
		return 'ok';
	} catch (e) {
		return `${e.code || ''} ${e.message || e}`;
	}
}

run([
	['evse group-passwd keeps the password hashed and refuses a bad one', async () => {
		csms = new Csms();
		await csms.listen(await freePort());
		gport = await freePort();
		master = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-MASTER', edition: 'PRO',
			group_role: 'master', group_port: gport, group_satellites: 'S1,S2',
			ocpp_url: `ws://127.0.0.1:${csms.port}/ocpp/GROUP-AUTH` });
		let r = groupPasswd(master, 'S1', 'too-short');
		assert(r.status === 2 && /16\.\.40 characters, this one has 9/.test(r.stderr), `${r.status} ${r.stderr}`);
		r = groupPasswd(master, 'S9', PW);
		assert(r.status === 2 && /"S9" is not in group_satellites/.test(r.stderr), `${r.status} ${r.stderr}`);
		r = groupPasswd(master, 'S1', PW);
		assert(r.status === 0 && /satellite S1: password set/.test(r.stdout), `${r.status} ${r.stderr}`);
		const db = require('fs').readFileSync(master.opts.db);
		assert(!db.includes(Buffer.from(PW)), 'the password is in the store in clear');
		assert(db.includes(Buffer.from('$argon2id$')), 'no Argon2id hash in the store');
	}],
	['the right password connects, a wrong one or none is refused (401) and logged without the secret', async () => {
		master.start();
		await master.ready();
		s1 = new Station({ http_port: await freePort(), mode: 'WEB', serial: 'WL-S1', group_role: 'satellite',
			ocpp_url: `ws://127.0.0.1:${gport}/ocpp/S1`, ocpp_password: PW });
		s1.start();
		await s1.ready();
		await until(() => statusOf(2) === 'Available', 15000, 'S1 connected (connector 2 Available)');
		const wrong = 'k9-Zq2!mXe4pW7rT-XX';
		const a = await attempt('S1', wrong);
		assert(/401/.test(a), `a wrong password: ${a}`);
		const b = await attempt('S1');
		assert(/401/.test(b), `no password: ${b}`);
		await until(() => (master.log.match(/satellite S1 from (::ffff:)?127\.0\.0\.1: authentication failed/g) || []).length >= 2,
			5000, 'the failures logged').catch((e) => { throw new Error(`${e.message}: ${master.log}`); });
		assert(/authentication failed: wrong id or password/.test(master.log), master.log);
		assert(/authentication failed: no credentials given/.test(master.log), master.log);
		assert(!master.log.includes(wrong) && !master.log.includes(PW), 'a secret in the log');
		// the refused attempts did not take S1's place: it is still connected and charging works
		assert(statusOf(2) === 'Available', `connector 2 ${statusOf(2)}`);
		// S2 has no password set and the Master listens on 127.0.0.1 only: it may connect without one
		assert(await attempt('S2') === 'ok', 'S2 without a password on a loopback Master');
	}],
	['repeated failures from one address are answered 429 for a minute, even with the right password', async () => {
		for (let i = 0; i < 3; i++) {
			const r = await attempt('S1', 'wrong-password-0123456');
			assert(/401/.test(r), `attempt ${i}: ${r}`);
		}
		const r = await attempt('S1', PW);
		assert(/429/.test(r), `after 5 failures: ${r}`);
		// the Master's log reaches us through a pipe: wait for the line rather than read it at once
		await until(() => /too many failed logins/.test(master.log), 5000, 'the throttle logged')
			.catch((e) => { throw new Error(`${e.message}: ${master.log}`); });
		assert(csms.failures.length === 0, csms.failures.join('; '));
		await s1.stop();
		await master.stop();
		await csms.close();
		for (const s of [master, s1]) s.cleanup();
	}],
]);
