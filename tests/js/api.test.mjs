// The Node API of pkg/: constructors, validate() on every kind of input, exact issues, the same
// JSON as the CLI, error objects instead of exceptions, recovery from a panic.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  pkgDir,
  packages,
  cli,
  corpusFile,
  corpus,
  US_CORE_PATIENT,
  INVALID_PATIENT,
  VALID_PATIENT,
  issue,
  errors,
  isFatalOutcome,
} from './helpers.mjs';

const require = createRequire(import.meta.url);
const cjs = require(pkgDir);
const esm = await import(path.join(pkgDir, 'index.mjs'));
const { Validator, FhirvalError } = cjs;

let v;
before(async () => {
  v = await Validator.create();
  assert.ok(v instanceof Validator, `create() gave ${v}`);
});

test('require and import give the same Validator', () => {
  assert.equal(typeof cjs.Validator, 'function');
  assert.equal(esm.Validator, cjs.Validator);
  assert.equal(esm.default.Validator, cjs.Validator);
  assert.equal(typeof Validator.create, 'function');
  assert.throws(() => new Validator(), TypeError);
});

test('a valid US Core patient has no error', () => {
  const oo = v.validate(VALID_PATIENT);
  assert.equal(oo.resourceType, 'OperationOutcome');
  assert.deepEqual(errors(oo), []);
});

test('a resource without issues gets the "All OK" issue', () => {
  const oo = v.validate(
    '{"resourceType":"Basic","text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">x</div>"},"code":{"text":"x"}}',
  );
  assert.deepEqual(oo, {
    resourceType: 'OperationOutcome',
    issue: [
      {
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id', valueString: 'ALL_OK' }],
        severity: 'information',
        code: 'informational',
        details: { text: 'All OK' },
      },
    ],
  });
});

test('an invalid US Core patient: the exact errors, with line and column', () => {
  const oo = v.validate(INVALID_PATIENT);
  assert.deepEqual(errors(oo), [
    issue('error', 'structure', "Unrecognized property 'foo'", 'Patient', 8, 3, 'Unrecognised_property_'),
    issue('error', 'invalid', "Not a valid date format: '2020-13-01'", 'Patient.birthDate', 6, 16, 'Type_Specific_Checks_DT_Date_Valid'),
    issue(
      'error',
      'structure',
      `Patient.identifier: minimum required = 1, but only found 0 (from ${US_CORE_PATIENT}|6.1.0)`,
      'Patient',
      1,
      1,
      'Validation_VAL_Profile_Minimum',
    ),
  ]);
});

test('profiles option: validated against a profile not declared in meta.profile', () => {
  const bare = '{"resourceType":"Patient","id":"x","gender":"female"}';
  assert.deepEqual(errors(v.validate(bare)), []);
  const oo = v.validate(bare, { profiles: [`${US_CORE_PATIENT}|6.1.0`] });
  const texts = errors(oo).map((i) => i.details.text);
  assert.ok(texts.some((t) => t.startsWith('Patient.identifier: minimum required = 1')), texts.join('\n'));
  assert.ok(texts.some((t) => t.startsWith('Patient.name: minimum required = 1')), texts.join('\n'));
  // a single string works too
  assert.deepEqual(v.validate(bare, { profiles: `${US_CORE_PATIENT}|6.1.0` }), oo);
});

test('the same OperationOutcome as `fhirval validate --format json`', { skip: !fs.existsSync(cli) && 'no CLI build' }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fhirval-'));
  const inputs = [
    ['invalid-patient.json', INVALID_PATIENT],
    ['uscore_bundle_patient_355.json', corpusFile('uscore_bundle_patient_355.json')],
    ['pdex_bundle_patient_999.json', corpusFile('pdex_bundle_patient_999.json')],
  ];
  for (const [name, text] of inputs) {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    const r = spawnSync(cli, ['validate', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.ok(r.status === 0 || r.status === 1, `${name}: CLI exit ${r.status}: ${r.stderr}`);
    // the same text, keys in the same order
    assert.equal(JSON.stringify(v.validate(text)), JSON.stringify(JSON.parse(r.stdout)), name);
  }
  fs.rmSync(tmp, { recursive: true });
});

test("mode 'pdex': the same OperationOutcome as `fhirval validate --mode pdex`", { skip: !fs.existsSync(cli) && 'no CLI build' }, () => {
  const name = 'pdex_bundle_patient_999.json';
  const r = spawnSync(cli, ['validate', '--format', 'json', '--mode', 'pdex', path.join(corpus, name)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const text = corpusFile(name);
  const pdex = v.validate(text, { mode: 'pdex' });
  assert.deepEqual(pdex, JSON.parse(r.stdout));
  assert.notDeepEqual(pdex, v.validate(text), 'pdex mode checks more than standard mode');
  // the mode is per call: standard again, and as a validator default
  assert.deepEqual(v.validate(text), v.validate(text, { mode: 'standard' }));
  const w = Validator.fromProfileSet(fs.readFileSync(path.join(pkgDir, 'fhirval-default.fvps')), { mode: 'pdex' });
  assert.deepEqual(w.validate(text), pdex);
  w.free();
});

test('coverage(): the same report as `fhirval coverage --format json`, aggregated over inputs', { skip: !fs.existsSync(cli) && 'no CLI build' }, () => {
  const names = ['uscore_bundle_patient_355.json', 'pdex_bundle_patient_999.json'];
  for (const mode of ['standard', 'pdex']) {
    const r = spawnSync(cli, ['coverage', '--format', 'json', '--mode', mode, ...names.map((n) => path.join(corpus, n))], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    assert.equal(r.status, 0, r.stderr);
    const report = v.coverage(names.map(corpusFile), { mode });
    assert.deepEqual(report, JSON.parse(r.stdout), mode);
    assert.ok(report.profiles.length > 5, mode);
  }
  // one input, as an object: the counts of that input alone
  const one = v.coverage(JSON.parse(corpusFile(names[0])));
  const patient = one.profiles.find((p) => p.url.startsWith('http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient|'));
  assert.equal(patient.resources, 1);
  assert.equal(patient.elements.find((e) => e.id === 'Patient.name').populated, 1);
  const bad = v.coverage(['{"resourceType": ']);
  assert.ok(bad instanceof FhirvalError, `${bad}`);
  assert.match(bad.message, /input 0/);
});

test('summary(): the grouping `fhirval validate --format text` prints', { skip: !fs.existsSync(cli) && 'no CLI build' }, () => {
  const name = 'uscore_bundle_patient_355.json';
  const file = path.join(corpus, name);
  const r = spawnSync(cli, ['validate', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const lines = r.stdout.split('\n');
  const from = lines.findIndex((l) => l.startsWith(`${file}: summary — `));
  assert.ok(from > 0, r.stdout.slice(-2000));
  const cliGroups = lines.slice(from + 1, lines.length - 2);
  const { outcome, groups } = v.summary(corpusFile(name));
  assert.deepEqual(outcome, v.validate(corpusFile(name)));
  const pad = (x, n) => String(x).padStart(n);
  const rendered = groups.flatMap((g) => [
    `  ${g.severity.padEnd(11)} ${pad(g.count, 6)}×  ${g.message}${!g.message.includes(g.key) ? ` [${g.key}]` : ''}`,
    `  ${''.padEnd(11)} ${pad('', 6)}   at ${g.locations.join(', ')}${g.count > g.locations.length ? ` and ${g.count - g.locations.length} more` : ''}`,
  ]);
  assert.deepEqual(rendered, cliGroups);
  assert.equal(groups.reduce((n, g) => n + g.count, 0), outcome.issue.length);
  const rank = { fatal: 0, error: 1, warning: 2, information: 3 };
  assert.ok(groups.every((g, k) => k === 0 || rank[groups[k - 1].severity] <= rank[g.severity]), 'errors first');
  assert.deepEqual(v.summary('{"resourceType":"Basic","text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">x</div>"},"code":{"text":"x"}}').groups, []);
});

test('string, bytes and object input agree', () => {
  const text = corpusFile('uscore_bundle_patient_85.json');
  const fromString = v.validate(text);
  const bytes = fs.readFileSync(path.join(corpus, 'uscore_bundle_patient_85.json'));
  assert.deepEqual(v.validate(bytes), fromString, 'Buffer');
  assert.deepEqual(v.validate(new Uint8Array(bytes)), fromString, 'Uint8Array');
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  assert.deepEqual(v.validate(ab), fromString, 'ArrayBuffer');
  // an object is validated as JSON.stringify(object, null, 2): lines refer to that text
  const obj = JSON.parse(text);
  assert.deepEqual(v.validate(obj), v.validate(JSON.stringify(obj, null, 2)));
  const noPlace = (oo) => oo.issue.map(({ extension, ...rest }) => rest);
  assert.deepEqual(noPlace(v.validate(obj)), noPlace(fromString));
});

test('garbage input gives an OperationOutcome with a fatal issue, never an exception', () => {
  const circular = { resourceType: 'Patient' };
  circular.self = circular;
  const garbage = [
    undefined,
    null,
    42,
    Number.NaN,
    true,
    Symbol('x'),
    () => 1,
    10n,
    circular,
    { resourceType: 'Patient', big: 10n },
    '',
    '   \n ',
    'not json',
    '{"resourceType":',
    '{"resourceType":"Patient"} trailing',
    '{}',
    '[]',
    '"a string"',
    '{"resourceType":"NoSuchType"}',
    '{"resourceType":42}',
    '['.repeat(100000),
    '{"a":'.repeat(50000),
    new Uint8Array([0xff, 0xfe, 0x00]),
    new Uint8Array(0),
    new Float64Array([1.5, 2.5]),
    [],
    {},
    new Date(0),
  ];
  for (const input of garbage) {
    let oo;
    assert.doesNotThrow(() => {
      oo = v.validate(input);
    }, `validate(${String(typeof input === 'symbol' ? 'symbol' : input).slice(0, 40)})`);
    assert.ok(isFatalOutcome(oo), `not a fatal outcome for ${String(typeof input === 'symbol' ? 'symbol' : input).slice(0, 40)}: ${JSON.stringify(oo)}`);
  }
  for (const options of [42, 'x', { profiles: 5 }, { profiles: [1, 2] }, { format: 'xml' }, { mode: 'strict' }, { mode: 42 }, { profiles: ['http://example.org/no-such-profile'] }]) {
    let oo;
    assert.doesNotThrow(() => {
      oo = v.validate(VALID_PATIENT, options);
    });
    assert.ok(isFatalOutcome(oo), `options ${JSON.stringify(options)}: ${JSON.stringify(oo)}`);
  }
  assert.deepEqual(v.validate(42).issue[0], {
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id', valueString: 'FHIRVAL_HOST_ERROR' }],
    severity: 'fatal',
    code: 'invalid',
    details: { text: 'Cannot validate number: give a JSON string, a Uint8Array of UTF-8 JSON or a plain object' },
  });
  // still usable
  assert.deepEqual(errors(v.validate(VALID_PATIENT)), []);
});

test('constructors return a FhirvalError (an Error and an OperationOutcome) on garbage', async () => {
  const set = fs.readFileSync(path.join(pkgDir, 'fhirval-default.fvps'));
  const bad = [
    () => Validator.fromProfileSet(),
    () => Validator.fromProfileSet('x'),
    () => Validator.fromProfileSet(new Uint8Array(10)),
    () => Validator.fromProfileSet(set.subarray(0, 1000)),
    () => Validator.fromProfileSet(set, { maxIssues: -1 }),
    () => Validator.fromProfileSet(set, 42),
    () => Validator.fromProfileSet(set, { mode: 'nonsense' }),
    () => Validator.fromPackages(),
    () => Validator.fromPackages('x'),
    () => Validator.fromPackages([42]),
    () => Validator.fromPackages([new Uint8Array([1, 2, 3])]),
    () => Validator.fromPackages([], { base: 'nonsense' }),
    () => Validator.fromPackages([], { base: 'none' }),
    () => Validator.create({ profileSet: new Uint8Array(5) }),
    () => Validator.create({ profileSet: '/no/such/file.fvps' }),
    () => Validator.create({ profileSet: 42 }),
    () => Validator.create({ packages: 'x' }),
  ];
  for (const make of bad) {
    let r;
    assert.doesNotThrow(() => {
      r = make();
    }, make.toString());
    // the async constructor rejects with it, the others return it
    r = await Promise.resolve(r).then((x) => x, (e) => e);
    assert.ok(r instanceof FhirvalError, `${make}: ${r}`);
    assert.ok(r instanceof Error);
    assert.equal(r.resourceType, 'OperationOutcome');
    assert.equal(r.issue[0].severity, 'fatal');
    assert.equal(typeof r.error, 'string');
  }
  assert.match(Validator.fromProfileSet(new Uint8Array(10)).error, /missing FHIRVALPS header/);
});

test('setup options: the names of index.d.ts, read by the engine (src/options.rs) with its errors', () => {
  const set = fs.readFileSync(path.join(pkgDir, 'fhirval-default.fvps'));
  // the keys of `interface SetupOptions` in the typings are the ones the engine knows
  const dts = fs.readFileSync(path.join(pkgDir, 'index.d.ts'), 'utf8');
  const body = dts.slice(dts.indexOf('export interface SetupOptions {'), dts.indexOf('export interface CreateOptions'));
  const typed = [...body.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1]);
  const unknown = Validator.fromProfileSet(set, { noInvariant: true });
  assert.ok(unknown instanceof FhirvalError);
  const listed = unknown.error.match(/^invalid options: unknown option 'noInvariant' \(options: (.*)\)$/)[1].split(', ');
  assert.deepEqual(listed, [...typed, 'profileSet', 'packages', 'base', 'wasm', 'igs', 'packagesDir']);
  // the Rust field names are not host names
  assert.match(Validator.fromProfileSet(set, { maxInputBytes: 10 }).error, /unknown option 'maxInputBytes'/);
  // values are checked by the engine, naming the option
  assert.equal(Validator.fromProfileSet(set, { maxInputMb: 0 }).error, 'invalid options: maxInputMb 0: must be a whole number from 1 to 4095');
  assert.equal(Validator.fromProfileSet(set, { maxDepth: 5000 }).error, 'invalid options: maxDepth 5000: must be a whole number from 1 to 1000');
  assert.match(Validator.fromProfileSet(set, { noInvariants: 'yes' }).error, /^invalid options: noInvariants 'yes': invalid type: string "yes", expected a boolean/);
  assert.match(Validator.fromProfileSet(set, { mode: 'fast' }).error, /^invalid options: mode 'fast': unknown variant `fast`/);
  // a flag names what it turns off; MiB become the engine's bytes
  const w = Validator.fromProfileSet(set, { noInvariants: true, noTerminology: true, maxInputMb: 1 });
  const codes = (x) => x.validate('{"resourceType": "Patient", "gender": "x"}').issue.map((i) => `${i.severity} ${i.code}`);
  assert.ok(!codes(w).includes('error code-invalid') && !codes(w).includes('warning invariant'), codes(w).join());
  assert.ok(codes(v).includes('error code-invalid'));
  const big = `{"resourceType": "Basic", "id": "${'x'.repeat(1 << 20)}"}`;
  assert.match(w.validate(big).issue[0].details.text, /exceeds limit of 1048576 bytes/);
});

test('fromProfileSet over the default set, and toProfileSet', () => {
  const set = fs.readFileSync(path.join(pkgDir, 'fhirval-default.fvps'));
  const w = Validator.fromProfileSet(set);
  assert.ok(w instanceof Validator);
  assert.deepEqual(w.validate(INVALID_PATIENT), v.validate(INVALID_PATIENT));
  const again = Validator.fromProfileSet(w.toProfileSet());
  assert.ok(again instanceof Validator);
  assert.deepEqual(again.validate(INVALID_PATIENT), v.validate(INVALID_PATIENT));
  w.free();
  again.free();
});

test('fromPackages compiles an IG package in the wasm, over the default set', () => {
  const tgz = fs.readFileSync(path.join(packages, 'hl7.fhir.us.core-3.1.1.tgz'));
  const w = Validator.fromPackages([tgz]);
  assert.ok(w instanceof Validator, String(w));
  const info = w.info();
  assert.ok(info.packages.includes('hl7.fhir.us.core#3.1.1'));
  assert.ok(info.packages.includes('hl7.fhir.r4.core#4.0.1'));
  const p = w.profiles().find((x) => x.url === US_CORE_PATIENT && x.version === '3.1.1');
  assert.ok(p, 'us-core-patient 3.1.1');
  const patient = INVALID_PATIENT.replace('|6.1.0', '|3.1.1');
  const texts = errors(w.validate(patient)).map((i) => i.details.text);
  assert.ok(texts.includes(`Patient.identifier: minimum required = 1, but only found 0 (from ${US_CORE_PATIENT}|3.1.1)`), texts.join('\n'));
  w.free();
});

test('fromPackages with R4 core itself, no base set', () => {
  const core = fs.readFileSync(path.join(packages, 'hl7.fhir.r4.core-4.0.1.tgz'));
  const usCore = fs.readFileSync(path.join(packages, 'hl7.fhir.us.core-3.1.1.tgz'));
  // dependencies may come in any order
  const w = Validator.fromPackages([usCore, core], { base: 'none' });
  assert.ok(w instanceof Validator, String(w));
  assert.deepEqual(w.info().packages, ['hl7.fhir.r4.core#4.0.1', 'hl7.fhir.us.core#3.1.1']);
  const patient = INVALID_PATIENT.replace('|6.1.0', '|3.1.1');
  const texts = errors(w.validate(patient)).map((i) => i.details.text);
  assert.ok(texts.includes("Not a valid date format: '2020-13-01'"), texts.join('\n'));
  assert.ok(texts.includes(`Patient.identifier: minimum required = 1, but only found 0 (from ${US_CORE_PATIENT}|3.1.1)`));
  w.free();
});

test('create({ igs }) compiles IGs with their closures from a packages folder, as the CLI --ig', { skip: !fs.existsSync(cli) && 'no CLI build' }, async () => {
  const w = await Validator.create({ igs: ['hl7.fhir.us.core#8.0.0'], packagesDir: packages });
  assert.ok(w instanceof Validator, String(w));
  const info = w.info();
  assert.ok(info.packages.includes('hl7.fhir.us.core#8.0.0'), info.packages.join(' '));
  // R4 core and the always-loaded packages, as the CLI adds them
  assert.equal(info.packages[0], 'hl7.fhir.r4.core#4.0.1');
  assert.ok(info.packages.some((p) => p.startsWith('hl7.fhir.uv.extensions.r4#')));
  assert.ok(info.packages.some((p) => p.startsWith('hl7.terminology')));
  assert.ok(!info.packages.some((p) => p.startsWith('hl7.fhir.us.davinci-pdex#')));
  // the same outcome as the CLI with the same --ig
  const patient = INVALID_PATIENT.replace('|6.1.0', '|8.0.0');
  const file = path.join(os.tmpdir(), `fhirval-igs-${process.pid}.json`);
  fs.writeFileSync(file, patient);
  const r = spawnSync(cli, ['validate', '--format', 'json', '--packages', packages, '--ig', 'hl7.fhir.us.core#8.0.0', file], { encoding: 'utf8' });
  fs.unlinkSync(file);
  assert.deepEqual(w.validate(patient), JSON.parse(r.stdout));
  assert.ok(errors(w.validate(patient)).length > 0);
  // the folder as the CLI finds it: FHIRVAL_PACKAGES
  const before = process.env.FHIRVAL_PACKAGES;
  process.env.FHIRVAL_PACKAGES = packages;
  try {
    const again = await Validator.create({ igs: ['hl7.fhir.us.core'] });
    assert.ok(again instanceof Validator, String(again));
    assert.ok(again.info().packages.includes('hl7.fhir.us.core#8.0.0'));
    again.free();
  } finally {
    if (before === undefined) delete process.env.FHIRVAL_PACKAGES;
    else process.env.FHIRVAL_PACKAGES = before;
  }
  // errors are FhirvalErrors: create() rejects with one, tryCreate() resolves to it
  await assert.rejects(Validator.create({ igs: ['no.such.package#1.0.0'], packagesDir: packages }), (e) => {
    assert.ok(e instanceof FhirvalError);
    assert.match(e.message, /no\.such\.package/);
    return true;
  });
  assert.ok((await Validator.tryCreate({ igs: ['x#1'], packagesDir: os.tmpdir() })) instanceof FhirvalError);
  assert.ok((await Validator.tryCreate({ igs: 'hl7.fhir.us.core' })) instanceof FhirvalError);
  w.free();
});

test('validateMany: one OperationOutcome per input, in order', () => {
  const out = v.validateMany([VALID_PATIENT, INVALID_PATIENT, 42, JSON.parse(VALID_PATIENT)]);
  assert.equal(out.length, 4);
  assert.deepEqual(out[0], v.validate(VALID_PATIENT));
  assert.deepEqual(out[1], v.validate(INVALID_PATIENT));
  assert.ok(isFatalOutcome(out[2]));
  assert.deepEqual(errors(out[3]), []);
  assert.deepEqual(v.validateMany([]), []);
  assert.ok(isFatalOutcome(v.validateMany(42)[0]));
  assert.ok(isFatalOutcome(v.validateMany(null)[0]));
  assert.equal(v.validateMany('{}').length, 1);
});

test('profiles() lists the profiles with their urls and names', () => {
  const list = v.profiles();
  assert.ok(list.length > 100);
  assert.deepEqual(
    list.find((p) => p.url === US_CORE_PATIENT && p.version === '6.1.0'),
    { url: US_CORE_PATIENT, name: 'USCorePatientProfile', version: '6.1.0', type: 'Patient', kind: 'resource', package: 'hl7.fhir.us.core#6.1.0' },
  );
  assert.ok(list.some((p) => p.package.startsWith('hl7.fhir.us.davinci-pdex#')));
  assert.ok(list.every((p) => typeof p.url === 'string' && typeof p.name === 'string'));
});

test('NDJSON: one resource per line, issues on the lines of the whole input', () => {
  const lines = [VALID_PATIENT, INVALID_PATIENT].map((t) => JSON.stringify(JSON.parse(t)));
  const oo = v.validate(`${lines[0]}\n\n${lines[1]}\n`, { format: 'ndjson' });
  const errs = errors(oo);
  assert.equal(errs.length, 3);
  for (const e of errs) assert.equal(e.extension[0].valueInteger, 3);
  assert.ok(isFatalOutcome(v.validate('\n\n', { format: 'ndjson' })));
});

test('a panic in the engine is an issue, and the validators keep working', () => {
  const other = Validator.fromProfileSet(fs.readFileSync(path.join(pkgDir, 'fhirval-default.fvps')));
  let oo;
  assert.doesNotThrow(() => {
    oo = v.validate(VALID_PATIENT, { __panicForTest: true });
  });
  assert.ok(isFatalOutcome(oo), JSON.stringify(oo));
  assert.match(oo.issue[0].details.text, /internal error, the validator was restarted: .*a panic requested by a test/);
  // a fresh instance: both validators rebuild their engines
  assert.deepEqual(errors(v.validate(VALID_PATIENT)), []);
  assert.equal(errors(other.validate(INVALID_PATIENT)).length, 3);
  assert.ok(v.profiles().length > 100);
});
