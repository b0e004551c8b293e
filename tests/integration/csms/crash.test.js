/* crash.test.js — kill -9 in the middle of 1,000 transactions: whatever the csms acknowledged (a CALLRESULT
 * received) is in the database after a restart; the stations then resend what was not acknowledged and the
 * replays do not duplicate anything. Also: SIGTERM under load loses nothing acknowledged. */
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert');
const { Csms, closeClients, iso, sleep } = require('./lib');

const STATIONS = 10, PER_STATION = 100; /* 1,000 transactions, 3,000 durable messages */
const csms = new Csms(['--station-policy', 'accept', '--auth-fail-limit', '1000', '--log-level', 'warn']);
const BASE = Date.now() - 86400000;
/* txns[s][i] = {start, mv, stop: the requests; acked: {start, mv, stop}; id} */
const txns = [];

function plan(s, i) {
    const ts = BASE + (s * PER_STATION + i) * 60000;
    const meterStart = 1000 * i;
    return {
        start: { connectorId: 1, idTag: `CRASH-${s}`, meterStart, timestamp: iso(ts) },
        mv: (id) => ({ connectorId: 1, transactionId: id, meterValue: [{ timestamp: iso(ts + 10000), sampledValue: [
            { value: String(meterStart + 50), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            { value: '16', measurand: 'Current.Import', unit: 'A', phase: 'L1' }] }] }),
        stop: (id) => ({ transactionId: id, meterStop: meterStart + 100, timestamp: iso(ts + 20000), reason: 'Local' }),
        acked: { start: false, mv: false, stop: false },
        sent: { start: false, mv: false, stop: false },
        id: null,
    };
}

/* Runs station s's transactions from where it stands; stops quietly when the connection dies. */
async function drive(client, s, counters) {
    for (const t of txns[s]) {
        try {
            if (!t.acked.start) {
                t.sent.start = true;
                const r = await client.call('StartTransaction', t.start);
                if (t.id !== null) assert.equal(r.transactionId, t.id, 'a replayed start keeps its id');
                t.id = r.transactionId;
                t.acked.start = true;
            }
            if (!t.acked.mv) {
                t.sent.mv = true;
                await client.call('MeterValues', t.mv(t.id));
                t.acked.mv = true;
            }
            if (!t.acked.stop) {
                t.sent.stop = true;
                await client.call('StopTransaction', t.stop(t.id));
                t.acked.stop = true;
                counters.stops++;
            }
        } catch (e) {
            if (e instanceof assert.AssertionError) throw e;
            return; /* the connection went away: the rest is resent later */
        }
    }
}

async function connectAll() {
    return Promise.all(Array.from({ length: STATIONS }, (_, s) => csms.station(`CP-CRASH-${s}`, { callTimeoutMs: 20000 })));
}

before(async () => {
    await csms.start();
    for (let s = 0; s < STATIONS; s++) {
        await csms.putTag(`CRASH-${s}`);
        txns.push(Array.from({ length: PER_STATION }, (_, i) => plan(s, i)));
    }
});

test('kill -9 in the middle of 1,000 transactions: everything acknowledged is on disk after a restart', async () => {
    const clients = await connectAll();
    const counters = { stops: 0 };
    const runs = clients.map((c, s) => drive(c, s, counters));
    while (counters.stops < (STATIONS * PER_STATION) * 0.4) await sleep(5);
    await csms.kill();
    await Promise.all(runs);
    const acked = txns.flat();
    const nStopped = acked.filter((t) => t.acked.stop).length;
    assert.ok(nStopped > 0 && nStopped < acked.length, `killed mid-way (${nStopped} stopped)`);
    await closeClients();

    await csms.start();
    const rows = new Map(csms.sql("SELECT id, station_id, connector_id, id_tag, start_ts, meter_start, stop_ts, meter_stop FROM txn WHERE station_id LIKE 'CP-CRASH-%'")
        .map((r) => [r.id, r]));
    const mvs = new Map();
    for (const m of csms.sql("SELECT txn_id, ts, count(*) AS n FROM meter_value WHERE station_id LIKE 'CP-CRASH-%' AND source = 'MeterValues' GROUP BY txn_id, ts"))
        mvs.set(m.txn_id, m.n);
    let lost = 0;
    txns.forEach((list, s) => list.forEach((t) => {
        if (!t.acked.start) return;
        const r = rows.get(t.id);
        if (!r) { lost++; return; }
        assert.equal(r.station_id, `CP-CRASH-${s}`);
        assert.equal(r.start_ts, Date.parse(t.start.timestamp));
        assert.equal(r.meter_start, t.start.meterStart);
        if (t.acked.mv && !mvs.get(t.id)) lost++;
        if (t.acked.stop && (r.stop_ts === null || r.meter_stop !== t.start.meterStart + 100)) lost++;
    }));
    assert.equal(lost, 0, 'acknowledged messages lost in the crash');
});

test('after the crash the stations resend what was not acknowledged; replays do not duplicate', async () => {
    /* what may have been committed without its answer reaching the station */
    const inFlightMv = txns.flat().filter((t) => t.sent.mv && !t.acked.mv).length;
    const clients = await connectAll();
    const counters = { stops: 0 };
    await Promise.all(clients.map((c, s) => drive(c, s, counters)));
    for (const t of txns.flat()) assert.deepEqual(t.acked, { start: true, mv: true, stop: true });
    const rows = csms.sql("SELECT id, station_id, meter_start, meter_stop, stop_ts, flags FROM txn WHERE station_id LIKE 'CP-CRASH-%'");
    assert.equal(rows.length, STATIONS * PER_STATION, 'one row per transaction');
    const ids = new Set(txns.flat().map((t) => t.id));
    assert.equal(ids.size, STATIONS * PER_STATION, 'distinct transaction ids');
    for (const r of rows) {
        assert.ok(ids.has(r.id));
        assert.equal(r.meter_stop, r.meter_start + 100, `txn ${r.id} billed once, as sent`);
        assert.notEqual(r.stop_ts, null);
        assert.equal(r.flags, 0, `txn ${r.id} flags`);
    }
    const mv = csms.sql("SELECT count(*) AS n, count(DISTINCT txn_id) AS t FROM meter_value WHERE station_id LIKE 'CP-CRASH-%' AND source = 'MeterValues'")[0];
    assert.equal(mv.t, STATIONS * PER_STATION, 'meter values for every transaction');
    /* MeterValues carry no id to recognise a replay: only those in flight at the kill may be there twice */
    assert.ok(mv.n - mv.t <= inFlightMv, `${mv.n - mv.t} duplicated meter values, ${inFlightMv} were in flight`);
    assert.equal(csms.sql("SELECT count(*) AS n FROM orphan_stop")[0].n, 0);
    await closeClients();
});

test('SIGTERM under load: every acknowledged message is on disk and the exit is clean', async () => {
    const c = await csms.station('CP-TERM');
    const acked = [];
    let stop = false;
    const loop = (async () => {
        for (let i = 0; !stop; i++) {
            const req = { connectorId: 2, idTag: 'TERM', meterStart: i, timestamp: iso(BASE + i * 1000) };
            try { acked.push({ ...req, id: (await c.call('StartTransaction', req)).transactionId }); } catch { return; }
        }
    })();
    while (acked.length < 50) await sleep(5);
    const exit = await csms.stop();
    stop = true;
    await loop;
    assert.equal(exit.code, 0, exit.stderr);
    await closeClients();
    const rows = new Set(csms.sql("SELECT id FROM txn WHERE station_id = 'CP-TERM'").map((r) => r.id));
    for (const a of acked) assert.ok(rows.has(a.id), `acknowledged start ${a.id} on disk`);
});

test('csms runs ended without sanitizer reports (one SIGKILL on purpose)', async () => {
    await closeClients();
    await csms.stopAndCheck({ killed: 1 });
});
