/* transactions.test.js — the transaction search of the MMS manual through the REST API, against a real csms
 * with strict ocpp-rpc stations doing StartTransaction / MeterValues / StopTransaction: every filter (the time
 * range is required), paging and sorting, the total and the sum of energy, one transaction, its measurements as
 * series, exports to Excel (opened with SheetJS) and CSV, the roles (a Maintenance Technician sees
 * measurements but not the search), and SQL/HTML in idTags and station names returned unchanged.
 *
 * Charge users, socket views and groups belong to other API areas: their rows are written here with the
 * sqlite3 command line (the schema is the csms's own). */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const XLSX = require('xlsx');
const { Csms, closeClients, iso } = require('./lib');

const csms = new Csms(['--auth-fail-limit', '1000']);
const EVIL_NAME = `<img src=x onerror=alert(1)>'; DROP TABLE txn; --`;
const EVIL_TAG = `<B>'OR'1'='1--`; /* 14 characters, upper case: stored as sent */
const tx = {};
let admin, manager, tech, userId, viewId, groupId, unassignedId, base;

function sqlw(query) {
    execFileSync('sqlite3', [path.join(csms.dir, 'csms.db'), '.timeout 5000', query], { encoding: 'utf8' });
}

const E = (v, extra = {}) => ({ value: String(v), measurand: 'Energy.Active.Import.Register', unit: 'Wh', ...extra });
const P = (v) => ({ value: String(v), measurand: 'Power.Active.Import', unit: 'W' });

before(async () => {
    await csms.start();
    await csms.addStation('TX-A', { name: EVIL_NAME });
    await csms.addStation('TX-B', { name: 'Garage' });
    await csms.putTag('CARD1', { description: 'first' });
    await csms.putTag('CARD2', { description: 'second' });
    sqlw(`INSERT INTO charge_user (id, name, surname, tax_code, created, updated) VALUES (7, 'Ada', 'Lovelace', 'LVLDAA15', 0, 0);
          UPDATE id_tag SET user_id = 7 WHERE id_tag = 'CARD1000000000';`);
    userId = 7;
    admin = await csms.setupAdmin();
    manager = await csms.operator('local_manager');
    tech = await csms.operator('maintenance_technician');

    const a = await csms.station('TX-A');
    const b = await csms.station('TX-B');
    for (const [c, n] of [[a, 1], [a, 2], [b, 1]])
        await c.call('StatusNotification', { connectorId: n, status: 'Available', errorCode: 'NoError' });
    sqlw(`UPDATE connector SET description = 'Bay 2 east' WHERE station_id = 'TX-A' AND connector_id = 2;
          INSERT INTO socket_view (id, name, created) VALUES (1, 'Site', 0);
          INSERT INTO socket_group (id, view_id, name, unassigned) VALUES (1, 1, 'Unassigned sockets', 1), (2, 1, 'North', 0);
          INSERT INTO socket_group_member (view_id, group_id, station_id, connector_id) VALUES (1, 2, 'TX-A', 1);`);
    viewId = 1; unassignedId = 1; groupId = 2;

    /* within today (local time), a few seconds apart */
    const midnight = new Date(); midnight.setHours(0, 0, 0, 0);
    base = Math.max(Date.now() - 600000, midnight.getTime() + 1000);
    base -= base % 1000;
    /* T1: TX-A #1, CARD1 (Ada Lovelace), 1000 -> 6000 Wh, charging 3 of its 4 seconds */
    let r = await a.call('StartTransaction', { connectorId: 1, idTag: 'CARD1', meterStart: 1000, timestamp: iso(base) });
    tx.t1 = r.transactionId;
    await a.call('MeterValues', { connectorId: 1, transactionId: tx.t1, meterValue: [
        { timestamp: iso(base + 1000), sampledValue: [E(1000), P(0)] },
        { timestamp: iso(base + 2000), sampledValue: [E(2000), P(7000), { value: '16.1', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
            { value: '15.9', measurand: 'Current.Import', phase: 'L2', unit: 'A' }, { value: '230.5', measurand: 'Voltage', phase: 'L1-N', unit: 'V' },
            { value: '41', measurand: 'SoC', unit: 'Percent', location: 'EV' }] },
        { timestamp: iso(base + 3000), sampledValue: [E(4), P(7), { value: '42', measurand: 'SoC', unit: 'Percent', location: 'EV' }].map((s, i) => i === 0 ? { ...s, value: '4.0', unit: 'kWh' } : i === 1 ? { ...s, value: '7.2', unit: 'kW' } : s) },
    ] });
    await a.call('StopTransaction', { transactionId: tx.t1, meterStop: 6000, timestamp: iso(base + 4000), idTag: 'CARD1', reason: 'Local',
        transactionData: [{ timestamp: iso(base + 4000), sampledValue: [E(6000, { context: 'Transaction.End' })] }] });
    /* T2: TX-A #2 ("Bay 2 east"), CARD2 without a charge user, 0 -> 2500 Wh, stopped remotely */
    r = await a.call('StartTransaction', { connectorId: 2, idTag: 'CARD2', meterStart: 0, timestamp: iso(base + 5000) });
    tx.t2 = r.transactionId;
    await a.call('StopTransaction', { transactionId: tx.t2, meterStop: 2500, timestamp: iso(base + 9000), reason: 'Remote' });
    /* T3: TX-B #1, an unknown card with SQL and HTML in it, still open: 200 Wh so far from its last meter value */
    r = await b.call('StartTransaction', { connectorId: 1, idTag: EVIL_TAG, meterStart: 200, timestamp: iso(base + 6000) });
    tx.t3 = r.transactionId;
    await b.call('MeterValues', { connectorId: 1, transactionId: tx.t3, meterValue: [{ timestamp: iso(base + 7000), sampledValue: [E(400)] }] });
    /* T4: 40 days ago, outside this month */
    r = await b.call('StartTransaction', { connectorId: 2, idTag: 'CARD2', meterStart: 10, timestamp: iso(base - 40 * 86400000) });
    tx.t4 = r.transactionId;
    await b.call('StopTransaction', { transactionId: tx.t4, meterStop: 110, timestamp: iso(base - 40 * 86400000 + 60000), reason: 'EVDisconnected', idTag: 'CARD2' });
});

after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

const search = (qs, who = admin) => who.api('GET', `/api/v1/transactions?${qs}`);

test('search needs a time range: 400 naming range, from or to', async () => {
    for (const [qs, field] of [['', 'range'], ['range=year', 'range'], ['from=2026-01-01T00:00:00Z', 'to'],
        ['to=2026-01-01T00:00:00Z', 'from'], ['from=yesterday&to=2026-01-01T00:00:00Z', 'from'],
        ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'], ['range=today&from=2026-01-01T00:00:00Z', 'range']]) {
        const r = await search(qs);
        assert.equal(r.status, 400, qs);
        assert.equal(r.body.error.code, 'bad_query');
        assert.match(r.body.error.message, new RegExp(`^${field}:`), qs);
    }
});

test('search today: every transaction started today with socket, user, card, terminated by, durations, energy and the sum', async () => {
    const r = await search('range=today&sort=start');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.items.map((t) => t.id), [tx.t1, tx.t2, tx.t3]);
    assert.equal(r.body.total, 3);
    const [t1, t2, t3] = r.body.items;
    assert.equal(t1.stationId, 'TX-A');
    assert.equal(t1.connectorId, 1);
    assert.equal(t1.socket, `${EVIL_NAME} #1`);
    assert.equal(t1.idTag, 'CARD1000000000');
    assert.equal(t1.user, 'Ada Lovelace');
    assert.equal(t1.userId, userId);
    assert.equal(t1.status, 'closed');
    assert.equal(t1.terminatedBy, 'Local (CARD1000000000)');
    assert.equal(t1.start, iso(base));
    assert.equal(t1.end, iso(base + 4000));
    assert.equal(t1.durationS, 4);
    assert.equal(t1.chargeDurationS, 3);
    assert.equal(t1.energyWh, 5000);
    assert.equal(t2.socket, 'Bay 2 east');
    assert.equal(t2.user, null);
    assert.equal(t2.terminatedBy, 'Remote');
    assert.equal(t2.energyWh, 2500);
    assert.equal(t3.idTag, EVIL_TAG);
    assert.equal(t3.socket, 'Garage #1');
    assert.equal(t3.status, 'open');
    assert.equal(t3.end, null);
    assert.equal(t3.terminatedBy, null);
    assert.equal(t3.energyWh, 200, 'an open transaction: its last energy register - meterStart');
    assert.equal(r.body.energyWh, 7500, 'the sum counts closed transactions');
});

test('search filters: station, connector, card, charge user, status, socket-name text, view and group', async () => {
    const ids = async (qs) => {
        const r = await search(`range=today&sort=start&${qs}`);
        assert.equal(r.status, 200, `${qs}: ${JSON.stringify(r.body)}`);
        return r.body.items.map((t) => t.id);
    };
    assert.deepEqual(await ids('station=TX-A'), [tx.t1, tx.t2]);
    assert.deepEqual(await ids('station=TX-A&connector=2'), [tx.t2]);
    assert.deepEqual(await ids('idTag=card1'), [tx.t1]);
    assert.deepEqual(await ids(`idTag=${encodeURIComponent(EVIL_TAG)}`), [tx.t3]);
    assert.deepEqual(await ids(`user=${userId}`), [tx.t1]);
    assert.deepEqual(await ids('status=closed'), [tx.t1, tx.t2]);
    assert.deepEqual(await ids('status=open'), [tx.t3]);
    assert.deepEqual(await ids('q=garage'), [tx.t3]);
    assert.deepEqual(await ids('q=bay%202'), [tx.t2]);
    assert.deepEqual(await ids(`q=${encodeURIComponent("DROP TABLE")}`), [tx.t1, tx.t2]);
    assert.deepEqual(await ids('q=100%25'), []);
    assert.deepEqual(await ids(`view=${viewId}&group=${groupId}`), [tx.t1]);
    assert.deepEqual(await ids(`view=${viewId}&group=${unassignedId}`), [tx.t2, tx.t3]);
    assert.deepEqual(await ids(`view=${viewId}`), [tx.t1, tx.t2, tx.t3]);
    const wide = await search(`from=${iso(base - 50 * 86400000)}&to=${iso(base + 86400000)}&station=TX-B&sort=start`);
    assert.deepEqual(wide.body.items.map((t) => t.id), [tx.t4, tx.t3]);
    const month = await search('range=month&station=TX-B');
    assert.ok(!month.body.items.some((t) => t.id === tx.t4), 'T4 is 40 days old');
    assert.equal((await search('range=week')).status, 200);
});

test('search refusals: bad filters are 400 naming the field, an unknown view or group 404', async () => {
    for (const [qs, field] of [['connector=1', 'connector'], ['station=TX-A&connector=0', 'connector'], ['user=abc', 'user'],
        ['user=-1', 'user'], ['group=2', 'group'], ['view=x', 'view'], ['status=paid', 'status'],
        ['idTag=' + 'X'.repeat(21), 'idTag'], ['station=a%20b', 'station'], ['q=' + 'x'.repeat(101), 'q'],
        ['sort=price', 'sort'], ['limit=0', 'limit']]) {
        const r = await search(`range=today&${qs}`);
        assert.equal(r.status, 400, qs);
        assert.match(r.body.error.message, new RegExp(`^${field}`), qs);
    }
    assert.equal((await search(`range=today&view=99`)).status, 404);
    assert.equal((await search(`range=today&view=${viewId}&group=99`)).status, 404);
    sqlw(`INSERT INTO socket_view (id, name, created) VALUES (2, 'Other', 0); INSERT INTO socket_group (id, view_id, name) VALUES (3, 2, 'X');`);
    assert.equal((await search(`range=today&view=${viewId}&group=3`)).status, 400);
});

test('search pages and sorts over the whole result; the sum counts every matching row', async () => {
    const r = await search('range=today&limit=1&offset=1&sort=-energy&status=closed');
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 2);
    assert.equal(r.body.energyWh, 7500);
    assert.deepEqual(r.body.items.map((t) => t.id), [tx.t2]);
    for (const s of ['start', '-end', 'duration', 'socket', '-id']) assert.equal((await search(`range=today&sort=${s}`)).status, 200, s);
    const bySocket = await search('range=today&sort=socket');
    assert.deepEqual(bySocket.body.items.map((t) => t.id), [tx.t1, tx.t2, tx.t3]);
});

test('one transaction with its meter values summary; 404 and 400', async () => {
    const r = await admin.api('GET', `/api/v1/transactions/${tx.t1}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.id, tx.t1);
    assert.equal(r.body.user, 'Ada Lovelace');
    assert.equal(r.body.meterStart, 1000);
    assert.equal(r.body.meterStop, 6000);
    assert.equal(r.body.startStatus, 'Accepted');
    assert.deepEqual(r.body.meterValues, { count: 4, first: iso(base + 1000), last: iso(base + 4000) });
    assert.deepEqual(csms.sql(`SELECT charge_ms FROM txn WHERE id IN (${tx.t1}, ${tx.t2}, ${tx.t3}) ORDER BY id`),
        [{ charge_ms: 3000 }, { charge_ms: null }, { charge_ms: null }], 'the charge duration is stored at the stop');
    assert.equal((await admin.api('GET', '/api/v1/transactions/999999')).status, 404);
    assert.equal((await admin.api('GET', '/api/v1/transactions/abc')).status, 400);
    const evil = await admin.api('GET', `/api/v1/transactions/${tx.t3}`);
    assert.equal(evil.body.idTag, EVIL_TAG);
    assert.equal(evil.body.startStatus, 'Invalid');
});

test('measurements: one series per measurand, phase, location and unit, as [time, value]', async () => {
    const r = await tech.api('GET', `/api/v1/transactions/${tx.t1}/measurements`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.meterValues, 4);
    assert.equal(r.body.truncated, false);
    const find = (m, phase = null, unit) => r.body.series.find((s) => s.measurand === m && s.phase === phase && (!unit || s.unit === unit));
    assert.deepEqual(find('Energy.Active.Import.Register', null, 'Wh').points,
        [[iso(base + 1000), 1000], [iso(base + 2000), 2000], [iso(base + 4000), 6000]]);
    assert.deepEqual(find('Energy.Active.Import.Register', null, 'kWh').points, [[iso(base + 3000), 4]]);
    assert.deepEqual(find('Power.Active.Import', null, 'W').points, [[iso(base + 1000), 0], [iso(base + 2000), 7000]]);
    assert.deepEqual(find('Current.Import', 'L1').points, [[iso(base + 2000), 16.1]]);
    assert.deepEqual(find('Current.Import', 'L2').points, [[iso(base + 2000), 15.9]]);
    assert.deepEqual(find('Voltage', 'L1-N').points, [[iso(base + 2000), 230.5]]);
    const soc = find('SoC');
    assert.equal(soc.location, 'EV');
    assert.equal(soc.unit, 'Percent');
    assert.deepEqual(soc.points.map((p) => p[1]), [41, 42]);
    assert.equal((await tech.api('GET', '/api/v1/transactions/999999/measurements')).status, 404);
    assert.equal((await tech.api('GET', '/api/v1/transactions/0/measurements')).status, 400);
});

async function download(who, p) {
    const res = await fetch(csms.base + p, { headers: { cookie: who.cookie } });
    return { status: res.status, headers: res.headers, buf: Buffer.from(await res.arrayBuffer()) };
}

function parseCsv(text) {
    const rows = [];
    let row = [], cell = '', q = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (q) {
            if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
        } else if (c === '"') q = true;
        else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r') { /* CRLF */ } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
    }
    return rows;
}

test('export of a search to Excel: header, one row per transaction with dates and numbers, a total row', async () => {
    const r = await download(manager, '/api/v1/transactions/export.xlsx?range=today&sort=start');
    assert.equal(r.status, 200, r.buf.toString().slice(0, 300));
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
    assert.match(r.headers.get('content-disposition'), /^attachment; filename="transactions-\d{8}-\d{8}\.xlsx"$/);
    const wb = XLSX.read(r.buf, { cellNF: true });
    const ws = wb.Sheets[wb.SheetNames[0]];
    const rows = XLSX.utils.sheet_to_json(ws, { header: 1, raw: true });
    assert.deepEqual(rows[0], ['Transaction', 'Socket', 'Station', 'Connector', 'Charge user', 'Card', 'Terminated by', 'Start',
        'End', 'Duration', 'Charge duration', 'Energy (Wh)']);
    assert.equal(rows.length, 5);
    assert.equal(rows[1][0], tx.t1);
    assert.equal(rows[1][1], `${EVIL_NAME} #1`);
    assert.equal(rows[1][4], 'Ada Lovelace');
    assert.equal(rows[1][6], 'Local (CARD1000000000)');
    assert.equal(ws.H2.t, 'n', 'the start is an Excel date');
    assert.match(ws.H2.z, /yyyy-mm-dd/);
    const local = new Date(base); /* Excel serial of the local time */
    const serial = (Date.UTC(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds()) / 86400000) + 25569;
    assert.ok(Math.abs(ws.H2.v - serial) < 1e-6, `${ws.H2.v} vs ${serial}`);
    assert.ok(Math.abs(ws.J2.v - 4 / 86400) < 1e-9);
    assert.ok(Math.abs(ws.K2.v - 3 / 86400) < 1e-9);
    assert.equal(rows[1][11], 5000);
    assert.equal(rows[3][5], EVIL_TAG);
    assert.equal(rows[4][0], 'Total');
    assert.equal(rows[4][1], 3);
    assert.equal(ws.L5.f, 'SUM(L2:L4)');
    assert.equal(ws.L5.v, 7500);
});

test('export of a search to CSV: the same columns, RFC 3339 times, seconds, a total row', async () => {
    const r = await download(admin, '/api/v1/transactions/export.csv?range=today&sort=start&station=TX-A');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    const rows = parseCsv(r.buf.toString('utf8'));
    assert.equal(rows[0][0], 'Transaction');
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[1], [String(tx.t1), `${EVIL_NAME} #1`, 'TX-A', '1', 'Ada Lovelace', 'CARD1000000000',
        'Local (CARD1000000000)', iso(base), iso(base + 4000), '4', '3', '5000']);
    assert.deepEqual(rows[3].slice(0, 2), ['Total', '2']);
    assert.equal(rows[3][11], '7500');
    assert.equal((await download(admin, '/api/v1/transactions/export.csv')).status, 400);
});

test('export of one transaction with its measurements (Excel: two sheets; CSV: two sections)', async () => {
    const x = await download(admin, `/api/v1/transactions/${tx.t1}/export.xlsx`);
    assert.equal(x.status, 200);
    assert.match(x.headers.get('content-disposition'), new RegExp(`filename="transaction-${tx.t1}.xlsx"`));
    const wb = XLSX.read(x.buf);
    assert.deepEqual(wb.SheetNames, ['Transaction', 'Measurements']);
    const m = XLSX.utils.sheet_to_json(wb.Sheets.Measurements, { header: 1, raw: true });
    assert.deepEqual(m[0], ['Time', 'Measurand', 'Phase', 'Location', 'Unit', 'Value']);
    assert.equal(m.length, 1 + 2 + 6 + 3 + 1);
    assert.deepEqual([m[3][1], m[3][2], m[3][3], m[3][4], m[3][5]], ['Energy.Active.Import.Register', undefined, undefined, 'Wh', 2000]);
    assert.deepEqual([m[5][1], m[5][2], m[5][4], m[5][5]], ['Current.Import', 'L1', 'A', 16.1]);
    const c = await download(admin, `/api/v1/transactions/${tx.t2}/export.csv`);
    assert.equal(c.status, 200);
    const rows = parseCsv(c.buf.toString('utf8'));
    assert.equal(rows[1][0], String(tx.t2));
    assert.deepEqual(rows[3], ['Time', 'Measurand', 'Phase', 'Location', 'Unit', 'Value']);
    assert.equal((await download(admin, '/api/v1/transactions/999999/export.xlsx')).status, 404);
    const fs = require('node:fs');
    const left = fs.existsSync(path.join(csms.dir, 'exports')) ? fs.readdirSync(path.join(csms.dir, 'exports')) : [];
    assert.deepEqual(left, [], 'served exports are removed');
});

test('roles: Administrator and Local Manager search and export; the Maintenance Technician only reads measurements', async () => {
    for (const p of ['/api/v1/transactions?range=today', '/api/v1/transactions/export.xlsx?range=today',
        '/api/v1/transactions/export.csv?range=today', `/api/v1/transactions/${tx.t1}`,
        `/api/v1/transactions/${tx.t1}/export.xlsx`, `/api/v1/transactions/${tx.t1}/export.csv`]) {
        assert.equal((await tech.api('GET', p)).status, 403, p);
        assert.equal((await manager.api('GET', p)).status, 200, p);
        assert.equal((await csms.api('GET', p, undefined, { token: null })).status, 401, p);
    }
    const m = `/api/v1/transactions/${tx.t1}/measurements`;
    for (const who of [admin, manager, tech]) assert.equal((await who.api('GET', m)).status, 200);
    assert.equal((await csms.api('GET', m, undefined, { token: null })).status, 401);
});
