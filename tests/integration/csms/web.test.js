/* web.test.js — the browser UI's files served at / (web/csms, or --web-root): content types, the strict
 * Content-Security-Policy on every file, only plain paths and known types (no traversal, no dot files, no
 * directories), GET only; and the socket fields the Home tiles show (type, phases, maxCurrent) set by
 * PUT /stations/{id}/connectors/{c} (Administrator), refused when wrong, read back on Home and details. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const XLSX = require('xlsx');
const { Csms, closeClients } = require('./lib');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-web-'));
fs.mkdirSync(path.join(root, 'site', 'js'), { recursive: true });
fs.writeFileSync(path.join(root, 'site', 'index.html'), '<!doctype html><p>ui</p>');
fs.writeFileSync(path.join(root, 'site', 'js', 'a.js'), 'export const a = 1;');
fs.writeFileSync(path.join(root, 'site', 'style.css'), 'p{}');
fs.writeFileSync(path.join(root, 'site', 'notes.txt'), 'not served');
fs.writeFileSync(path.join(root, 'site', '.hidden.js'), 'secret');
fs.writeFileSync(path.join(root, 'secret.html'), 'outside the web root');
const csms = new Csms(['--web-root', path.join(root, 'site')]);
let admin, manager;

/* a raw request: the path exactly as written (fetch would normalise ".."). */
function raw(p, method = 'GET') {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: csms.port, path: p, method }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d) => { body += d; });
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end();
    });
}

before(async () => {
    await csms.start();
    admin = await csms.setupAdmin();
    manager = await csms.operator('local_manager');
});
after(async () => {
    await closeClients();
    await csms.stopAndCheck();
    fs.rmSync(root, { recursive: true, force: true });
});

test('/ is index.html, files have their content type and the strict CSP', async () => {
    for (const [p, type, text] of [['/', 'text/html; charset=utf-8', '<p>ui</p>'], ['/index.html', 'text/html; charset=utf-8', 'ui'],
        ['/js/a.js', 'text/javascript; charset=utf-8', 'export'], ['/style.css', 'text/css; charset=utf-8', 'p{}']]) {
        const r = await raw(p);
        assert.equal(r.status, 200, p);
        assert.equal(r.headers['content-type'], type, p);
        assert.ok(r.body.includes(text), p);
        const csp = r.headers['content-security-policy'];
        assert.match(csp, /default-src 'self'/);
        assert.match(csp, /script-src 'self'(;|$)/, 'no unsafe-inline, no other origin');
        assert.match(csp, /frame-ancestors 'none'/);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
    }
});

test('no traversal, dot files, directories, unknown types or other methods', async () => {
    for (const p of ['/../secret.html', '/js/../../secret.html', '/%2e%2e/secret.html', '/js/%2e%2e%2f%2e%2e%2fsecret.html',
        '/..%2fsecret.html', '/.hidden.js', '/js/', '/js', '/notes.txt', '/nothing.html', '//secret.html',
        '/a\\b.js']) {
        const r = await raw(p);
        assert.ok([400, 404].includes(r.status), `${p}: ${r.status}`);
        assert.ok(!r.body.includes('outside the web root') && !r.body.includes('secret'), `${p} leaked`);
    }
    assert.equal((await raw('/index.html', 'POST')).status, 405);
    /* the API and the stations' paths are not the UI's */
    assert.equal((await raw('/api/v1/health')).status, 200);
    assert.equal((await raw('/api/v1/nothing')).status, 404);
});

test('the default web root is the source tree\'s web/csms', async () => {
    const other = new Csms([]);
    await other.start();
    try {
        const r = await fetch(other.base + '/');
        assert.equal(r.status, 200);
        assert.match(await r.text(), /js\/app\.js/);
        const v = await fetch(other.base + '/vendor/preact.module.js');
        assert.equal(v.status, 200, 'the vendored Preact is served');
    } finally { await other.stopAndCheck(); }
});

test('socket type, phases and maximum current: set by an Administrator, shown on Home and in the details', async () => {
    await csms.addStation('WEB-1', { name: 'Yard' });
    const st = await csms.station('WEB-1');
    await st.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    let home = await admin.api('GET', '/api/v1/home/sockets');
    assert.equal(home.body.items[0].type, null, 'type unknown until set');
    const r = await admin.api('PUT', '/api/v1/stations/WEB-1/connectors/1', { type: 'Type2', phases: 3, maxCurrent: 32 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    /* the description stays when only the type is given, and the type when only the description is */
    await admin.api('PUT', '/api/v1/stations/WEB-1/connectors/1', { description: 'Left' });
    home = await admin.api('GET', '/api/v1/home/sockets');
    assert.deepEqual([home.body.items[0].type, home.body.items[0].phases, home.body.items[0].maxCurrent, home.body.items[0].description],
        ['Type2', 3, 32, 'Left']);
    const d = await admin.api('GET', '/api/v1/stations/WEB-1');
    const c = d.body.connectors.find((x) => x.connectorId === 1);
    assert.deepEqual([c.type, c.phases, c.maxCurrent], ['Type2', 3, 32]);
    /* null clears */
    await admin.api('PUT', '/api/v1/stations/WEB-1/connectors/1', { type: null });
    home = await admin.api('GET', '/api/v1/home/sockets');
    assert.equal(home.body.items[0].type, null);
    assert.equal(home.body.items[0].maxCurrent, 32);
    await st.close();
});

test('a charging socket on Home has the energy so far and the largest phase current of its last MeterValue', async () => {
    await csms.putTag('WEBCARD');
    const st = await csms.station('WEB-1');
    const start = await st.call('StartTransaction', { connectorId: 1, idTag: 'WEBCARD', meterStart: 1000, timestamp: new Date().toISOString() });
    let home = await admin.api('GET', '/api/v1/home/sockets');
    assert.deepEqual([home.body.items[0].charging.energyWh, home.body.items[0].charging.currentA], [null, null], 'no MeterValue yet');
    for (const [wh, l2] of [[1500, '12.5'], [2300, '15.5']])
        await st.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [
            { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            { value: '14.0', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
            { value: l2, measurand: 'Current.Import', phase: 'L2', unit: 'A' }] }] });
    home = await admin.api('GET', '/api/v1/home/sockets');
    assert.deepEqual([home.body.items[0].charging.energyWh, home.body.items[0].charging.currentA], [1300, 15.5]);
    await st.close();
});

test('wrong socket fields are refused naming the field; a Local Manager may not set them', async () => {
    for (const [body, field] of [[{ type: 'Type9' }, 'type'], [{ type: 3 }, 'type'], [{ phases: 2 }, 'phases'], [{ phases: 'x' }, 'phases'],
        [{ maxCurrent: 0 }, 'maxCurrent'], [{ maxCurrent: 1e9 }, 'maxCurrent'], [{ maxCurrent: 1.5 }, 'maxCurrent']]) {
        const r = await admin.api('PUT', '/api/v1/stations/WEB-1/connectors/1', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.match(r.body.error.message, new RegExp(`^${field}`), JSON.stringify(r.body));
    }
    const r = await manager.api('PUT', '/api/v1/stations/WEB-1/connectors/1', { type: 'Type2' });
    assert.equal(r.status, 403);
});

test('the station table exported to Excel and CSV with the list\'s filters, by any role; a wrong format refused', async () => {
    await csms.addStation('WEB-2', { name: '=HYPERLINK("x") <b>' });
    const tech = await csms.operator('maintenance_technician');
    const r = await tech.api('GET', '/api/v1/stations?format=xlsx', undefined, { raw: true });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition'), /attachment; filename="stations\.xlsx"/);
    const x = await fetch(csms.base + '/api/v1/stations?format=xlsx&q=WEB-2', { headers: { authorization: `Bearer ${csms.token}` } });
    const wb = XLSX.read(Buffer.from(await x.arrayBuffer()));
    const rows = XLSX.utils.sheet_to_json(wb.Sheets.Stations, { header: 1 });
    assert.deepEqual(rows[0].slice(0, 5), ['Name', 'OCPP protocol', 'Code', 'Device type', 'Sockets']);
    assert.equal(rows.length, 2, 'only the filtered station');
    assert.deepEqual(rows[1].slice(0, 3), ['=HYPERLINK("x") <b>', 'OCPP 1.6J', 'WEB-2'], 'text stays text');
    const csv = await admin.api('GET', '/api/v1/stations?format=csv&state=accepted');
    assert.equal(csv.status, 200);
    assert.match(csv.body, /^Name,OCPP protocol,Code/);
    assert.match(csv.body, /WEB-1/);
    const bad = await admin.api('GET', '/api/v1/stations?format=pdf');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /format/);
});

test('a station registered with its sockets\' type, phases and current; wrong sockets refused, nothing registered', async () => {
    const r = await admin.api('POST', '/api/v1/stations', { id: 'WEB-3', name: 'Dock', sockets: [
        { connectorId: 1, type: 'CCS2', maxCurrent: 200, description: 'Fast <left>' }, { connectorId: 2, type: 'Type2', phases: 1, maxCurrent: 16 }] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.sockets.length, 2);
    const d = await admin.api('GET', '/api/v1/stations/WEB-3');
    assert.deepEqual(d.body.connectors.map((c) => [c.connectorId, c.type, c.phases, c.maxCurrent, c.description]),
        [[1, 'CCS2', null, 200, 'Fast <left>'], [2, 'Type2', 1, 16, '']]);
    /* on Home before the station ever connected: "to be configured" would need a status; they are listed */
    const home = await admin.api('GET', '/api/v1/home/sockets?q=WEB-3');
    assert.equal(home.body.total, 2);
    for (const [sockets, what] of [[{}, /sockets: must be an array/], [[{ type: 'Type2' }], /^connectorId/],
        [[{ connectorId: 1 }, { connectorId: 1 }], /twice/], [[{ connectorId: 1, type: 'Type7' }], /^type/],
        [Array.from({ length: 101 }, (_, i) => ({ connectorId: i + 1 })), /at most 100/]]) {
        const bad = await admin.api('POST', '/api/v1/stations', { id: 'WEB-BAD', sockets });
        assert.equal(bad.status, 400, JSON.stringify(sockets).slice(0, 80));
        assert.match(bad.body.error.message, what);
    }
    assert.equal((await admin.api('GET', '/api/v1/stations/WEB-BAD')).status, 404, 'nothing registered');
});
