// `npm pack` of pkg/ installs into a fresh directory and works there: `import` and `require`
// of 'fhirval', the exports map's browser condition, the browser build's API (run in Node with
// the wasm and profile set given as bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pkgDir, cli, INVALID_PATIENT } from './helpers.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules', '.bin', 'tsc');

test('npm pack of pkg/ installs in a fresh directory; import and require work there', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fhirval-pack-'));
  try {
    const packed = JSON.parse(
      execFileSync(npm, ['pack', pkgDir, '--pack-destination', tmp, '--json'], { encoding: 'utf8' }),
    )[0];
    const files = packed.files.map((f) => f.path).sort();
    for (const f of ['package.json', 'index.cjs', 'index.mjs', 'index.d.ts', 'browser.mjs', 'core.mjs', 'src/core.cjs', 'src/ndjson-worker.cjs', 'bin/fhirval.cjs', 'fhirval_node.cjs', 'fhirval_web.mjs', 'fhirval_bg.wasm', 'fhirval-default.fvps', 'README.md']) {
      assert.ok(files.includes(f), `${f} missing from the tarball: ${files}`);
    }
    const app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--offline', path.join(tmp, packed.filename)], { cwd: app, stdio: 'pipe' });
    fs.writeFileSync(path.join(app, 'patient.json'), INVALID_PATIENT);

    fs.writeFileSync(
      path.join(app, 'esm.mjs'),
      `import { Validator } from 'fhirval';
import { readFileSync } from 'node:fs';
const v = await Validator.create();
const oo = v.validate(readFileSync('patient.json', 'utf8'));
console.log(JSON.stringify(oo.issue.filter((i) => i.severity === 'error').map((i) => i.details.text)));
`,
    );
    fs.writeFileSync(
      path.join(app, 'cjs.cjs'),
      `const { Validator } = require('fhirval');
Validator.create().then((v) => {
  const oo = v.validate(require('fs').readFileSync('patient.json', 'utf8'));
  console.log(JSON.stringify(oo.issue.filter((i) => i.severity === 'error').map((i) => i.details.text)));
});
`,
    );
    // publishable: not private, a bin; and nothing but the listed files
    const published = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    assert.equal(published.private, undefined);
    assert.deepEqual(published.bin, { fhirval: 'bin/fhirval.cjs' });
    assert.equal(files.length, 14, files.join(' '));
    // `npx fhirval validate FILE`: the native CLI's output, byte for byte, and its exit code
    for (const args of [['--format', 'json'], ['--format', 'text'], ['--format', 'ndjson'], ['--format', 'json', '--no-terminology', '--max-issues', '2']]) {
      const run = (cmd, argv) => {
        try {
          return { out: execFileSync(cmd, argv, { cwd: app, encoding: 'utf8' }), status: 0 };
        } catch (e) {
          return { out: e.stdout, status: e.status };
        }
      };
      const viaNpx = run(npm === 'npm' ? 'npx' : 'npx.cmd', ['--offline', 'fhirval', 'validate', ...args, 'patient.json']);
      const native = run(cli, ['validate', ...args, 'patient.json']);
      assert.equal(viaNpx.status, 1);
      assert.equal(native.status, 1);
      assert.equal(viaNpx.out, native.out, args.join(' '));
    }
    const esmOut = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: app, encoding: 'utf8' }));
    const cjsOut = JSON.parse(execFileSync(process.execPath, ['cjs.cjs'], { cwd: app, encoding: 'utf8' }));
    assert.equal(esmOut.length, 3, esmOut.join('\n'));
    assert.ok(esmOut.includes("Not a valid date format: '2020-13-01'"));
    assert.deepEqual(cjsOut, esmOut);

    // the exports map: Node gets index.mjs/index.cjs, browsers and bundlers browser.mjs
    const resolve = (conditions, type) =>
      execFileSync(
        process.execPath,
        [...conditions.map((c) => `--conditions=${c}`), '--input-type=module', '-e',
          type === 'import' ? `console.log(import.meta.resolve('fhirval'))` : `import { createRequire } from 'node:module'; console.log(createRequire(process.cwd() + '/x.js').resolve('fhirval'))`],
        { cwd: app, encoding: 'utf8' },
      ).trim();
    assert.match(resolve([], 'import'), /fhirval\/index\.mjs$/);
    assert.match(resolve([], 'require'), /fhirval\/index\.cjs$/);
    assert.match(resolve(['browser'], 'import'), /fhirval\/browser\.mjs$/);

    // the browser build, in Node: wasm and profile set handed over as bytes
    fs.writeFileSync(
      path.join(app, 'web.mjs'),
      `import { Validator, FhirvalError } from 'fhirval/browser';
import { readFileSync } from 'node:fs';
const dir = 'node_modules/fhirval/';
const early = Validator.fromProfileSet(readFileSync(dir + 'fhirval-default.fvps'));
if (!(early instanceof FhirvalError)) throw new Error('expected an error object before init()');
const v = await Validator.create({ wasm: readFileSync(dir + 'fhirval_bg.wasm'), profileSet: readFileSync(dir + 'fhirval-default.fvps') });
const oo = v.validate(readFileSync('patient.json'));
console.log(JSON.stringify(oo.issue.filter((i) => i.severity === 'error').map((i) => i.details.text)));
`,
    );
    const webOut = JSON.parse(execFileSync(process.execPath, ['web.mjs'], { cwd: app, encoding: 'utf8' }));
    assert.deepEqual(webOut, esmOut);

    // TypeScript users: the types resolve through the exports map and describe the API
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'fhirval', 'package.json'), 'utf8'));
    assert.ok(fs.existsSync(path.join(app, 'node_modules', 'fhirval', manifest.types)));
    if (fs.existsSync(tsc)) {
      fs.writeFileSync(
        path.join(app, 'check.mts'),
        `import { Validator, FhirvalError, type OperationOutcome, type ProfileInfo } from 'fhirval';
async function* lines() { yield '{}\\n'; yield new Uint8Array(0); }
// the happy path types cleanly: create() rejects rather than resolving to an error
const v = await Validator.create({ mode: 'pdex', noInvariants: true, maxInputMb: 64 });
const maybe: Validator | FhirvalError = await Validator.tryCreate();
for await (const r of v.validateNdjsonStream(lines(), { workers: 2, profiles: 'http://example.org' })) {
  const ok: boolean = r.valid;
  const at: number = r.line;
  const t: string | null = r.resourceType;
  console.log(ok, at, t, r.outcome.issue.length, maybe);
}
const results = v.validateNdjson('{}');
console.log(results[0]?.id);
const oo: OperationOutcome = v.validate('{}', { profiles: ['http://example.org'], format: 'json', mode: 'standard' });
const many: OperationOutcome[] = v.validateMany([new Uint8Array(0), { resourceType: 'Patient' }]);
const list: ProfileInfo[] = v.profiles();
const w = Validator.fromPackages([new Uint8Array(0)], { base: 'default' });
const line: number | undefined = oo.issue[0].extension?.[0].valueInteger;
console.log(many.length, list.length, w instanceof Validator, line, oo.issue[0].severity satisfies 'fatal' | 'error' | 'warning' | 'information');
`,
      );
      try {
        execFileSync(tsc, ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', '', 'check.mts'], { cwd: app, encoding: 'utf8' });
      } catch (e) {
        assert.fail(`tsc: ${e.stdout}${e.stderr}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
