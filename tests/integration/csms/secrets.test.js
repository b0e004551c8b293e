/* secrets.test.js — a station password pushed with ChangeConfiguration AuthorizationKey (issue 10) is never
 * stored in clear: not in the message log, not in operation.request, not in what a Maintenance Technician
 * reads through the messages route (rows logged before the fix are redacted when shown), nor when a
 * station echoes it in GetConfiguration. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { Csms, closeClients, waitFor } = require('./lib');

const SECRET = '5ec2e7-Authorization-Key-0123456789';
const SECRET2 = 'another-secret-key-9876543210abcdef';
const csms = new Csms();
let station, tech;

before(async () => {
    await csms.start();
    await csms.setupAdmin();
    tech = await csms.operator('maintenance_technician');
    await csms.addStation('CP-SEC');
    station = await csms.station('CP-SEC');
    station.handle('ChangeConfiguration', () => ({ status: 'Accepted' }));
    /* a station that (wrongly) reads the key back */
    station.handle('GetConfiguration', () => ({ configurationKey: [{ key: 'AuthorizationKey', readonly: false, value: SECRET }] }));
});
after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

test('AuthorizationKey is sent to the station but kept and shown only as ***', async () => {
    const r1 = await csms.api('PUT', '/api/v1/stations/CP-SEC/configuration', { key: 'AuthorizationKey', value: SECRET });
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    const r2 = await csms.op('CP-SEC', 'ChangeConfiguration', { key: 'authorizationkey', value: SECRET2 });
    assert.equal(r2.status, 200, JSON.stringify(r2.body));
    const r3 = await csms.api('GET', '/api/v1/stations/CP-SEC/configuration?key=AuthorizationKey');
    assert.equal(r3.status, 200, JSON.stringify(r3.body));

    await waitFor(() => csms.sql("SELECT count(*) AS n FROM operation WHERE station_id = 'CP-SEC'")[0].n >= 3, 'the operations recorded');
    await waitFor(() => csms.logSql("SELECT count(*) AS n FROM message WHERE station_id = 'CP-SEC' AND text LIKE '%AuthorizationKey%'")[0].n >= 4,
        'the frames logged');
    for (const s of [SECRET, SECRET2]) {
        const where = `text LIKE '%${s}%'`;
        assert.deepEqual(csms.logSql(`SELECT dir, text FROM message WHERE ${where}`), [], 'the message log holds the secret');
        assert.deepEqual(csms.sql(`SELECT action, request FROM operation WHERE request LIKE '%${s}%' OR response LIKE '%${s}%'`), [],
            'operation.request holds the secret');
    }
    const stored = csms.sql("SELECT request FROM operation WHERE action = 'ChangeConfiguration'");
    assert.equal(stored.length, 2);
    for (const row of stored) assert.equal(JSON.parse(row.request).value, '***');

    const shown = await tech.api('GET', '/api/v1/stations/CP-SEC/messages?limit=1000');
    assert.equal(shown.status, 200);
    const text = JSON.stringify(shown.body);
    assert.ok(!text.includes(SECRET) && !text.includes(SECRET2), 'the messages route shows the secret');
    assert.match(text, /AuthorizationKey.*\*\*\*/);
});

test('a message logged in clear before the fix is redacted when shown', async () => {
    const frame = JSON.stringify([2, 'old-1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: SECRET }]);
    execFileSync('sqlite3', [path.join(csms.dir, 'msglog.db'),
        `INSERT INTO message (station_id, ts, dir, text) VALUES ('CP-SEC', ${Date.now()}, 'out', '${frame}')`]);
    const shown = await tech.api('GET', '/api/v1/stations/CP-SEC/messages?limit=1000');
    const old = shown.body.items.find((m) => m.text.includes('old-1'));
    assert.ok(old, 'the old row is listed');
    assert.ok(!old.text.includes(SECRET), old.text);
    assert.deepEqual(JSON.parse(old.text)[3], { key: 'AuthorizationKey', value: '***' });
});
