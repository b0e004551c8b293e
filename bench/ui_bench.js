#!/usr/bin/env node
// ui_bench.js — the browser UI on the API bench data (bench/gen_api_data: 5,000 stations = 10,000 sockets,
// 1,000,000 transactions) in a real headless Chromium: how long the Home page's first screen takes (tiles and
// diagnostics shown), how responsive it stays while 100 status events per second arrive (the longest gap
// between two animation frames, and a search answered), and how long a month's transaction search takes to
// render. Not a test: prints the figures (see bench/README.md).
// Usage: node bench/ui_bench.js [DATA=build/bench-ui] (make the data with build/release/gen_api_data first)
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { chromium } = require('playwright-core');
const { RPCClient } = require('ocpp-rpc');

const DATA = process.argv[2] || 'build/bench-ui';
const PORT = Number(process.env.PORT || 9490);
const CSMS = process.env.CSMS_BIN || 'build/release/csms';
const BASE = `http://127.0.0.1:${PORT}`;
const RATE = Number(process.env.EVENTS_PER_S || 100), STATIONS = 20, SECONDS = Number(process.env.BENCH_SECONDS || 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];

async function main() {
    if (!fs.existsSync(path.join(DATA, 'csms.db'))) throw new Error(`${DATA}/csms.db missing: run build/release/gen_api_data ${DATA}`);
    try {
        execFileSync(CSMS, ['create-admin', '--data', DATA, 'bench', 'bench@example.com', 'Bench', 'Admin'], { input: 'bench-password-1\n', stdio: ['pipe', 'ignore', 'ignore'] });
    } catch { /* made by an earlier run */ }
    const csms = spawn(CSMS, ['--data', DATA, '--port', String(PORT), '--listen', '127.0.0.1', '--log-level', 'warn', '--auth-fail-limit', '1000'], { stdio: 'ignore' });
    const clients = [];
    let browser;
    try {
        csms.on('exit', (code) => { if (code) console.error(`csms exited with ${code} (is another csms on ${DATA}?)`); });
        for (let i = 0; i < 100; i++) { try { if ((await fetch(BASE + '/api/v1/health')).ok) break; } catch { /* not yet */ } await sleep(100); }
        const diag = await (await fetch(BASE + '/api/v1/health')).json();
        console.log(`== ${diag.stations} stations; ${require('os').cpus().length} cores; load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
        browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
            args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
        const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
        global.benchPage = page;
        page.on('pageerror', (e) => console.log('page error:', String(e)));
        page.setDefaultTimeout(60000);
        await page.goto(BASE + '/');
        await page.fill('#username', 'bench');
        await page.fill('#password', 'bench-password-1');
        await page.click('#login button[type=submit]');
        await page.waitForSelector('article');

        // 1. Home's first screen: from a reload to tiles and diagnostics shown
        const home = [];
        for (let i = 0; i < 5; i++) {
            const t0 = Date.now();
            await page.reload();
            await page.waitForSelector('article');
            await page.waitForSelector('#diag-total strong');
            home.push(Date.now() - t0);
        }
        const tiles = await page.$$eval('article', (a) => a.length);
        const total = await page.textContent('#diag-total strong');
        console.log(`home first screen (reload -> ${tiles} tiles of ${total} sockets + diagnostics): median ${median(home)} ms, max ${Math.max(...home)} ms`);

        // 2. 100 status events per second for SECONDS s: the longest frame gap, and searches answered meanwhile
        for (let i = 1; i <= STATIONS; i++) {
            const c = new RPCClient({ endpoint: `ws://127.0.0.1:${PORT}/ocpp`, identity: `BENCH${String(i).padStart(5, '0')}`, protocols: ['ocpp1.6'], reconnect: false });
            await c.connect();
            await c.call('BootNotification', { chargePointVendor: 'Wattline', chargePointModel: 'Bench' });
            clients.push(c);
        }
        await page.evaluate(() => {
            window.__gaps = [];
            let last = performance.now();
            const tick = (t) => { window.__gaps.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
            requestAnimationFrame(tick);
        });
        const statuses = ['Available', 'Charging', 'SuspendedEV', 'Preparing'];
        let sent = 0, running = true;
        const t0 = Date.now();
        const load = (async () => {
            while (running) {
                const due = Math.floor(((Date.now() - t0) / 1000) * RATE);
                while (sent < due) {
                    const c = clients[sent % STATIONS];
                    c.call('StatusNotification', { connectorId: 1 + (sent % 2), status: statuses[sent % 4], errorCode: 'NoError' }).catch(() => {});
                    sent++;
                }
                await sleep(10);
            }
        })();
        const searches = [];
        await sleep(1500);
        while (Date.now() - t0 < SECONDS * 1000) {
            const s0 = Date.now();
            await page.fill('#home-q', 'BENCH0001');
            await page.click('#home-search');
            await page.waitForFunction(() => [...document.querySelectorAll('article h3')].length > 0 &&
                [...document.querySelectorAll('article')].every((a) => a.dataset.socket.startsWith('BENCH0001')));
            searches.push(Date.now() - s0);
            await page.fill('#home-q', '');
            await page.click('#home-search');
            await page.waitForFunction(() => document.querySelectorAll('article').length >= 200);
            await sleep(300);
        }
        running = false;
        await load;
        const rate = sent / ((Date.now() - t0) / 1000);
        const gaps = await page.evaluate(() => { window.__stop = true; return window.__gaps; });
        gaps.sort((a, b) => a - b);
        console.log(`home under ${rate.toFixed(0)} status events/s for ${SECONDS} s: frame gap p50 ${gaps[Math.floor(gaps.length / 2)].toFixed(0)} ms, ` +
            `p99 ${gaps[Math.floor(gaps.length * 0.99)].toFixed(0)} ms, max ${gaps[gaps.length - 1].toFixed(0)} ms; ` +
            `a search answered in median ${median(searches)} ms, max ${Math.max(...searches)} ms (${searches.length} searches)`);
        await Promise.all(clients.map((c) => c.close({ force: true }).catch(() => {})));

        // 3. a month's transaction search rendered (the default range: this month)
        const tx = [];
        for (let i = 0; i < 5; i++) {
            await page.goto(BASE + '/#/home');
            await page.waitForSelector('article');
            const s0 = Date.now();
            await page.goto(BASE + '/#/transactions');
            await page.waitForSelector('#tx-table tr[data-tx]');
            tx.push(Date.now() - s0);
        }
        console.log(`transactions, this month's search rendered (${(await page.textContent('#tx-total')).trim()}): median ${median(tx)} ms, max ${Math.max(...tx)} ms`);
    } catch (e) {
        if (global.benchPage) {
            console.error('at', global.benchPage.url(), (await global.benchPage.textContent('body').catch((x) => String(x))).slice(0, 400));
            await global.benchPage.screenshot({ path: 'build/ui-bench-failure.png', timeout: 10000 }).catch((x) => console.error(String(x)));
        }
        throw e;
    } finally {
        for (const c of clients) c.close({ force: true }).catch(() => {});
        if (browser) await browser.close();
        const exited = new Promise((r) => csms.on('exit', r));
        csms.kill('SIGTERM');
        await Promise.race([exited, sleep(30000)]); // a clean stop checkpoints the WAL: wait for it
        if (csms.exitCode === null && csms.signalCode === null) csms.kill('SIGKILL');
    }
}

main().catch((e) => { console.error(e); process.exit(1); });
process.on('unhandledRejection', (e) => { console.error(e); process.exit(1); });
