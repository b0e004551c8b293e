// csms_ui.test.js — the csms's browser UI (web/csms) in a real headless Chromium (Debian chromium driven by
// playwright-core) against a real csms (the ASan build) and a strict ocpp-rpc station that answers remote
// start/stop and reboots like a real one and sends rising meter values. One flow in English and one in
// Italian: setup code -> first Administrator -> sign in -> the station boots -> its sockets appear on Home
// without a reload -> a card registered through the API -> remote start with the card picker -> Charging
// with energy rising -> remote stop -> the transaction in the search, its total, the Excel download
// (SheetJS) -> the measurements chart, one line hidden from the legend -> station details: rename, Soft
// reboot answered, Messages list the frames -> logout. Then: a Maintenance Technician's menus and a forced
// call's message; names with HTML render as text; session expiry goes back to sign-in. No console error
// and no CSP violation on any page. Screenshots for the README go to docs/ (UI_SCREENSHOTS=1).
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { chromium } = require('playwright-core');
const XLSX = require('xlsx');
const { Csms, closeClients, waitFor } = require('../integration/csms/lib');

const T = 20000;
const EVIL = `<img src=x onerror="window.__xss=1">'"&`;
const SHOTS = process.env.UI_SCREENSHOTS ? path.join(__dirname, '..', '..', 'docs') : null;
let browser;
const problems = [];

async function launch() {
    if (!browser)
        browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', timeout: 60000,
            args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'] });
    return browser;
}
after(async () => { await closeClients(); if (browser) await browser.close(); });

async function newPage(width = 1280) {
    const ctx = await (await launch()).newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
    const page = await ctx.newPage();
    page.setDefaultTimeout(T);
    // refusals (401 of a stale session, 403 of a forced call) are logged by Chromium as failed loads: only
    // script errors and CSP violations count
    page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    return page;
}

// A station that behaves: answers RemoteStart with a transaction and meter values every 300 ms, RemoteStop
// with a StopTransaction, Reset Accepted, lists Accepted.
async function simStation(csms, id) {
    const st = await csms.station(id);
    const state = { tx: null, meter: 1000, timer: null };
    const status = (connectorId, s) => st.call('StatusNotification', { connectorId, status: s, errorCode: 'NoError', timestamp: new Date().toISOString() });
    st.handle('RemoteStartTransaction', ({ params }) => {
        setTimeout(async () => {
            const c = params.connectorId || 1;
            await status(c, 'Preparing');
            const r = await st.call('StartTransaction', { connectorId: c, idTag: params.idTag, meterStart: state.meter, timestamp: new Date().toISOString() });
            state.tx = { id: r.transactionId, c };
            await status(c, 'Charging');
            state.timer = setInterval(() => {
                state.meter += 250;
                const ts = new Date().toISOString();
                st.call('MeterValues', { connectorId: c, transactionId: state.tx.id, meterValue: [{ timestamp: ts, sampledValue: [
                    { value: String(state.meter), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
                    { value: '16.0', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
                    { value: '15.5', measurand: 'Current.Import', phase: 'L2', unit: 'A' },
                    { value: '11000', measurand: 'Power.Active.Import', unit: 'W' }] }] }).catch(() => {});
            }, 300);
        }, 100);
        return { status: 'Accepted' };
    });
    st.handle('RemoteStopTransaction', () => {
        setTimeout(async () => {
            clearInterval(state.timer);
            const { id: transactionId, c } = state.tx;
            await st.call('StopTransaction', { transactionId, meterStop: state.meter, timestamp: new Date().toISOString(), reason: 'Remote' });
            state.tx = null;
            await status(c, 'Finishing');
            await status(c, 'Available');
        }, 100);
        return { status: 'Accepted' };
    });
    st.handle('Reset', () => ({ status: 'Accepted' }));
    st.handle('SendLocalList', () => ({ status: 'Accepted' }));
    st.handle('GetLocalListVersion', () => ({ listVersion: 0 }));
    st.handle('UpdateFirmware', () => ({}));
    st.sim = state;
    st.status = status;
    return st;
}

function sqlw(csms, q) { execFileSync('sqlite3', [path.join(csms.dir, 'csms.db'), '.timeout 5000', q]); }

async function flow(lang) {
    const L = lang === 'it'
        ? { login: 'Accedi', charging: 'In carica', available: 'Disponibile', start: 'Avvia ricarica', stop: 'Ferma ricarica', answered: 'La stazione ha risposto: Accepted', logout: 'Esci', total: 'Consumo totale' }
        : { login: 'Login', charging: 'Charging', available: 'Available', start: 'Start charging', stop: 'Stop charging', answered: 'The station answered: Accepted', logout: 'Logout', total: 'Total consumption' };
    const csms = new Csms(['--auth-fail-limit', '1000']);
    await csms.start();
    const page = await newPage();
    let st = null;
    try {
        // first start: the setup code makes the first Administrator
        await page.goto(csms.base + '/');
        await page.waitForSelector('#setup');
        if (SHOTS && lang === 'en') await page.screenshot({ path: path.join(SHOTS, 'ui-setup.png') });
        const code = fs.readFileSync(path.join(csms.dir, 'setup-code'), 'utf8').trim();
        await page.fill('#setup-setupCode', 'WRONG-CODE1');
        for (const [k, v] of [['username', 'boss'], ['name', 'Ada'], ['surname', 'Lovelace'], ['email', 'ada@example.com'], ['password', 'first-admin-pw'], ['confirm', 'first-admin-pw']])
            await page.fill(`#setup-${k}`, v);
        await page.click('#setup button[type=submit]');
        await page.waitForSelector('#setup .msg.error'); // the API's refusal in words
        await page.fill('#setup-setupCode', code);
        await page.click('#setup button[type=submit]');
        // sign in (figure 2.1) in the flow's language
        await page.waitForSelector('#login');
        await page.selectOption('#language', lang);
        await page.waitForSelector(`#login button:has-text("${L.login}")`);
        await page.fill('#username', 'boss');
        await page.fill('#password', 'wrong-password');
        await page.click('#login button[type=submit]');
        await page.waitForSelector('#login .msg.error');
        await page.fill('#password', 'first-admin-pw');
        await page.click('#login button[type=submit]');
        await page.waitForSelector('#diag-total');
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.equal(csms.sql("SELECT language FROM operator WHERE username = 'boss'")[0].language, lang, 'the language is stored');
        await page.waitForSelector('#live-link.open');

        // a registered station boots: its sockets appear without a reload
        const sid = `UI-${lang.toUpperCase()}`;
        await csms.addStation(sid, { name: `Hall ${lang}` });
        st = await simStation(csms, sid);
        await st.status(1, 'Available');
        await st.status(2, 'Available');
        const tile = `article[data-socket="${sid}/1"]`;
        await page.waitForSelector(tile);
        await page.waitForSelector(`article[data-socket="${sid}/2"]`);
        assert.match(await page.textContent(`${tile} .badge`), new RegExp(L.available));
        assert.match(await page.textContent(`${tile} .cabling`), lang === 'it' ? /tipo sconosciuto/ : /type unknown/);
        await csms.api('PUT', `/api/v1/stations/${sid}/connectors/1`, { type: 'Type2', phases: 3, maxCurrent: 32 });
        // a card through the API, with its charge user
        const u = await csms.api('POST', '/api/v1/charge-users', { name: 'Mario', surname: 'Rossi', taxCode: 'RSSMRA80A01H501U' });
        assert.equal(u.status, 201, JSON.stringify(u.body));
        const card = await csms.api('POST', '/api/v1/cards', { idTag: 'EX556EV', userId: u.body.id, description: 'C5 Aircross' });
        assert.equal(card.status, 201, JSON.stringify(card.body));
        await page.click('#home-search');
        await waitFor(async () => /32 A/.test(await page.textContent(`${tile} .cabling`)), 'the cabling after a search', T);
        // remote start with the card picker (figure 6.1), confirm, the station's answer
        await page.click(`${tile} button.start`);
        await page.waitForSelector('#picker tr[data-tag="EX556EV0000000"]');
        assert.match(await page.textContent('#picker tr[data-tag="EX556EV0000000"]'), /Mario Rossi/);
        await page.click('#picker tr[data-tag="EX556EV0000000"] button.choose');
        await page.click('.modal button.confirm');
        await page.waitForSelector(`.modal .msg.ok:has-text("${L.answered}")`);
        await page.click('.modal .buttons button.primary');
        // Charging, energy rising, the user shown
        await waitFor(async () => (await page.textContent(`${tile} .badge`)).includes(L.charging), 'Charging on the tile', T);
        await page.waitForSelector(`${tile} .user:has-text("Mario Rossi")`);
        const kwh = async () => parseFloat((await page.textContent(`${tile} .energy`)).replace(',', '.'));
        await waitFor(async () => (await kwh()) > 0, 'energy shown', T);
        const e1 = await kwh();
        await waitFor(async () => (await kwh()) > e1, 'energy rising', T);
        await page.click('#home-search'); // the current comes with the page's data (at the latest 10 s later)
        await waitFor(async () => /^16[.,]0 A$/.test(await page.textContent(`${tile} .current`)), 'the largest phase current', T);
        if (SHOTS && lang === 'en') await page.screenshot({ path: path.join(SHOTS, 'ui-home.png') });
        // remote stop
        await page.click(`${tile} button.stop`);
        await page.click('.modal button.confirm');
        await page.waitForSelector(`.modal .msg.ok:has-text("${L.answered}")`);
        await page.click('.modal .buttons button.primary');
        await waitFor(async () => (await page.textContent(`${tile} .badge`)).includes(L.available), 'Available again', T);
        const tx = csms.sql('SELECT id, meter_start, meter_stop FROM txn')[0];
        const wh = tx.meter_stop - tx.meter_start;
        assert.ok(wh > 0);

        // List Management: Reset Default List answered, Request List Version shows the station's list
        await page.click(`${tile} button.lists`);
        await page.click(`${tile} .list-menu button.reset-list`);
        await page.click('.modal button.confirm');
        await page.waitForSelector('.modal .msg.ok:has-text("Accepted")');
        await page.click('.modal .buttons button.primary');
        const list = await csms.api('POST', '/api/v1/card-lists', { name: `Fleet ${lang}`, description: 'x', idTags: ['EX556EV'] });
        assert.equal(list.status, 201, JSON.stringify(list.body));
        await page.click(`${tile} button.lists`);
        await page.click(`${tile} .list-menu button.send-list`);
        await page.waitForSelector(`#send-list-id option:has-text("Fleet ${lang}")`, { state: 'attached' });
        await page.click('.modal button.confirm');
        await page.waitForSelector('.modal .msg.ok:has-text("Accepted")');
        await page.keyboard.press('Escape');
        await page.click(`${tile} button.lists`);
        await page.click(`${tile} .list-menu button.list-version`);
        await page.waitForSelector('.modal dl.kv');
        await page.keyboard.press('Escape');
        await page.click(`${tile} button.details`);
        await page.waitForSelector(`#socket-details .list-name:has-text("Fleet ${lang}")`);
        await page.keyboard.press('Escape');

        // the transaction in the search, from the socket's Transactions link
        await page.click(`${tile} a.txlink`);
        await page.waitForSelector(`#tx-table tr[data-tx="${tx.id}"]`);
        const kwhText = new Intl.NumberFormat(lang === 'it' ? 'it-IT' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(wh / 1000);
        assert.ok((await page.textContent('#tx-total')).includes(`${kwhText} kWh`), `total ${kwhText}: ${await page.textContent('#tx-total')}`);
        for (const [sel, value] of [['#tx-card', 'EX556EV0000000'], ['#tx-user', String(u.body.id)], ['#tx-range', 'today']]) {
            await page.selectOption(sel, value);
            await page.click('#tx-search');
            await page.waitForSelector(`#tx-table tr[data-tx="${tx.id}"]`);
        }
        await page.fill('#tx-q', 'no such socket');
        await page.click('#tx-search');
        await waitFor(async () => (await page.$$('#tx-table tr[data-tx]')).length === 0, 'no row for another socket name', T);
        await page.fill('#tx-q', `Hall ${lang}`);
        await page.click('#tx-search');
        await page.waitForSelector(`#tx-table tr[data-tx="${tx.id}"]`);
        // sorting: by energy, then the other way
        await page.click('#tx-table th button.sort:has-text("' + (lang === 'it' ? 'Energia erogata' : 'Delivered energy') + '")');
        await page.waitForSelector('#tx-table th[aria-sort="ascending"]');
        await page.click('#tx-table th[aria-sort="ascending"] button.sort');
        await page.waitForSelector('#tx-table th[aria-sort="descending"]');
        await page.waitForSelector(`#tx-table tr[data-tx="${tx.id}"]`);
        // Excel: all, then one row, opened with SheetJS
        const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#tx-export')]);
        const wb = XLSX.readFile(await dl.path());
        const rows = XLSX.utils.sheet_to_json(wb.Sheets[wb.SheetNames[0]], { header: 1 });
        assert.ok(rows.some((r) => r.includes(tx.id)), `the export has transaction ${tx.id}: ${JSON.stringify(rows.slice(0, 3))}`);
        const [dl1] = await Promise.all([page.waitForEvent('download'), page.click(`#tx-table tr[data-tx="${tx.id}"] button.export-one`)]);
        assert.ok(XLSX.readFile(await dl1.path()).SheetNames.length >= 2, 'one transaction: its sheet and its measurements');
        // the measurements window: series, one hidden from the legend
        await page.click(`#tx-table tr[data-tx="${tx.id}"] button.chart`);
        await page.waitForSelector('#tx-chart .u-legend .u-series');
        const series = await page.$$('#tx-chart .u-legend tr.u-series');
        assert.ok(series.length >= 4, `time + 3 series at least: ${series.length}`);
        assert.match(await page.textContent('#tx-chart .u-legend'), /Current\.Import L1 \(A\)/);
        await series[1].click();
        await page.waitForSelector('#tx-chart .u-legend tr.u-series.u-off');
        if (SHOTS && lang === 'en') await page.screenshot({ path: path.join(SHOTS, 'ui-measurements.png') });
        await page.keyboard.press('Escape');

        // station details: rename in place, Soft reboot answered, Messages list the frames
        await page.goto(`${csms.base}/#/station/${sid}`);
        await page.click('#station-name button.edit');
        await page.fill('#station-name input', `Renamed ${lang}`);
        await page.click('#station-name button.ok');
        await page.waitForSelector(`#station-name .value:has-text("Renamed ${lang}")`);
        assert.equal(csms.sql(`SELECT name FROM station WHERE id = '${sid}'`)[0].name, `Renamed ${lang}`);
        await page.click('#soft-reboot');
        await page.click('.modal button.confirm');
        await page.waitForSelector(`.modal .msg.ok:has-text("${L.answered}")`);
        await page.click('.modal .buttons button.primary');
        await page.click('#tab-messages');
        await page.waitForSelector('#station-messages tr[data-id]');
        assert.match(await page.textContent('#station-messages'), /BootNotification/);
        await page.click('#station-messages tr[data-id] button.show-json');
        await page.waitForSelector('#station-messages pre.json');
        await page.click('#tab-events');
        await page.waitForSelector('#station-events tr[data-id]');
        await page.click('#tab-sockets');
        await page.waitForSelector('#station-sockets tr[data-connector="1"]');
        // the socket's type and cabling, set by the Administrator
        await page.click('#station-sockets tr[data-connector="2"] button.edit-spec');
        await page.selectOption('#spec-type', 'Schuko');
        await page.selectOption('#spec-phases', '1');
        await page.fill('#spec-current', '16');
        await page.click('#socket-spec button[type=submit]');
        await waitFor(async () => /Schuko.*16 A/.test(await page.textContent('#station-sockets tr[data-connector="2"]')), 'socket 2 is a 16 A Schuko', T);
        if (lang === 'en') await stationsPage(csms, page, st, sid);
        // logout
        await page.click('#menu-account > button');
        await page.click('#nav-logout');
        await page.waitForSelector('#login');
        assert.match(await page.textContent('#login'), lang === 'it' ? /Disconnessione/ : /logged out/);
        await st.close();
        await page.context().close();
        await csms.stopAndCheck();
    } catch (e) {
        await page.screenshot({ path: `build/csms-e2e-${lang}-failure.png` }).catch(() => {});
        console.log(csms.stderr.slice(-3000));
        if (st) clearInterval(st.sim.timer);
        await page.context().close().catch(() => {});
        await csms.kill().catch(() => {});
        throw e;
    }
}

// The Stations page: the Excel export, registering a station with its sockets, accepting a pending one and
// setting its password, a firmware upload and update with its progress.
async function stationsPage(csms, page, st, sid) {
    await page.click('#menu-master > button');
    await page.click('#nav-stations');
    await page.waitForSelector(`#st-table tr[data-station="${sid}"]`);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#st-export')]);
    const rows = XLSX.utils.sheet_to_json(XLSX.readFile(await dl.path()).Sheets.Stations, { header: 1 });
    assert.ok(rows.some((r) => r.includes(sid)), `the stations export has ${sid}`);
    await page.click('#st-register');
    await page.fill('#reg-id', 'UI-REG');
    await page.fill('#reg-name', 'Registered here');
    await page.click('#reg-add-socket');
    await page.selectOption('#reg-sockets tbody tr:nth-child(2) select >> nth=0', 'CCS2');
    await page.click('#register-form button[type=submit]');
    await page.waitForSelector('#station-general');
    await page.click('#tab-sockets');
    await page.waitForSelector('#station-sockets tr[data-connector="2"]:has-text("CCS Combo 2")');
    await page.waitForSelector('#station-sockets tr[data-connector="1"]:has-text("Type 2")');
    // a pending station accepted, its password set
    await csms.api('POST', '/api/v1/stations', { id: 'UI-PEND', state: 'pending' });
    await page.goto(`${csms.base}/#/station/UI-PEND`);
    await page.click('#station-accept');
    await page.waitForSelector('#station-state.state-accepted');
    await page.click('#station-password');
    await page.fill('#st-pw', 'short');
    await page.click('.modal button[type=submit]');
    await page.waitForSelector('#station-general .msg.error:has-text("16..40")');
    await page.click('#station-password');
    await page.fill('#st-pw', 'a-long-station-password-1');
    await page.click('.modal button[type=submit]');
    await page.waitForSelector('#station-general .msg.ok');
    assert.ok(csms.sql("SELECT password_hash FROM station WHERE id = 'UI-PEND'")[0].password_hash, 'the password is stored (hashed)');
    // firmware: upload a file, send the update, follow its progress
    await page.goto(`${csms.base}/#/station/${sid}?tab=firmware`);
    await page.setInputFiles('#fw-file', { name: 'fw-9.9.9.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4096, 7) });
    await page.click('#station-firmware button[type=submit]');
    await page.waitForSelector('#station-firmware .msg.ok');
    await st.call('FirmwareStatusNotification', { status: 'Downloading' });
    await page.waitForSelector('#fw-status:has-text("Downloading")');
}

test('the whole flow in English', { timeout: 120000 }, () => flow('en'));
test('the whole flow in Italian', { timeout: 120000 }, () => flow('it'));

test('a Maintenance Technician sees only what it may do; a forced call gets the message; HTML names are text; session expiry', { timeout: 120000 }, async () => {
    const csms = new Csms(['--auth-fail-limit', '1000']);
    await csms.start();
    await csms.setupAdmin();
    await csms.addStation('XSS-1', { name: EVIL });
    const st = await csms.station('XSS-1');
    await st.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    await csms.api('PUT', '/api/v1/stations/XSS-1/connectors/1', { description: EVIL });
    const u = await csms.api('POST', '/api/v1/charge-users', { name: EVIL, surname: 'x', taxCode: 'T1' });
    await csms.api('POST', '/api/v1/cards', { idTag: 'XSSCARD', userId: u.body.id, description: EVIL });
    // a socket view (the default) with a group named with HTML holding the socket
    const view = await csms.api('POST', '/api/v1/views', { name: 'Floors' });
    const group = await csms.api('POST', `/api/v1/views/${view.body.id}/groups`, { name: `Plan 1 ${EVIL}` });
    assert.equal((await csms.api('POST', `/api/v1/views/${view.body.id}/groups/${group.body.id}/sockets`, { sockets: [{ station: 'XSS-1', connector: 1 }] })).status, 200);
    await csms.api('POST', '/api/v1/operators', { username: 'tech', name: 'T', surname: 'T', email: 't@example.com', role: 'maintenance_technician', password: 'technician-pw-1' });
    const page = await newPage(768);
    await page.goto(csms.base + '/');
    await page.fill('#username', 'tech');
    await page.fill('#password', 'technician-pw-1');
    await page.click('#login button[type=submit]');
    const tile = 'article[data-socket="XSS-1/1"]';
    await page.waitForSelector(tile);
    assert.equal(await page.textContent(`${tile} .name`), EVIL, 'the socket name is shown as text');
    await page.waitForSelector(`section.group[aria-label="Plan 1 ${EVIL.replace(/"/g, '\\"')}"] ${tile}`);
    assert.match(await page.textContent('#home-view'), /Floors/);
    await page.click(`${tile} button.start`);
    await page.waitForSelector('#picker tr[data-tag="XSSCARD0000000"]');
    assert.ok((await page.textContent('#picker tr[data-tag="XSSCARD0000000"]')).includes(EVIL));
    await page.keyboard.press('Escape');
    // what a technician may not do is not offered
    assert.equal(await page.$('#nav-transactions'), null, 'no Transactions for a technician');
    assert.equal(await page.$(`${tile} .list-menu`), null, 'no list management');
    assert.equal(await page.$(`${tile} a.txlink`), null, 'no transactions link');
    await page.click('#menu-master > button');
    assert.equal(await page.$('#nav-charge-users'), null);
    assert.equal(await page.$('#nav-card-lists'), null);
    assert.ok(await page.$('#nav-stations'));
    await page.click('#nav-stations');
    await page.waitForSelector('#st-table tr[data-station="XSS-1"]');
    assert.ok((await page.textContent('#st-table tr[data-station="XSS-1"]')).includes(EVIL));
    assert.equal(await page.$('#st-register'), null, 'no station registration');
    await page.goto(csms.base + '/#/station/XSS-1');
    await page.waitForSelector('#station-general');
    assert.equal(await page.$('#soft-reboot'), null, 'no reboot');
    assert.equal(await page.$('#station-name button.edit'), null, 'no rename');
    assert.ok(await page.$('#tab-messages'), 'events and messages are the technician\'s');
    // a forced call: the transactions page by its address, then the API's 403 in words
    await page.goto(csms.base + '/#/transactions');
    await page.waitForSelector('main .msg.error');
    const forced = await page.evaluate(async () => {
        const r = await fetch('/api/v1/transactions?range=today');
        return (await r.json()).error.message;
    });
    assert.match(forced, /maintenance_technician may not/);
    // a forced rename from the page's own code path shows the refusal
    await page.goto(csms.base + '/#/stations');
    await page.waitForSelector('#st-table');
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran from a name');
    // a station that disconnects: its sockets turn Out of service without a reload
    await page.click('#nav-home');
    await page.waitForSelector(tile);
    await st.close({ force: true });
    await waitFor(async () => /Out of service/.test(await page.textContent(`${tile} .badge`)), 'Out of service after the disconnect', T);
    // session expiry: back to sign-in with the message
    sqlw(csms, 'UPDATE session SET expires = 0');
    await page.click('#home-search'); // the next call gets 401
    await page.waitForSelector('#login .msg.error');
    assert.match(await page.textContent('#login .msg.error'), /expired/);
    await page.context().close();
    await csms.stopAndCheck();
});

test('no console error and no CSP violation on any page', () => {
    assert.deepEqual(problems, []);
});
