// NDJSON in the npm package: validateNdjson and validateNdjsonStream against the CLI
// (`fhirval validate --format ndjson`, one result per resource), on a generated ~50 MB file with
// hostile lines (blank, CRLF, not JSON, not UTF-8, over the size limit), through a Node Readable
// (one thread and a pool of 2 workers), a web ReadableStream and an async iterable of strings;
// memory (what is held grows well under the input size); `maxIssues` per line; bad sources and options.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { execFileSync } from 'node:child_process';
import { repo, cli } from './helpers.mjs';
import { Validator, FhirvalError } from '../../pkg/index.mjs';

// Memory held, read after a full collection: what the stream keeps, not garbage waiting for the
// collector (RSS read without one varied from 0 to 43 MB between identical runs).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
function held() {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fhirval-stream-'));
// ~54 MB of generated input: removed when this file's tests end (each run left one behind)
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const big = path.join(tmp, 'big.ndjson');
const small = path.join(tmp, 'small.ndjson');
const HOSTILE_LINES = Buffer.concat([
  Buffer.from('\n   \n{"resourceType": "Patient", "id": "crlf", "gender": "x"}\r\n{oops\n'),
  Buffer.from('{"resourceType": "Patient", "name": [{"family": "'),
  Buffer.from([0xff]),
  Buffer.from('"}]}\n'),
]);
execFileSync('python3', [path.join(repo, 'scripts', 'make_bulk.py'), 'ndjson', '7500', big]);
fs.appendFileSync(big, HOSTILE_LINES);
execFileSync('python3', [path.join(repo, 'scripts', 'make_bulk.py'), 'ndjson', '200', small]);
// a line over a 1 MiB limit (for maxInputMb: 1), then a last line without a newline
fs.appendFileSync(small, Buffer.concat([HOSTILE_LINES, Buffer.from(`{"resourceType": "Basic", "text": "${'a'.repeat(3 << 20)}"}\n{"resourceType": "Basic", "id": 7}`)]));

/** The CLI's per-resource results, without the file, as JSON text each. */
function cliRecords(file, ...args) {
  let out;
  try {
    out = execFileSync(cli, ['validate', '--format', 'ndjson', ...args, file], { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    assert.equal(e.status, 1, String(e));
    out = e.stdout;
  }
  return out.split('\n').filter(Boolean).map((l) => {
    const { file: _, ...r } = JSON.parse(l);
    return JSON.stringify(r);
  });
}

async function collect(iter) {
  const out = [];
  for await (const r of iter) out.push(JSON.stringify(r));
  return out;
}

let v;
test('setup', async () => {
  v = await Validator.create();
});

test('a ~50 MB NDJSON stream gives the CLI results, in order, with bounded memory', async (t) => {
  const size = fs.statSync(big).size;
  assert.ok(size > 45e6, `${size}`);
  const expected = cliRecords(big);
  assert.equal(expected.length, 7503);
  // warm: the set's definitions are decoded on first use, into wasm memory that stays
  const head = fs.readFileSync(big).subarray(0, 8 << 20);
  v.validateNdjson(head.subarray(0, head.lastIndexOf(10) + 1));
  const before = held();
  let peak = before;
  let n = 0;
  let last = null;
  for await (const r of v.validateNdjsonStream(fs.createReadStream(big, { highWaterMark: 256 << 10 }))) {
    const s = JSON.stringify(r);
    assert.equal(s, expected[n], `resource ${n}`);
    n++;
    last = r;
    if (n % 512 === 0) peak = Math.max(peak, held());
  }
  assert.equal(n, expected.length);
  const growth = peak - before;
  t.diagnostic(`memory held grew ${(growth / 1e6).toFixed(1)} MB streaming ${(size / 1e6).toFixed(0)} MB`);
  // the V8 heap and the wasm memory's high-water of a chunk; the input is 50 MB
  assert.ok(growth < size / 2, `memory held grew ${(growth / 1e6).toFixed(0)} MB for a ${(size / 1e6).toFixed(0)} MB input`);
  assert.equal(last.line, 7500 + 5);
  assert.equal(last.valid, false);
});

test('two workers give the same results, in input order, with memory not held by the stream', async () => {
  const expected = cliRecords(big);
  const before = process.memoryUsage().rss;
  let peak = before;
  let n = 0;
  for await (const r of v.validateNdjsonStream(fs.createReadStream(big), { workers: 2 })) {
    assert.equal(JSON.stringify(r), expected[n], `resource ${n}`);
    n++;
    if (n % 256 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  assert.equal(n, expected.length);
  // two workers' wasm instances (each with its profile set) are the growth here, not the input
  assert.ok(peak - before < 600e6, `RSS grew ${((peak - before) / 1e6).toFixed(0)} MB`);
});

test('validateNdjson, web streams, string chunks and a too-long line agree with the CLI', async () => {
  const expected = cliRecords(small, '--max-input-mb', '1');
  const w = Validator.fromProfileSet(v.toProfileSet(), { maxInputMb: 1 });
  const bytes = fs.readFileSync(small);
  assert.deepEqual(w.validateNdjson(bytes).map((r) => JSON.stringify(r)), expected);
  assert.deepEqual(await collect(w.validateNdjsonStream(Readable.toWeb(fs.createReadStream(small, { highWaterMark: 4096 })))), expected);
  // string chunks (a UTF-8 text: the generated lines), cut anywhere
  const text = bytes.subarray(0, bytes.indexOf('\n{oops')).toString('utf8');
  async function* strings() {
    for (let i = 0; i < text.length; i += 7777) yield text.slice(i, i + 7777);
  }
  assert.deepEqual(await collect(w.validateNdjsonStream(strings())), w.validateNdjson(text).map((r) => JSON.stringify(r)));
  assert.deepEqual(await collect(w.validateNdjsonStream([bytes])), expected);
  assert.deepEqual(await collect(w.validateNdjsonStream(fs.createReadStream(small), { workers: 2 })), expected);
  const tooLong = expected.map((s) => JSON.parse(s)).find((r) => r.outcome.issue[0].details.text.includes('input size at least'));
  assert.equal(tooLong.line, 206);
  assert.equal(JSON.parse(expected.at(-1)).resourceType, 'Basic');
  assert.equal(JSON.parse(expected.at(-1)).id, null);
});

test('maxIssues caps each line; the file keeps every line', () => {
  const bad = JSON.stringify({ resourceType: 'Patient', gender: 'x', birthDate: 'x', active: 'x', foo: 1 });
  const w = Validator.fromProfileSet(v.toProfileSet(), { maxIssues: 2 });
  const results = w.validateNdjson(Array(40).fill(bad).join('\n'));
  assert.equal(results.length, 40);
  for (const r of results) {
    assert.equal(r.outcome.issue.length, 3);
    assert.equal(r.outcome.issue[2].details.text, 'Too many issues: only the first 2 are reported');
  }
  const flat = w.validate(Array(40).fill(bad).join('\n'), { format: 'ndjson' });
  assert.equal(flat.issue.length, 120);
});

test('bad sources and options are FhirvalErrors', async () => {
  await assert.rejects(collect(v.validateNdjsonStream(42)), FhirvalError);
  await assert.rejects(collect(v.validateNdjsonStream([{}])), /a stream chunk must be a string or bytes/);
  await assert.rejects(collect(v.validateNdjsonStream(['{}'], { workers: 0 })), /workers/);
  await assert.rejects(collect(v.validateNdjsonStream(['{}\n'], { profile: 'x' })), /unknown option 'profile'/);
  assert.throws(() => v.validateNdjson(42), FhirvalError);
  assert.throws(() => v.validateNdjson('{}', { profiles: ['http://example.org/none'] }), /is not in the loaded profile set/);
  assert.deepEqual(v.validateNdjson('\n \n'), []);
});

test('the npm package as a pipeline engineer finds it: rejects, non-resources, unknown keys, CLI options', async () => {
  await assert.rejects(Validator.create({ profile: 'x' }), (e) => e instanceof FhirvalError && /unknown option 'profile'/.test(e.error));
  await assert.rejects(Validator.create({ profileSet: new Uint8Array(3) }), FhirvalError);
  assert.ok((await Validator.tryCreate({ profileSet: new Uint8Array(3) })) instanceof FhirvalError);
  assert.ok(Validator.fromProfileSet(v.toProfileSet(), { noInvariant: true }) instanceof FhirvalError);
  for (const input of [Promise.resolve({}), new Map(), new Set(), new SharedArrayBuffer(4), new Date()]) {
    const oo = v.validate(input);
    assert.equal(oo.issue[0].severity, 'fatal');
    assert.match(oo.issue[0].details.text, /not a FHIR resource/);
  }
  assert.match(v.validate('{}', { profile: 'x' }).issue[0].details.text, /unknown option 'profile'/);
  const p = '{"resourceType": "Patient", "gender": "x"}';
  const codes = (w) => w.validate(p).issue.map((i) => `${i.severity} ${i.code}`);
  const set = v.toProfileSet();
  assert.ok(codes(v).includes('error code-invalid'));
  assert.ok(!codes(Validator.fromProfileSet(set, { noTerminology: true })).includes('error code-invalid'));
  assert.ok(!codes(Validator.fromProfileSet(set, { noInvariants: true })).includes('warning invariant'));
  assert.ok(!codes(Validator.fromProfileSet(set, { suppress: 'dom-6\t*\n' })).includes('warning invariant'));
  // by the Java message id: exactly those issues go
  const all = codes(v);
  const byId = codes(Validator.fromProfileSet(set, { suppress: 'Terminology_TX_NoValid_16\n' }));
  assert.deepEqual(byId, all.filter((c) => c !== 'error code-invalid'));
  assert.equal(byId.length, all.length - 1);
  const shallow = Validator.fromProfileSet(set, { maxDepth: 2 });
  assert.match(shallow.validate('{"resourceType": "Patient", "name": [{"given": ["a"]}]}').issue[0].details.text, /nesting depth exceeds 2/);
  assert.ok(Validator.fromProfileSet(set, { maxDepth: 5000 }) instanceof FhirvalError);
});
