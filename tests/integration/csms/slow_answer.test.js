/* slow_answer.test.js — an operation whose station answers late (within --call-timeout) still reaches the
 * operator: the HTTP request that waits for it is not cut by libwebsockets' own request timeouts
 * (csms_server.c: timeout_secs 10 s, the header timeout 20 s). */
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const { Csms, closeClients, sleep } = require('./lib');

const csms = new Csms(['--call-timeout', '20']);
after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

test('a station that answers after 12 s: the operation request gets its answer', async () => {
    await csms.start();
    await csms.addStation('CP-SLOW');
    const cp = await csms.station('CP-SLOW');
    cp.handle('Reset', async () => {
        await sleep(12000);
        return { status: 'Accepted' };
    });
    const t0 = Date.now();
    const r = await csms.op('CP-SLOW', 'Reset', { type: 'Soft' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.response?.status ?? r.body.status, 'Accepted', JSON.stringify(r.body));
    assert.ok(Date.now() - t0 >= 11500, `answered after ${Date.now() - t0} ms`);
});
