#!/usr/bin/env node
// scripts/imports.js — the import picture of one program's sources: which module includes which, the
// circles (strongly connected groups of more than one module), the floors (longest chain of imports) and
// the imports that run back up the rooms' order.
//
//   node scripts/imports.js [dir] [--check] [--edges]
//
// dir defaults to src/csms. A module is a file's name without .c/.h (csms_conn.c and csms_conn.h are
// one module); its room is its sub-folder. The rooms' order (highest first) comes from the dir's ROOMS
// line in this file; files at the top of dir are the program's entry (main.c, the server) and may
// include anything, except the "core" headers listed there, which sit below every room.
// --check exits 1 when there is a circle or a back-up import (CI runs it for src/csms and src/evse).
'use strict';
const fs = require('fs');
const path = require('path');

// highest room first; an import from a room to a higher one is a back-up import
const ROOMS = {
	'src/csms': { order: ['api', 'station', 'store'], core: ['csms', 'csms_config'] },
	'src/evse': { order: [], core: [] },
	'src/ocpp': { order: [], core: [] },
};

const args = process.argv.slice(2);
const dir = (args.find((a) => !a.startsWith('--')) || 'src/csms').replace(/\/$/, '');
const check = args.includes('--check');
const showEdges = args.includes('--edges');
const rooms = ROOMS[dir] || { order: [], core: [] };

function walk(d) {
	return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(d, e.name);
		if (e.isDirectory()) return walk(p);
		return /\.[ch]$/.test(e.name) ? [p] : [];
	});
}

const files = walk(dir);
const modOf = new Map(); // header or source basename -> module
const roomOf = new Map(); // module -> room ('' = top)
for (const f of files) {
	const base = path.basename(f);
	const mod = base.replace(/\.[ch]$/, '').replace(/_int$/, ''); // a module's private header is the module
	const room = path.relative(dir, path.dirname(f));
	modOf.set(base, mod);
	if (roomOf.has(mod) && roomOf.get(mod) !== room) {
		console.error(`imports: ${mod} has files in two rooms (${roomOf.get(mod)}, ${room})`);
		process.exit(2);
	}
	roomOf.set(mod, room);
}

const edges = new Map(); // module -> Set(module)
for (const m of roomOf.keys()) edges.set(m, new Set());
for (const f of files) {
	const mod = modOf.get(path.basename(f));
	for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
		const m = /^\s*#\s*include\s+"([^"]+)"/.exec(line);
		if (!m) continue;
		const target = modOf.get(path.basename(m[1]));
		if (target && target !== mod) edges.get(mod).add(target);
	}
}

// circles: Tarjan's strongly connected components
let index = 0;
const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], sccs = [];
function strong(v) {
	idx.set(v, index);
	low.set(v, index++);
	stack.push(v);
	onStack.add(v);
	for (const w of edges.get(v)) {
		if (!idx.has(w)) {
			strong(w);
			low.set(v, Math.min(low.get(v), low.get(w)));
		} else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
	}
	if (low.get(v) === idx.get(v)) {
		const c = [];
		let w;
		do {
			w = stack.pop();
			onStack.delete(w);
			c.push(w);
		} while (w !== v);
		sccs.push(c);
	}
}
for (const v of edges.keys()) if (!idx.has(v)) strong(v);
const circles = sccs.filter((c) => c.length > 1);
const sccOf = new Map();
sccs.forEach((c, i) => c.forEach((m) => sccOf.set(m, i)));

// floors: longest chain in the graph of components (a module that includes nothing is floor 1)
const floorMemo = new Map();
function floor(i) {
	if (floorMemo.has(i)) return floorMemo.get(i);
	floorMemo.set(i, 1);
	let f = 1;
	for (const m of sccs[i]) for (const w of edges.get(m)) if (sccOf.get(w) !== i) f = Math.max(f, 1 + floor(sccOf.get(w)));
	floorMemo.set(i, f);
	return f;
}
const floors = Math.max(...sccs.map((_, i) => floor(i)));

// back-up imports: by room order; top-level entry files may include anything; core sits below every room
function rank(m) {
	const r = roomOf.get(m);
	if (rooms.core.includes(m)) return 0;
	if (r === '') return rooms.order.length + 1;
	const i = rooms.order.indexOf(r.split(path.sep)[0]);
	return i < 0 ? 0.5 : rooms.order.length - i;
}
const back = [];
let nEdges = 0;
for (const [m, ws] of edges)
	for (const w of ws) {
		nEdges++;
		if (rank(w) > rank(m)) back.push(`${roomOf.get(m) || '.'}/${m} -> ${roomOf.get(w) || '.'}/${w}`);
	}

const nFiles = files.length;
const perRoom = {};
for (const f of files) {
	const r = path.relative(dir, path.dirname(f)) || '.';
	perRoom[r] = (perRoom[r] || 0) + 1;
}
console.log(`imports ${dir}: ${nFiles} files, ${roomOf.size} modules, ${nEdges} imports, ${floors} floors, ` +
	`${circles.length} circles, ${back.length} back-up imports`);
console.log(`  rooms: ${Object.entries(perRoom).map(([r, n]) => `${r} ${n}`).join(', ')}`);
for (const c of circles) console.log(`  circle (${c.length}): ${c.sort().join(' ')}`);
for (const b of back) console.log(`  back-up: ${b}`);
if (showEdges)
	for (const [m, ws] of edges) if (ws.size) console.log(`  ${m} -> ${[...ws].sort().join(' ')}`);
if (check && (circles.length || back.length)) process.exit(1);
