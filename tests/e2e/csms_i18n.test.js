// csms_i18n.test.js — the UI's catalogs (web/csms/i18n/en.json, it.json): the same keys in both, no empty
// string, and every key the code asks for with t('...') (or t('prefix.' + x) for the listed values)
// present in both. Fails naming the missing key and catalog.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const web = path.join(__dirname, '..', '..', 'web', 'csms');
const cat = Object.fromEntries(['en', 'it'].map((l) => [l, JSON.parse(fs.readFileSync(path.join(web, 'i18n', `${l}.json`), 'utf8'))]));
const files = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.js') ? [path.join(dir, d.name)] : []);
const code = files(path.join(web, 'js')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
/* keys made from a prefix and a value: the values each prefix takes */
const DYNAMIC = {
    'status.': ['to_be_configured', 'available', 'occupied', 'charging', 'charging_suspended', 'booked', 'not_available', 'fault', 'out_of_service'],
    'stationState.': ['pending', 'accepted', 'rejected'],
    'socketType.': ['Type1', 'Type2', 'Type3A', 'Type3C', 'Schuko', 'CHAdeMO', 'CCS2'],
    'home.energy.': ['today', 'week', 'month'],
    'home.live.': ['open', 'closed', 'connecting'],
    'lang.': ['en', 'it'],
    'tx.range.': ['today', 'week', 'month', 'free'],
    'station.tab.': ['general', 'firmware', 'sockets', 'events', 'messages'],
    'setup.': ['setupCode', 'username', 'name', 'surname', 'email', 'password', 'confirm'],
    'password.': ['current', 'new', 'confirm'],
};

test('both catalogs have the same keys, none empty', () => {
    for (const [a, b] of [['en', 'it'], ['it', 'en']])
        for (const k of Object.keys(cat[a]))
            assert.ok(k in cat[b], `key "${k}" is in ${a}.json but missing in ${b}.json`);
    for (const l of ['en', 'it'])
        for (const [k, v] of Object.entries(cat[l])) assert.ok(typeof v === 'string' && v.trim(), `${l}.json: "${k}" is empty`);
});

test('every key the code uses is in both catalogs', () => {
    const used = new Set();
    for (const m of code.matchAll(/\bt\('([A-Za-z0-9_.]+)'(\s*\+)?/g)) {
        if (m[2]) {
            assert.ok(DYNAMIC[m[1]], `t('${m[1]}' + ...) has no list of values in this test`);
            DYNAMIC[m[1]].forEach((v) => used.add(m[1] + v));
        } else used.add(m[1]);
    }
    assert.ok(used.size > 100, `${used.size} keys found`);
    for (const k of used)
        for (const l of ['en', 'it']) assert.ok(k in cat[l], `key "${k}" used by the code is missing in ${l}.json`);
});
