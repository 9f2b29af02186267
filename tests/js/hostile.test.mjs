// The hostile-input suite (tests/hostile/, see tests/integration/hostile.rs and scripts/gen_hostile.py)
// through the wasm build in Node: no panic (a trap would show as "internal error, the validator
// was restarted"), no hang (a watchdog terminates the worker past the time bound), the issue
// each input must yield, the same outcome twice, and byte for byte the same OperationOutcome as
// the native CLI (`fhirval validate --format json`, run once per option set over all inputs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { repo, pkgDir, cli } from './helpers.mjs';

const dir = path.join(repo, 'tests', 'hostile');
const all = ['gen.json', 'hand.json'].flatMap((m) => JSON.parse(fs.readFileSync(path.join(dir, m), 'utf8')));
// the npm package keeps the parser's default limits: cases that set them are native only
const NATIVE_ONLY = ['maxInputBytes', 'maxDepth', 'maxStringBytes'];
const nativeOnly = (c) => NATIVE_ONLY.some((k) => c.options && k in c.options);
const cases = all.filter((c) => !nativeOnly(c));
// wasm is slower than native code, and CI machines are shared
const boundMs = (c) => Math.max(3 * c.ms, 5000);

/** Run the cases in workers; a case over its bound terminates the worker (the rest go on). */
async function runAll(list) {
  const results = new Map();
  let rest = list;
  while (rest.length > 0) {
    const done = await new Promise((resolve) => {
      const w = new Worker(new URL('./hostile-worker.mjs', import.meta.url), {
        workerData: { pkgDir, dir, cases: rest },
      });
      let timer = null;
      let current = null;
      const finish = (why) => {
        clearTimeout(timer);
        w.terminate();
        resolve(why);
      };
      w.on('message', (m) => {
        clearTimeout(timer);
        if (m.kind === 'start') {
          current = rest.find((c) => c.file === m.file);
          timer = setTimeout(() => {
            results.set(current.file, { timeout: boundMs(current) });
            finish(current.file);
          }, boundMs(current) * 2 + 10000); // two validations, and the worker's start-up
        } else if (m.kind === 'done') {
          results.set(m.file, m);
        } else if (m.kind === 'end') {
          finish(null);
        }
      });
      w.on('error', (e) => {
        if (current) results.set(current.file, { error: String(e) });
        finish(current && current.file);
      });
    });
    if (done === null) break;
    rest = rest.slice(rest.findIndex((c) => c.file === done) + 1);
  }
  return results;
}

function matches(issue, e) {
  const ext = (i) => issue.extension && issue.extension[i] && issue.extension[i].valueInteger;
  return (
    issue.severity === e.severity &&
    (e.code === undefined || issue.code === e.code) &&
    issue.details.text.includes(e.text) &&
    (e.expression === undefined || (issue.expression || [''])[0] === e.expression) &&
    (e.line === undefined || (ext(0) === e.line && ext(1) === e.col))
  );
}

/** The CLI's OperationOutcome for each file, one run per option set. */
function cliOutcomes(list) {
  const out = new Map();
  const groups = new Map();
  for (const c of list) {
    const key = JSON.stringify(c.options || {});
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  for (const [key, group] of groups) {
    const o = JSON.parse(key);
    const args = ['validate', '--format', 'json'];
    if (o.maxIssues !== undefined) args.push('--max-issues', String(o.maxIssues));
    if (o.allowComments) args.push('--allow-comments');
    if (o.securityChecks) args.push('--security-checks');
    // always a Bundle of outcomes, even for one file
    const files = group.map((c) => path.join(dir, c.file));
    const r = spawnSync(cli, [...args, ...files, ...(files.length === 1 ? files : [])], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    assert.ok(r.status === 0 || r.status === 1, `CLI exit ${r.status}: ${r.stderr}`);
    const bundle = JSON.parse(r.stdout);
    group.forEach((c, i) => {
      const { extension, ...oo } = bundle.entry[i].resource;
      out.set(c.file, JSON.stringify(oo));
    });
  }
  return out;
}

test(`hostile inputs through the wasm build (${cases.length} of ${all.length}; native-only limits and known bugs left out)`, async (t) => {
  assert.ok(all.length >= 200, `only ${all.length} hostile inputs`);
  const results = await runAll(cases);
  const native = fs.existsSync(cli) ? cliOutcomes(cases) : null;
  let slowest = { ms: 0 };
  for (const c of cases) {
    await t.test(c.file, () => {
      const r = results.get(c.file);
      assert.ok(r, 'no result');
      assert.ok(!r.timeout, `no outcome within ${r.timeout} ms`);
      assert.ok(!r.error, r.error);
      const oo = JSON.parse(r.oo);
      assert.equal(oo.resourceType, 'OperationOutcome');
      const shown = () => oo.issue.slice(0, 6).map((i) => `${i.severity} ${i.code} ${(i.expression || ['-'])[0]} | ${i.details.text.slice(0, 160)}`).join('\n');
      assert.ok(!oo.issue.some((i) => i.details.text.includes('internal error')), `a panic:\n${shown()}`);
      assert.ok(r.ms <= boundMs(c), `${r.ms.toFixed(0)} ms, over ${boundMs(c)} ms`);
      for (const e of c.expect) {
        assert.ok(oo.issue.some((i) => matches(i, e)), `no issue matches ${JSON.stringify(e)}; got:\n${shown()}`);
      }
      const errors = oo.issue.some((i) => i.severity === 'error' || i.severity === 'fatal');
      if (c.valid === true) assert.ok(!errors, `expected no error, got:\n${shown()}`);
      assert.ok(r.same, 'a second validation gave a different outcome');
      if (r.asString !== null) assert.equal(r.asString, r.oo, 'the input as a string gives another outcome');
      if (native) assert.equal(r.oo, native.get(c.file), 'the wasm outcome differs from the CLI');
      if (r.ms > slowest.ms) slowest = { ms: r.ms, file: c.file };
    });
  }
  t.diagnostic(`slowest in wasm: ${slowest.file} ${slowest.ms.toFixed(0)} ms`);
});

test('the wasm module imports nothing that reaches the network or the file system', async () => {
  const bytes = fs.readFileSync(path.join(pkgDir, 'fhirval_bg.wasm'));
  const imports = WebAssembly.Module.imports(await WebAssembly.compile(bytes));
  assert.ok(imports.length > 0);
  const suspicious = imports.filter(({ name }) =>
    /fetch|xmlhttp|websocket|eventsource|sendbeacon|request|socket|readfile|writefile|open|importscripts|location|navigator/i.test(name),
  );
  assert.deepEqual(suspicious, [], 'imports that could reach outside');
});

test('JavaScript strings with lone surrogates are validated as U+FFFD, never thrown on', async () => {
  const { Validator } = (await import('node:module')).createRequire(import.meta.url)(pkgDir);
  const v = await Validator.create();
  const lone = v.validate('{"resourceType": "Patient", "name": [{"family": "a\uD800b"}]}');
  const replaced = v.validate('{"resourceType": "Patient", "name": [{"family": "a\uFFFDb"}]}');
  assert.deepEqual(lone, replaced);
  assert.ok(!lone.issue.some((i) => i.severity === 'fatal'), JSON.stringify(lone));
  // a long one crosses as UTF-8 bytes from the encoder
  const long = `{"resourceType": "Patient", "name": [{"family": "${'\uDC00'.repeat(70000)}"}]}`;
  assert.ok(!v.validate(long).issue.some((i) => i.severity === 'fatal'));
  v.free();
});
