// evse_harness.js — shared by the evse integration tests: free ports, an ocpp-rpc RPCServer in strict
// mode (every frame validated against the official OCPP 1.6 schemas), starting/killing an evse process,
// the simulator's HTTP control endpoint, and a tiny test runner that prints "N passed, N failed".
'use strict';
const { spawn } = require('child_process');
const net = require('net');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { RPCServer } = require('ocpp-rpc');

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
		s.on('error', reject);
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(fn, ms = 10000, what = 'condition') {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(25);
	}
}

// A central system: records every call it receives, in order; handlers answer them.
class Csms {
	constructor() {
		this.calls = [];
		this.failures = [];
		this.clients = [];
		this.auth = [];
		this.handlers = {};
		this.nextTx = 1000;
		this.server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
		this.server.auth((accept, reject, hs) => {
			this.auth.push({ identity: hs.identity, password: hs.password ? hs.password.toString() : null });
			accept({});
		});
		this.server.on('client', (client) => {
			this.clients.push(client);
			client.on('strictValidationFailure', (e) => this.failures.push(String(e && e.error ? e.error.message : e)));
			client.handle(({ method, params }) => {
				this.calls.push({ method, params, at: Date.now() });
				if (this.handlers[method]) return this.handlers[method](params);
				switch (method) {
				case 'BootNotification': return { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 };
				case 'Heartbeat': return { currentTime: new Date().toISOString() };
				case 'Authorize': return { idTagInfo: { status: 'Accepted' } };
				case 'StartTransaction': return { transactionId: ++this.nextTx, idTagInfo: { status: 'Accepted' } };
				case 'StopTransaction': return {};
				default: return {};
				}
			});
		});
	}
	async listen(port) { this.port = port; this.http = await this.server.listen(port, '127.0.0.1'); }
	async close() { await this.server.close({ force: true, awaitPending: false }); this.clients = []; }
	client() { return this.clients[this.clients.length - 1]; }
	of(method) { return this.calls.filter((c) => c.method === method); }
	async waitFor(method, pred = () => true, ms = 10000) {
		return until(() => this.calls.find((c) => c.method === method && pred(c.params)), ms, method);
	}
}

class Station {
	constructor(opts) {
		this.bin = process.env.EVSE_BIN || 'build/asan/evse';
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evse-it-'));
		this.opts = Object.assign({ db: path.join(this.dir, 'evse.db'), log_level: 'warn', reconnect_max: '1' }, opts);
		this.log = '';
	}
	start() {
		const args = Object.entries(this.opts).map(([k, v]) => `--${k}=${v}`);
		this.startedAt = Date.now();
		this.proc = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		this.proc.stdout.on('data', (d) => { this.log += d; });
		this.proc.stderr.on('data', (d) => { this.log += d; });
		this.exited = new Promise((r) => this.proc.on('exit', (code, sig) => r({ code, sig })));
	}
	async ready() {
		// answering, and past its power-on self-test
		await until(async () => {
			try { return (await this.status()).state !== 'SELFTEST'; } catch (e) { return false; }
		}, 15000, 'evse ready');
	}
	async status() {
		const r = await fetch(`http://127.0.0.1:${this.opts.http_port}/api/status`);
		return r.json();
	}
	async sim(cmd) {
		const r = await fetch(`http://127.0.0.1:${this.opts.http_port}/api/sim`, { method: 'POST', body: cmd });
		const j = await r.json();
		if (r.status !== 200) throw new Error(`sim ${cmd}: ${j.error}`);
		return j;
	}
	kill9() { this.proc.kill('SIGKILL'); return this.exited; }
	async stop() {
		if (this.proc.exitCode !== null || this.proc.signalCode) return this.exited;
		this.proc.kill('SIGTERM');
		const r = await this.exited;
		if (r.code !== 0) throw new Error(`evse exited with ${r.code} ${r.sig}:\n${this.log}`);
		return r;
	}
	cleanup() { fs.rmSync(this.dir, { recursive: true, force: true }); }
}

async function run(tests) {
	let passed = 0, failed = 0;
	for (const [name, fn] of tests) {
		if (process.env.ONLY && !name.includes(process.env.ONLY)) continue; // ONLY=text runs the tests named so
		const t0 = Date.now();
		try {
			await fn();
			passed++;
			console.log(`ok   ${name} (${Date.now() - t0} ms)`);
		} catch (e) {
			failed++;
			console.log(`FAIL ${name}: ${e.stack || e}`);
		}
	}
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

function assert(cond, msg) { if (!cond) throw new Error(msg || 'assertion failed'); }

module.exports = { freePort, sleep, until, Csms, Station, run, assert };
