/* listen.test.js — --listen binds exactly what it names: an IPv4 address, an IPv6 address or an interface's
 * address, never every interface; what cannot be bound is refused at start with a clear error. Each csms runs
 * in a private network namespace (tests/integration/netns.js), checked with `ss -ltn` and by connecting to
 * its loopback and to another address of the namespace. */
'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { netnsUnavailable, probeListen, listenAddress, OTHER, PORT } = require('../netns');
const { SANITIZER_REPORT } = require('./lib');

const CSMS = path.resolve(process.env.CSMS_BIN || 'build/asan/csms');
const why = netnsUnavailable();
if (why) console.log(`# listen.test.js skipped: cannot make a private network namespace (${why})`);

async function csmsIn(listenArgs) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-csms-listen-'));
    try {
        const r = await probeListen([CSMS, '--data', dir, '--port', String(PORT), ...listenArgs], {
            env: { ASAN_OPTIONS: 'detect_leaks=1:halt_on_error=1', UBSAN_OPTIONS: 'halt_on_error=1' },
        });
        assert.doesNotMatch(r.stderr, SANITIZER_REPORT, r.stderr);
        return r;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function assertOnly(r, addr, reach) {
    assert.equal(r.exit, 0, `csms exit ${r.exit}:\n${r.stderr}`);
    assert.deepEqual(r.listen.map(listenAddress), [addr], `ss -ltn: ${r.listen.join(', ')}`);
    assert.deepEqual(r.reach, reach, `reachable: ${JSON.stringify(r.reach)}`);
}

test('--listen 127.0.0.1 listens on loopback only, not on every interface', { skip: why || false }, async () => {
    assertOnly(await csmsIn(['--listen', '127.0.0.1']), '127.0.0.1',
        { '127.0.0.1': true, [OTHER]: false, '::1': false });
});

test('--listen ::1 listens on the IPv6 loopback only', { skip: why || false }, async () => {
    assertOnly(await csmsIn(['--listen', '::1']), '::1', { '127.0.0.1': false, [OTHER]: false, '::1': true });
});

test('--listen with another address of the host listens on that address only', { skip: why || false }, async () => {
    assertOnly(await csmsIn(['--listen', OTHER]), OTHER, { '127.0.0.1': false, [OTHER]: true, '::1': false });
});

test('--listen lo (an interface name) listens on that interface\'s address', { skip: why || false }, async () => {
    assertOnly(await csmsIn(['--listen', 'lo']), '127.0.0.1', { '127.0.0.1': true, [OTHER]: false, '::1': false });
});

test('without --listen the csms listens on every address (IPv4 and IPv6)', { skip: why || false }, async () => {
    const r = await csmsIn([]);
    assert.equal(r.exit, 0, r.stderr);
    assert.deepEqual(r.reach, { '127.0.0.1': true, [OTHER]: true, '::1': true });
});

test('--listen with an address the host does not have, or no such interface, is refused at start', { skip: why || false }, async () => {
    const absent = await csmsIn(['--listen', '10.9.9.9']);
    assert.notEqual(absent.exit, 0, 'non-zero exit');
    assert.deepEqual(absent.listen, [], 'nothing listens');
    assert.match(absent.stderr, /--listen 10\.9\.9\.9: cannot listen on 10\.9\.9\.9 port \d+: cannot assign requested address/i);
    const noif = await csmsIn(['--listen', 'nosuch0']);
    assert.notEqual(noif.exit, 0);
    assert.deepEqual(noif.listen, []);
    assert.match(noif.stderr, /"nosuch0" is neither an IPv4 or IPv6 address nor a network interface/);
    const host = await csmsIn(['--listen', 'localhost']);
    assert.notEqual(host.exit, 0, 'a host name is not an address');
    assert.match(host.stderr, /"localhost" is neither/);
});
