/* unread.test.js — a station that pipelines calls and never reads the answers (issue 10: RSS grew from 12 to
 * 263 MB, never closed) cannot hold the csms's memory: past 256 KiB of waiting answers its frames are no
 * longer read, what waits for it stays under 1 MiB (health: outputBytes), after call-timeout seconds it is
 * closed with a security event, and others are served. (RSS is only printed: under ASan freed memory
 * stays in its quarantine.) */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { Csms, closeClients, sleep, waitFor } = require('./lib');

/* budgets off: this station must be able to send far more than a real one */
const csms = new Csms(['--station-msg-rate', '0', '--station-byte-rate', '0', '--call-timeout', '3']);
const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${csms.proc.pid}/status`, 'utf8'))[1]);

before(async () => {
    await csms.start();
    await csms.addStation('CP-DEAF');
    await csms.addStation('CP-OK');
});
after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

test('a station that never reads its answers stops being read, then is closed; the csms keeps its memory', async () => {
    const deaf = await csms.raw('CP-DEAF');
    await deaf.call('b', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    const rss0 = rssKiB();
    deaf.ws._socket.pause(); /* from now on it reads nothing */
    const frameIn0 = (await csms.api('GET', '/api/v1/health')).body.framesIn;
    let sent = 0;
    const end = Date.now() + 6000;
    let closed = null, maxOut = 0, lastCheck = 0;
    deaf.closed.then((c) => { closed = c; });
    while (Date.now() < end && !closed && deaf.ws.readyState === 1) {
        if (Date.now() - lastCheck > 200) {
            lastCheck = Date.now();
            maxOut = Math.max(maxOut, (await csms.api('GET', '/api/v1/health')).body.outputBytes ?? Infinity);
        }
        if (deaf.ws.bufferedAmount > 8 * 1024 * 1024) { await sleep(20); continue; }
        for (let i = 0; i < 500; i++) deaf.send(`[2,"h${sent++}","Heartbeat",{}]`);
        await sleep(1);
    }
    const health = (await csms.api('GET', '/api/v1/health')).body;
    const read = health.framesIn - frameIn0;
    console.log(`sent ${sent}, read ${read}, answers waiting at most ${maxOut} bytes, csms RSS +${rssKiB() - rss0} KiB`);
    assert.ok(maxOut <= 1024 * 1024, `${maxOut} bytes of answers waited for CP-DEAF`);
    assert.ok(read < sent / 2, `${read} of ${sent} frames were read: the csms kept reading a station that does not read`);

    /* closed within call-timeout (3 s) of its answers piling up (and the close's 5 s grace: it reads nothing) */
    await waitFor(async () => (await csms.events('CP-DEAF')).some((e) => e.kind === 'security' && /answers/.test(e.detail)),
        'a security event for CP-DEAF', 10000);
    await waitFor(async () => (await csms.api('GET', '/api/v1/health')).body.connections === 0, 'CP-DEAF disconnected', 15000);
    const ok = await csms.station('CP-OK');
    await ok.call('Heartbeat', {});
    deaf.close();
});
