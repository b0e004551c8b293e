/* lists.test.js — card lists and stations' local lists with strict ocpp-rpc stations (every SendLocalList is
 * checked against the official schema): create/edit/delete lists, send one to two stations and read it back
 * (GetLocalListVersion), remove it (the default list goes Full), the automatic differential sync of the
 * default list after card edits and deletes, a station booting behind gets a Full, a NotSupported station is
 * not retried, refusals and roles. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { createRPCError } = require('ocpp-rpc');
const { Csms, closeClients, waitFor } = require('./lib');

/* lists follow a boot at once here (the default waits --list-sync-delay 10 s: sync.test.js) */
const csms = new Csms(['--list-sync-delay', '0']);
let manager, tech, userId;

/* A strict station that keeps the local list it is sent, like a real one. */
async function listStation(id, { notSupported = false } = {}) {
    const got = [];
    const c = csms.client(id);
    const state = { version: 0, tags: new Map(), got };
    c.handle('SendLocalList', ({ params }) => {
        got.push(params);
        if (notSupported) return { status: 'NotSupported' };
        if (params.updateType === 'Full') state.tags.clear();
        for (const e of params.localAuthorizationList || []) {
            if (e.idTagInfo) state.tags.set(e.idTag, e.idTagInfo);
            else state.tags.delete(e.idTag);
        }
        state.version = params.listVersion;
        return { status: 'Accepted' };
    });
    c.handle('GetLocalListVersion', () => ({ listVersion: notSupported ? -1 : state.version }));
    await c.connect();
    const boot = await c.call('BootNotification', { chargePointVendor: 'Wattline', chargePointModel: 'Lists' });
    assert.equal(boot.status, 'Accepted');
    state.client = c;
    return state;
}

const maxSeq = () => csms.sql('SELECT coalesce(max(seq), 0) AS s FROM card_change')[0].s;
const card = async (idTag, extra = {}) => {
    const r = await manager.api('POST', '/api/v1/cards', { idTag, userId, ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
};

before(async () => {
    await csms.start();
    manager = await csms.operator('local_manager');
    tech = await csms.operator('maintenance_technician');
    const u = await manager.api('POST', '/api/v1/charge-users', { name: 'Lia', surname: 'Liste', taxCode: 'LST' });
    userId = u.body.id;
    for (const s of ['CP-L1', 'CP-L2', 'CP-L3', 'CP-NS']) await csms.addStation(s);
});
after(async () => { await closeClients(); await csms.stopAndCheck(); });

let l1, l2, listId;

test('a station that boots gets the default list (every card) Full, with listVersion = the card_change seq', async () => {
    await card('AAA1');
    await card('AAA2', { parentIdTag: 'PARENT', expiry: '2039-01-01T00:00:00Z' });
    await card('AAA3', { blocked: true });
    await card('LATER1', { validFrom: '2099-01-01T00:00:00Z' });
    l1 = await listStation('CP-L1');
    l2 = await listStation('CP-L2');
    await waitFor(() => l1.got.length >= 1 && l2.got.length >= 1, 'the station to be sent its list', 5000);
    const full = l1.got[0];
    assert.equal(full.updateType, 'Full');
    assert.equal(full.listVersion, maxSeq());
    const byTag = Object.fromEntries(full.localAuthorizationList.map((e) => [e.idTag, e.idTagInfo]));
    assert.deepEqual(Object.keys(byTag).sort(), ['AAA10000000000', 'AAA20000000000', 'AAA30000000000'],
        'a card not yet valid is left out');
    assert.equal(byTag.AAA10000000000.status, 'Accepted');
    assert.equal(byTag.AAA20000000000.parentIdTag, 'PARENT00000000');
    assert.equal(byTag.AAA20000000000.expiryDate, '2039-01-01T00:00:00.000Z');
    assert.equal(byTag.AAA30000000000.status, 'Blocked');
    await waitFor(() => csms.sql(`SELECT local_list_seq AS s FROM station WHERE id = 'CP-L1'`)[0].s === maxSeq(), 'the station to be sent its list', 5000);
    assert.equal(l1.client.strictFailures.length, 0);
});

test('create a card list, refusals, and send it to two stations; each answer is reported', async () => {
    let r = await manager.api('POST', '/api/v1/card-lists', { name: 'Garage <b>"A"</b>', description: `'; DROP TABLE card_list;--`, idTags: ['aaa1', 'AAA2', 'aaa1'] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    listId = r.body.id;
    assert.equal(r.body.version, 1);
    assert.equal(r.body.name, 'Garage <b>"A"</b>');
    assert.equal(r.body.description, `'; DROP TABLE card_list;--`);
    assert.deepEqual(r.body.idTags.map((c) => c.idTag), ['AAA10000000000', 'AAA20000000000']);
    for (const [body, re, status] of [
        [{ name: 'X', idTags: ['NOPE'] }, /idTags: "NOPE0000000000" is not a registered card/, 400],
        [{ name: 'X', idTags: ['a b'] }, /idTags\[0\]/, 400],
        [{ name: 'X', idTags: 'AAA1' }, /idTags/, 400],
        [{ idTags: [] }, /name/, 400],
        [{ name: 'garage <B>"a"</B>' }, /exists/, 409],
    ]) {
        r = await manager.api('POST', '/api/v1/card-lists', body);
        assert.equal(r.status, status, JSON.stringify(r.body));
        assert.match(r.body.error.message, re);
    }
    r = await manager.api('POST', `/api/v1/card-lists/${listId}/send`, { stations: ['CP-L1', 'CP-L2', 'CP-L3'] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const res = Object.fromEntries(r.body.results.map((x) => [x.station, x.status]));
    assert.deepEqual(res, { 'CP-L1': 'Accepted', 'CP-L2': 'Accepted', 'CP-L3': 'offline' });
    assert.equal(r.body.accepted, 2);
    const last = l1.got[l1.got.length - 1];
    assert.equal(last.updateType, 'Full');
    assert.equal(last.listVersion, 1);
    assert.deepEqual(last.localAuthorizationList.map((e) => e.idTag), ['AAA10000000000', 'AAA20000000000']);
    const rows = csms.sql(`SELECT id, local_list_id, local_list_name, local_list_version FROM station WHERE id IN ('CP-L1','CP-L2') ORDER BY id`);
    for (const row of rows) {
        assert.equal(row.local_list_id, listId);
        assert.equal(row.local_list_name, 'Garage <b>"A"</b>');
        assert.equal(row.local_list_version, 1);
    }
    const st = await manager.api('GET', '/api/v1/stations/CP-L1');
    assert.equal(st.body.localListName, 'Garage <b>"A"</b>');
    r = await manager.api('POST', `/api/v1/card-lists/${listId}/send`, { stations: ['NOT-REGISTERED'] });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /stations\[0\]/);
    r = await manager.api('POST', '/api/v1/card-lists/9999/send', { stations: ['CP-L1'] });
    assert.equal(r.status, 404);
    r = await manager.api('POST', `/api/v1/card-lists/${listId}/send`, { stations: [] });
    assert.equal(r.status, 400);
});

test('read back the list a station holds (GetLocalListVersion) and what it contains', async () => {
    let r = await manager.api('GET', '/api/v1/stations/CP-L1/card-list');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.listVersion, 1);
    assert.equal(r.body.listId, listId);
    assert.equal(r.body.listName, 'Garage <b>"A"</b>');
    assert.equal(r.body.matches, true);
    assert.equal(r.body.cardsTotal, 2);
    assert.deepEqual(r.body.cards.map((c) => c.idTag), ['AAA10000000000', 'AAA20000000000']);
    r = await manager.api('GET', '/api/v1/stations/CP-L3/card-list');
    assert.equal(r.status, 409, 'not connected');
    r = await manager.api('GET', '/api/v1/stations/NOPE/card-list');
    assert.equal(r.status, 404);
    /* an edit makes a new version: the station's copy no longer matches */
    r = await manager.api('PUT', `/api/v1/card-lists/${listId}`, { add: ['AAA3'], remove: ['AAA1'] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.version, 2);
    assert.deepEqual(r.body.idTags.map((c) => c.idTag), ['AAA20000000000', 'AAA30000000000']);
    assert.deepEqual(r.body.stationIds, ['CP-L1', 'CP-L2']);
    r = await manager.api('GET', '/api/v1/stations/CP-L1/card-list');
    assert.equal(r.body.matches, false);
    r = await manager.api('PUT', `/api/v1/card-lists/${listId}`, { name: 'Garage B' });
    assert.equal(r.body.version, 3);
    assert.equal(csms.sql(`SELECT local_list_name AS n FROM station WHERE id = 'CP-L2'`)[0].n, 'Garage B');
    r = await manager.api('PUT', `/api/v1/card-lists/${listId}`, { idTags: ['AAA1'], add: ['AAA2'] });
    assert.equal(r.status, 400);
    r = await manager.api('GET', '/api/v1/card-lists?sort=-version');
    assert.equal(r.status, 200);
    assert.equal(r.body.items[0].stations, 2);
    assert.equal(r.body.items[0].cards, 2);
});

test('a list in use cannot be deleted; removing it sends the default list Full and the name shows "-"', async () => {
    let r = await manager.api('DELETE', `/api/v1/card-lists/${listId}`);
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'in_use');
    const n = l1.got.length;
    r = await manager.api('POST', '/api/v1/card-lists/default/send', { stations: ['CP-L1'] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.results[0].status, 'Accepted');
    const full = l1.got[n];
    assert.equal(full.updateType, 'Full');
    assert.equal(full.listVersion, maxSeq());
    assert.equal(full.localAuthorizationList.length, 3);
    const row = csms.sql(`SELECT local_list_id, local_list_name, local_list_seq FROM station WHERE id = 'CP-L1'`)[0];
    assert.equal(row.local_list_id, null);
    assert.equal(row.local_list_name, null);
    assert.equal(row.local_list_seq, maxSeq());
    assert.equal((await manager.api('GET', '/api/v1/stations/CP-L1')).body.localListName, '-', 'socket details show "-"');
    r = await manager.api('GET', '/api/v1/stations/CP-L1/card-list');
    assert.equal(r.body.listName, '-');
    assert.equal(r.body.matches, true);
    assert.equal(r.body.cardsTotal, 4, 'the default list: every registered card');
});

test('card edits and deletes reach default-list stations as Differentials; named-list stations are left alone', async () => {
    const n1 = l1.got.length, n2 = l2.got.length;
    let r = await manager.api('PUT', '/api/v1/cards/AAA1', { blocked: true });
    assert.equal(r.status, 200);
    await waitFor(() => l1.got.length > n1, 'the station to be sent its list', 5000);
    let d = l1.got[n1];
    assert.equal(d.updateType, 'Differential');
    assert.equal(d.listVersion, maxSeq());
    assert.deepEqual(d.localAuthorizationList, [{ idTag: 'AAA10000000000', idTagInfo: { status: 'Blocked' } }]);
    await waitFor(() => csms.sql(`SELECT local_list_seq AS s FROM station WHERE id = 'CP-L1'`)[0].s === maxSeq(), 'the station to be sent its list', 5000);
    r = await manager.api('DELETE', '/api/v1/cards/AAA1');
    assert.equal(r.status, 200);
    await waitFor(() => l1.got.length > n1 + 1, 'the station to be sent its list', 5000);
    d = l1.got[n1 + 1];
    assert.equal(d.updateType, 'Differential');
    assert.deepEqual(d.localAuthorizationList, [{ idTag: 'AAA10000000000' }], 'a removed card: no idTagInfo');
    assert.equal(d.listVersion, maxSeq());
    assert.equal(l1.tags.has('AAA10000000000'), false);
    assert.equal(l2.got.length, n2, 'CP-L2 holds a named list');
    assert.equal(l1.client.strictFailures.length, 0);
    /* a card created by the script route PUT /idtags is a change too */
    await csms.putTag('SCRIPT1');
    await waitFor(() => l1.tags.has('SCRIPT10000000'), 'the station to be sent its list', 5000);
});

test('a station that boots behind the current seq gets a Full list', async () => {
    const before = maxSeq();
    await card('BEHIND1');
    assert.ok(maxSeq() > before);
    const l3 = await listStation('CP-L3');
    await waitFor(() => l3.got.length >= 1, 'the station to be sent its list', 5000);
    assert.equal(l3.got[0].updateType, 'Full');
    assert.equal(l3.got[0].listVersion, maxSeq());
    assert.ok(l3.tags.has('BEHIND10000000'));
    await waitFor(() => csms.sql(`SELECT local_list_seq AS s FROM station WHERE id = 'CP-L3'`)[0].s === maxSeq(), 'the station to be sent its list', 5000);
    /* a station up to date that reconnects and boots gets nothing */
    const n = l3.got.length;
    await l3.client.close({ force: true });
    const again = await listStation('CP-L3');
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(again.got.length, 0);
    assert.equal(l3.got.length, n);
});

test('a station answering NotSupported is marked and not retried on card changes', async () => {
    const ns = await listStation('CP-NS', { notSupported: true });
    await waitFor(() => ns.got.length === 1, 'the station to be sent its list', 5000);
    await card('NS1');
    await card('NS2');
    await new Promise((res) => setTimeout(res, 2500));
    assert.equal(ns.got.length, 1, 'one attempt only');
    const r = await manager.api('GET', '/api/v1/stations/CP-NS/card-list');
    assert.equal(r.body.supported, false);
    assert.equal(r.body.localListUnsupported, true);
    /* an operator's explicit send is still tried and its answer reported */
    const s = await manager.api('POST', `/api/v1/card-lists/${listId}/send`, { stations: ['CP-NS'] });
    assert.equal(s.body.results[0].status, 'NotSupported');
});

test('roles: a Maintenance Technician may not use card lists; delete works once no station holds the list', async () => {
    for (const [m, p, b] of [
        ['GET', '/api/v1/card-lists'], ['POST', '/api/v1/card-lists', { name: 'T' }],
        ['GET', `/api/v1/card-lists/${listId}`], ['PUT', `/api/v1/card-lists/${listId}`, { name: 'T' }],
        ['DELETE', `/api/v1/card-lists/${listId}`], ['POST', `/api/v1/card-lists/${listId}/send`, { stations: ['CP-L1'] }],
        ['POST', '/api/v1/card-lists/default/send', { stations: ['CP-L1'] }], ['GET', '/api/v1/stations/CP-L1/card-list'],
    ]) assert.equal((await tech.api(m, p, b)).status, 403, `${m} ${p}`);
    const admin = await csms.operator('administrator');
    let r = await admin.api('POST', '/api/v1/card-lists/default/send', { stations: ['CP-L2'] });
    assert.equal(r.body.results[0].status, 'Accepted');
    r = await admin.api('DELETE', `/api/v1/card-lists/${listId}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await admin.api('GET', `/api/v1/card-lists/${listId}`)).status, 404);
    assert.equal((await admin.api('DELETE', `/api/v1/card-lists/${listId}`)).status, 404);
});
