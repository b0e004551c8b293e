/* home.test.js — the home page of the MMS manual through the REST API: diagnostics (total sockets and one count
 * for each of the nine socket statuses, optionally within a socket view group), energy consumed today / this
 * week / this month, and the socket search (name prefix, status, group) with who is charging. Every role may
 * read it. A vendorErrorCode with SQL and HTML comes back unchanged. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Csms, closeClients, iso, waitFor } = require('./lib');

const csms = new Csms(['--auth-fail-limit', '1000']);
const EVIL = `<script>x</script>'--`;
const KEYS = ['to_be_configured', 'available', 'occupied', 'charging', 'charging_suspended', 'booked', 'not_available',
    'fault', 'out_of_service'];
let admin, manager, tech, hav, openTx;

function sqlw(query) {
    execFileSync('sqlite3', [path.join(csms.dir, 'csms.db'), '.timeout 5000', query], { encoding: 'utf8' });
}

before(async () => {
    await csms.start();
    await csms.addStation('H-AV', { name: 'Hall' });
    await csms.addStation('H-OUT', { name: 'Yard' });
    await csms.addStation('H-REJ', { name: 'Depot' });
    await csms.putTag('HOMECARD');
    sqlw(`INSERT INTO charge_user (id, name, surname, tax_code, created, updated) VALUES (3, 'Grace', 'Hopper', 'HPPGRC06', 0, 0);
          UPDATE id_tag SET user_id = 3 WHERE id_tag = 'HOMECARD000000';`);
    admin = await csms.setupAdmin();
    manager = await csms.operator('local_manager');
    tech = await csms.operator('maintenance_technician');
    hav = await csms.station('H-AV');
    const statuses = ['Available', 'Preparing', 'Charging', 'SuspendedEV', 'Reserved', 'Unavailable', 'Faulted'];
    for (let i = 0; i < statuses.length; i++)
        await hav.call('StatusNotification', { connectorId: i + 1, status: statuses[i], errorCode: statuses[i] === 'Faulted' ? 'GroundFailure' : 'NoError',
            ...(statuses[i] === 'Faulted' ? { vendorErrorCode: EVIL, info: EVIL } : {}) });
    const out = await csms.station('H-OUT');
    await out.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    await out.close({ force: true });
    const rej = await csms.station('H-REJ');
    await rej.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    assert.equal((await csms.api('POST', '/api/v1/stations/H-REJ/reject')).status, 200);
    /* energy: a closed transaction today (1500 Wh) on #3, then one open there now */
    const t0 = Date.now() - 5000;
    const s1 = await hav.call('StartTransaction', { connectorId: 3, idTag: 'HOMECARD', meterStart: 500, timestamp: iso(t0) });
    await hav.call('StopTransaction', { transactionId: s1.transactionId, meterStop: 2000, timestamp: iso(t0 + 1000), reason: 'Local' });
    const s2 = await hav.call('StartTransaction', { connectorId: 3, idTag: 'HOMECARD', meterStart: 2000, timestamp: iso(t0 + 2000) });
    openTx = s2.transactionId;
    sqlw(`INSERT INTO socket_view (id, name, created) VALUES (1, 'Site', 0);
          INSERT INTO socket_group (id, view_id, name, unassigned) VALUES (1, 1, 'Unassigned sockets', 1), (2, 1, 'Hall east', 0);
          INSERT INTO socket_group_member (view_id, group_id, station_id, connector_id) VALUES (1, 2, 'H-AV', 3), (1, 2, 'H-AV', 4);`);
    await waitFor(async () => (await admin.api('GET', '/api/v1/home/diagnostics')).body.counts.out_of_service === 1, 'H-OUT out of service');
});

after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

test('diagnostics: total sockets and one count for each of the nine statuses, with their labels', async () => {
    const r = await admin.api('GET', '/api/v1/home/diagnostics');
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 9);
    assert.deepEqual(Object.keys(r.body.counts), KEYS);
    for (const k of KEYS) assert.equal(r.body.counts[k], 1, k);
    assert.deepEqual(r.body.statuses.map((s) => s.key), KEYS);
    assert.equal(r.body.statuses.find((s) => s.key === 'not_available').label, 'Not available/Maintenance');
    assert.equal(r.body.statuses.find((s) => s.key === 'out_of_service').label, 'Out of service');
});

test('diagnostics within a view group and its Unassigned sockets; refusals', async () => {
    const g = await admin.api('GET', '/api/v1/home/diagnostics?view=1&group=2');
    assert.equal(g.body.total, 2);
    assert.equal(g.body.counts.charging, 1);
    assert.equal(g.body.counts.charging_suspended, 1);
    const u = await admin.api('GET', '/api/v1/home/diagnostics?view=1&group=1');
    assert.equal(u.body.total, 7);
    assert.equal(u.body.counts.charging, 0);
    assert.equal((await admin.api('GET', '/api/v1/home/diagnostics?view=1')).body.total, 9);
    assert.equal((await admin.api('GET', '/api/v1/home/diagnostics?view=9')).status, 404);
    assert.equal((await admin.api('GET', '/api/v1/home/diagnostics?view=1&group=9')).status, 404);
    const bad = await admin.api('GET', '/api/v1/home/diagnostics?group=2');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^group:/);
    assert.match((await admin.api('GET', '/api/v1/home/diagnostics?view=abc')).body.error.message, /^view:/);
});

test('energy today, this week (from Monday) and this month, by transaction start; within a group', async () => {
    const r = await manager.api('GET', '/api/v1/home/energy');
    assert.equal(r.status, 200);
    for (const k of ['today', 'week', 'month']) {
        assert.equal(r.body[k].energyWh, 1500, k);
        assert.equal(r.body[k].transactions, 1, k);
    }
    const monday = new Date(); monday.setHours(0, 0, 0, 0); monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
    assert.equal(r.body.week.from, monday.toISOString());
    const first = new Date(); first.setHours(0, 0, 0, 0); first.setDate(1);
    assert.equal(r.body.month.from, first.toISOString());
    const today = new Date(); today.setHours(0, 0, 0, 0);
    assert.equal(r.body.today.from, today.toISOString());
    assert.equal((await manager.api('GET', '/api/v1/home/energy?view=1&group=1')).body.today.energyWh, 0);
    assert.equal((await manager.api('GET', '/api/v1/home/energy?view=1&group=2')).body.today.energyWh, 1500);
});

test('socket search by name prefix and status, with who is charging; paged', async () => {
    const all = await tech.api('GET', '/api/v1/home/sockets?limit=100');
    assert.equal(all.status, 200);
    assert.equal(all.body.total, 9);
    assert.equal(all.body.items[0].name, 'Depot #1');
    const charging = await tech.api('GET', '/api/v1/home/sockets?status=charging');
    assert.equal(charging.body.total, 1);
    const [c] = charging.body.items;
    assert.equal(c.name, 'Hall #3');
    assert.equal(c.statusLabel, 'Charging');
    assert.deepEqual({ ...c.charging, start: undefined }, { transactionId: openTx, idTag: 'HOMECARD000000', userId: 3, user: 'Grace Hopper', start: undefined, energyWh: null, currentA: null });
    const hall = await tech.api('GET', '/api/v1/home/sockets?q=hal&limit=2&offset=2');
    assert.equal(hall.body.total, 7);
    assert.deepEqual(hall.body.items.map((s) => s.name), ['Hall #3', 'Hall #4']);
    assert.equal((await tech.api('GET', '/api/v1/home/sockets?q=all')).body.total, 0, 'a prefix, not a substring');
    assert.equal((await tech.api('GET', '/api/v1/home/sockets?q=h-o')).body.total, 1, 'the station id too');
    assert.equal((await tech.api('GET', '/api/v1/home/sockets?q=%25')).body.total, 0, 'LIKE wildcards are literal');
    const fault = await tech.api('GET', '/api/v1/home/sockets?status=fault');
    assert.equal(fault.body.items[0].vendorErrorCode, EVIL);
    assert.equal(fault.body.items[0].info, EVIL);
    assert.equal(fault.body.items[0].errorCode, 'GroundFailure');
    const grp = await tech.api('GET', '/api/v1/home/sockets?view=1&group=2');
    assert.deepEqual(grp.body.items.map((s) => s.name), ['Hall #3', 'Hall #4']);
    const bad = await tech.api('GET', '/api/v1/home/sockets?status=busy');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^status:/);
    assert.equal((await tech.api('GET', '/api/v1/home/sockets?sort=price')).status, 400);
});

test('roles: every role reads the home page; nobody logged in gets 401', async () => {
    for (const p of ['/api/v1/home/diagnostics', '/api/v1/home/energy', '/api/v1/home/sockets']) {
        for (const who of [admin, manager, tech]) assert.equal((await who.api('GET', p)).status, 200, p);
        assert.equal((await csms.api('GET', p, undefined, { token: null })).status, 401, p);
    }
});
