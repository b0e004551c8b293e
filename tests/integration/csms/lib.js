/* lib.js — helpers shared by the csms integration tests: start the real csms (the sanitizer build) on a free
 * port with a fresh data folder, its admin API, its database, and OCPP peers (ocpp-rpc in strict mode, or raw ws). */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert');
const { RPCClient } = require('ocpp-rpc');
const WebSocket = require('ws');

const CSMS = path.resolve(process.env.CSMS_BIN || 'build/asan/csms');
const SANITIZER_REPORT = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: (Address|Undefined|Leak)Sanitizer/;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

/* Polls fn() until it returns a truthy value or the time is up; returns the value or throws with what. */
async function waitFor(fn, what, ms = 5000, step = 50) {
    const end = Date.now() + ms;
    for (;;) {
        const v = await fn();
        if (v) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await sleep(step);
    }
}

/* One csms process. start() may be called again after kill()/stop() on the same data folder. */
class Csms {
    constructor(args = []) {
        this.args = args;
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-csms-'));
        this.stderr = '';
        this.proc = null;
        this.exits = []; /* {code, signal, stderr} of every run */
    }

    /* TLS (security profile 2) when the arguments name a certificate: it is also the CA the tests trust */
    get tlsCert() { const i = this.args.indexOf('--tls-cert'); return i >= 0 ? fs.readFileSync(this.args[i + 1]) : null; }
    get base() { return `http${this.tlsCert ? 's' : ''}://127.0.0.1:${this.port}`; }
    get ocppUrl() { return `ws${this.tlsCert ? 's' : ''}://127.0.0.1:${this.port}/ocpp`; }

    async start(extraArgs = []) {
        if (!this.port) this.port = await freePort();
        this.stderr = '';
        const args = ['--data', this.dir, '--port', String(this.port), ...this.args, ...extraArgs];
        const env = {
            ...process.env,
            ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:halt_on_error=1',
            UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
        };
        const proc = spawn(CSMS, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
        this.proc = proc;
        live.add(proc);
        proc.stderr.setEncoding('utf8');
        proc.stderr.on('data', (d) => { this.stderr += d; });
        this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
            live.delete(proc);
            const e = { code, signal, stderr: this.stderr };
            this.exits.push(e);
            resolve(e);
        }));
        await waitFor(async () => {
            if (proc.exitCode !== null || proc.signalCode !== null)
                throw new Error(`csms exited at start (${proc.exitCode ?? proc.signalCode}):\n${this.stderr}`);
            try {
                return (await this.api('GET', '/api/v1/health', undefined, { token: null })).status === 200;
            } catch { return false; }
        }, 'csms to listen', 15000, 50);
        this.token = fs.readFileSync(path.join(this.dir, 'admin.token'), 'utf8').trim();
        return this;
    }

    /* SIGTERM and wait; returns {code, signal, stderr}. */
    async stop() {
        if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exits.at(-1);
        this.proc.kill('SIGTERM');
        const t = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
        const e = await this.exited;
        clearTimeout(t);
        return e;
    }

    async kill() {
        this.proc.kill('SIGKILL');
        return this.exited;
    }

    /* Stops the csms and asserts that every run exited cleanly (0 or SIGKILL on purpose) without a
     * sanitizer report. Removes the data folder when all is well. */
    async stopAndCheck({ killed = 0 } = {}) {
        await this.stop();
        let sigkills = 0;
        for (const e of this.exits) {
            assert.doesNotMatch(e.stderr, SANITIZER_REPORT, `sanitizer report in csms stderr:\n${e.stderr.slice(-6000)}`);
            if (e.signal === 'SIGKILL') sigkills++;
            else assert.equal(e.code, 0, `csms exited with ${e.code ?? e.signal}:\n${e.stderr.slice(-4000)}`);
        }
        assert.equal(sigkills, killed, 'csms runs ended by SIGKILL');
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    /* Admin API: returns {status, body} (body parsed as JSON when it is). */
    async api(method, p, body, { token = this.token, raw = false, headers = {} } = {}) {
        const h = { ...headers };
        if (token) h.authorization = `Bearer ${token}`;
        let data;
        if (body !== undefined) {
            data = raw ? body : JSON.stringify(body);
            if (!raw) h['content-type'] = 'application/json';
        }
        const ca = this.tlsCert;
        const r = ca ? await httpsRequest(this.base + p, { method, headers: h, ca }, data)
            : await fetch(this.base + p, { method, headers: h, body: data });
        const text = await r.text();
        let json;
        try { json = JSON.parse(text); } catch { json = text; }
        return { status: r.status, body: json, headers: r.headers };
    }

    async addStation(id, extra = {}) {
        const r = await this.api('POST', '/api/v1/stations', { id, ...extra });
        assert.equal(r.status, 201, `register ${id}: ${JSON.stringify(r.body)}`);
        return r.body;
    }

    async putTag(tag, extra = {}) {
        const r = await this.api('PUT', `/api/v1/idtags/${encodeURIComponent(tag)}`, extra);
        assert.equal(r.status, 200, `id tag ${tag}: ${JSON.stringify(r.body)}`);
        return r.body;
    }

    op(station, action, payload) {
        return this.api('POST', `/api/v1/stations/${encodeURIComponent(station)}/operations/${action}`, payload);
    }

    async events(station) {
        const r = await this.api('GET', `/api/v1/stations/${encodeURIComponent(station)}/events?limit=1000`);
        assert.equal(r.status, 200);
        return r.body.items;
    }

    async messages(station) {
        const r = await this.api('GET', `/api/v1/stations/${encodeURIComponent(station)}/messages?limit=1000`);
        assert.equal(r.status, 200);
        return r.body.items;
    }

    /* The first Administrator through the one-time setup code (once per data folder); returns its session. */
    async setupAdmin(username = 'admin', password = 'admin-password-1') {
        const code = fs.readFileSync(path.join(this.dir, 'setup-code'), 'utf8').trim();
        const r = await this.api('POST', '/api/v1/setup', {
            setupCode: code, username, name: 'First', surname: 'Admin', email: `${username}@example.com`, password,
        }, { token: null });
        assert.equal(r.status, 201, `setup: ${JSON.stringify(r.body)}`);
        return this.login(username, password);
    }

    /* An operator of a role (administrator | local_manager | maintenance_technician), created with the admin
     * token; returns its logged-in session. */
    async operator(role, username = `${role.split('_')[0]}${++operatorSeq}`, password = 'operator-password-1') {
        const r = await this.api('POST', '/api/v1/operators', {
            username, name: 'Test', surname: role, email: `${username}@example.com`, role, password,
        });
        assert.equal(r.status, 201, `operator ${username}: ${JSON.stringify(r.body)}`);
        return this.login(username, password);
    }

    /* Logs in; returns a Session (cookie + CSRF token) or throws with the answer. */
    async login(username, password, language) {
        const r = await fetch(this.base + '/api/v1/auth/login', {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password, ...(language ? { language } : {}) }),
        });
        const body = await r.json();
        if (r.status !== 200) throw Object.assign(new Error(`login ${username}: ${r.status} ${JSON.stringify(body)}`), { status: r.status, body });
        const cookie = r.headers.get('set-cookie');
        return new Session(this, cookie.split(';')[0], body.csrfToken, body.operator, cookie);
    }

    /* Rows of a read-only query on csms.db (the sqlite3 command line, JSON mode). */
    sql(query, file = 'csms.db') {
        const out = execFileSync('sqlite3', ['-json', '-readonly', path.join(this.dir, file), query], {
            encoding: 'utf8',
        });
        return out.trim() ? JSON.parse(out) : [];
    }

    /* The same on the message log's database (msglog.db: frames are written by its own writer, a moment
     * after they are sent or answered). */
    logSql(query) {
        return this.sql(query, 'msglog.db');
    }

    /* An ocpp-rpc station in strict mode (not connected yet). */
    client(identity, opts = {}) {
        const c = new RPCClient({
            endpoint: this.ocppUrl,
            identity,
            protocols: ['ocpp1.6'],
            strictMode: true,
            reconnect: false,
            callTimeoutMs: 10000,
            ...(this.tlsCert ? { wsOpts: { ca: this.tlsCert } } : {}),
            ...opts,
        });
        c.strictFailures = [];
        c.on('strictValidationFailure', (e) => c.strictFailures.push(e));
        clients.add(c);
        return c;
    }

    /* A connected, booted (Accepted) strict station. */
    async station(identity, opts = {}) {
        const c = this.client(identity, opts);
        await c.connect();
        const boot = await c.call('BootNotification', { chargePointVendor: 'Wattline', chargePointModel: 'Test' });
        assert.equal(boot.status, 'Accepted', `${identity} boot`);
        return c;
    }

    /* The HTTP status of a WebSocket handshake (101 when upgraded, then closed). */
    handshake(identity, { protocols = ['ocpp1.6'], password, user = identity, localAddress } = {}) {
        return new Promise((resolve, reject) => {
            const headers = {};
            if (password !== undefined)
                headers.authorization = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
            const ws = new WebSocket(`${this.ocppUrl}/${encodeURIComponent(identity)}`, protocols, {
                headers, localAddress, handshakeTimeout: 5000, ca: this.tlsCert || undefined,
            });
            ws.on('unexpected-response', (req, res) => {
                let body = '';
                const done = () => { resolve({ status: res.statusCode, body, headers: res.headers }); req.destroy(); };
                res.setEncoding('utf8');
                res.on('data', (d) => { body += d; });
                res.on('end', done);
                res.on('error', done);
            });
            ws.on('open', () => { resolve({ status: 101, ws }); });
            ws.on('error', (e) => { if (!/Unexpected server response/.test(e.message)) reject(e); });
        });
    }

    /* A raw WebSocket peer: frames as sent, for bad input and dead peers. */
    async raw(identity, { password, localAddress } = {}) {
        const r = await this.handshake(identity, { password, localAddress });
        assert.equal(r.status, 101, `raw handshake for ${identity}: ${r.status} ${r.body || ''}`);
        return new RawPeer(r.ws);
    }
}

/* A fetch-like answer over https with our own CA (fetch cannot take one). */
function httpsRequest(url, opts, body) {
    return new Promise((resolve, reject) => {
        const req = require('node:https').request(url, { ...opts, agent: false }, (res) => {
            const chunks = [];
            res.on('data', (d) => chunks.push(d));
            res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                resolve({ status: res.statusCode, headers: res.headers, text: async () => text });
            });
        });
        req.on('error', reject);
        req.end(body);
    });
}

/* A raw OCPP-J peer: send frames, await frames by message id. Answers the csms's calls only when told. */
class RawPeer {
    constructor(ws) {
        this.ws = ws;
        this.frames = [];
        this.waiters = [];
        this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
        ws.on('error', () => {});
        ws.on('message', (data) => {
            let f;
            try { f = JSON.parse(String(data)); } catch { f = String(data); }
            this.frames.push(f);
            this.waiters = this.waiters.filter((w) => !(w.match(f) && (w.resolve(f), true)));
        });
    }

    send(text) { this.ws.send(typeof text === 'string' ? text : JSON.stringify(text)); }

    next(match, ms = 5000) {
        const found = this.frames.find(match);
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
            const w = { match, resolve };
            this.waiters.push(w);
            setTimeout(() => {
                this.waiters = this.waiters.filter((x) => x !== w);
                reject(new Error('no matching frame; got ' + JSON.stringify(this.frames).slice(0, 500)));
            }, ms);
        });
    }

    /* Sends a CALL and resolves with the answer frame (CALLRESULT or CALLERROR). */
    call(id, action, payload) {
        this.send([2, id, action, payload]);
        return this.reply(id);
    }

    reply(id, ms) { return this.next((f) => Array.isArray(f) && (f[0] === 3 || f[0] === 4) && f[1] === id, ms); }

    close() { try { this.ws.terminate(); } catch { /* gone */ } }
}

const live = new Set();
const clients = new Set();
process.on('exit', () => { for (const p of live) try { p.kill('SIGKILL'); } catch { /* gone */ } });

/* Closes every ocpp-rpc client this file made (so the test process can end). */
async function closeClients() {
    await Promise.all([...clients].map((c) => c.close({ force: true }).catch(() => {})));
    clients.clear();
}

const iso = (ms = Date.now()) => new Date(ms).toISOString();

let operatorSeq = 0;

/* A browser-like session: the cookie on every request, the CSRF token on state changes (unless told not to). */
class Session {
    constructor(csms, cookie, csrf, operator, setCookie) {
        Object.assign(this, { csms, cookie, csrf, operator, setCookie });
    }

    async api(method, p, body, { csrf = true, headers = {}, raw = false } = {}) {
        const h = { cookie: this.cookie, ...headers };
        if (csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
        return this.csms.api(method, p, body, { token: null, headers: h, raw });
    }
}

module.exports = { Csms, Session, RawPeer, sleep, waitFor, closeClients, iso, SANITIZER_REPORT };
