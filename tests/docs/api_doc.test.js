#!/usr/bin/env node
// tests/docs/api_doc.test.js — docs/api.md's route and error tables are the ones the code has: the
// generator (tools/csms_apidoc.c) is run on the document and must give it back unchanged. Then the check
// checks itself: a drifted row, a route table without its block, an unknown table and an unclosed block
// are each caught.
//
//   node tests/docs/api_doc.test.js build/asan/csms-apidoc docs/api.md     (make check-api-doc)
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const [tool, doc] = process.argv.slice(2);
if (!tool || !doc) {
	console.error('usage: node tests/docs/api_doc.test.js path/to/csms-apidoc docs/api.md');
	process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-apidoc-'));

// Runs the generator on text; returns {status, out, stderr}.
function generate(text, name) {
	const inp = path.join(dir, `${name}.in.md`), out = path.join(dir, `${name}.out.md`);
	fs.writeFileSync(inp, text);
	const r = spawnSync(tool, [inp, out], { encoding: 'utf8' });
	return { status: r.status, out: r.status === 0 ? fs.readFileSync(out, 'utf8') : '', stderr: r.stderr };
}

// The check itself: is text what the generator writes from it?
function upToDate(text, name) {
	const r = generate(text, name);
	return r.status === 0 && r.out === text;
}

function firstDifference(a, b) {
	const la = a.split('\n'), lb = b.split('\n');
	for (let i = 0; i < Math.max(la.length, lb.length); i++)
		if (la[i] !== lb[i]) return `line ${i + 1}:\n  docs/api.md: ${la[i]}\n  generated:   ${lb[i]}`;
	return '';
}

try {
	const text = fs.readFileSync(doc, 'utf8');
	const real = generate(text, 'real');
	if (real.status !== 0) {
		console.error(real.stderr.trim());
		console.error(`${doc}: its generated blocks are broken (see above)`);
		process.exit(1);
	}
	if (real.out !== text) {
		console.error(firstDifference(text, real.out));
		console.error(`${doc} is out of date with the route or error tables: run make regen-docs`);
		process.exit(1);
	}

	// the check fails when a generated row drifts (a role, a summary, a status edited by hand)
	const lines = text.split('\n');
	const row = lines.findIndex((l, i) => i > 0 && lines[i - 1].startsWith('| --- |') && l.startsWith('| `'));
	assert.ok(row > 0, 'the document has a generated route row');
	const drifted = [...lines];
	drifted[row] = drifted[row].replace(/\| ([^|]*) \|$/, '| hand-edited |');
	assert.notStrictEqual(drifted[row], lines[row]);
	assert.strictEqual(upToDate(drifted.join('\n'), 'drifted'), false, 'a hand-edited row is caught');
	const errRow = lines.findIndex((l) => /^\| \d{3} \| `/.test(l));
	assert.ok(errRow > 0, 'the document has the error table');
	const wrongStatus = [...lines];
	wrongStatus[errRow] = wrongStatus[errRow].replace(/^\| \d{3}/, '| 299');
	assert.strictEqual(upToDate(wrongStatus.join('\n'), 'status'), false, 'an edited error status is caught');
	// and prose outside the blocks is the document's own: changing it is not drift
	assert.strictEqual(upToDate(text.replace('## Conventions', '## Conventions (edited)'), 'prose'), true);

	// a route table without its block, an unknown table, a block not closed: refused, naming the problem
	const noBlock = text.replace(/<!-- generated: routes live -->[\s\S]*?<!-- end generated -->\n/, '');
	assert.notStrictEqual(noBlock, text);
	let r = generate(noBlock, 'noblock');
	assert.strictEqual(r.status, 1);
	assert.match(r.stderr, /route table "live" has no block/);
	r = generate(text.replace('<!-- generated: routes live -->', '<!-- generated: routes nosuch -->'), 'unknown');
	assert.strictEqual(r.status, 1);
	assert.match(r.stderr, /no route table "nosuch"/);
	r = generate(`${text}\n<!-- generated: errors -->\n`, 'unclosed');
	assert.strictEqual(r.status, 1);
	assert.match(r.stderr, /not closed/);

	console.log(`${doc}: route and error tables are up to date (and the check catches drift)`);
} finally {
	fs.rmSync(dir, { recursive: true, force: true });
}
