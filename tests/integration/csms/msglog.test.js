/* msglog.test.js — the message log lives in its own database (msglog.db) with its own writer (issue 15):
 * with that file locked by another process, billing messages are still answered at once and committed;
 * frames older than --message-retention are pruned at start; a data folder of an older csms (schema 3,
 * frames in csms.db's message table) has its frames moved with their ids, shown by the same route. */
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { Csms, closeClients, iso, sleep, waitFor } = require('./lib');

const started = [];
after(async () => {
    await closeClients();
    for (const c of started) await c.stopAndCheck();
});
async function csmsWith(args) {
    const c = new Csms(args);
    started.push(c);
    return c.start();
}

/* Another process takes msglog.db's write lock and keeps it until release(). */
async function lockFile(file) {
    const p = spawn('sqlite3', [file], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.stdin.write("BEGIN IMMEDIATE; INSERT INTO message (station_id, ts, dir, text) VALUES ('LOCK', 0, 'in', 'x');\n");
    p.stdin.write("SELECT 1;\n");
    await sleep(300);
    assert.equal(err, '', `sqlite3: ${err}`);
    return {
        async release() {
            p.stdin.write('ROLLBACK;\n.quit\n');
            p.stdin.end();
            await new Promise((resolve) => p.on('exit', resolve));
        },
    };
}

test('with the message log locked by another process, billing messages are answered and committed at once', async () => {
    const csms = await csmsWith(['--station-msg-rate', '0', '--station-byte-rate', '0']);
    await csms.addStation('CP-LOG-1');
    await csms.putTag('LOGCARD');
    const cp = await csms.station('CP-LOG-1');
    const lock = await lockFile(path.join(csms.dir, 'msglog.db'));
    try {
        let slowest = 0;
        const timed = async (action, payload) => {
            const t = Date.now();
            const r = await cp.call(action, payload);
            slowest = Math.max(slowest, Date.now() - t);
            return r;
        };
        const start = await timed('StartTransaction', { connectorId: 1, idTag: 'LOGCARD', meterStart: 1000, timestamp: iso() });
        assert.equal(start.idTagInfo.status, 'Accepted');
        for (let i = 1; i <= 30; i++) {
            await timed('MeterValues', {
                connectorId: 1, transactionId: start.transactionId,
                meterValue: [{ timestamp: iso(), sampledValue: [{ value: String(1000 + i * 10), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
            });
        }
        await timed('StopTransaction', { transactionId: start.transactionId, meterStop: 1400, timestamp: iso() });
        /* the log's writer waits up to 5 s for the lock each time: none of that reaches a billing answer */
        assert.ok(slowest < 1000, `a billing answer took ${slowest} ms while the message log was locked`);
        const [{ n }] = csms.sql(`SELECT count(*) AS n FROM meter_value WHERE txn_id = ${start.transactionId} AND source = 'MeterValues'`);
        assert.equal(n, 30);
        assert.equal(csms.sql(`SELECT meter_stop FROM txn WHERE id = ${start.transactionId}`)[0].meter_stop, 1400);
    } finally {
        await lock.release();
    }
    /* once the lock is gone the log catches up (nothing was dropped: 64 frames are far under its queue) */
    await waitFor(() => csms.logSql("SELECT count(*) AS n FROM message WHERE station_id = 'CP-LOG-1' AND text LIKE '%StopTransaction%'")[0].n === 1,
        'the StopTransaction frame in the message log', 15000);
    await cp.close();
});

test('frames older than --message-retention are pruned; younger ones stay', async () => {
    const csms = await csmsWith([]);
    await csms.stop();
    /* frames of 40 days ago (appended in time order: the lowest ids), more than one prune chunk */
    const day = 86400000;
    const rows = [];
    for (let i = 0; i < 2500; i++) rows.push(`('CP-AGE', ${Date.now() - 40 * day + i}, 'in', 'old ${i}')`);
    execFileSync('sqlite3', [path.join(csms.dir, 'msglog.db'), `INSERT INTO message (station_id, ts, dir, text) VALUES ${rows.join(',')}`]);
    assert.equal(csms.logSql("SELECT count(*) AS n FROM message WHERE text LIKE 'old %'")[0].n, 2500);
    await csms.start(['--message-retention', '30']); /* the first prune runs a second after the start */
    await csms.addStation('CP-AGE');
    const cp = await csms.station('CP-AGE');
    await waitFor(() => csms.logSql("SELECT count(*) AS n FROM message WHERE text LIKE 'old %'")[0].n === 0, 'the old frames pruned', 10000);
    await waitFor(() => csms.logSql("SELECT count(*) AS n FROM message WHERE station_id = 'CP-AGE'")[0].n >= 2, 'the young frames kept');
    await cp.close();
});

test('a data folder of an older csms has its message log moved to msglog.db, the same ids shown', async () => {
    const csms = await csmsWith([]);
    await csms.addStation('CP-OLD');
    await csms.stop();
    /* what the csms before this change left: schema version 3, the frames in csms.db, no msglog.db */
    execFileSync('sqlite3', [path.join(csms.dir, 'csms.db'),
        "CREATE TABLE message (id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, ts INTEGER NOT NULL, dir TEXT NOT NULL, text TEXT NOT NULL);" +
        'CREATE INDEX message_by_station ON message (station_id, id);' +
        `INSERT INTO message VALUES (41, 'CP-OLD', ${Date.now() - 1000}, 'in', '[2,"a","Heartbeat",{}]'),` +
        `(42, 'CP-OLD', ${Date.now() - 900}, 'out', '[3,"a",{"currentTime":"2026-01-01T00:00:00Z"}]');` +
        'PRAGMA user_version = 3;']);
    for (const f of ['msglog.db', 'msglog.db-wal', 'msglog.db-shm']) require('node:fs').rmSync(path.join(csms.dir, f), { force: true });
    await csms.start();
    const msgs = await csms.messages('CP-OLD');
    assert.deepEqual(msgs.map((m) => [m.id, m.direction, m.text]), [
        [41, 'in', '[2,"a","Heartbeat",{}]'],
        [42, 'out', '[3,"a",{"currentTime":"2026-01-01T00:00:00Z"}]'],
    ]);
    const page = (await csms.api('GET', '/api/v1/stations/CP-OLD/messages?after=41')).body.items;
    assert.deepEqual(page.map((m) => m.id), [42]);
    assert.equal(csms.sql("SELECT count(*) AS n FROM sqlite_master WHERE name = 'message'")[0].n, 0);
    /* migrated past 4 (the one that drops the table) to the latest this csms knows */
    const latest = (await csms.api('GET', '/api/v1/health')).body.schemaVersion;
    assert.ok(latest >= 4, `schema version ${latest}`);
    assert.equal(csms.sql('PRAGMA user_version')[0].user_version, latest);
});
