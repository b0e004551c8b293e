/* roles.test.js — the role matrix, by enumerating the route table (the OpenAPI document the csms generates
 * from it): every route x every role x anonymous x an expired session x a revoked API token gives the
 * expected status. Allowed: anything but 401/403. Not allowed: 403 "forbidden". Not logged in, expired
 * or revoked: 401. Public routes: never 401/403. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { Csms, closeClients } = require('./lib');

const csms = new Csms();
const sessions = {};
let expired, revokedToken, doc;

/* One request whose body is not read to the end (the live stream never ends): status and error code only. */
async function probe(method, p, { cookie, csrf, bearer } = {}) {
    const headers = { 'content-type': 'application/json' };
    if (cookie) headers.cookie = cookie;
    if (csrf) headers['x-csrf-token'] = csrf;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 15000);
    try {
        const r = await fetch(csms.base + p, {
            method, headers, signal: ac.signal, body: method === 'GET' ? undefined : '{}',
        });
        let code = null;
        if ((r.headers.get('content-type') || '').startsWith('application/json') && r.status >= 400) {
            try { code = (await r.json()).error?.code; } catch { /* not JSON after all */ }
        }
        ac.abort(); /* whatever is left of the body (a stream, a file) */
        return { status: r.status, code };
    } finally {
        clearTimeout(timer);
    }
}

/* Path parameters: values that exist nowhere, so an allowed request fails on the item, never on the role. */
const concrete = (pattern) => pattern
    .replace('{connectorId}', '1').replace('{id}', 'NO-SUCH-ID').replace(/\{[^}]+\}/g, 'no-such-item');

before(async () => {
    await csms.start();
    sessions.administrator = await csms.setupAdmin();
    sessions.local_manager = await csms.operator('local_manager');
    sessions.maintenance_technician = await csms.operator('maintenance_technician');
    expired = await csms.operator('local_manager', 'expiring');
    execFileSync('sqlite3', ['-cmd', '.timeout 10000', path.join(csms.dir, 'csms.db'),
        `UPDATE session SET expires = 1 WHERE operator_id = ${expired.operator.id}`]);
    const t = await sessions.local_manager.api('POST', '/api/v1/auth/tokens', { name: 'to revoke' });
    assert.equal(t.status, 201);
    revokedToken = t.body.token;
    assert.equal((await sessions.local_manager.api('DELETE', `/api/v1/auth/tokens/${t.body.id}`)).status, 200);
    doc = (await csms.api('GET', '/api/v1/openapi.json', undefined, { token: null })).body;
});

after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

function routes() {
    const out = [];
    for (const [p, item] of Object.entries(doc.paths))
        for (const [m, op] of Object.entries(item)) out.push({ method: m.toUpperCase(), path: p, op });
    return out;
}

test('every route in the table names who may use it', () => {
    const all = routes();
    assert.ok(all.length >= 40, `only ${all.length} routes`);
    for (const r of all) {
        assert.ok(r.op['x-roles'].length > 0, `${r.method} ${r.path} has no rule`);
        for (const role of r.op['x-roles'])
            assert.ok(['public', 'administrator', 'local_manager', 'maintenance_technician'].includes(role), role);
    }
});

test('each role gets in exactly where its routes allow, and is refused with 403 elsewhere', async () => {
    const failures = [];
    for (const r of routes()) {
        if (r.path === '/api/v1/auth/logout') continue; /* would end the session under test: checked below */
        const p = concrete(r.path);
        for (const [role, s] of Object.entries(sessions)) {
            const got = await probe(r.method, p, { cookie: s.cookie, csrf: s.csrf });
            const allowed = r.op['x-roles'].includes(role) || r.op['x-roles'].includes('public');
            if (allowed && (got.status === 401 || (got.status === 403 && got.code === 'forbidden') || got.code === 'csrf'))
                failures.push(`${role} ${r.method} ${r.path}: ${got.status} ${got.code} but allowed`);
            if (!allowed && !(got.status === 403 && got.code === 'forbidden'))
                failures.push(`${role} ${r.method} ${r.path}: ${got.status} ${got.code}, expected 403 forbidden`);
        }
    }
    assert.deepEqual(failures, []);
});

test('nobody logged in, an expired session or a revoked token: 401 on every non-public route', async () => {
    const failures = [];
    for (const r of routes()) {
        const p = concrete(r.path);
        const isPublic = r.op['x-roles'].includes('public');
        for (const [who, creds] of [['anonymous', {}], ['expired', { cookie: expired.cookie, csrf: expired.csrf }],
            ['revoked', { bearer: revokedToken }], ['garbage', { bearer: 'x'.repeat(64) }]]) {
            if (isPublic && r.method !== 'GET') continue; /* setup and login answer on their own terms */
            const got = await probe(r.method, p, creds);
            if (isPublic && (got.status === 401 || got.status === 403))
                failures.push(`${who} ${r.method} ${r.path}: ${got.status} on a public route`);
            if (!isPublic && got.status !== 401) failures.push(`${who} ${r.method} ${r.path}: ${got.status}, expected 401`);
        }
    }
    assert.deepEqual(failures, []);
});

test('a route that is not in the table is 404, a known path with another method 405', async () => {
    assert.equal((await probe('GET', '/api/v1/no-such-thing', sessions.administrator)).status, 404);
    assert.equal((await probe('DELETE', '/api/v1/health')).status, 405);
});

test('logout is allowed to every role and ends only that session', async () => {
    for (const role of ['local_manager', 'maintenance_technician']) {
        const s = await csms.operator(role);
        const other = await csms.login(s.operator.username, 'operator-password-1');
        assert.equal((await s.api('POST', '/api/v1/auth/logout')).status, 200);
        assert.equal((await s.api('GET', '/api/v1/auth/me')).status, 401);
        assert.equal((await other.api('GET', '/api/v1/auth/me')).status, 200);
    }
});
