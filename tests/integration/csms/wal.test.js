/* wal.test.js — the store keeps its write-ahead log bounded while it runs: under sustained MeterValues from
 * many stations the csms.db-wal file stays near the checkpoint size (32 MiB) while far more than that goes
 * through it (issue 10: it grew by 100 MB/s and was never checkpointed). Every answer still comes after its
 * commit (the durable path is unchanged). */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { Csms, iso } = require('./lib');

/* each station sends far more than a real one's message budget (like the bench) */
const csms = new Csms(['--station-msg-rate', '0', '--station-byte-rate', '0']);
const STATIONS = 40, PIPELINE = 4; /* the csms answers 4 calls in progress a station */
const WAL_BOUND = 48 * 1024 * 1024; /* 8192 pages of 4 KiB + the last batch */
const THROUGH = 100 * 1024 * 1024; /* what must go through the WAL (database + WAL growth): twice the bound */

before(async () => {
    await csms.start();
    for (let i = 0; i < STATIONS; i++) await csms.addStation(`CP-WAL-${i}`);
});
after(async () => { await csms.stopAndCheck(); });

const size = (f) => { try { return fs.statSync(f).size; } catch { return 0; } };

test('the WAL stays bounded under sustained MeterValues', async () => {
    const db = path.join(csms.dir, 'csms.db'), wal = db + '-wal';
    const samples = Array.from({ length: 10 }, (_, i) => ({
        value: String(1000 + i), context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'Wh',
    }));
    const peers = [];
    for (let i = 0; i < STATIONS; i++) {
        const p = await csms.raw(`CP-WAL-${i}`);
        const boot = await p.call('b', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
        assert.equal(boot[2].status, 'Accepted');
        peers.push(p);
    }
    let maxWal = 0, answered = 0, stop = false, failure = null;
    const t0 = Date.now(), base = size(db) + size(wal);
    const watch = setInterval(() => { maxWal = Math.max(maxWal, size(wal)); }, 20);
    const run = async (p, n) => {
        let seq = 0;
        const one = async () => {
            while (!stop) {
                const id = `m${n}-${seq++}`;
                const r = await p.call(id, 'MeterValues', { connectorId: 1, meterValue: [{ timestamp: iso(), sampledValue: samples }] })
                    .catch((e) => e);
                if (!Array.isArray(r) || r[0] !== 3) {
                    failure = failure || (r instanceof Error ? r : new Error(`MeterValues answered ${JSON.stringify(r)}`));
                    stop = true;
                    return;
                }
                p.frames.splice(p.frames.indexOf(r), 1);
                answered++;
            }
        };
        await Promise.all(Array.from({ length: PIPELINE }, one));
    };
    const load = Promise.all(peers.map(run));
    while (!stop && size(db) + Math.max(size(wal), maxWal) - base < THROUGH && Date.now() - t0 < 40000) {
        await new Promise((r) => setTimeout(r, 100));
        if (maxWal > WAL_BOUND) stop = true;
    }
    stop = true;
    await load;
    clearInterval(watch);
    for (const p of peers) p.close();
    if (failure) throw failure;
    assert.ok(maxWal <= WAL_BOUND, `the WAL reached ${(maxWal / 1048576).toFixed(1)} MiB after ${answered} answers ` +
            `(database ${(size(db) / 1048576).toFixed(1)} MiB)`);
    const through = size(db) + Math.max(size(wal), maxWal) - base;
    console.log(`${answered} MeterValues in ${Date.now() - t0} ms; database ${(size(db) / 1048576).toFixed(1)} MiB, ` +
        `WAL at most ${(maxWal / 1048576).toFixed(1)} MiB`);
    assert.ok(maxWal <= WAL_BOUND, `the WAL reached ${(maxWal / 1048576).toFixed(1)} MiB`);
    assert.ok(through >= THROUGH, `only ${(through / 1048576).toFixed(1)} MiB went through the store in 40 s: the load was too light to tell`);
    const health = await csms.api('GET', '/api/v1/health');
    assert.ok(health.body.checkpoints > 0, JSON.stringify(health.body));
    /* every answered MeterValues is in the database */
    const [{ n }] = csms.sql("SELECT count(*) AS n FROM meter_value WHERE station_id LIKE 'CP-WAL-%'");
    assert.ok(n >= answered, `${n} meter values stored for ${answered} answered MeterValues`);
});
