/* sync.test.js — the card-list sync does not turn a reconnect storm into a list storm (issue 10): stations
 * booting together get their BootNotification answers first, their lists only --list-sync-delay (10 s)
 * later, and the lists start at most --list-sync-rate (20) stations a second. Defaults throughout. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { Csms, closeClients, waitFor } = require('./lib');

const STATIONS = 60, RATE = 20, DELAY_MS = 10000;
const csms = new Csms();

before(async () => {
    await csms.start();
    for (let i = 0; i < 3; i++) await csms.putTag(`SYNCCARD${i}`);
    for (let i = 0; i < STATIONS; i++) await csms.addStation(`CP-SYNC-${i}`);
});
after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

test('stations booting at once are answered first; their lists follow later, spread out', async () => {
    const seen = []; /* {i, at, booted} of every SendLocalList */
    const bootedAt = new Array(STATIONS).fill(0);
    const clients = [];
    for (let i = 0; i < STATIONS; i++) {
        const c = csms.client(`CP-SYNC-${i}`);
        c.handle('SendLocalList', ({ params }) => {
            seen.push({ i, at: Date.now(), booted: bootedAt[i], n: params.localAuthorizationList.length });
            return { status: 'Accepted' };
        });
        clients.push(c);
    }
    await Promise.all(clients.map((c) => c.connect()));
    const t0 = Date.now();
    await Promise.all(clients.map(async (c, i) => {
        const boot = await c.call('BootNotification', { chargePointVendor: 'Wattline', chargePointModel: 'Test' });
        assert.equal(boot.status, 'Accepted');
        bootedAt[i] = Date.now();
    }));
    const bootMs = Date.now() - t0;
    await waitFor(() => new Set(seen.map((s) => s.i)).size === STATIONS, 'every station to get its list', 30000, 100);

    for (const s of seen) {
        assert.ok(s.booted > 0 && s.at > s.booted, `CP-SYNC-${s.i}: SendLocalList before its BootNotification answer`);
        assert.ok(s.at - s.booted >= DELAY_MS - 1000, `CP-SYNC-${s.i}: its list came ${s.at - s.booted} ms after its boot`);
        assert.equal(s.n, 3);
    }
    const firsts = [...new Map(seen.map((s) => [s.i, s.at])).values()].sort((a, b) => a - b);
    let busiest = 0;
    for (let a = 0, b = 0; b < firsts.length; b++) {
        while (firsts[b] - firsts[a] >= 1000) a++;
        busiest = Math.max(busiest, b - a + 1);
    }
    console.log(`${STATIONS} booted in ${bootMs} ms; lists from +${firsts[0] - t0} to +${firsts.at(-1) - t0} ms, at most ${busiest} in a second`);
    assert.ok(busiest <= 2 * RATE, `${busiest} lists started within one second`);
    assert.ok(firsts.at(-1) - firsts[0] >= (STATIONS / RATE - 2) * 1000,
        `${STATIONS} lists sent within ${firsts.at(-1) - firsts[0]} ms`);
});

test('a station\'s LocalAuthListMaxLength and SendLocalListMaxLength are read first, kept, and respected', async () => {
    const c2 = new Csms(['--list-sync-delay', '0']);
    await c2.start();
    try {
        for (let i = 0; i < 5; i++) await c2.putTag(`LIMITCARD${i}`);
        await c2.addStation('CP-SMALL');
        await c2.addStation('CP-CHUNK');
        const calls = { 'CP-SMALL': [], 'CP-CHUNK': [] };
        const limits = { 'CP-SMALL': ['3', '10'], 'CP-CHUNK': ['100', '2'] };
        for (const id of Object.keys(calls)) {
            const c = c2.client(id);
            c.handle('GetConfiguration', ({ params }) => {
                calls[id].push(['GetConfiguration', params]);
                return { configurationKey: [
                    { key: 'LocalAuthListMaxLength', readonly: true, value: limits[id][0] },
                    { key: 'SendLocalListMaxLength', readonly: true, value: limits[id][1] }] };
            });
            c.handle('SendLocalList', ({ params }) => { calls[id].push(['SendLocalList', params]); return { status: 'Accepted' }; });
            await c.connect();
            assert.equal((await c.call('BootNotification', { chargePointVendor: 'W', chargePointModel: 'T' })).status, 'Accepted');
        }
        await waitFor(() => calls['CP-CHUNK'].filter(([a]) => a === 'SendLocalList').length >= 3, 'CP-CHUNK to get its list', 10000);
        await waitFor(async () => (await c2.events('CP-SMALL')).some((e) => /LocalAuthListMaxLength \(3\)/.test(e.detail)),
            'an event: the list is too long for CP-SMALL', 10000);

        const chunk = calls['CP-CHUNK'];
        assert.equal(chunk[0][0], 'GetConfiguration', JSON.stringify(chunk));
        assert.deepEqual(chunk[0][1].key.sort(), ['LocalAuthListMaxLength', 'SendLocalListMaxLength']);
        const lists = chunk.filter(([a]) => a === 'SendLocalList').map(([, p]) => p);
        assert.ok(lists.every((p) => p.localAuthorizationList.length <= 2), JSON.stringify(lists));
        assert.equal(lists.reduce((n, p) => n + p.localAuthorizationList.length, 0), 5);
        assert.equal(lists[0].updateType, 'Full');
        assert.ok(lists.slice(1).every((p) => p.updateType === 'Differential'));

        assert.deepEqual(calls['CP-SMALL'].map(([a]) => a), ['GetConfiguration'], 'CP-SMALL holds 3 cards: no list of 5 is sent');
        const rows = c2.sql("SELECT id, local_list_max, send_list_max FROM station WHERE id IN ('CP-SMALL', 'CP-CHUNK') ORDER BY id");
        assert.deepEqual(rows, [{ id: 'CP-CHUNK', local_list_max: 100, send_list_max: 2 }, { id: 'CP-SMALL', local_list_max: 3, send_list_max: 10 }]);
        await waitFor(() => c2.sql("SELECT local_list_seq FROM station WHERE id = 'CP-CHUNK'")[0].local_list_seq > 0, 'CP-CHUNK\'s seq recorded');
        await closeClients();
    } finally {
        await c2.stopAndCheck();
    }
});
