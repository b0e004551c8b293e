/* cards.test.js — charge users and cards through the REST API: create, edit, delete (with ?cascade), get,
 * list (filters, paging, sort), id tag normalisation, exports (CSV text, .xlsx cells), refusals (400 naming
 * the field, 404, 409), roles (Administrator and Local Manager allowed, Maintenance Technician 403) and
 * SQL/HTML text stored and returned unchanged; every card change is a card_change row. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const XLSX = require('xlsx');
const { Csms, closeClients } = require('./lib');

const csms = new Csms();
let manager, tech, admin;
const INJECT = `Robert'); DROP TABLE charge_user;-- <script>alert("x")</script> & "quoted", comma`;

before(async () => {
    await csms.start();
    admin = await csms.operator('administrator');
    manager = await csms.operator('local_manager');
    tech = await csms.operator('maintenance_technician');
});
after(async () => { await closeClients(); await csms.stopAndCheck(); });

const user = async (s, body) => {
    const r = await s.api('POST', '/api/v1/charge-users', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
};

test('a Local Manager registers a charge user and a card; the id tag is upper-cased and padded to 14', async () => {
    const u = await user(manager, { name: 'Mario', surname: 'Rossi', taxCode: 'RSSMRA80A01H501U', email: 'mario@example.com' });
    assert.equal(u.name, 'Mario');
    assert.equal(u.cards, 0);
    const c = await manager.api('POST', '/api/v1/cards', {
        idTag: '8c45be53', userId: u.id, parentIdTag: 'grp1', description: 'Carta verde',
        validFrom: '2021-05-02T00:00:00Z', expiry: '2040-01-09T00:00:00Z',
    });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal(c.body.idTag, '8C45BE53000000');
    assert.equal(c.body.parentIdTag, 'GRP10000000000');
    assert.equal(c.body.user.surname, 'Rossi');
    assert.equal(c.body.state, 'active');
    assert.equal(c.body.validFrom, '2021-05-02T00:00:00.000Z');
    const got = await manager.api('GET', '/api/v1/cards/8c45be53');
    assert.equal(got.status, 200);
    assert.equal(got.body.description, 'Carta verde');
    assert.deepEqual(got.body.cardLists, []);
    const changes = csms.sql(`SELECT id_tag FROM card_change WHERE id_tag = '8C45BE53000000'`);
    assert.equal(changes.length, 1);
    /* the card authorises at a station */
    await csms.addStation('CP-CARD');
    const cp = await csms.station('CP-CARD');
    const a = await cp.call('Authorize', { idTag: '8C45BE53' });
    assert.equal(a.idTagInfo.status, 'Accepted');
    assert.equal((await manager.api('GET', `/api/v1/charge-users/${u.id}`)).body.cards, 1);
});

test('refusals: required fields, bad values, unknown user, duplicates, missing rows', async () => {
    const cases = [
        ['POST', '/api/v1/charge-users', { surname: 'X', taxCode: 'T' }, 400, /name/],
        ['POST', '/api/v1/charge-users', { name: 'X', taxCode: 'T' }, 400, /surname/],
        ['POST', '/api/v1/charge-users', { name: 'X', surname: 'Y' }, 400, /taxCode/],
        ['POST', '/api/v1/charge-users', { name: 'X', surname: 'Y', taxCode: 'T', email: 'nope' }, 400, /email/],
        ['POST', '/api/v1/charge-users', { name: 7, surname: 'Y', taxCode: 'T' }, 400, /name/],
        ['POST', '/api/v1/cards', { userId: 1 }, 400, /idTag/],
        ['POST', '/api/v1/cards', { idTag: 'has space', userId: 1 }, 400, /idTag/],
        ['POST', '/api/v1/cards', { idTag: 'A'.repeat(21), userId: 1 }, 400, /idTag/],
        ['POST', '/api/v1/cards', { idTag: 'NOUSER' }, 400, /userId/],
        ['POST', '/api/v1/cards', { idTag: 'NOUSER', userId: 99999 }, 400, /userId/],
        ['POST', '/api/v1/cards', { idTag: 'BADDATE', userId: 1, expiry: 'tomorrow' }, 400, /expiry/],
        ['POST', '/api/v1/cards', { idTag: 'BADDATE', userId: 1, validFrom: '2030-01-01T00:00:00Z', expiry: '2029-01-01T00:00:00Z' }, 400, /expiry/],
        ['POST', '/api/v1/cards', { idTag: 'BADB', userId: 1, blocked: 'yes' }, 400, /blocked/],
        ['POST', '/api/v1/cards', { idTag: 'BADP', userId: 1, parentIdTag: 'a b' }, 400, /parentIdTag/],
        ['GET', '/api/v1/charge-users/99999', undefined, 404, /charge user/],
        ['GET', '/api/v1/charge-users/abc', undefined, 400, /id/],
        ['PUT', '/api/v1/charge-users/99999', { name: 'Z' }, 404, /charge user/],
        ['PUT', '/api/v1/charge-users/1', { name: '' }, 400, /name/],
        ['DELETE', '/api/v1/charge-users/99999', undefined, 404, /charge user/],
        ['GET', '/api/v1/cards/NOSUCHCARD', undefined, 404, /card/],
        ['PUT', '/api/v1/cards/NOSUCHCARD', { description: 'x' }, 404, /card/],
        ['DELETE', '/api/v1/cards/NOSUCHCARD', undefined, 404, /card/],
        ['GET', '/api/v1/cards?state=lost', undefined, 400, /state/],
        ['GET', '/api/v1/cards?userId=x', undefined, 400, /userId/],
        ['GET', '/api/v1/cards?sort=password', undefined, 400, /sort/],
        ['GET', '/api/v1/charge-users?limit=0', undefined, 400, /limit/],
        ['GET', '/api/v1/cards/export?format=pdf', undefined, 400, /format/],
    ];
    for (const [m, p, body, status, re] of cases) {
        const r = await manager.api(m, p, body);
        assert.equal(r.status, status, `${m} ${p} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.error.message, re, `${m} ${p}`);
    }
    const u = await user(manager, { name: 'Dup', surname: 'Card', taxCode: 'DUP' });
    assert.equal((await manager.api('POST', '/api/v1/cards', { idTag: 'dup1', userId: u.id })).status, 201);
    const dup = await manager.api('POST', '/api/v1/cards', { idTag: 'DUP1000', userId: u.id });
    assert.equal(dup.status, 409, 'DUP1000 pads to the same DUP10000000000');
});

test('edit and delete a card: each change is a card_change row; blocked cards are refused at the station', async () => {
    const u = await user(manager, { name: 'Giovanni', surname: 'Verdi', taxCode: 'VRDGNN' });
    await manager.api('POST', '/api/v1/cards', { idTag: 'E4A68438', userId: u.id, description: 'Carta rossa' });
    const before = csms.sql(`SELECT count(*) AS n FROM card_change WHERE id_tag = 'E4A68438000000'`)[0].n;
    let r = await manager.api('PUT', '/api/v1/cards/e4a68438', { blocked: true, description: 'lost' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.blocked, true);
    assert.equal(r.body.state, 'blocked');
    assert.equal(r.body.description, 'lost');
    assert.equal(r.body.user.id, u.id, 'unchanged fields stay');
    r = await manager.api('PUT', '/api/v1/cards/E4A68438000000', { expiry: '2020-01-01T00:00:00Z', blocked: false, validFrom: null });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.state, 'expired');
    assert.equal(r.body.validFrom, null);
    r = await manager.api('PUT', '/api/v1/cards/E4A68438000000', { expiry: null, parentIdTag: 'P1' });
    assert.equal(r.body.state, 'active');
    assert.equal(r.body.parentIdTag, 'P1000000000000');
    const after1 = csms.sql(`SELECT count(*) AS n FROM card_change WHERE id_tag = 'E4A68438000000'`)[0].n;
    assert.equal(after1, before + 3);
    r = await manager.api('PUT', '/api/v1/cards/E4A68438000000', { description: 'only text' });
    assert.equal(csms.sql(`SELECT count(*) AS n FROM card_change WHERE id_tag = 'E4A68438000000'`)[0].n, after1,
        'a description is not on the station: no change row');
    r = await manager.api('DELETE', '/api/v1/cards/E4A68438000000');
    assert.equal(r.status, 200);
    assert.equal((await manager.api('GET', '/api/v1/cards/E4A68438000000')).status, 404);
    assert.equal(csms.sql(`SELECT count(*) AS n FROM card_change WHERE id_tag = 'E4A68438000000'`)[0].n, after1 + 1);
});

test('a charge user with cards: 409 on delete, ?cascade=true deletes the cards too', async () => {
    const u = await user(manager, { name: 'Carlo', surname: 'Bianchi', taxCode: 'BNCCRL' });
    await manager.api('POST', '/api/v1/cards', { idTag: '477C90F9', userId: u.id });
    let r = await manager.api('DELETE', `/api/v1/charge-users/${u.id}`);
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'has_cards');
    r = await manager.api('DELETE', `/api/v1/charge-users/${u.id}?cascade=true`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.cardsDeleted, 1);
    assert.equal((await manager.api('GET', '/api/v1/cards/477C90F9')).status, 404);
    assert.equal((await manager.api('GET', `/api/v1/charge-users/${u.id}`)).status, 404);
    const lonely = await user(manager, { name: 'No', surname: 'Cards', taxCode: 'NC' });
    assert.equal((await manager.api('DELETE', `/api/v1/charge-users/${lonely.id}`)).status, 200);
});

test('lists: paging, sorting, text, user and state filters', async () => {
    const u = await user(manager, { name: 'Lista', surname: 'Zeta', taxCode: 'ZZZ' });
    for (const t of ['LST1', 'LST2', 'LST3'])
        await manager.api('POST', '/api/v1/cards', { idTag: t, userId: u.id, description: `desc ${t}` });
    await manager.api('PUT', '/api/v1/cards/LST2', { blocked: true });
    let r = await manager.api('GET', `/api/v1/cards?userId=${u.id}&sort=-idTag`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.items.map((c) => c.idTag), ['LST30000000000', 'LST20000000000', 'LST10000000000']);
    assert.equal(r.body.total, 3);
    r = await manager.api('GET', `/api/v1/cards?userId=${u.id}&state=blocked`);
    assert.deepEqual(r.body.items.map((c) => c.idTag), ['LST20000000000']);
    r = await manager.api('GET', `/api/v1/cards?userId=${u.id}&limit=1&offset=1`);
    assert.equal(r.body.items.length, 1);
    assert.equal(r.body.total, 3);
    r = await manager.api('GET', '/api/v1/cards?q=desc%20LST3');
    assert.deepEqual(r.body.items.map((c) => c.idTag), ['LST30000000000']);
    r = await manager.api('GET', '/api/v1/cards?q=%25');
    assert.equal(r.body.total, 0, 'a % in q is literal text, not a wildcard');
    r = await manager.api('GET', '/api/v1/charge-users?q=zet&sort=-created');
    assert.equal(r.body.items[0].surname, 'Zeta');
    assert.equal(r.body.items[0].cards, 3);
});

test('SQL and HTML text is stored as given and returned unchanged', async () => {
    const u = await user(manager, { name: INJECT, surname: INJECT, taxCode: INJECT.slice(0, 32), address: INJECT, notes: INJECT });
    assert.equal(u.name, INJECT);
    assert.equal(u.notes, INJECT);
    const c = await manager.api('POST', '/api/v1/cards', { idTag: `'OR'1'='1`, userId: u.id, description: INJECT });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal(c.body.idTag, `'OR'1'='100000`);
    assert.equal(c.body.description, INJECT);
    const got = await manager.api('GET', `/api/v1/cards/${encodeURIComponent(`'OR'1'='100000`)}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.description, INJECT);
    assert.equal(csms.sql('SELECT count(*) AS n FROM charge_user')[0].n > 0, true, 'the table is still there');
});

test('exports: CSV text and an .xlsx workbook with the cells', async () => {
    const u = await user(manager, { name: 'Export', surname: 'Àccènted, "quoted"', taxCode: 'EXP1' });
    await manager.api('POST', '/api/v1/cards', { idTag: 'EXP1', userId: u.id, description: '=1+1', expiry: '2039-06-01T10:00:00Z' });
    let r = await fetch(`${csms.base}/api/v1/charge-users/export?format=csv&q=EXP1`, { headers: { cookie: manager.cookie } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/csv/);
    assert.match(r.headers.get('content-disposition'), /attachment; filename="charge-users.csv"/);
    const csv = await r.text();
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'id,name,surname,taxCode,email,phone,address,notes,cards,created,updated');
    assert.equal(lines.length, 2);
    assert.match(lines[1], /,Export,"Àccènted, ""quoted""",EXP1,/);
    r = await fetch(`${csms.base}/api/v1/cards/export?format=xlsx&userId=${u.id}`, { headers: { cookie: manager.cookie } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition'), /cards.xlsx/);
    const wb = XLSX.read(Buffer.from(await r.arrayBuffer()));
    const rows = XLSX.utils.sheet_to_json(wb.Sheets[wb.SheetNames[0]], { header: 1 });
    assert.equal(rows[0][0], 'idTag');
    assert.equal(rows.length, 2);
    assert.equal(rows[1][0], 'EXP10000000000');
    assert.equal(rows[1][3], 'Àccènted, "quoted"');
    assert.equal(rows[1][6], '=1+1', 'text stays text, not a formula');
    assert.equal(rows[1][12], 'active');
    const cell = wb.Sheets[wb.SheetNames[0]].I2; /* expiry: a date cell */
    assert.equal(cell.t, 'n');
    assert.ok(Math.abs(cell.v - (Date.parse('2039-06-01T10:00:00Z') / 86400000 + 25569)) < 1e-6);
    const left = require('node:fs').readdirSync(require('node:path').join(csms.dir, 'exports'));
    assert.deepEqual(left, [], 'export files are removed once served');
});

test('roles: Administrator and Local Manager manage; a Maintenance Technician only reads cards', async () => {
    const u = await user(admin, { name: 'Role', surname: 'Test', taxCode: 'ROLE' });
    assert.equal((await admin.api('POST', '/api/v1/cards', { idTag: 'ROLE1', userId: u.id })).status, 201);
    const denied = [
        ['GET', '/api/v1/charge-users'], ['POST', '/api/v1/charge-users', { name: 'a', surname: 'b', taxCode: 'c' }],
        ['GET', `/api/v1/charge-users/${u.id}`], ['PUT', `/api/v1/charge-users/${u.id}`, { name: 'x' }],
        ['DELETE', `/api/v1/charge-users/${u.id}`], ['GET', '/api/v1/charge-users/export'],
        ['POST', '/api/v1/cards', { idTag: 'T1', userId: u.id }], ['PUT', '/api/v1/cards/ROLE1', { blocked: true }],
        ['DELETE', '/api/v1/cards/ROLE1'], ['GET', '/api/v1/cards/export'],
    ];
    for (const [m, p, b] of denied) {
        const r = await tech.api(m, p, b);
        assert.equal(r.status, 403, `technician ${m} ${p}`);
    }
    const tr = await tech.api('GET', '/api/v1/cards');
    assert.equal(tr.status, 200, `to choose a card for a remote start: ${JSON.stringify(tr.body)}`);
    assert.equal((await tech.api('GET', '/api/v1/cards/ROLE1')).status, 200);
    const anon = await csms.api('GET', '/api/v1/cards', undefined, { token: null });
    assert.equal(anon.status, 401);
    const nocsrf = await manager.api('POST', '/api/v1/charge-users', { name: 'a', surname: 'b', taxCode: 'c' }, { csrf: false });
    assert.equal(nocsrf.status, 403);
    assert.equal((await manager.api('PUT', `/api/v1/charge-users/${u.id}`, { phone: '+39 000' })).body.phone, '+39 000');
});
