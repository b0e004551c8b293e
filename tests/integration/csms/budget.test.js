/* budget.test.js — no station can fill the disk (issue 10): a station over its message budget is paused
 * (the flood is cut, a security event recorded) while an honest station's billing messages are answered;
 * the message log keeps only the head of a large frame, only a sample of a station that is not accepted,
 * and at most --message-log-max-mb of text. */
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
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
const size = (f) => { try { return fs.statSync(f).size; } catch { return 0; } };
/* the billing database and the message log's (msglog.db): what a station can make the csms write */
const dbBytes = (c) => ['csms.db', 'csms.db-wal', 'msglog.db', 'msglog.db-wal'].reduce((n, f) => n + size(path.join(c.dir, f)), 0);

/* Sends DataTransfer frames of `bytes` as fast as the socket takes them, for ms; resolves with the count. */
async function flood(peer, bytes, ms) {
    const data = 'x'.repeat(bytes);
    const end = Date.now() + ms;
    let n = 0;
    while (Date.now() < end && peer.ws.readyState === 1) {
        if (peer.ws.bufferedAmount > 4 * 1024 * 1024) { await sleep(10); continue; }
        peer.send([2, `f${n++}`, 'DataTransfer', { vendorId: 'Flood', data }]);
        if (n % 16 === 0) await sleep(0);
    }
    return n;
}

test('a flood of 60 KB frames is cut at the station\'s budget; the database stays bounded; an honest station is answered', async () => {
    const csms = await csmsWith([]);
    await csms.addStation('CP-FLOOD');
    await csms.addStation('CP-HONEST');
    await csms.putTag('HONESTCARD');
    const attacker = await csms.raw('CP-FLOOD');
    assert.equal((await attacker.call('b', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }))[2].status, 'Accepted');
    const honest = await csms.station('CP-HONEST');
    const base = dbBytes(csms);

    const flooding = flood(attacker, 60 * 1024, 6000);
    await sleep(500);
    /* the honest station charges meanwhile: every billing message answered promptly */
    const t0 = Date.now();
    const start = await honest.call('StartTransaction', { connectorId: 1, idTag: 'HONESTCARD', meterStart: 0, timestamp: iso() });
    assert.equal(start.idTagInfo.status, 'Accepted');
    for (let i = 1; i <= 20; i++) {
        const t = Date.now();
        await honest.call('MeterValues', {
            connectorId: 1, transactionId: start.transactionId,
            meterValue: [{ timestamp: iso(), sampledValue: [{ value: String(i * 100), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
        });
        assert.ok(Date.now() - t < 2000, `MeterValues ${i} answered after ${Date.now() - t} ms`);
        await sleep(100);
    }
    const stop = await honest.call('StopTransaction', { transactionId: start.transactionId, meterStop: 2100, timestamp: iso(), idTag: 'HONESTCARD' });
    assert.equal(stop.idTagInfo.status, 'Accepted');
    const sent = await flooding;
    const honestMs = Date.now() - t0;

    const grown = dbBytes(csms) - base;
    assert.ok(grown < 16 * 1024 * 1024, `the database grew by ${(grown / 1048576).toFixed(1)} MiB while CP-FLOOD sent ${sent} frames of 60 KB`);
    /* the log is written by its own writer, a moment after the frames: wait for a cut DataTransfer */
    const cutFrame = () => csms.logSql("SELECT text FROM message WHERE station_id = 'CP-FLOOD' AND dir = 'in' AND text LIKE '%DataTransfer%' LIMIT 1");
    await waitFor(() => cutFrame().length === 1, 'a DataTransfer of CP-FLOOD in the message log');
    const [{ n: read }] = csms.logSql("SELECT count(*) AS n FROM message WHERE station_id = 'CP-FLOOD' AND dir = 'in'");
    /* 20 messages and 64 KiB a second, 10 seconds' worth as a burst: about 11 + 1 a second of 60 KB */
    assert.ok(read < 40, `${read} of CP-FLOOD's ${sent} frames were read in 6 s`);
    const [{ longest }] = csms.logSql("SELECT max(length(text)) AS longest FROM message WHERE station_id = 'CP-FLOOD'");
    assert.ok(longest <= 4096 + 40, `a logged frame of ${longest} bytes`);
    const [{ text }] = cutFrame();
    assert.match(text, /\.\.\.\[cut: \d+ bytes\]$/);
    await waitFor(async () => (await csms.events('CP-FLOOD')).some((e) => e.kind === 'security' && /message budget exceeded/.test(e.detail)),
        'a security event for CP-FLOOD');
    assert.ok(!(await csms.events('CP-HONEST')).some((e) => /budget/.test(e.detail)), 'CP-HONEST stayed within its budget');
    const health = await csms.api('GET', '/api/v1/health');
    assert.ok(health.body.framesOverBudget > 0, JSON.stringify(health.body));
    const [tx] = csms.sql(`SELECT meter_stop FROM txn WHERE id = ${start.transactionId}`);
    assert.equal(tx.meter_stop, 2100);
    console.log(`CP-FLOOD sent ${sent}, ${read} read; database +${(grown / 1048576).toFixed(2)} MiB; honest charge took ${honestMs} ms`);
    attacker.close();
    await honest.close();
});

test('a station that is not accepted leaves only a bounded sample in the message log', async () => {
    const csms = await csmsWith(['--station-policy', 'pending']);
    const peer = await csms.raw('MADE-UP-1');
    assert.equal((await peer.call('b', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }))[2].status, 'Pending');
    for (let i = 0; i < 200; i++) assert.equal((await peer.call(`h${i}`, "Heartbeat", {}))[2], "SecurityError");
    const logged = () => csms.logSql("SELECT count(*) AS n FROM message WHERE station_id = 'MADE-UP-1'")[0].n;
    await waitFor(() => logged() > 0, 'frames of MADE-UP-1 in the message log');
    await sleep(300); /* whatever else was queued */
    const n = logged();
    assert.ok(n > 0 && n <= 32, `${n} frames of a pending station logged`);
    peer.close();
});

test('the message log keeps at most --message-log-max-mb of text, the newest', async () => {
    const csms = await csmsWith(['--message-log-max-mb', '1', '--station-msg-rate', '0', '--station-byte-rate', '0']);
    await csms.addStation('CP-LOG');
    const peer = await csms.raw('CP-LOG');
    await peer.call('b', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    const data = 'y'.repeat(3000);
    for (let i = 0; i < 600; i++) {
        const r = await peer.call(`d${i}`, 'DataTransfer', { vendorId: 'Log', data });
        assert.equal(r[0], 3);
        peer.frames.length = 0;
    }
    const newestIn = () => csms.logSql("SELECT text AS newest FROM message WHERE dir = 'in' ORDER BY id DESC LIMIT 1");
    await waitFor(() => /"d599"/.test((newestIn()[0] || {}).newest), 'the last DataTransfer in the message log');
    const [{ bytes, n }] = csms.logSql('SELECT sum(length(CAST(text AS BLOB))) AS bytes, count(*) AS n FROM message');
    assert.ok(bytes <= 1024 * 1024 + 4096, `the log holds ${bytes} bytes in ${n} frames (1.8 MB were sent)`);
    assert.ok(bytes >= 512 * 1024, `the log holds only ${bytes} bytes`);
    const [{ newest }] = newestIn();
    assert.match(newest, /"d599"/);
    peer.close();
});
