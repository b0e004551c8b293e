/* accounts.test.js — operators and logging in: the one-time setup code, `csms create-admin`, Argon2id hashes,
 * session cookie flags, CSRF, login throttling and lockout logs, changing and resetting passwords, API tokens
 * (hash only, revocable), the role limits on creating operators, and text stored exactly as given. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Csms, closeClients, waitFor } = require('./lib');

const csms = new Csms(['--login-fail-limit', '20']);
let admin;

before(async () => {
    await csms.start();
});

after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

const PW = 'admin-password-1';
const anon = (method, p, body) => csms.api(method, p, body, { token: null });

test('first start: no operator, a setup code in the log and in <data>/setup-code (mode 0600); it works once', async () => {
    const health = await anon('GET', '/api/v1/health');
    assert.equal(health.body.setupNeeded, true);
    const file = path.join(csms.dir, 'setup-code');
    const code = fs.readFileSync(file, 'utf8').trim();
    assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.ok(csms.stderr.includes(code), 'the code is in the log');
    assert.equal((await anon('GET', '/api/v1/auth/me')).status, 401);

    const who = { username: 'root', name: 'R', surname: 'S', email: 'r@example.com', password: PW };
    const wrong = await anon('POST', '/api/v1/setup', { ...who, setupCode: 'AAAA-AAAA-AAAA' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'bad_setup_code');
    const weak = await anon('POST', '/api/v1/setup', { ...who, setupCode: code, password: 'short' });
    assert.equal(weak.status, 400);
    const ok = await anon('POST', '/api/v1/setup', { ...who, setupCode: code });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.role, 'administrator');
    assert.equal(fs.existsSync(file), false, 'the code is burnt');
    const again = await anon('POST', '/api/v1/setup', { ...who, username: 'root2', setupCode: code });
    assert.equal(again.status, 409);
    assert.equal((await anon('GET', '/api/v1/health')).body.setupNeeded, false);
    admin = await csms.login('root', PW);
});

test('passwords are stored as Argon2id hashes, never as given', () => {
    const rows = csms.sql("SELECT password_hash FROM operator WHERE username = 'root'");
    assert.match(rows[0].password_hash, /^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
    assert.ok(!rows[0].password_hash.includes(PW));
});

test('the session cookie is HttpOnly, SameSite=Strict, Path=/, with a lifetime; no Secure over plain http', () => {
    const c = admin.setCookie;
    assert.match(c, /^wl_session=[0-9a-f]{64};/);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']) assert.ok(c.includes(flag), `${flag} in ${c}`);
    assert.ok(!c.includes('Secure'));
    const rows = csms.sql('SELECT token_hash FROM session');
    assert.ok(rows.every((r) => !c.includes(r.token_hash)), 'only the hash of the cookie is stored');
});

test('CSRF: a state change from a session needs the token given at login; a wrong one is refused', async () => {
    const body = { username: 'csrf1', name: 'A', surname: 'B', email: 'c@example.com', role: 'local_manager', password: 'operator-password-1' };
    const none = await admin.api('POST', '/api/v1/operators', body, { csrf: false });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'csrf');
    const wrong = await admin.api('POST', '/api/v1/operators', body, { csrf: false, headers: { 'x-csrf-token': 'f'.repeat(64) } });
    assert.equal(wrong.status, 403);
    assert.equal(csms.sql("SELECT count(*) AS n FROM operator WHERE username = 'csrf1'")[0].n, 0, 'nothing was created');
    assert.equal((await admin.api('POST', '/api/v1/operators', body)).status, 201);
    const me = await admin.api('GET', '/api/v1/auth/me');
    assert.equal(me.body.csrfToken, admin.csrf, 'a reloaded page gets the token again');
});

/* POST JSON from a chosen local address (127.0.0.x): throttles count per address */
function postFrom(base, p, body, localAddress) {
    return new Promise((resolve, reject) => {
        const data = JSON.stringify(body);
        const req = require('node:http').request(base + p, {
            method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
        }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => { text += d; });
            res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end(data);
    });
}

test('wrong setup codes are throttled per address: someone else\'s guesses do not block the first Administrator', async () => {
    const other = new Csms(['--login-fail-limit', '3']);
    await other.start();
    try {
        const who = { username: 'first', name: 'F', surname: 'A', email: 'f@example.com', password: 'first-password-1' };
        for (let i = 0; i < 3; i++)
            assert.equal((await postFrom(other.base, '/api/v1/setup', { ...who, setupCode: `AAAA-AAAA-AAA${i + 2}` }, '127.0.0.21')).status, 403);
        const blocked = await postFrom(other.base, '/api/v1/setup', { ...who, setupCode: 'AAAA-AAAA-AAA9' }, '127.0.0.21');
        assert.equal(blocked.status, 429, 'the guessing address is throttled');
        const code = fs.readFileSync(path.join(other.dir, 'setup-code'), 'utf8').trim();
        const ok = await postFrom(other.base, '/api/v1/setup', { ...who, setupCode: code }, '127.0.0.1');
        assert.equal(ok.status, 201, `the Administrator, from another address: ${JSON.stringify(ok.body)}`);
        assert.match(blocked.body.error.message, /wrong setup codes from this address/);
        assert.match(other.stderr, /setup: address \S*127\.0\.0\.21 locked for 15 minutes/);
    } finally {
        await other.stopAndCheck();
    }
});

test('parallel logins cannot pass the throttle: attempts in flight count, the right password is refused once locked', async () => {
    const other = new Csms(['--login-fail-limit', '5']);
    await other.start();
    try {
        await other.api('POST', '/api/v1/operators', { username: 'target', name: 'T', surname: 'G', email: 't@example.com', role: 'maintenance_technician', password: 'target-password-1' });
        const attempt = (pw) => fetch(other.base + '/api/v1/auth/login', {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'target', password: pw }),
        }).then((r) => r.status);
        /* 60 wrong passwords at once, then the right one while their hashes still run */
        let answered = 0;
        const burst = Promise.all(Array.from({ length: 60 }, (_, i) => attempt(`wrong-password-${i}`).then((st) => { answered++; return st; })));
        /* all have arrived once 55 are answered (or all 60, when the fix is missing) */
        await waitFor(() => answered >= 55, '55 answers to the burst', 30000, 10);
        const right = await attempt('target-password-1');
        const statuses = await burst;
        const count = (s) => statuses.filter((x) => x === s).length;
        assert.equal(count(401), 5, `only as many passwords as the limit are checked: ${JSON.stringify(statuses)}`);
        assert.equal(count(429), 55, 'the others are refused while those run');
        assert.equal(right, 429, 'the right password is refused once the account is locked');
        assert.equal(await attempt('target-password-1'), 429, 'and after it, while the account is locked');
        assert.match(other.stderr, /account "target" locked for 15 minutes/);
    } finally {
        await other.stopAndCheck();
    }
});

test('login failures are throttled per account and per address; the lockout is logged', async () => {
    const other = new Csms(['--login-fail-limit', '3']);
    await other.start();
    try {
        await other.api('POST', '/api/v1/operators', { username: 'victim', name: 'V', surname: 'W', email: 'v@example.com', role: 'maintenance_technician', password: 'victim-password-1' });
        for (let i = 0; i < 3; i++) {
            const r = await other.login('victim', 'wrong-password!').catch((e) => e);
            assert.equal(r.status, 401);
            assert.equal(r.body.error.code, 'bad_credentials');
        }
        const locked = await other.login('victim', 'victim-password-1').catch((e) => e);
        assert.equal(locked.status, 429, 'even the right password is refused while locked');
        assert.match(other.stderr, /account "victim" locked for 15 minutes/);
        const unknown = await other.login('nobody-at-all', 'whatever-password').catch((e) => e);
        assert.equal(unknown.status, 429, 'the address is locked too');
    } finally {
        await other.stopAndCheck();
    }
});

test('an unknown user and a wrong password give the same answer', async () => {
    const other = new Csms();
    await other.start();
    try {
        await other.setupAdmin('boss');
        const a = await other.login('boss', 'not-the-password').catch((e) => e);
        const b = await other.login('ghost', 'not-the-password').catch((e) => e);
        assert.deepEqual([a.status, a.body], [b.status, b.body]);
    } finally {
        await other.stopAndCheck();
    }
});

test('change password: current + new + confirm; other sessions end, this one stays', async () => {
    await csms.api('POST', '/api/v1/operators', { username: 'changer', name: 'C', surname: 'D', email: 'd@example.com', role: 'local_manager', password: 'first-password-1' });
    const s1 = await csms.login('changer', 'first-password-1');
    const s2 = await csms.login('changer', 'first-password-1');
    const mismatch = await s1.api('PUT', '/api/v1/auth/password', { current: 'first-password-1', new: 'second-password-2', confirm: 'second-password-3' });
    assert.equal(mismatch.status, 400);
    const wrongCurrent = await s1.api('PUT', '/api/v1/auth/password', { current: 'nope-nope-nope', new: 'second-password-2', confirm: 'second-password-2' });
    assert.equal(wrongCurrent.status, 403);
    const ok = await s1.api('PUT', '/api/v1/auth/password', { current: 'first-password-1', new: 'second-password-2', confirm: 'second-password-2' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await s1.api('GET', '/api/v1/auth/me')).status, 200);
    assert.equal((await s2.api('GET', '/api/v1/auth/me')).status, 401);
    assert.equal((await csms.login('changer', 'first-password-1').catch((e) => e)).status, 401);
    await csms.login('changer', 'second-password-2');
});

test('API tokens: shown once, stored as a hash, act with the operator\'s role, revocable', async () => {
    const tech = await csms.operator('maintenance_technician');
    const made = await tech.api('POST', '/api/v1/auth/tokens', { name: 'nightly script' });
    assert.equal(made.status, 201);
    const { token, id } = made.body;
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal(csms.sql(`SELECT count(*) AS n FROM api_token WHERE token_hash = '${token}'`)[0].n, 0);
    const list = await tech.api('GET', '/api/v1/auth/tokens');
    assert.equal(list.body.items[0].prefix, token.slice(0, 8));
    assert.ok(!JSON.stringify(list.body).includes(token));
    const me = await csms.api('GET', '/api/v1/auth/me', undefined, { token });
    assert.equal(me.body.role, 'maintenance_technician');
    assert.equal((await csms.api('GET', '/api/v1/operators', undefined, { token })).status, 403, 'role applies');
    assert.equal((await csms.api('POST', '/api/v1/auth/tokens', { name: 'no csrf needed' }, { token })).status, 201);
    assert.equal((await tech.api('DELETE', `/api/v1/auth/tokens/${id}`)).status, 200);
    assert.equal((await csms.api('GET', '/api/v1/auth/me', undefined, { token })).status, 401);
    assert.equal((await admin.api('DELETE', `/api/v1/auth/tokens/${id}`)).status, 404, 'only one\'s own tokens');
});

test('API tokens end with a password change (and the other sessions) and with a reset by an Administrator', async () => {
    const tech = await csms.operator('maintenance_technician', 'tok-changer', 'operator-password-1');
    const other = await csms.login('tok-changer', 'operator-password-1');
    const { token } = (await tech.api('POST', '/api/v1/auth/tokens', { name: 'cron' })).body;
    assert.equal((await csms.api('GET', '/api/v1/auth/me', undefined, { token })).status, 200);
    const changed = await tech.api('PUT', '/api/v1/auth/password', { current: 'operator-password-1', new: 'operator-password-2', confirm: 'operator-password-2' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal((await csms.api('GET', '/api/v1/auth/me', undefined, { token })).status, 401, 'the token ended with the change');
    assert.equal((await other.api('GET', '/api/v1/auth/me')).status, 401, 'the other session ended');
    assert.equal((await tech.api('GET', '/api/v1/auth/me')).status, 200, 'this session stays');
    const listed = (await tech.api('GET', '/api/v1/auth/tokens')).body.items;
    assert.ok(listed.length === 1 && listed[0].revoked, `listed as revoked: ${JSON.stringify(listed)}`);

    const second = (await tech.api('POST', '/api/v1/auth/tokens', { name: 'cron 2' })).body.token;
    assert.equal((await csms.api('GET', '/api/v1/auth/me', undefined, { token: second })).status, 200);
    const reset = await admin.api('POST', `/api/v1/operators/${tech.operator.id}/password`, {});
    assert.equal(reset.status, 200);
    assert.equal((await csms.api('GET', '/api/v1/auth/me', undefined, { token: second })).status, 401, 'the token ended with the reset');
    assert.equal((await tech.api('GET', '/api/v1/auth/me')).status, 401, 'and the session');
});

test('who creates whom: Administrator any role, Local Manager only Local Managers, Technician nobody', async () => {
    const lm = await csms.operator('local_manager');
    const tech = await csms.operator('maintenance_technician');
    const mk = (role, u) => ({ username: u, name: 'N', surname: 'S', email: `${u}@example.com`, role, password: 'operator-password-1' });
    assert.equal((await lm.api('POST', '/api/v1/operators', mk('local_manager', 'lm-made'))).status, 201);
    const up = await lm.api('POST', '/api/v1/operators', mk('administrator', 'lm-admin'));
    assert.equal(up.status, 403);
    assert.equal((await lm.api('POST', '/api/v1/operators', mk('maintenance_technician', 'lm-tech'))).status, 403);
    assert.equal((await tech.api('POST', '/api/v1/operators', mk('maintenance_technician', 't-t'))).status, 403);
    for (const role of ['administrator', 'local_manager', 'maintenance_technician'])
        assert.equal((await admin.api('POST', '/api/v1/operators', mk(role, `a-${role}`))).status, 201);
    /* a Local Manager may not edit, reset or delete an Administrator, nor promote anyone */
    const adminId = admin.operator.id;
    assert.equal((await lm.api('PUT', `/api/v1/operators/${adminId}`, { name: 'X' })).status, 403);
    assert.equal((await lm.api('POST', `/api/v1/operators/${adminId}/password`, {})).status, 403);
    assert.equal((await lm.api('DELETE', `/api/v1/operators/${adminId}`)).status, 403);
    const lmMade = csms.sql("SELECT id FROM operator WHERE username = 'lm-made'")[0].id;
    assert.equal((await lm.api('PUT', `/api/v1/operators/${lmMade}`, { role: 'administrator' })).status, 403);
    assert.equal((await lm.api('PUT', `/api/v1/operators/${lmMade}`, { phone: '+39 000' })).status, 200);
    const dup = await admin.api('POST', '/api/v1/operators', mk('local_manager', 'LM-MADE'));
    assert.equal(dup.status, 409, 'usernames are unique regardless of case');
});

test('a Local Manager reads Local Managers only: the list and one record (docs/api.md "LM: Local Managers only")', async () => {
    const lm = await csms.operator('local_manager', 'lm-reader');
    const tech = await csms.operator('maintenance_technician', 'tech-hidden');
    const list = await lm.api('GET', '/api/v1/operators?limit=500');
    assert.equal(list.status, 200);
    const roles = [...new Set(list.body.items.map((o) => o.role))];
    assert.deepEqual(roles, ['local_manager'], `roles listed: ${roles}`);
    const lms = csms.sql("SELECT count(*) AS n FROM operator WHERE role = 'local_manager'")[0].n;
    assert.equal(list.body.total, lms, 'the total counts Local Managers only');
    const adminRead = await lm.api('GET', `/api/v1/operators/${admin.operator.id}`);
    assert.equal(adminRead.status, 403, JSON.stringify(adminRead.body));
    assert.match(adminRead.body.error.message, /local_manager may not manage a administrator/);
    assert.equal((await lm.api('GET', `/api/v1/operators/${tech.operator.id}`)).status, 403);
    assert.equal((await lm.api('GET', `/api/v1/operators/${lm.operator.id}`)).status, 200);
    const all = await admin.api('GET', '/api/v1/operators?limit=500');
    assert.ok(all.body.items.some((o) => o.role === 'administrator') && all.body.total > lms, 'an Administrator reads everyone');
});

test('bad operator input is refused with the field named, and nothing is stored', async () => {
    const base = { username: 'good.name', name: 'N', surname: 'S', email: 'g@example.com', role: 'local_manager', password: 'operator-password-1' };
    const cases = [
        [{ username: 'x' }, 'username'], [{ username: 'has space' }, 'username'], [{ email: 'nope' }, 'email'],
        [{ role: 'superuser' }, 'role'], [{ language: 'fr' }, 'language'], [{ name: '' }, 'name'],
        [{ name: 'a'.repeat(101) }, 'name'], [{ password: 'good.name-x'.slice(0, 9) }, 'password'],
        [{ name: 'line\nbreak' }, 'name'], [{ surname: 42 }, 'surname'],
    ];
    for (const [patch, field] of cases) {
        const r = await admin.api('POST', '/api/v1/operators', { ...base, ...patch });
        assert.equal(r.status, 400, `${JSON.stringify(patch)}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.error.message, new RegExp(field), JSON.stringify(r.body));
    }
    const notJson = await admin.api('POST', '/api/v1/operators', '{"username":', { raw: true });
    assert.equal(notJson.status, 400);
    assert.equal(csms.sql("SELECT count(*) AS n FROM operator WHERE username = 'good.name'")[0].n, 0);
});

test('HTML and SQL in names are stored as given and returned unchanged', async () => {
    const evil = { name: "<script>alert('x')</script>", surname: "Robert'); DROP TABLE operator;--", email: 'e"vil@example.com' };
    const r = await admin.api('POST', '/api/v1/operators', { username: 'evil', role: 'local_manager', password: 'operator-password-1', ...evil });
    assert.equal(r.status, 201);
    const got = await admin.api('GET', `/api/v1/operators/${r.body.id}`);
    for (const k of Object.keys(evil)) assert.equal(got.body[k], evil[k]);
    assert.ok(csms.sql('SELECT count(*) AS n FROM operator')[0].n > 3, 'the table is still there');
});

test('text with a NUL character (\\u0000, or a raw 0 byte) is refused with 400, never cut short and stored', async () => {
    const base = { username: 'nul-user', role: 'local_manager', password: 'operator-password-1', surname: 'S', email: 'n@example.com' };
    const escaped = await admin.api('POST', '/api/v1/operators', JSON.stringify({ ...base, name: 'a\u0000b' }), { raw: true, headers: { 'content-type': 'application/json' } });
    assert.equal(escaped.status, 400, JSON.stringify(escaped.body));
    assert.equal(escaped.body.error.code, 'bad_text');
    assert.match(escaped.body.error.message, /NUL character \(\\u0000\)/);
    const phone = await admin.api('PUT', '/api/v1/auth/me', '{"phone":"1\\u0000"}', { raw: true, headers: { 'content-type': 'application/json' } });
    assert.equal(phone.status, 400, 'in every route');
    const rawByte = await admin.api('POST', '/api/v1/operators', `{"username":"nul-user","role":"local_manager","password":"operator-password-1","surname":"S","email":"n@example.com","name":"a${String.fromCharCode(0)}b"}`, { raw: true, headers: { 'content-type': 'application/json' } });
    assert.equal(rawByte.status, 400);
    assert.equal(csms.sql("SELECT count(*) AS n FROM operator WHERE username = 'nul-user'")[0].n, 0, 'nothing stored');
    /* a backslash followed by "u0000" is text, kept as given */
    const literal = await admin.api('POST', '/api/v1/operators', { ...base, name: 'a\\u0000b' });
    assert.equal(literal.status, 201, JSON.stringify(literal.body));
    assert.equal((await admin.api('GET', `/api/v1/operators/${literal.body.id}`)).body.name, 'a\\u0000b');
});

test('the last Administrator can be neither deleted nor demoted; nobody deletes themselves', async () => {
    const other = new Csms();
    await other.start();
    try {
        const boss = await other.setupAdmin('boss');
        const id = boss.operator.id;
        assert.equal((await boss.api('DELETE', `/api/v1/operators/${id}`)).status, 409);
        assert.equal((await other.api('DELETE', `/api/v1/operators/${id}`)).status, 409, 'last administrator');
        assert.equal((await boss.api('PUT', `/api/v1/operators/${id}`, { role: 'local_manager' })).status, 409);
        assert.equal((await boss.api('GET', '/api/v1/auth/me')).body.role, 'administrator');
    } finally {
        await other.stopAndCheck();
    }
});

test('a reset password is generated and shown once, must be changed, and ends the operator\'s sessions', async () => {
    const lm = await csms.operator('local_manager', 'forgetful');
    const r = await admin.api('POST', `/api/v1/operators/${lm.operator.id}/password`, {});
    assert.equal(r.status, 200);
    assert.ok(r.body.temporaryPassword.length >= 12);
    assert.equal((await lm.api('GET', '/api/v1/auth/me')).status, 401);
    const s = await csms.login('forgetful', r.body.temporaryPassword);
    assert.equal(s.operator.mustChangePassword, true, 'the login tells the UI to lead to Change Password');
    assert.equal((await s.api('GET', '/api/v1/auth/me')).body.mustChangePassword, true);
    assert.equal((await admin.api('GET', `/api/v1/operators/${lm.operator.id}`)).body.mustChangePassword, true);
    assert.equal((await s.api('PUT', '/api/v1/auth/password', { current: r.body.temporaryPassword, new: 'my-own-password', confirm: 'my-own-password' })).status, 200);
    assert.equal((await admin.api('GET', `/api/v1/operators/${lm.operator.id}`)).body.mustChangePassword, false);
    assert.equal((await s.api('GET', '/api/v1/auth/me')).body.mustChangePassword, false);
});

test('after a reset, only /auth/me, the password change and logout work until the password is changed', async () => {
    const lm = await csms.operator('local_manager', 'must-change');
    const r = await admin.api('POST', `/api/v1/operators/${lm.operator.id}/password`, {});
    const s = await csms.login('must-change', r.body.temporaryPassword);
    assert.equal(s.operator.mustChangePassword, true, 'the login answer says so');
    const me = await s.api('GET', '/api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.mustChangePassword, true);
    for (const [method, route, body] of [['GET', '/api/v1/stations'], ['GET', '/api/v1/operators'],
        ['POST', '/api/v1/auth/tokens', { name: 'sneaky' }], ['PUT', '/api/v1/auth/me', { phone: '+39 1' }]]) {
        const refused = await s.api(method, route, body);
        assert.equal(refused.status, 403, `${method} ${route}: ${JSON.stringify(refused.body)}`);
        assert.equal(refused.body.error.code, 'password_change_required');
        assert.match(refused.body.error.message, /password was reset: change it first/);
    }
    const other = await csms.login('must-change', r.body.temporaryPassword);
    assert.equal((await other.api('POST', '/api/v1/auth/logout')).status, 200, 'logout works');
    assert.equal((await s.api('PUT', '/api/v1/auth/password', { current: r.body.temporaryPassword, new: 'changed-password-1', confirm: 'changed-password-1' })).status, 200);
    assert.equal((await s.api('GET', '/api/v1/stations')).status, 200, 'everything works once changed');
    assert.equal((await s.api('GET', '/api/v1/auth/me')).body.mustChangePassword, false);
});

test('language at login and in the profile: English and Italian', async () => {
    const s = await csms.login('root', PW, 'it');
    assert.equal(s.operator.language, 'it');
    assert.equal((await s.api('PUT', '/api/v1/auth/me', { language: 'en', phone: '+39 02 000' })).body.language, 'en');
    const bad = await csms.login('root', PW, 'xx').catch((e) => e);
    assert.equal(bad.status, 400);
});

test('without a mail server the operator is created all the same; with one that fails, too (logged)', async () => {
    const other = new Csms(['--smtp-url', 'smtp://127.0.0.1:1', '--smtp-from', 'mms@example.com']);
    await other.start();
    try {
        const r = await other.api('POST', '/api/v1/operators', { username: 'mailme', name: 'M', surname: 'E', email: 'm@example.com', role: 'local_manager', password: 'operator-password-1' });
        assert.equal(r.status, 201);
        assert.equal(r.body.emailQueued, true);
        await new Promise((res) => setTimeout(res, 300));
        for (let i = 0; i < 50 && !/confirmation to m@example.com not sent/.test(other.stderr); i++) await new Promise((res) => setTimeout(res, 100));
        assert.match(other.stderr, /confirmation to m@example.com not sent/);
        assert.equal(other.sql("SELECT count(*) AS n FROM operator WHERE username = 'mailme'")[0].n, 1);
    } finally {
        await other.stopAndCheck();
    }
});

test('csms create-admin makes an Administrator from the machine (password on stdin)', async () => {
    const other = new Csms();
    const bin = process.env.CSMS_BIN;
    const run = (args, input) => spawnSync(bin, ['create-admin', '--data', other.dir, ...args], { input, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
    const weak = run(['cli', 'cli@example.com', 'Cli', 'Admin'], 'short\n');
    assert.equal(weak.status, 2, weak.stderr);
    const ok = run(['cli', 'cli@example.com', 'Cli', 'Admin'], 'a-long-enough-password\n');
    assert.equal(ok.status, 0, ok.stderr);
    await other.start();
    try {
        assert.equal((await other.api('GET', '/api/v1/health', undefined, { token: null })).body.setupNeeded, false);
        const s = await other.login('cli', 'a-long-enough-password');
        assert.equal(s.operator.role, 'administrator');
        assert.equal(run(['cli', 'cli@example.com', 'Cli', 'Admin'], 'a-long-enough-password\n').status, 1, 'taken');
    } finally {
        await other.stopAndCheck();
    }
});
