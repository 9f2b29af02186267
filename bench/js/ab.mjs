// A/B: one corpus Bundle validated alternately by two (or more) builds of the npm package in
// one Node process, so that both see the same machine load; medians of 40 rounds of 3 calls.
// To compare a change, keep a copy of pkg/ from before it:
//
//   cp -r pkg /tmp/pkg-before && <change> && ./scripts/build-pkg.sh
//   node bench/js/ab.mjs /tmp/pkg-before pkg [--file=uscore_bundle_patient_85.json] [--all]
//
// --all: everything on, as bench.mjs's second row (`mode: 'pdex'`, `securityChecks`).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '..', '..', '..', 'shared', 'corpus');
const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const fileArg = process.argv.find((a) => a.startsWith('--file='));
const file = fileArg ? fileArg.slice('--file='.length) : 'uscore_bundle_patient_355.json';
const options = process.argv.includes('--all') ? { mode: 'pdex', securityChecks: true } : {};
if (dirs.length < 2) {
  console.error('usage: node bench/js/ab.mjs PKG_DIR_A PKG_DIR_B [...] [--file=CORPUS_FILE] [--all]');
  process.exit(2);
}
const text = fs.readFileSync(path.join(corpus, file), 'utf8');
const validators = [];
for (const d of dirs) {
  const { Validator } = require(path.resolve(d));
  validators.push(await Validator.create(options));
}
for (const v of validators) for (let i = 0; i < 15; i++) v.validate(text);
const times = validators.map(() => []);
for (let round = 0; round < 40; round++) {
  validators.forEach((v, k) => {
    const t0 = performance.now();
    for (let j = 0; j < 3; j++) v.validate(text);
    times[k].push((performance.now() - t0) / 3);
  });
}
// per round, each build's time over the first's: the ratio's spread across rounds
const ratios = times.map((t) => t.map((x, round) => x / times[0][round]).sort((a, b) => a - b));
times.forEach((t, k) => {
  t.sort((a, b) => a - b);
  const r = ratios[k];
  const q = (f) => r[Math.floor(f * (r.length - 1))].toFixed(3);
  if (k > 0) console.log(`${dirs[k]} / ${dirs[0]}: per-round ratio median ${q(0.5)}, quartiles ${q(0.25)}–${q(0.75)}`);
  const issues = validators[k].validate(text).issue.length;
  console.log(`${dirs[k]}: median ${t[t.length >> 1].toFixed(2)} ms, min ${t[0].toFixed(2)} ms, ${issues} issues`);
});
