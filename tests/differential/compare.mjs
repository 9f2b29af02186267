// Differential test of fhirval's FHIRPath engine, JavaScript half.
//
// `cargo test --release --test integration fhirpath_differential::` writes target/fhirpath-differential/:
// records.ndjson (one line per (example, node, invariant): the expression, where its context
// node is, what type our engine gave it, and our verdict) and examples/ (the example files).
// This script evaluates every record again with fhirpath.js (R4 model; context = the same
// node, reached by fhirpath.js's own navigation from the example's root; %resource and
// %rootResource as ours) and compares the invariant verdicts: empty → true, one boolean →
// its value, anything else non-empty → true, an error → error (two errors agree).
//
// When both results are collections of booleans they must also be equal (`[]` and `[true]` are
// the same verdict but not the same result).
//
// A disagreement must be explained in explained.tsv (key or key@type <TAB> example <TAB> why;
// the type is the context type of our engine, e.g. `xhtml` or `Patient.contact`; the example
// may be `*` or end in `*`), else the script fails. Every disagreement is written to
// target/fhirpath-differential/disagreements.tsv. A context node that fhirpath.js's navigation
// does not reach as exactly one node is a harness failure, never an agreement.
//
// Usage: node compare.mjs [--verbose]

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.env.FHIRPATH_DIFFERENTIAL_DIR
  ?? join(here, '..', '..', 'target', 'fhirpath-differential');
const verbose = process.argv.includes('--verbose');

let lines;
try {
  lines = readFileSync(join(out, 'records.ndjson'), 'utf8').split('\n').filter(Boolean);
} catch (e) {
  console.error(`${e.message}\nrun \`cargo test --release --test integration fhirpath_differential::\` first`);
  process.exit(2);
}

// explained.tsv: key, example pattern, why
const explanations = readFileSync(join(here, 'explained.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [key, example, why] = l.split('\t');
    if (!key || !example || !why) throw new Error(`explained.tsv: bad line: ${l}`);
    return { key, example, why, used: 0 };
  });
const explain = (r) =>
  explanations.find(
    (x) =>
      (x.key === r.key || x.key === `${r.key}@${r.type}`) &&
      (x.example === '*' ||
        x.example === r.example ||
        (x.example.endsWith('*') && r.example.startsWith(x.example.slice(0, -1)))),
  );

const examples = new Map();
const example = (name) => {
  if (!examples.has(name)) {
    examples.set(name, JSON.parse(readFileSync(join(out, 'examples', name), 'utf8')));
  }
  return examples.get(name);
};
const at = (root, pointer) => pointer.reduce((n, step) => n?.[step], root);

const compiled = new Map();
const compile = (expression) => {
  if (!compiled.has(expression)) {
    try {
      compiled.set(expression, fhirpath.compile(expression, r4, { traceFn: () => {} }));
    } catch (e) {
      compiled.set(expression, e);
    }
  }
  return compiled.get(expression);
};

const verdict = (result) => {
  if (result.length === 0) return true;
  if (result.length === 1) return typeof result[0] === 'boolean' ? result[0] : true;
  return true;
};
const message = (e) => `error: ${String(e?.message ?? e).split('\n')[0].slice(0, 200)}`;
const sameVerdict = (a, b) =>
  (typeof a === 'string' && typeof b === 'string')
    ? a.startsWith('error') && b.startsWith('error')
    : a === b;
// our result as written by the Rust side (`true: Boolean`), as booleans when it is only those
const oursBooleans = (r) => {
  const m = (r.result ?? []).map((x) => ({ 'true: Boolean': true, 'false: Boolean': false })[x]);
  return r.result && m.every((x) => typeof x === 'boolean') ? m : null;
};
const sameResult = (r, raw) => {
  const ours = oursBooleans(r);
  if (!ours || !Array.isArray(raw) || !raw.every((x) => typeof x === 'boolean')) return true;
  return ours.length === raw.length && ours.every((x, i) => x === raw[i]);
};
const show = (v) => {
  const s = Array.isArray(v) ? JSON.stringify(v) : String(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
};
// the context's type as fhirpath.js sees it, against ours (a note, not a failure)
const typeNotes = new Map();
const noteType = (r, node) => {
  const theirs = fhirpath.types([node])[0];
  const ours = r.type.includes('.') ? 'FHIR.BackboneElement' : `FHIR.${r.type}`;
  if (theirs !== ours && !(ours === 'FHIR.BackboneElement' && theirs === 'FHIR.Element')) {
    const k = `${ours} is ${theirs} for fhirpath.js`;
    typeNotes.set(k, (typeNotes.get(k) ?? 0) + 1);
  }
};
const typed = new Set();

let compared = 0;
let agreed = 0;
let skipped = 0;
const skipReasons = new Map();
const disagreements = [];
const started = Date.now();

for (const line of lines) {
  const r = JSON.parse(line);
  if (r.skip) {
    skipped++;
    const k = `${r.key}: ${r.skip}`;
    skipReasons.set(k, (skipReasons.get(k) ?? 0) + 1);
    continue;
  }
  compared++;
  const root = example(r.example);
  const env = { resource: at(root, r.resource), rootResource: at(root, r.rootResource) };
  let theirs;
  let raw;
  try {
    let data = root;
    if (r.node) {
      const nodes = fhirpath.evaluate(root, r.node, {}, r4, { resolveInternalTypes: false });
      if (nodes.length !== 1) {
        theirs = `harness: ${r.node} reaches ${nodes.length} nodes`;
        throw theirs;
      }
      data = nodes[0];
      if (!typed.has(r.example + r.node)) {
        typed.add(r.example + r.node);
        noteType(r, data);
      }
    }
    const fn = compile(r.expression);
    if (fn instanceof Error) throw fn;
    raw = fn(data, env);
    theirs = verdict(raw);
  } catch (e) {
    if (!theirs?.startsWith?.('harness')) theirs = message(e);
  }
  if (sameVerdict(r.ours, theirs) && sameResult(r, raw)) {
    agreed++;
    continue;
  }
  const why = explain(r);
  if (why) why.used++;
  disagreements.push({ r, theirs, raw, why: why?.why });
}

const explained = disagreements.filter((d) => d.why);
const unexplained = disagreements.filter((d) => !d.why);
const tsv = ['explained\tkey\texample\tnode\ttype\tours\tfhirpath.js\tour result\ttheir result\texpression'];
for (const d of disagreements) {
  tsv.push([d.why ? 'yes' : 'NO', d.r.key, d.r.example, d.r.node || '(root)', d.r.type, show(d.r.ours),
    show(d.theirs), show(d.r.result ?? ''), show(d.raw ?? ''), d.r.expression].join('\t'));
}
writeFileSync(join(out, 'disagreements.tsv'), `${tsv.join('\n')}\n`);

const byWhy = new Map();
for (const d of explained) {
  const k = `${d.r.key}: ${d.why}`;
  byWhy.set(k, (byWhy.get(k) ?? 0) + 1);
}
console.log(`fhirpath differential: ${lines.length} (example node, invariant) pairs; ${compared} compared ` +
  `with fhirpath.js ${fhirpath.version} in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
  `${agreed} agree, ${explained.length} explained disagreements, ${unexplained.length} unexplained; ` +
  `${skipped} not compared`);
for (const [k, n] of [...skipReasons].sort()) console.log(`  not compared ${n}× ${k}`);
for (const [k, n] of [...byWhy].sort()) console.log(`  explained ${n}× ${k.length > 140 ? `${k.slice(0, 140)}…` : k}`);
for (const [k, n] of [...typeNotes].sort()) console.log(`  note: context type ${k} (${n} nodes)`);
for (const x of explanations.filter((x) => x.used === 0)) {
  console.log(`  note: explained.tsv line matches nothing any more: ${x.key}\t${x.example}`);
}
for (const d of verbose ? disagreements : unexplained) {
  console.log(`\n${d.why ? 'explained' : 'UNEXPLAINED'}: ${d.r.key} on ${d.r.example} at ${d.r.node || '(root)'} (${d.r.type})`);
  console.log(`  expression: ${d.r.expression}`);
  console.log(`  ours: ${show(d.r.ours)} ${show(d.r.result ?? '')}`);
  console.log(`  fhirpath.js: ${show(d.theirs)} ${show(d.raw ?? '')}`);
}
if (unexplained.length > 0) {
  console.log(`\n${unexplained.length} unexplained disagreements (all in ${join(out, 'disagreements.tsv')})`);
  process.exit(1);
}
