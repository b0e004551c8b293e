/* views.test.js — socket views and groups (MMS manual, "Customising the Home Page"): create, rename, the
 * default view, the "Unassigned sockets" group that holds every socket not in another group and cannot be
 * renamed or deleted, groups, moving sockets between groups, refusals and the role rules. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { Csms, closeClients } = require('./lib');

const INJECT = `<script>alert("x")</script>'; DROP TABLE socket_view; --`;
let csms, admin, manager, tech;

before(async () => {
    csms = new Csms(['--station-policy', 'accept']);
    await csms.start();
    admin = await csms.setupAdmin();
    manager = await csms.operator('local_manager');
    tech = await csms.operator('maintenance_technician');
    /* two stations with two sockets each */
    for (const id of ['CP-V1', 'CP-V2']) {
        const c = await csms.station(id);
        for (const connectorId of [0, 1, 2])
            await c.call('StatusNotification', { connectorId, status: 'Available', errorCode: 'NoError' });
        await c.close();
    }
});
after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

const groupsOf = (view) => Object.fromEntries(view.groups.map((g) => [g.name, g]));
const sockets = (g) => g.sockets.map((s) => `${s.station}/${s.connector}`).sort();

test('the first view is the default; it has an Unassigned sockets group holding every socket', async () => {
    const r = await manager.api('POST', '/api/v1/views', { name: 'Floors' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.name, 'Floors');
    assert.equal(r.body.isDefault, true);
    assert.deepEqual(r.body.groups.map((g) => [g.name, g.unassigned]), [['Unassigned sockets', true]]);
    const d = await admin.api('GET', `/api/v1/views/${r.body.id}`);
    assert.equal(d.status, 200);
    assert.deepEqual(sockets(d.body.groups[0]), ['CP-V1/1', 'CP-V1/2', 'CP-V2/1', 'CP-V2/2'], 'connector 0 is no socket');
    const second = await admin.api('POST', '/api/v1/views', { name: 'Cabling' });
    assert.equal(second.status, 201);
    assert.equal(second.body.isDefault, false, 'only the first view is the default');
});

test('groups: create, rename, assign sockets, move them between groups, delete (sockets go back to Unassigned)', async () => {
    const view = (await manager.api('POST', '/api/v1/views', { name: 'Car park' })).body;
    const g1 = await manager.api('POST', `/api/v1/views/${view.id}/groups`, { name: 'Level -1' });
    assert.equal(g1.status, 201, JSON.stringify(g1.body));
    assert.equal(g1.body.unassigned, false);
    const g2 = (await manager.api('POST', `/api/v1/views/${view.id}/groups`, { name: 'Level -2' })).body;
    let r = await manager.api('POST', `/api/v1/views/${view.id}/groups/${g1.body.id}/sockets`,
        { sockets: [{ station: 'CP-V1', connector: 1 }, { station: 'CP-V1', connector: 2 }] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    let d = (await manager.api('GET', `/api/v1/views/${view.id}`)).body;
    let g = groupsOf(d);
    assert.deepEqual(sockets(g['Level -1']), ['CP-V1/1', 'CP-V1/2']);
    assert.deepEqual(sockets(g['Unassigned sockets']), ['CP-V2/1', 'CP-V2/2']);
    /* move one socket to the other group */
    r = await manager.api('POST', `/api/v1/views/${view.id}/groups/${g2.id}/sockets`, { sockets: [{ station: 'CP-V1', connector: 2 }] });
    assert.equal(r.status, 200);
    g = groupsOf((await manager.api('GET', `/api/v1/views/${view.id}`)).body);
    assert.deepEqual(sockets(g['Level -1']), ['CP-V1/1']);
    assert.deepEqual(sockets(g['Level -2']), ['CP-V1/2']);
    /* the assignment belongs to this view only */
    const other = (await manager.api('GET', '/api/v1/views?sort=name')).body.items.find((v) => v.name === 'Floors');
    assert.equal(groupsOf((await manager.api('GET', `/api/v1/views/${other.id}`)).body)['Unassigned sockets'].sockets.length, 4);
    /* rename */
    r = await manager.api('PUT', `/api/v1/views/${view.id}/groups/${g2.id}`, { name: 'Level minus two' });
    assert.equal(r.status, 200);
    assert.equal(r.body.name, 'Level minus two');
    /* unassign one socket */
    r = await manager.api('DELETE', `/api/v1/views/${view.id}/sockets/CP-V1/1`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    g = groupsOf((await manager.api('GET', `/api/v1/views/${view.id}`)).body);
    assert.deepEqual(sockets(g['Level -1']), []);
    /* assigning to the Unassigned group takes sockets out of their group */
    r = await manager.api('POST', `/api/v1/views/${view.id}/groups/${g['Unassigned sockets'].id}/sockets`, { sockets: [{ station: 'CP-V1', connector: 2 }] });
    assert.equal(r.status, 200);
    g = groupsOf((await manager.api('GET', `/api/v1/views/${view.id}`)).body);
    assert.deepEqual(sockets(g['Level minus two']), []);
    assert.equal(g['Unassigned sockets'].sockets.length, 4);
    /* deleting a group puts its sockets back in Unassigned */
    await manager.api('POST', `/api/v1/views/${view.id}/groups/${g1.body.id}/sockets`, { sockets: [{ station: 'CP-V2', connector: 1 }] });
    r = await manager.api('DELETE', `/api/v1/views/${view.id}/groups/${g1.body.id}`);
    assert.equal(r.status, 200);
    g = groupsOf((await manager.api('GET', `/api/v1/views/${view.id}`)).body);
    assert.equal(g['Level -1'], undefined);
    assert.equal(g['Unassigned sockets'].sockets.length, 4);
    assert.equal(csms.sql(`SELECT count(*) AS n FROM socket_group_member WHERE view_id = ${view.id}`)[0].n, 0);
});

test('a new socket appears in the Unassigned group of every view', async () => {
    const c = await csms.station('CP-V3');
    await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    await c.close();
    const list = (await tech.api('GET', '/api/v1/views')).body.items;
    for (const v of list) {
        const d = (await tech.api('GET', `/api/v1/views/${v.id}`)).body;
        assert.ok(sockets(groupsOf(d)['Unassigned sockets']).includes('CP-V3/1'), v.name);
    }
});

test('the Unassigned sockets group cannot be renamed or deleted (409)', async () => {
    const view = (await admin.api('POST', '/api/v1/views', { name: 'Fixed' })).body;
    const un = view.groups[0];
    let r = await admin.api('PUT', `/api/v1/views/${view.id}/groups/${un.id}`, { name: 'Other' });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'unassigned_group');
    r = await admin.api('DELETE', `/api/v1/views/${view.id}/groups/${un.id}`);
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'unassigned_group');
});

test('exactly one default view: set default, unset refused, deleting the default promotes another', async () => {
    const a = (await admin.api('POST', '/api/v1/views', { name: 'Default A', isDefault: true })).body;
    assert.equal(a.isDefault, true);
    const defaults = () => csms.sql('SELECT id FROM socket_view WHERE is_default = 1').map((x) => x.id);
    assert.deepEqual(defaults(), [a.id]);
    const b = (await admin.api('POST', '/api/v1/views', { name: 'Default B' })).body;
    let r = await admin.api('POST', `/api/v1/views/${b.id}/default`);
    assert.equal(r.status, 200);
    assert.equal(r.body.isDefault, true);
    assert.deepEqual(defaults(), [b.id]);
    r = await admin.api('PUT', `/api/v1/views/${a.id}`, { isDefault: true, name: 'Default A2' });
    assert.equal(r.status, 200);
    assert.equal(r.body.name, 'Default A2');
    assert.deepEqual(defaults(), [a.id]);
    r = await admin.api('PUT', `/api/v1/views/${a.id}`, { isDefault: false });
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /isDefault/);
    r = await admin.api('DELETE', `/api/v1/views/${a.id}`);
    assert.equal(r.status, 200);
    assert.equal(defaults().length, 1, 'another view became the default');
    assert.equal((await admin.api('GET', `/api/v1/views/${a.id}`)).status, 404);
    assert.equal(csms.sql(`SELECT count(*) AS n FROM socket_group WHERE view_id = ${a.id}`)[0].n, 0, 'groups went with it');
});

test('refusals: 400 naming the field, 404, 409 for duplicate names', async () => {
    const v = (await admin.api('POST', '/api/v1/views', { name: 'Refusals' })).body;
    const cases = [
        ['POST', '/api/v1/views', {}, 400, /name/],
        ['POST', '/api/v1/views', { name: '' }, 400, /name/],
        ['POST', '/api/v1/views', { name: 'x'.repeat(101) }, 400, /name/],
        ['POST', '/api/v1/views', { name: 42 }, 400, /name/],
        ['POST', '/api/v1/views', { name: 'ok', isDefault: 'yes' }, 400, /isDefault/],
        ['POST', '/api/v1/views', { name: 'refusals' }, 409, /name/],
        ['PUT', `/api/v1/views/${v.id}`, { name: '' }, 400, /name/],
        ['GET', '/api/v1/views/abc', undefined, 400, /view id/],
        ['GET', '/api/v1/views/999999', undefined, 404, /view/],
        ['PUT', '/api/v1/views/999999', { name: 'z' }, 404, /view/],
        ['DELETE', '/api/v1/views/999999', undefined, 404, /view/],
        ['POST', '/api/v1/views/999999/groups', { name: 'g' }, 404, /view/],
        ['POST', `/api/v1/views/${v.id}/groups`, {}, 400, /name/],
        ['POST', `/api/v1/views/${v.id}/groups`, { name: 'Unassigned sockets' }, 409, /name/],
        ['PUT', `/api/v1/views/${v.id}/groups/999999`, { name: 'g' }, 404, /group/],
        ['DELETE', `/api/v1/views/${v.id}/groups/999999`, undefined, 404, /group/],
        ['POST', `/api/v1/views/${v.id}/groups/${v.groups[0].id}/sockets`, {}, 400, /sockets/],
        ['POST', `/api/v1/views/${v.id}/groups/${v.groups[0].id}/sockets`, { sockets: [] }, 400, /sockets/],
        ['POST', `/api/v1/views/${v.id}/groups/${v.groups[0].id}/sockets`, { sockets: [{ station: 'CP-V1' }] }, 400, /connector/],
        ['POST', `/api/v1/views/${v.id}/groups/${v.groups[0].id}/sockets`, { sockets: [{ station: 'CP-V1', connector: 0 }] }, 400, /connector/],
        ['POST', `/api/v1/views/${v.id}/groups/${v.groups[0].id}/sockets`, { sockets: ['CP-V1/1'] }, 400, /sockets\[0\]/],
        ['POST', `/api/v1/views/${v.id}/groups/${v.groups[0].id}/sockets`, { sockets: [{ station: 'CP-V1', connector: 9 }] }, 404, /no socket 9/],
        ['POST', `/api/v1/views/${v.id}/groups/999999/sockets`, { sockets: [{ station: 'CP-V1', connector: 1 }] }, 404, /group/],
        ['DELETE', `/api/v1/views/${v.id}/sockets/CP-NONE/1`, undefined, 404, /no socket/],
        ['GET', '/api/v1/views?sort=password', undefined, 400, /sort/],
    ];
    for (const [method, p, body, status, msg] of cases) {
        const r = await admin.api(method, p, body);
        assert.equal(r.status, status, `${method} ${p} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.error.message, msg, `${method} ${p}`);
    }
    const g = (await admin.api('POST', `/api/v1/views/${v.id}/groups`, { name: 'G' })).body;
    assert.equal((await admin.api('POST', `/api/v1/views/${v.id}/groups`, { name: 'G' })).status, 409);
    const other = (await admin.api('POST', '/api/v1/views', { name: 'Refusals 2' })).body;
    assert.equal((await admin.api('PUT', `/api/v1/views/${other.id}/groups/${g.id}`, { name: 'H' })).status, 404, 'a group of another view');
    assert.equal((await admin.api('PUT', `/api/v1/views/${other.id}`, { name: 'Refusals' })).status, 409);
});

test('roles: Administrator and Local Manager manage views; the Technician reads only (403)', async () => {
    const v = (await admin.api('POST', '/api/v1/views', { name: 'Roles' })).body;
    assert.equal((await tech.api('GET', '/api/v1/views')).status, 200);
    assert.equal((await tech.api('GET', `/api/v1/views/${v.id}`)).status, 200);
    const writes = [
        ['POST', '/api/v1/views', { name: 'T' }],
        ['PUT', `/api/v1/views/${v.id}`, { name: 'T' }],
        ['DELETE', `/api/v1/views/${v.id}`],
        ['POST', `/api/v1/views/${v.id}/default`],
        ['POST', `/api/v1/views/${v.id}/groups`, { name: 'T' }],
        ['PUT', `/api/v1/views/${v.id}/groups/${v.groups[0].id}`, { name: 'T' }],
        ['DELETE', `/api/v1/views/${v.id}/groups/${v.groups[0].id}`],
        ['POST', `/api/v1/views/${v.id}/groups/${v.groups[0].id}/sockets`, { sockets: [{ station: 'CP-V1', connector: 1 }] }],
        ['DELETE', `/api/v1/views/${v.id}/sockets/CP-V1/1`],
    ];
    for (const [method, p, body] of writes) {
        const r = await tech.api(method, p, body);
        assert.equal(r.status, 403, `technician ${method} ${p}`);
        const anon = await csms.api(method, p, body, { token: null });
        assert.equal(anon.status, 401, `anonymous ${method} ${p}`);
    }
    assert.equal((await csms.api('GET', '/api/v1/views', undefined, { token: null })).status, 401);
    const m = await manager.api('POST', `/api/v1/views/${v.id}/groups`, { name: 'By manager' });
    assert.equal(m.status, 201);
    /* a browser session without the CSRF token is refused */
    assert.equal((await manager.api('POST', '/api/v1/views', { name: 'No CSRF' }, { csrf: false })).status, 403);
});

test('SQL and HTML in view and group names are stored and returned unchanged', async () => {
    const r = await manager.api('POST', '/api/v1/views', { name: INJECT });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.name, INJECT);
    const g = await manager.api('POST', `/api/v1/views/${r.body.id}/groups`, { name: `${INJECT} "g"` });
    assert.equal(g.body.name, `${INJECT} "g"`);
    const d = (await manager.api('GET', `/api/v1/views/${r.body.id}`)).body;
    assert.equal(d.name, INJECT);
    assert.ok(d.groups.some((x) => x.name === `${INJECT} "g"`));
    const list = (await manager.api('GET', '/api/v1/views?limit=1000')).body;
    assert.ok(list.items.some((x) => x.name === INJECT));
    assert.equal(csms.sql(`SELECT name FROM socket_view WHERE id = ${r.body.id}`)[0].name, INJECT);
});

test('the list is paged and sortable', async () => {
    const all = (await admin.api('GET', '/api/v1/views?limit=1000&sort=-created')).body;
    assert.ok(all.total >= 8);
    const page = (await admin.api('GET', '/api/v1/views?limit=2&offset=1&sort=-created')).body;
    assert.equal(page.items.length, 2);
    assert.equal(page.total, all.total);
    assert.deepEqual(page.items.map((v) => v.id), all.items.slice(1, 3).map((v) => v.id));
});
