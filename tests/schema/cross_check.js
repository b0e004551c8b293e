#!/usr/bin/env node
/* cross_check.js — checks the C library's validator against the official OCPP 1.6 JSON schemas as ocpp-rpc's
 * ajv validator applies them: examples generated from the schemas must agree, both ways, with our error codes.
 *
 * Usage: node tests/schema/cross_check.js build/asan/ocpp-tool
 * Positive examples (maximal, minimal, alternating) must be accepted by ajv (else the generator is wrong) and by
 * ours, and our re-encoding must validate and equal the input. Negative examples (one defect each) must be
 * refused by ajv and by ours, with our CALLERROR code from the mapping in src/ocpp/ocpp_schema.c. */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const schemas = require('ocpp-rpc/lib/schemas/ocpp1_6.json');
const validator = require('ocpp-rpc/lib/standard-validators')[0];

const MAX_DETAILS = +(process.env.MAX_DETAILS || 50);
const DATES = [
    '2026-11-20T10:00:00Z', '2026-11-20T10:00:00.123Z', '2026-11-20T11:00:00+01:00', '2026-11-20T04:30:00-05:30',
    '2024-02-29T23:59:59.999999Z', '2016-12-31T23:59:60Z', '2026-11-20t10:00:00z', '2026-11-20 10:00:00Z',
    '2026-11-20T11:00:00+0100', '2026-11-20T11:00:00+01',
];
const URIS = ['http://example.com/fw.bin', 'ftp://user:pw@host/path'];
const INTS = [0, 1, -1, 2147483647, 42, 9007199254740991, -9007199254740991, 3600, 4503599627370499, -9007199254740992];
const DECS = [16.7, 0, 32, 0.1, -3.3, 1234.5, 0.3, 99999.9];
/* Strings are built from these, one character at a time, to exactly the length wanted (in code points). */
const STYLES = [['a', 'b', 'c', '1'], ['é', 'a', '€', 'Z'], ['€'], ['q', '"', '\\', '\n', '\t', '/', '😀', '\u0001', 'ü']];
const UNBOUNDED_LEN = [64, 1000];
const BAD_DATES = ['2026-13-01T00:00:00Z', '2025-02-29T00:00:00Z', '2026-11-20T24:00:00Z', '2026-11-20T10:60:00Z',
    '2026-11-20', 'not a date', '2026-11-20T10:00:00.Z', '2026-11-20T10:00:00+1:00', ''];
/* Not RFC 3339 date-times, yet ajv-formats 2.x (under ocpp-rpc 2.2.1) accepts them: no time offset (its issue
 * #54, fixed in 3.0), a tab for the T, an offset hour past 23, a leap second that is not 23:59:60 UTC. Ours must
 * refuse them all the same; should ajv start refusing one, it belongs in BAD_DATES. */
const AJV_LAX_DATES = ['2026-11-20T10:00:00', '2026-11-20T10:00:00.123', '2026-11-20\t10:00:00Z',
    '2026-11-20T10:00:00+24:00', '2016-12-31T23:59:60+01:00'];
const BAD_URIS = ['fw.bin', 'http://exa mple.com/fw.bin', ''];
const BAD_DECS = [0.05, 16.75];
const EXTRA = 'bogusProperty';
/* The library's documented limits (ocpp_schema.h): the schemas set none, so ajv accepts what they refuse. */
const LIMIT_INT = 2 ** 53 + 2;          /* |x| <= 2^53 */
const LIMIT_STRING = 32 * 1024 + 1;     /* OCPP_DEFAULT_MAX_STRING bytes, for strings without a maxLength */
const LIMIT_ARRAY = 1001;               /* OCPP_DEFAULT_MAX_ARRAY items */

/* ---- reading the schemas ---- */

function resolve(sch, node) {
    return node.$ref ? sch.definitions[node.$ref.split('/').pop()] : node;
}
const isDate = (n) => n.type === 'string' && n.format === 'date-time';
const isUri = (n) => n.type === 'string' && n.format === 'uri';

/* Largest enum of a schema, for how many maximal examples cycle through every value. */
function maxEnum(sch, node) {
    node = resolve(sch, node);
    if (node.enum) return node.enum.length;
    if (node.type === 'array') return maxEnum(sch, node.items);
    if (node.type === 'object') return Math.max(0, ...Object.values(node.properties || {}).map((p) => maxEnum(sch, p)));
    return 0;
}

/* Every enum field of a schema with its values: [{where, values}], where = path with array items as []. */
function enumFields(sch, node, where, out) {
    node = resolve(sch, node);
    if (node.enum) out.push({ where, values: node.enum });
    else if (node.type === 'array') enumFields(sch, node.items, where + '[]', out);
    else if (node.type === 'object') for (const [k, p] of Object.entries(node.properties || {})) enumFields(sch, p, where + '/' + k, out);
    return out;
}

/* ---- generating valid examples ---- */

function makeString(len, style, offset) {
    const chars = STYLES[style % STYLES.length];
    let s = '';
    for (let i = 0; i < len; i++) s += chars[(i + offset) % chars.length];
    return s;
}

/* A generator run: mode 'max' (every property), 'min' (required only), 'alt' (optional ones alternately);
 * v picks the variant: enum value, date form, string style. */
function generate(sch, mode, v, root = sch) {
    let counter = 0; /* varies date forms and styles between fields of one example */
    function gen(node, depth, item) {
        node = resolve(sch, node);
        const k = v + item + counter++;
        if (node.enum) return node.enum[(v + item) % node.enum.length];
        switch (node.type) {
        case 'string':
            if (isDate(node)) return DATES[k % DATES.length];
            if (isUri(node)) return URIS[k % URIS.length];
            if (mode === 'min') return '';
            if (node.maxLength) return makeString(node.maxLength, k, v);
            return makeString(UNBOUNDED_LEN[k % UNBOUNDED_LEN.length], k, v);
        case 'integer': return INTS[k % INTS.length];
        case 'number': return DECS[k % DECS.length];
        case 'boolean': return k % 2 === 0;
        case 'array': {
            const n = mode === 'min' ? node.minItems || 0 : Math.max(2, node.minItems || 0);
            const out = [];
            for (let i = 0; i < n; i++) out.push(gen(node.items, depth + 1, item + i));
            return out;
        }
        case 'object': {
            const req = new Set(node.required || []);
            const out = {};
            Object.entries(node.properties || {}).forEach(([key, p], i) => {
                const keep = req.has(key) || mode === 'max' || (mode === 'alt' && (i + depth + v) % 2 === 0);
                if (keep) out[key] = gen(p, depth + 1, item);
            });
            return out;
        }
        }
        throw new Error(`${sch.$id}: no generator for ${JSON.stringify(node)}`);
    }
    return gen(root, 0, 0);
}

/* ---- generating broken examples from a maximal one ---- */

/* Calls visit(kind, path, node) for every object, property value and first array item in example. */
function sites(sch, node, value, p, visit) {
    node = resolve(sch, node);
    if (node.type === 'object') {
        visit('object', p, node);
        for (const [key, prop] of Object.entries(node.properties || {})) {
            if (!(key in value)) continue;
            visit('value', [...p, key], resolve(sch, prop));
            sites(sch, prop, value[key], [...p, key], visit);
        }
    } else if (node.type === 'array' && value.length) {
        visit('value', [...p, 0], resolve(sch, node.items));
        sites(sch, node.items, value[0], [...p, 0], visit);
    }
}

function mutate(example, p, fn) {
    const copy = structuredClone(example);
    let parent = copy;
    for (const key of p.slice(0, -1)) parent = parent[key];
    fn(parent, p[p.length - 1]); /* key undefined: the root itself */
    return copy;
}
const setAt = (example, p, v) => mutate(example, p, (o, key) => { o[key] = v; });

function wrongTypes(node) {
    if (node.type === 'string') return [42, true, null, {}, []];
    if (node.type === 'integer') return ['1', 1.5, true, null, {}, []];
    if (node.type === 'number') return ['1.5', true, null, []];
    if (node.type === 'boolean') return ['true', 1, null];
    if (node.type === 'object') return ['x', 1, [], null];
    if (node.type === 'array') return ['x', {}, 1, null];
    throw new Error('no wrong types for ' + JSON.stringify(node));
}

/* Negative examples of one schema: [{category, what, payload, code}]. */
function negatives(sch, example) {
    const out = [];
    const add = (category, p, what, payload, code) =>
        out.push({ category, what: '/' + p.join('/') + ' ' + what, payload, code });
    sites(sch, sch, example, [], (kind, p, node) => {
        if (kind === 'object') {
            add('extra-property', p, EXTRA, mutate(example, p, (o, key) => { (key === undefined ? o : o[key])[EXTRA] = 1; }),
                'FormationViolation');
            for (const r of node.required || [])
                add('required-missing', p, 'without ' + r, mutate(example, p, (o, key) => {
                    delete (key === undefined ? o : o[key])[r];
                }), 'OccurenceConstraintViolation');
            return;
        }
        for (const bad of wrongTypes(node))
            add('wrong-type', p, JSON.stringify(bad), setAt(example, p, bad), 'TypeConstraintViolation');
        if (node.type === 'string' && node.maxLength)
            for (const style of [0, 1])
                add('too-long', p, `${node.maxLength + 1} chars (style ${style})`,
                    setAt(example, p, makeString(node.maxLength + 1, style, 0)), 'PropertyConstraintViolation');
        if (node.enum) {
            const bads = ['Bogus', node.enum[0].toLowerCase(), node.enum[0] + ' '].filter((b) => !node.enum.includes(b));
            for (const bad of bads)
                add('bad-enum', p, JSON.stringify(bad), setAt(example, p, bad), 'PropertyConstraintViolation');
        }
        if (isDate(node)) {
            for (const bad of BAD_DATES)
                add('bad-date-time', p, JSON.stringify(bad), setAt(example, p, bad), 'PropertyConstraintViolation');
            for (const bad of AJV_LAX_DATES)
                add('ajv-lax-date-time', p, JSON.stringify(bad), setAt(example, p, bad), 'PropertyConstraintViolation');
        }
        if (isUri(node))
            for (const bad of BAD_URIS)
                add('bad-uri', p, JSON.stringify(bad), setAt(example, p, bad), 'PropertyConstraintViolation');
        if (node.type === 'number' && node.multipleOf)
            for (const bad of BAD_DECS)
                add('not-multiple-of', p, String(bad), setAt(example, p, bad), 'PropertyConstraintViolation');
        if (node.type === 'integer')
            for (const big of [LIMIT_INT, -LIMIT_INT, 1e300])
                add('library-limit', p, `integer ${big}`, setAt(example, p, big), 'PropertyConstraintViolation');
        if (node.type === 'string' && !node.maxLength && !node.format && !node.enum)
            add('library-limit', p, `string of ${LIMIT_STRING} bytes`, setAt(example, p, 'x'.repeat(LIMIT_STRING)),
                'PropertyConstraintViolation');
        if (node.type === 'array')
            add('library-limit', p, `${LIMIT_ARRAY} items`,
                setAt(example, p, Array.from({ length: LIMIT_ARRAY }, () => generate(sch, 'min', 0, node.items))),
                'OccurenceConstraintViolation');
        if (node.type === 'array' && node.minItems)
            add('too-few-items', p, `${node.minItems - 1} items`,
                setAt(example, p, itemsAt(example, p).slice(0, node.minItems - 1)),
                'OccurenceConstraintViolation');
    });
    return out;
}
function itemsAt(example, p) {
    let v = example;
    for (const key of p) v = v[key];
    return structuredClone(v);
}

/* ---- the checks ---- */

function ajvCheck(id, payload) {
    try {
        validator.validate(id, payload);
        return null;
    } catch (e) {
        return e.message || String(e);
    }
}

/* Deep equality with numbers compared by value and key order ignored. */
function deepEqual(a, b) {
    if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return a === b;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/* Where a and b first differ, as "/path: a vs b"; for messages. */
function firstDiff(a, b, p = '') {
    if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
        for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
            if (!deepEqual(a[k], b[k])) return firstDiff(a[k], b[k], `${p}/${k}`);
    }
    const show = (x) => (x === undefined ? 'absent' : JSON.stringify(x).slice(0, 80));
    return `${p || '/'}: sent ${show(a)}, got ${show(b)}`;
}

function runTool(tool, lines, args = []) {
    const input = lines.join('\n') + '\n';
    const r = spawnSync(tool, args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.error) throw r.error;
    const out = r.stdout.split('\n').filter((l) => l.length);
    const parse = (l) => {
        try {
            return JSON.parse(l);
        } catch {
            return { ok: false, code: 'unparseable reply', message: l.slice(0, 200) };
        }
    };
    return { status: r.status, signal: r.signal, stderr: r.stderr, replies: out.map(parse) };
}

function main() {
    const tool = process.argv[2];
    if (!tool) {
        console.error('usage: node tests/schema/cross_check.js path/to/ocpp-tool');
        process.exit(2);
    }
    const cases = [];  /* {category, schema, what, payload, expect: 'ok' | code} */
    const enumChecks = []; /* {schema, where, values} */
    for (const sch of schemas) {
        const id = sch.$id.replace(/^urn:/, '');
        const variants = Math.max(maxEnum(sch, sch), DATES.length);
        for (let v = 0; v < variants; v++)
            cases.push({ category: 'positive-maximal', schema: id, what: `variant ${v}`, payload: generate(sch, 'max', v), expect: 'ok' });
        cases.push({ category: 'positive-minimal', schema: id, what: 'required only', payload: generate(sch, 'min', 0), expect: 'ok' });
        for (let v = 0; v < 2; v++)
            cases.push({ category: 'positive-alternating', schema: id, what: `variant ${v}`, payload: generate(sch, 'alt', v), expect: 'ok' });
        for (const n of negatives(sch, generate(sch, 'max', 0)))
            cases.push({ category: n.category, schema: id, what: n.what, payload: n.payload, expect: n.code });
        for (const e of enumFields(sch, sch, '', [])) enumChecks.push({ schema: id, ...e });
    }
    for (const schema of ['NoSuchAction.req', 'BootNotification.res', 'BootNotification', 'bootnotification.req'])
        cases.push({ category: 'unknown-schema', schema, what: '', payload: {}, expect: 'NotImplemented' });

    const stats = new Map();
    const failures = [];
    const tally = (category, ok, detail) => {
        const s = stats.get(category) || { passed: 0, failed: 0 };
        stats.set(category, s);
        if (ok) s.passed++;
        else { s.failed++; failures.push(`${category}: ${detail}`); }
    };

    const toolRan = (run, n, what) => {
        if (run.status !== 0 || run.replies.length !== n)
            tally('tool', false, `${path.basename(tool)} ${what} exited with ${run.signal || run.status}, ` +
                `${run.replies.length} replies to ${n} lines; stderr: ${run.stderr.slice(-2000)}`);
        else tally('tool', true);
    };
    const run = runTool(tool, cases.map((c) => JSON.stringify({ schema: c.schema, payload: c.payload })));
    toolRan(run, cases.length, 'on payloads');

    /* The frame mode, briefly: it is there for debugging, but it should not lie or leak. */
    const frames = [
        ['[2,"id-1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]',
            { ok: true, type: 2, id: 'id-1', action: 'BootNotification', payload: { chargePointVendor: 'V', chargePointModel: 'M' } }],
        ['[3,"id-1",{"status":"Accepted"}]', { ok: true, type: 3, id: 'id-1', payload: { status: 'Accepted' } }],
        ['[4,"id-1","NotImplemented","",{}]',
            { ok: true, type: 4, id: 'id-1', errorCode: 'NotImplemented', errorDescription: '', payload: {} }],
        ['[2,"id-1","Heartbeat"', { ok: false, code: 'FormationViolation' }],
        ['[7,"id-1"]', { ok: false, code: 'Ignored' }],
    ];
    const frameRun = runTool(tool, frames.map((f) => f[0]), ['frame']);
    toolRan(frameRun, frames.length, 'frame');
    frames.forEach(([text, want], i) => {
        const got = frameRun.replies[i] || {};
        const ok = Object.entries(want).every(([k, v]) => deepEqual(v, got[k]));
        tally('frame', ok, `${text}: got ${JSON.stringify(got)}`);
    });

    const seen = new Map(); /* schema -> list of valid payloads we accepted, for enum coverage */
    cases.forEach((c, i) => {
        const reply = run.replies[i];
        const label = `${c.schema} ${c.what}`;
        const known = c.category !== 'unknown-schema';
        const ajvErr = known ? ajvCheck('urn:' + c.schema, c.payload) : 'unknown';
        if (c.expect === 'ok') {
            if (ajvErr) return tally(c.category, false, `${label}: GENERATOR BUG, ajv refuses: ${ajvErr}`);
            if (!reply) return tally(c.category, false, `${label}: no reply`);
            if (!reply.ok) return tally(c.category, false, `${label}: ours refuses (${reply.code}: ${reply.message})`);
            const reErr = ajvCheck('urn:' + c.schema, reply.json);
            if (reErr) return tally(c.category, false, `${label}: our re-encoding fails the schema: ${reErr}`);
            if (!deepEqual(c.payload, reply.json))
                return tally(c.category, false, `${label}: re-encoding differs at ${firstDiff(c.payload, reply.json)}`);
            if (!seen.has(c.schema)) seen.set(c.schema, []);
            seen.get(c.schema).push(c.payload);
            return tally(c.category, true);
        }
        if (c.category === 'ajv-lax-date-time' || c.category === 'library-limit') {
            if (ajvErr) return tally(c.category, false, `${label}: ajv refuses this too: it is no divergence`);
        } else if (!ajvErr) return tally(c.category, false, `${label}: GENERATOR BUG, ajv accepts this negative`);
        if (!reply) return tally(c.category, false, `${label}: no reply`);
        if (reply.ok) return tally(c.category, false, `${label}: ours accepts, expected ${c.expect}`);
        if (reply.code !== c.expect)
            return tally(c.category, false, `${label}: ours says ${reply.code} (${reply.message}), expected ${c.expect}`);
        return tally(c.category, true);
    });

    /* Every value of every enum field was in an example that passed both ways. */
    for (const e of enumChecks) {
        const found = new Set();
        const collect = (v, parts) => {
            if (v === undefined) return;
            if (!parts.length) return found.add(v);
            const [head, ...rest] = parts;
            if (head === '[]') { if (Array.isArray(v)) v.forEach((x) => collect(x, rest)); } else collect(v[head], rest);
        };
        const parts = e.where.split(/(\[\])|\//).filter((x) => x);
        for (const payload of seen.get(e.schema) || []) collect(payload, parts);
        const missing = e.values.filter((x) => !found.has(x));
        tally('enum-coverage', missing.length === 0, `${e.schema} ${e.where}: never seen ${missing.join(', ')}`);
    }

    let passed = 0, failed = 0;
    for (const [category, s] of stats) {
        console.log(`${category.padEnd(22)} ${String(s.passed).padStart(5)} passed ${String(s.failed).padStart(5)} failed`);
        passed += s.passed;
        failed += s.failed;
    }
    console.log(`schemas: ${schemas.length}, examples: ${cases.length}, enum fields: ${enumChecks.length}`);
    for (const f of failures.slice(0, MAX_DETAILS)) console.log('FAIL ' + f);
    if (failures.length > MAX_DETAILS) console.log(`... and ${failures.length - MAX_DETAILS} more failures`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
}

main();
