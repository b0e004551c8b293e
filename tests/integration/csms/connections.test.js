/* connections.test.js — a second connection for a station already connected: an unauthenticated one is
 * refused (409) and never disturbs the live session; an authenticated one is refused while the live session
 * answers a ping, and takes over when the live session is dead. Commands never go to the wrong socket. A
 * station that has hung up its connection (its FIN reached the csms, not yet read) reconnects at once. */
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert');
const { Csms, closeClients, sleep, waitFor } = require('./lib');

const PASSWORD = 'duplicate-test-password-1';
const csms = new Csms(['--auth-fail-limit', '1000']);

before(async () => {
    await csms.start();
    await csms.addStation('CP-DUP');
    await csms.addStation('CP-AUTH', { password: PASSWORD });
    await csms.addStation('CP-DEAD', { password: PASSWORD });
});

test('an unauthenticated second connection is refused with 409; the first keeps working', async () => {
    const first = await csms.station('CP-DUP');
    first.handle('GetLocalListVersion', () => ({ listVersion: 1 }));
    const second = await csms.handshake('CP-DUP');
    assert.equal(second.status, 409, JSON.stringify(second));
    const strict = csms.client('CP-DUP');
    await assert.rejects(strict.connect(), /409|Conflict/);
    await first.call('Heartbeat', {});
    const r = await csms.op('CP-DUP', 'GetLocalListVersion', {});
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.response, { listVersion: 1 });
    await waitFor(async () => (await csms.events('CP-DUP')).some((e) => e.kind === 'security' && /second unauthenticated/.test(e.detail)),
        'a security event');
    await first.close();
});

test('an authenticated second connection is refused while the first answers pings; commands stay on the first', async () => {
    const first = await csms.station('CP-AUTH', { password: PASSWORD });
    let firstGot = 0;
    first.handle('GetConfiguration', () => { firstGot++; return { configurationKey: [] }; });
    const t0 = Date.now();
    /* no traffic on the live session meanwhile: only its pong can keep it */
    const second = await csms.raw('CP-AUTH', { password: PASSWORD });
    const closed = await Promise.race([second.closed, new Promise((res) => setTimeout(() => res(null), 8000))]);
    assert.ok(closed, 'the second connection is closed');
    assert.equal(closed.code, 1008, `close code ${closed.code} ${closed.reason}`);
    assert.ok(Date.now() - t0 < 3000, `refused after ${Date.now() - t0} ms: the pong decided, not a timeout`);
    const r = await csms.op('CP-AUTH', 'GetConfiguration', {});
    assert.equal(r.status, 200);
    assert.equal(firstGot, 1);
    assert.deepEqual(second.frames, [], 'nothing was sent to the refused connection');
    await first.call('Heartbeat', {});
    assert.equal((await csms.op('CP-AUTH', 'GetConfiguration', {})).status, 200);
    assert.equal(firstGot, 2);
    await waitFor(async () => (await csms.events('CP-AUTH')).some((e) => e.kind === 'security' && /refused: the session/.test(e.detail)),
        'a security event');
    await first.close();
});

test('an authenticated second connection takes over when the first does not answer the ping', async () => {
    const first = await csms.raw('CP-DEAD', { password: PASSWORD });
    const boot = await first.call('b1', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot[2].status, 'Accepted');
    first.ws._socket.pause(); /* a dead peer: no pongs, no reads */
    const t0 = Date.now();
    const second = csms.client('CP-DEAD', { password: PASSWORD });
    let got = 0;
    second.handle('ClearCache', () => { got++; return { status: 'Accepted' }; });
    await second.connect();
    const boot2 = await second.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot2.status, 'Accepted');
    const waited = Date.now() - t0;
    assert.ok(waited >= 3000 && waited < 10000, `took over after ${waited} ms`);
    const r = await csms.op('CP-DEAD', 'ClearCache', {});
    assert.equal(r.status, 200);
    assert.equal(got, 1);
    const st = (await csms.api('GET', '/api/v1/stations/CP-DEAD')).body;
    assert.equal(st.connected, true);
    await waitFor(async () => (await csms.events('CP-DEAD')).some((e) => e.kind === 'security' && /replaced/.test(e.detail)),
        'a security event');
    first.close();
    await second.call('Heartbeat', {});
    await second.close();
});

test('a second connection after the first closed is accepted normally', async () => {
    const a = await csms.station('CP-DUP');
    await a.close();
    await waitFor(async () => !(await csms.api('GET', '/api/v1/stations/CP-DUP')).body.connected, 'CP-DUP disconnected');
    const b = await csms.station('CP-DUP');
    await b.call('Heartbeat', {});
    await b.close();
});

test('a station that hung up reconnects at once, unauthenticated, while the csms has not read its close yet', async () => {
    /* one message a second (10 as a burst): 15 Heartbeats pause the reading of CP-GONE for about 5 s, so the
     * csms does not read its close frame and FIN before the station comes back (as in a reconnect storm, where
     * 10,000 closes wait behind 10,000 handshakes) */
    const paused = new Csms(['--station-msg-rate', '1']);
    await paused.start();
    try {
        await paused.addStation('CP-GONE');
        const first = await paused.raw('CP-GONE');
        assert.equal((await first.call('b', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }))[2].status, 'Accepted');
        for (let i = 0; i < 15; i++) first.send([2, `h${i}`, 'Heartbeat', {}]);
        await waitFor(async () => (await paused.events('CP-GONE')).some((e) => /message budget exceeded/.test(e.detail)), 'CP-GONE paused');
        /* the live session is not read, but its station is there: a second unauthenticated connection is refused */
        assert.equal((await paused.handshake('CP-GONE')).status, 409);
        first.ws.close(1000); /* close frame, then the socket ends without waiting for the csms's close */
        first.ws._socket.end();
        await sleep(100);
        const t0 = Date.now();
        const again = paused.client('CP-GONE');
        await again.connect();
        const boot = await again.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
        assert.equal(boot.status, 'Accepted');
        assert.ok(Date.now() - t0 < 2000, `reconnected after ${Date.now() - t0} ms`);
        assert.equal((await paused.api('GET', '/api/v1/stations/CP-GONE')).body.connected, true);
        await again.call('Heartbeat', {});
        await again.close();
        await waitFor(async () => !(await paused.api('GET', '/api/v1/stations/CP-GONE')).body.connected, 'CP-GONE disconnected');

        /* authenticated: taken at once too, without the 5 s probation ping its hung-up session could not answer */
        await paused.addStation('CP-GONE-AUTH', { password: PASSWORD });
        const old = await paused.raw('CP-GONE-AUTH', { password: PASSWORD });
        assert.equal((await old.call('b', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }))[2].status, 'Accepted');
        for (let i = 0; i < 15; i++) old.send([2, `h${i}`, 'Heartbeat', {}]);
        await waitFor(async () => (await paused.events('CP-GONE-AUTH')).some((e) => /message budget exceeded/.test(e.detail)), 'CP-GONE-AUTH paused');
        old.ws._socket.end();
        await sleep(100);
        const t1 = Date.now();
        const back = paused.client('CP-GONE-AUTH', { password: PASSWORD });
        await back.connect();
        assert.equal((await back.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' })).status, 'Accepted');
        assert.ok(Date.now() - t1 < 2000, `taken after ${Date.now() - t1} ms`);
        await back.close();
    } finally {
        await closeClients();
        await paused.stop();
    }
    await paused.stopAndCheck();
});

test('no strict-mode failures; csms stops cleanly without sanitizer reports', async () => {
    await closeClients();
    await csms.stopAndCheck();
});
