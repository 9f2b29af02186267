// Cold start A/B: fresh Node processes, each requiring one build of the npm package and
// awaiting Validator.create() (instantiate + the default profile set), builds alternated so
// that all see the same machine load. Prints, per build, the median and range of the total and
// its two parts, the gzip -9 sizes of its wasm and default set, and the per-round ratio of each
// build's total to the first build's (median and range).
//
//   node bench/js/cold.mjs /tmp/pkg-before pkg [--runs=15]
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--')).map((d) => path.resolve(d));
const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const runs = runsArg ? Number(runsArg.slice('--runs='.length)) : 15;
if (dirs.length < 1 || !(runs > 0)) {
  console.error('usage: node bench/js/cold.mjs PKG_DIR [PKG_DIR ...] [--runs=N]');
  process.exit(2);
}
const script = (dir) => `
const t0 = performance.now();
const { Validator } = require(${JSON.stringify(dir)});
const t1 = performance.now();
Validator.create().then((v) => {
  const t2 = performance.now();
  console.log(JSON.stringify({ require: t1 - t0, create: t2 - t1, total: t2 - t0 }));
});`;
const times = dirs.map(() => []);
for (let round = 0; round < runs; round++) {
  dirs.forEach((d, k) => {
    times[k].push(JSON.parse(execFileSync(process.execPath, ['-e', script(d)], { encoding: 'utf8' })));
  });
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs) => `${median(xs).toFixed(1)} ms [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`;
// the gzip tool, as scripts/build-pkg.sh (Node's zlib at level 9 gives ~2 % more bytes)
const gz = (f) => execFileSync('gzip', ['-9', '-c', f], { maxBuffer: 1 << 26 }).length;
dirs.forEach((d, k) => {
  const t = times[k];
  const w = gz(path.join(d, 'fhirval_bg.wasm'));
  const s = gz(path.join(d, 'fhirval-default.fvps'));
  console.log(`${d}: gzip -9 wasm ${w} + set ${s} = ${w + s} bytes`);
  console.log(`  total ${fmt(t.map((r) => r.total))}; require ${fmt(t.map((r) => r.require))}; create ${fmt(t.map((r) => r.create))}`);
  if (k > 0) {
    const ratios = t.map((r, i) => r.total / times[0][i].total);
    console.log(`  total / first's, per round: ${median(ratios).toFixed(3)} [${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}]`);
  }
});
