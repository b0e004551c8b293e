/* policy_auth.test.js — who may connect: the ocpp1.6 subprotocol, station policies (known, pending, accept),
 * security profile 1 (Basic auth, same 401 for unknown ids and wrong passwords, throttling to 429) and
 * profile 2 (TLS). Failed logins are counted per address, so each check uses its own 127.0.0.x. */
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Csms, closeClients, waitFor } = require('./lib');

const PASSWORD = 'correct-horse-battery-1';
const instances = [];
function csmsWith(args) {
    const c = new Csms(args);
    instances.push(c);
    return c;
}
after(closeClients);

test('policy known: a registered station connects; an unknown id is refused with 404 at the handshake', async () => {
    const csms = csmsWith(['--station-policy', 'known', '--auth-fail-limit', '1000']);
    await csms.start();
    await csms.addStation('CP-KNOWN');
    const r = await csms.handshake('CP-STRANGER');
    assert.equal(r.status, 404, JSON.stringify(r));
    assert.equal(JSON.parse(r.body).error.code, 'unknown_station');
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-STRANGER')).status, 404, 'not registered');
    const c = await csms.station('CP-KNOWN');
    await c.call('Heartbeat', {});
    await c.close();
    const strict = csms.client('CP-STRANGER2');
    await assert.rejects(strict.connect(), /404|Not Found/);
});

test('a handshake without the ocpp1.6 subprotocol is refused with an HTTP error, never attached', async () => {
    const csms = instances[0];
    for (const protocols of [[], ['ocpp2.0.1'], ['ocpp1.5', 'ocpp2.0']]) {
        const r = await csms.handshake('CP-KNOWN', { protocols });
        assert.equal(r.status, 400, `${JSON.stringify(protocols)}: ${r.status}`);
        assert.equal(JSON.parse(r.body).error.code, 'subprotocol');
    }
    /* offering it among others is fine */
    const ok = await csms.handshake('CP-KNOWN', { protocols: ['ocpp2.0.1', 'ocpp1.6'] });
    assert.equal(ok.status, 101);
    assert.equal(ok.ws.protocol, 'ocpp1.6');
    ok.ws.terminate();
    assert.equal((await csms.handshake('CP-KNOWN', { protocols: ['ocpp1.6'] }).then((x) => { if (x.ws) x.ws.terminate(); return x.status; })), 101);
    const bad = await fetch(`${csms.base}/other/CP-KNOWN`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'ocpp1.6' } }).catch((e) => e);
    assert.ok(bad instanceof Error || bad.status >= 400, 'a path other than /ocpp/{id} is not upgraded');
});

test('policy pending: an unknown station is registered "to be configured", booted Pending until accepted; other messages SecurityError', async () => {
    const csms = csmsWith(['--station-policy', 'pending', '--pending-interval', '20', '--heartbeat-interval', '90']);
    await csms.start();
    const c = csms.client('CP-NEW');
    await c.connect();
    let st = (await csms.api('GET', '/api/v1/stations/CP-NEW')).body;
    assert.equal(st.state, 'pending');
    let boot = await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot.status, 'Pending');
    assert.equal(boot.interval, 20);
    for (const [action, payload] of [
        ['Heartbeat', {}],
        ['StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' }],
        ['Authorize', { idTag: 'X' }],
        ['StartTransaction', { connectorId: 1, idTag: 'X', meterStart: 0, timestamp: new Date().toISOString() }],
        ['MeterValues', { connectorId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '1' }] }] }],
    ])
        await assert.rejects(c.call(action, payload), (e) => e.rpcErrorCode === 'SecurityError', action);
    assert.equal(csms.sql("SELECT count(*) AS n FROM txn")[0].n, 0);
    assert.equal(csms.sql("SELECT count(*) AS n FROM connector")[0].n, 0);
    assert.equal(csms.sql("SELECT count(*) AS n FROM meter_value")[0].n, 0);
    const acc = await csms.api('POST', '/api/v1/stations/CP-NEW/accept');
    assert.equal(acc.status, 200);
    assert.equal(acc.body.state, 'accepted');
    boot = await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot.status, 'Accepted');
    assert.equal(boot.interval, 90);
    await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    st = (await csms.api('GET', '/api/v1/stations/CP-NEW')).body;
    assert.equal(st.state, 'accepted');
    assert.equal(st.connectors[0].socketStatus, 'available');
    /* and a rejection takes effect at the next boot */
    assert.equal((await csms.api('POST', '/api/v1/stations/CP-NEW/reject')).status, 200);
    boot = await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot.status, 'Rejected');
    await c.close();
});

test('policy pending: made-up ids are registered at most 10 a minute by default; more get 429 and are not stored', async () => {
    const csms = csmsWith(['--station-policy', 'pending']);
    await csms.start();
    const statuses = [];
    for (let i = 0; i < 15; i++) {
        const r = await csms.handshake(`MADE-UP-${i}`);
        if (r.ws) r.ws.terminate();
        statuses.push(r.status);
        if (r.status !== 101) assert.equal(JSON.parse(r.body).error.code, 'too_many_new_stations');
    }
    assert.deepEqual(statuses, [...Array(10).fill(101), ...Array(5).fill(429)]);
    assert.equal(csms.sql("SELECT count(*) AS n FROM station WHERE id LIKE 'MADE-UP-%'")[0].n, 10);
    assert.match(csms.stderr, /already 10 new stations this minute \(--pending-rate\)/);
});

test('policy pending: at most --pending-max stations wait to be configured; accepting one makes room', async () => {
    const csms = csmsWith(['--station-policy', 'pending', '--pending-max', '3', '--pending-rate', '1000']);
    await csms.start();
    for (let i = 0; i < 3; i++) {
        const r = await csms.handshake(`WAITING-${i}`);
        assert.equal(r.status, 101);
        r.ws.terminate();
    }
    const full = await csms.handshake('WAITING-3');
    assert.equal(full.status, 503);
    assert.equal(JSON.parse(full.body).error.code, 'too_many_pending');
    assert.match(JSON.parse(full.body).error.message, /too many stations wait to be configured/);
    assert.equal((await csms.api('GET', '/api/v1/stations/WAITING-3')).status, 404, 'not registered');
    assert.equal((await csms.api('POST', '/api/v1/stations/WAITING-0/accept')).status, 200);
    const room = await csms.handshake('WAITING-3');
    assert.equal(room.status, 101);
    room.ws.terminate();
    const known = await csms.handshake('WAITING-1');
    assert.equal(known.status, 101, 'a station already registered still connects when the list is full');
    known.ws.terminate();
});

test('policy accept: an unknown station is registered and accepted at once', async () => {
    const csms = csmsWith(['--station-policy', 'accept']);
    await csms.start();
    const c = await csms.station('CP-LAB-1');
    await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    const st = (await csms.api('GET', '/api/v1/stations/CP-LAB-1')).body;
    assert.equal(st.state, 'accepted');
    assert.equal(st.connected, true);
    await c.close();
});

test('security profile 1: the right password connects; wrong password, unknown id and no password all get the same 401', async () => {
    const csms = csmsWith(['--security-profile', '1', '--auth-fail-limit', '3']);
    await csms.start();
    await csms.addStation('CP-SEC', { password: PASSWORD });
    await csms.addStation('CP-SEC2', { password: PASSWORD });
    await csms.addStation('CP-SEC3', { password: PASSWORD });
    const [row] = csms.sql("SELECT password_hash FROM station WHERE id = 'CP-SEC'");
    assert.ok(row.password_hash && !row.password_hash.includes(PASSWORD), 'stored as a salted hash');
    const c = await csms.station('CP-SEC', { password: PASSWORD });
    await c.call('Heartbeat', {});
    await c.close();

    const wrong = await csms.handshake('CP-SEC', { password: 'wrong-password-wrong-1', localAddress: '127.0.0.2' });
    const unknown = await csms.handshake('CP-NOBODY', { password: PASSWORD, localAddress: '127.0.0.2' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body, unknown.body, 'unknown ids cannot be told apart from wrong passwords');
    assert.match(wrong.headers['www-authenticate'], /^Basic/);
    const none = await csms.handshake('CP-SEC2', { localAddress: '127.0.0.7' });
    assert.equal(none.status, 401);
    const otherUser = await csms.handshake('CP-SEC2', { user: 'CP-SEC', password: PASSWORD, localAddress: '127.0.0.7' });
    assert.equal(otherUser.status, 401, "one station's credentials do not open another");
    const strict = csms.client('CP-SEC', { password: 'not-the-password-at-all' });
    await assert.rejects(strict.connect(), /401|Unauthorized/);
});

test('security profile 1: repeated failures from one address are refused with 429, other addresses still connect', async () => {
    const csms = instances.at(-1);
    for (let i = 0; i < 3; i++)
        assert.equal((await csms.handshake(`ghost-${i}`, { password: PASSWORD, localAddress: '127.0.0.3' })).status, 401);
    const blocked = await csms.handshake('CP-SEC', { password: PASSWORD, localAddress: '127.0.0.3' });
    assert.equal(blocked.status, 429, 'even with the right password');
    assert.equal((await csms.handshake('CP-NOBODY', { password: 'x'.repeat(16), localAddress: '127.0.0.3' })).status, 429);
    const ok = await csms.handshake('CP-SEC', { password: PASSWORD, localAddress: '127.0.0.1' });
    assert.equal(ok.status, 101);
    ok.ws.terminate();
});

test('security profile 1: failures for one id from other addresses never lock the real station out', async () => {
    const csms = instances.at(-1);
    /* an attacker guesses CP-SEC3's password from several addresses, each up to the limit */
    for (const localAddress of ['127.0.0.4', '127.0.0.5', '127.0.0.6'])
        for (let i = 0; i < 3; i++)
            assert.equal((await csms.handshake('CP-SEC3', { password: `guess-guess-guess-${i}`, localAddress })).status, 401);
    assert.equal((await csms.handshake('CP-SEC3', { password: 'guess-guess-guess-9', localAddress: '127.0.0.4' })).status, 429,
        'the guessing address is throttled');
    const real = await csms.handshake('CP-SEC3', { password: PASSWORD, localAddress: '127.0.0.8' });
    assert.equal(real.status, 101, 'the real station, from its own address, still connects');
    real.ws.terminate();
    await waitFor(async () => (await csms.events('CP-SEC3')).filter((e) => e.kind === 'security' && /failed login/.test(e.detail)).length >= 9,
        'nine failed-login security events');
});

test('profile 0 with a station password: the password is still required for that station', async () => {
    const csms = instances[0];
    assert.equal((await csms.api('PUT', '/api/v1/stations/CP-KNOWN/password', { password: PASSWORD })).status, 200);
    assert.equal((await csms.handshake('CP-KNOWN', { localAddress: '127.0.0.9' })).status, 401);
    const c = await csms.station('CP-KNOWN', { password: PASSWORD });
    await c.close();
    assert.equal((await csms.api('PUT', '/api/v1/stations/CP-KNOWN/password', { password: null })).status, 200);
    const again = await csms.station('CP-KNOWN');
    await again.close();
    assert.equal((await csms.api('PUT', '/api/v1/stations/CP-KNOWN/password', { password: 'short' })).status, 400);
});

test('security profile 2: wss:// with the password over TLS; plain ws:// is not served', async () => {
    const csms = csmsWith(['--security-profile', '2']);
    const cert = path.join(csms.dir, 'cert.pem'), key = path.join(csms.dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    csms.args.push('--tls-cert', cert, '--tls-key', key);
    await csms.start();
    assert.match(csms.ocppUrl, /^wss:/);
    await csms.addStation('CP-TLS', { password: PASSWORD });
    const c = await csms.station('CP-TLS', { password: PASSWORD });
    await c.call('Heartbeat', {});
    await c.close();
    const bad = csms.client('CP-TLS', { password: 'wrong-wrong-wrong-wrong' });
    await assert.rejects(bad.connect(), /401|Unauthorized/);
    const plain = csms.client('CP-TLS', { password: PASSWORD, endpoint: `ws://127.0.0.1:${csms.port}/ocpp` });
    await assert.rejects(plain.connect());
});

test('every csms stops cleanly on SIGTERM without sanitizer reports', async () => {
    await closeClients();
    for (const c of instances) await c.stopAndCheck();
});
