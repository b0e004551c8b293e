#!/usr/bin/env node
/* run.js — runs every csms integration test file (tests/integration/csms/*.test.js) against the csms binary
 * given as the first argument, two files at a time, and ends with one line "N passed, M failed".
 *
 * Usage: node tests/integration/csms/run.js build/asan/csms [file-filter] */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { run } = require('node:test');

const bin = process.argv[2];
if (!bin || !fs.existsSync(bin)) {
    console.error(`usage: node ${path.relative(process.cwd(), __filename)} path/to/csms [filter]` +
        (bin ? ` (${bin} not found)` : ''));
    process.exit(2);
}
process.env.CSMS_BIN = path.resolve(bin);
const filter = process.argv[3] || '';
/* the slow files first, so that the others run beside them */
const SLOW = ['liveness.test.js', 'connections.test.js'];
const rank = (f) => (SLOW.includes(f) ? SLOW.indexOf(f) : SLOW.length);
const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js') && f.includes(filter))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((f) => path.join(__dirname, f));

let passed = 0, failed = 0, todo = 0;
const started = Date.now();
const stream = run({ files, concurrency: 2, timeout: 60000 }); /* per file */

stream.on('test:pass', (d) => {
    if (d.nesting !== 0) return;
    if (d.todo) {
        todo++;
        console.log(`todo  ${path.basename(d.file || '')}: ${d.name} (${d.todo === true ? '' : d.todo})`);
        return;
    }
    if (d.skip) return;
    passed++;
    console.log(`ok    ${path.basename(d.file || '')}: ${d.name} (${Math.round(d.details.duration_ms)} ms)`);
});
stream.on('test:fail', (d) => {
    if (d.nesting !== 0) return;
    if (d.todo) {
        todo++;
        console.log(`todo  ${path.basename(d.file || '')}: ${d.name} (${d.todo === true ? '' : d.todo})`);
        return;
    }
    failed++;
    console.log(`FAIL  ${path.basename(d.file || '')}: ${d.name}`);
    /* the test's error, then its causes (a fetch failure says why only in its cause) */
    let e = d.details && d.details.error;
    if (e && e.code === 'ERR_TEST_FAILURE' && e.cause) e = e.cause;
    for (let depth = 0; e && depth < 4; depth++, e = e.cause)
        console.log(String(e.stack || e.message || e).replace(/^/gm, depth ? '      caused by: ' : '      '));
});
stream.on('test:stderr', (d) => { if (process.env.VERBOSE) process.stderr.write(d.message); });
stream.on('test:stdout', (d) => { if (process.env.VERBOSE) process.stdout.write(d.message); });
stream.on('end', () => {
    if (todo) console.log(`${todo} todo (known csms bugs, see the test names)`);
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed || !passed ? 1 : 0;
});
stream.resume();
