/* maintenance.test.js — backups (MMS manual, "Backup and maintenance"): back up now, list, download (a real
 * SQLite file with the data), copy to the external folder, delete; restore through the API (staged, swapped
 * in at the next start, the replaced database kept) and with `csms restore`; the daily backup and its
 * retention; the log download; the role rules (backups for all three roles, restore and delete for the
 * Administrator only). */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { Csms, closeClients, waitFor } = require('./lib');

const CSMS_BIN = path.resolve(process.env.CSMS_BIN || 'build/asan/csms');
const external = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-backup-ext-'));
let csms, admin, manager, tech;

before(async () => {
    csms = new Csms(['--backup-dir', external, '--backup-hour', '-1']);
    await csms.start();
    admin = await csms.setupAdmin();
    manager = await csms.operator('local_manager');
    tech = await csms.operator('maintenance_technician');
});
after(async () => {
    await closeClients();
    await csms.stopAndCheck();
    fs.rmSync(external, { recursive: true, force: true });
});

const sqliteRows = (file, query) => {
    const out = execFileSync('sqlite3', ['-json', '-readonly', file, query], { encoding: 'utf8' });
    return out.trim() ? JSON.parse(out) : [];
};

async function download(session, p) {
    const r = await fetch(csms.base + p, { headers: { cookie: session.cookie } });
    return { status: r.status, headers: r.headers, data: Buffer.from(await r.arrayBuffer()) };
}

test('back up now (Technician) -> list -> download a real SQLite file holding the data -> copy to the external folder', async () => {
    await csms.addStation('CP-BACKED-UP', { name: 'In the backup' });
    const r = await tech.api('POST', '/api/v1/maintenance/backups');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(r.body.name, /^csms-\d{8}-\d{6}(-\d+)?\.db$/);
    assert.equal(r.body.kind, 'manual');
    assert.equal(r.body.operatorId, tech.operator.id);
    assert.ok(r.body.size > 0);
    const file = path.join(csms.dir, 'backups', r.body.name);
    assert.equal(fs.statSync(file).size, r.body.size);

    const list = await tech.api('GET', '/api/v1/maintenance/backups');
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((b) => b.name === r.body.name && b.kind === 'manual'));
    assert.equal(list.body.backupDir, external, 'the list names the external folder');

    const d = await download(tech, `/api/v1/maintenance/backups/${r.body.name}`);
    assert.equal(d.status, 200);
    assert.match(d.headers.get('content-disposition'), new RegExp(`attachment; filename="${r.body.name}"`));
    const local = path.join(external, 'downloaded.db');
    fs.writeFileSync(local, d.data);
    assert.deepEqual(sqliteRows(local, "SELECT id, name FROM station WHERE id = 'CP-BACKED-UP'"), [{ id: 'CP-BACKED-UP', name: 'In the backup' }]);
    assert.equal(sqliteRows(local, 'PRAGMA integrity_check')[0].integrity_check, 'ok');

    const c = await manager.api('POST', `/api/v1/maintenance/backups/${r.body.name}/copy`);
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.equal(c.body.copiedTo, path.join(external, r.body.name));
    assert.ok(fs.readFileSync(path.join(external, r.body.name)).equals(fs.readFileSync(file)));
    const again = (await tech.api('GET', '/api/v1/maintenance/backups')).body.items.find((b) => b.name === r.body.name);
    assert.equal(again.copiedTo, path.join(external, r.body.name));
    /* two backups in the same second get distinct names */
    const [a, b] = await Promise.all([admin.api('POST', '/api/v1/maintenance/backups'), admin.api('POST', '/api/v1/maintenance/backups')]);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.name, b.body.name);
});

test('a database with sockets assigned to a view group backs up (SQLite 3.40 integrity_check and WITHOUT ROWID)', async () => {
    await csms.addStation('CP-IN-VIEW');
    const st = await csms.station('CP-IN-VIEW');
    await st.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    const v = (await admin.api('POST', '/api/v1/views', { name: 'Backed-up view' })).body;
    const g = (await admin.api('POST', `/api/v1/views/${v.id}/groups`, { name: 'Level 1' })).body;
    const a = await admin.api('POST', `/api/v1/views/${v.id}/groups/${g.id}/sockets`, { sockets: [{ station: 'CP-IN-VIEW', connector: 1 }] });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const r = await admin.api('POST', '/api/v1/maintenance/backups');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const file = path.join(csms.dir, 'backups', r.body.name);
    assert.deepEqual(sqliteRows(file, 'SELECT station_id, connector_id, group_id FROM socket_group_member'),
        [{ station_id: 'CP-IN-VIEW', connector_id: 1, group_id: g.id }]);
    await st.close();
});

test('refusals: bad names 400, unknown backups 404, the roles of delete and restore', async () => {
    for (const name of ['csms.db', 'csms-x.txt', 'other-1.db', 'csms-a_b.db'])
        assert.equal((await admin.api('GET', `/api/v1/maintenance/backups/${name}`)).status, 400, name);
    assert.equal((await admin.api('GET', '/api/v1/maintenance/backups/csms-20000101-000000.db')).status, 404);
    assert.equal((await admin.api('DELETE', '/api/v1/maintenance/backups/csms-20000101-000000.db')).status, 404);
    assert.equal((await admin.api('POST', '/api/v1/maintenance/backups/csms-20000101-000000.db/copy')).status, 404);
    assert.equal((await admin.api('POST', '/api/v1/maintenance/backups/csms-20000101-000000.db/restore')).status, 404);
    assert.equal((await admin.api('GET', '/api/v1/maintenance/backups?sort=secret')).status, 400);
    const b = (await tech.api('POST', '/api/v1/maintenance/backups')).body;
    for (const s of [tech, manager]) {
        assert.equal((await s.api('DELETE', `/api/v1/maintenance/backups/${b.name}`)).status, 403);
        assert.equal((await s.api('POST', `/api/v1/maintenance/backups/${b.name}/restore`)).status, 403);
    }
    for (const [m, p] of [['GET', '/api/v1/maintenance/backups'], ['POST', '/api/v1/maintenance/backups'],
        ['GET', `/api/v1/maintenance/backups/${b.name}`], ['GET', '/api/v1/maintenance/logs'],
        ['DELETE', `/api/v1/maintenance/backups/${b.name}`], ['POST', `/api/v1/maintenance/backups/${b.name}/restore`]])
        assert.equal((await csms.api(m, p, undefined, { token: null })).status, 401, `anonymous ${m} ${p}`);
    assert.equal((await tech.api('POST', '/api/v1/maintenance/backups', undefined, { csrf: false })).status, 403, 'CSRF');
    const del = await admin.api('DELETE', `/api/v1/maintenance/backups/${b.name}`);
    assert.equal(del.status, 200);
    assert.equal(fs.existsSync(path.join(csms.dir, 'backups', b.name)), false);
    assert.ok(!(await admin.api('GET', '/api/v1/maintenance/backups?limit=1000')).body.items.some((x) => x.name === b.name));
});

test('the log download holds the csms log', async () => {
    const d = await download(tech, '/api/v1/maintenance/logs');
    assert.equal(d.status, 200);
    assert.match(d.headers.get('content-disposition'), /attachment; filename="csms.log"/);
    const text = d.data.toString('utf8');
    assert.match(text, /listening on port/);
    assert.match(text, /backup csms-.* made/);
});

test('restore through the API: staged (202), swapped in at the next start, the replaced database kept', async () => {
    await csms.addStation('CP-BEFORE');
    const b = (await admin.api('POST', '/api/v1/maintenance/backups')).body;
    await csms.addStation('CP-AFTER');
    const r = await admin.api('POST', `/api/v1/maintenance/backups/${b.name}/restore`);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.restartRequired, true);
    assert.ok(fs.existsSync(path.join(csms.dir, 'restore.db')));
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-AFTER')).status, 200, 'nothing changes until the restart');
    await csms.stop();
    await csms.start();
    assert.equal(fs.existsSync(path.join(csms.dir, 'restore.db')), false);
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-BEFORE')).status, 200);
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-AFTER')).status, 404, 'the data of the backup is back');
    const list = await waitFor(async () => {
        const l = (await csms.api('GET', '/api/v1/maintenance/backups?limit=1000')).body.items;
        return l.some((x) => x.kind === 'restore') && l;
    }, 'the replaced database in the list');
    const kept = list.find((x) => x.kind === 'restore');
    assert.match(kept.name, /^csms-before-restore-/);
    assert.deepEqual(sqliteRows(path.join(csms.dir, 'backups', kept.name), "SELECT id FROM station WHERE id = 'CP-AFTER'"), [{ id: 'CP-AFTER' }]);
    assert.ok(list.some((x) => x.name === b.name), 'backups made after the restored one are listed again');
    /* a corrupt file is refused */
    fs.writeFileSync(path.join(csms.dir, 'backups', 'csms-20000101-000000.db'), 'not a database');
    const bad = await csms.api('POST', '/api/v1/maintenance/backups/csms-20000101-000000.db/restore');
    assert.equal(bad.status, 409);
    assert.equal(fs.existsSync(path.join(csms.dir, 'restore.db')), false);
});

test('`csms restore --data DIR FILE` with the csms stopped; staged only while it runs', async () => {
    const b = (await csms.api('POST', '/api/v1/maintenance/backups')).body;
    const file = path.join(csms.dir, 'backups', b.name);
    /* while it runs: staged for the next start */
    let out = spawnSync(CSMS_BIN, ['restore', '--data', csms.dir, file], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /staged/);
    fs.rmSync(path.join(csms.dir, 'restore.db'));
    await csms.addStation('CP-LATE');
    await csms.stop();
    out = spawnSync(CSMS_BIN, ['restore', '--data', csms.dir, path.join(csms.dir, 'nothing.db')], { encoding: 'utf8' });
    assert.notEqual(out.status, 0);
    out = spawnSync(CSMS_BIN, ['restore', '--data', csms.dir, file], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /restored/);
    assert.deepEqual(csms.sql("SELECT id FROM station WHERE id = 'CP-LATE'"), []);
    await csms.start();
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-LATE')).status, 404);
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-BEFORE')).status, 200);
});

test('copy without an external folder: 409', async () => {
    const other = new Csms(['--backup-hour', '-1']);
    await other.start();
    try {
        const b = (await other.api('POST', '/api/v1/maintenance/backups')).body;
        assert.equal((await other.api('GET', '/api/v1/maintenance/backups')).body.backupDir, null, 'the list says there is none');
        const r = await other.api('POST', `/api/v1/maintenance/backups/${b.name}/copy`);
        assert.equal(r.status, 409);
        assert.equal(r.body.error.code, 'no_backup_dir');
    } finally {
        await other.stopAndCheck();
    }
});

test('the daily backup runs at --backup-hour (catching up at start), is copied out, and old daily backups are pruned', async () => {
    const ext = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-daily-ext-'));
    const daily = new Csms(['--backup-hour', '0', '--backup-check', '1', '--backup-keep', '3', '--backup-dir', ext]);
    await daily.start();
    const first = await waitFor(async () => (await daily.api('GET', '/api/v1/maintenance/backups')).body.items.find((b) => b.kind === 'daily'), 'a daily backup', 10000);
    assert.ok(fs.existsSync(path.join(ext, first.name)), 'copied to the external folder');
    assert.equal(first.copiedTo, path.join(ext, first.name));
    /* one a day: no second one */
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await daily.api('GET', '/api/v1/maintenance/backups')).body.items.filter((b) => b.kind === 'daily').length, 1);
    /* old daily backups and a manual one from long ago; today's daily forgotten so that it runs again */
    await daily.stop();
    const db = path.join(daily.dir, 'csms.db');
    const old = Date.now() - 10 * 86400000;
    for (const [name, kind] of [['csms-20200101-030000.db', 'daily'], ['csms-20200102-030000.db', 'daily'], ['csms-20200103-030000.db', 'manual']]) {
        fs.copyFileSync(path.join(daily.dir, 'backups', first.name), path.join(daily.dir, 'backups', name));
        execFileSync('sqlite3', [db, `INSERT INTO backup (name, size, created, kind) VALUES ('${name}', 1, ${old}, '${kind}')`]);
    }
    execFileSync('sqlite3', [db, `UPDATE backup SET created = ${old + 86400000} WHERE name = '${first.name}'`]);
    await daily.start();
    await waitFor(async () => {
        const l = (await daily.api('GET', '/api/v1/maintenance/backups?limit=100')).body.items;
        return l.filter((b) => b.kind === 'daily').length === 1 && !l.some((b) => b.name === 'csms-20200101-030000.db') && l;
    }, 'old daily backups pruned', 10000);
    const l = (await daily.api('GET', '/api/v1/maintenance/backups?limit=100')).body.items;
    assert.ok(l.some((b) => b.name === 'csms-20200103-030000.db'), 'manual backups are not pruned');
    for (const name of ['csms-20200101-030000.db', 'csms-20200102-030000.db', first.name])
        assert.equal(fs.existsSync(path.join(daily.dir, 'backups', name)), false, `${name} removed`);
    await daily.stopAndCheck();
    fs.rmSync(ext, { recursive: true, force: true });
});
