// csms_lib.js — what the csms browser suites share: one headless Debian Chromium (playwright-core), pages
// that record console errors and CSP violations into `problems`, sign-in / logout and the navigation
// bar's menus.
'use strict';
const { chromium } = require('playwright-core');

const T = 20000;
const problems = [];
let browser;

async function launch() {
    if (!browser)
        browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', timeout: 60000,
            args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'] });
    return browser;
}
async function closeBrowser() { if (browser) await browser.close(); browser = null; }

async function newPage(width = 1280) {
    const ctx = await (await launch()).newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
    const page = await ctx.newPage();
    page.setDefaultTimeout(T);
    // refusals (a 409 shown in words, a 401 of a stale session) are logged by Chromium as failed loads: only
    // script errors and CSP violations count
    page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    return page;
}

// Signs in through the form in a language; waits for Home (or `until`).
async function login(page, csms, username, password, lang, until = '#diag-total') {
    if (!(await page.$('#login'))) await page.goto(csms.base + '/');
    await page.waitForSelector('#login');
    await page.evaluate(() => { location.hash = '#/home'; }); // the last page of the previous operator is kept
    await page.selectOption('#language', lang);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#login button[type=submit]');
    await page.waitForSelector(until);
}

async function logout(page) {
    await page.click('#menu-account > button');
    await page.click('#nav-logout');
    await page.waitForSelector('#login');
}

// Opens a page from a menu of the navigation bar: menu('master', 'cards') = Master Data > Cards.
async function menu(page, which, item) {
    await page.click(`#menu-${which} > button`);
    await page.click(`#nav-${item}`);
    await page.waitForSelector(`#nav-${item}`, { state: 'detached' });
}

module.exports = { newPage, closeBrowser, problems, login, logout, menu };
