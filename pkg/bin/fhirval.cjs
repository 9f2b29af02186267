#!/usr/bin/env node
'use strict';
// `npx fhirval validate [OPTIONS] INPUT...`: the WebAssembly engine behind the native CLI's
// validate flags and outputs (`--format text | json | ndjson`, exit 0 valid, 1 invalid, 2 usage
// or setup error). `--ig` takes a compiled profile set or package .tgz files (no package
// directory lookups here); NDJSON files are streamed. The bulk summary the native CLI writes on
// stderr is not written.
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { Validator, FhirvalError } = require('../index.cjs');

const FILE_EXT = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-file';
const USAGE = `usage: fhirval validate [--format text|json|ndjson] [--profile URL]... [--mode standard|pdex]
  [--capability URL] [--ig SET.fvps | --ig PACKAGE.tgz...] [--allow-extension-domain URL]...
  [--no-invariants] [--no-terminology] [--display-issues-are-warnings]
  [--unchecked-codes-are-warnings] [--check-references-resolve] [--max-input-mb MIB]
  [--max-depth N] [--max-string-mb MIB] [--max-issues N] [--allow-comments] [--security-checks]
  [--suppress FILE] [--quiet] INPUT...`;

function fail(message) {
  process.stderr.write(`fhirval: ${message}\n`);
  process.exit(2);
}

function number(name, value) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} ${value}: not a positive whole number`);
  return n;
}

function inputsOf(list) {
  const out = [];
  for (const input of list) {
    if (input !== '-' && fs.existsSync(input) && fs.statSync(input).isDirectory()) {
      const files = fs.readdirSync(input)
        .map((f) => path.join(input, f))
        .filter((f) => fs.statSync(f).isFile() && /\.(json|ndjson)$/.test(f))
        .sort();
      out.push(...files);
    } else {
      out.push(input);
    }
  }
  return out;
}

function hasErrors(oo) {
  return oo.issue.some((i) => i.severity === 'fatal' || i.severity === 'error');
}

const RANK = { fatal: 0, error: 1, warning: 2, information: 3 };

// An issue's extension of this URL suffix: its value (line, column, message id), or undefined.
function ext(i, suffix) {
  const e = (i.extension || []).find((x) => x.url.endsWith(suffix));
  return e && (e.valueInteger !== undefined ? e.valueInteger : e.valueString);
}

function place(i) {
  return [ext(i, '/operationoutcome-issue-line') || 0, ext(i, '/operationoutcome-issue-col') || 0];
}

// The engine's grouping is used where it is at hand (Validator.summary); an NDJSON file's issues
// are grouped here as the engine groups them: by severity and the invariant key of a failed
// invariant, else the message id.
function groupsOf(issues) {
  const groups = new Map();
  for (const i of issues) {
    const invariant = /^Constraint failed: ([^\s:]+):/.exec(i.details.text);
    const id = invariant ? invariant[1] : ext(i, '/operationoutcome-message-id') || i.details.text;
    const key = `${i.severity}\u0000${id}`;
    if (!groups.has(key)) groups.set(key, { severity: i.severity, key: id, count: 0, message: i.details.text, locations: [], first: groups.size });
    const g = groups.get(key);
    g.count += 1;
    const [line, col] = place(i);
    if (g.locations.length < 3) g.locations.push(i.expression ? i.expression[0] : `${line}:${col}`);
  }
  return [...groups.values()].sort((a, b) => RANK[a.severity] - RANK[b.severity] || b.count - a.count || a.first - b.first);
}

// As the native CLI's --format text: issues (diagnostics indented under them; errors only when
// `quiet`), the grouped summary, the verdict line.
function text(oo, source, groups, quiet) {
  let out = '';
  const issues = oo.issue.length === 1 && oo.issue[0].details.text === 'All OK' && oo.issue[0].code === 'informational' ? [] : oo.issue;
  for (const i of issues) {
    if (quiet && i.severity !== 'fatal' && i.severity !== 'error') continue;
    const [line, col] = place(i);
    out += `${source}:${line}:${col}: ${i.severity} [${i.code}] ${(i.expression || ['-'])[0]}: ${i.details.text}\n`;
    if (i.diagnostics) for (const d of i.diagnostics.split('\n')) out += `    ${d}\n`;
  }
  const gs = groups || groupsOf(issues);
  if (gs.length > 0) {
    out += `${source}: summary — ${issues.length} issues in ${gs.length} groups, errors first:\n`;
    for (const g of gs) {
      const id = g.key && !g.message.includes(g.key) ? ` [${g.key}]` : '';
      const more = g.count - g.locations.length;
      out += `  ${g.severity.padEnd(11)} ${String(g.count).padStart(6)}×  ${g.message}${id}\n`;
      out += `  ${''.padEnd(11)} ${''.padStart(6)}   at ${g.locations.join(', ')}${more > 0 ? ` and ${more} more` : ''}\n`;
    }
  }
  const n = (s) => issues.filter((i) => i.severity === s).length;
  out += `${source}: ${hasErrors(oo) ? 'INVALID' : 'valid'} — ${n('fatal')} fatal, ${n('error')} errors, ${n('warning')} warnings, ${n('information')} information\n`;
  return out;
}

async function main(argv) {
  if (argv[0] !== 'validate') fail(argv.length === 0 ? USAGE : `unknown command '${argv[0]}'\n${USAGE}`);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        profile: { type: 'string', multiple: true, default: [] },
        mode: { type: 'string', default: 'standard' },
        capability: { type: 'string' },
        ig: { type: 'string', multiple: true, default: [] },
        'allow-extension-domain': { type: 'string', multiple: true, default: [] },
        'no-invariants': { type: 'boolean' },
        'no-terminology': { type: 'boolean' },
        'display-issues-are-warnings': { type: 'boolean' },
        'unchecked-codes-are-warnings': { type: 'boolean' },
        'check-references-resolve': { type: 'boolean' },
        'max-input-mb': { type: 'string' },
        'max-depth': { type: 'string' },
        'max-string-mb': { type: 'string' },
        'max-issues': { type: 'string' },
        'allow-comments': { type: 'boolean' },
        'security-checks': { type: 'boolean' },
        suppress: { type: 'string' },
        quiet: { type: 'boolean' },
      },
    });
  } catch (e) {
    fail(`${e.message}\n${USAGE}`);
  }
  const o = parsed.values;
  if (!['text', 'json', 'ndjson'].includes(o.format)) fail(`--format ${o.format}: use text, json or ndjson`);
  if (!['standard', 'pdex'].includes(o.mode)) fail(`--mode ${o.mode}: use standard or pdex`);
  if (parsed.positionals.length === 0) fail(`no INPUT given\n${USAGE}`);
  const options = {
    mode: o.mode,
    allowExtensionDomains: o['allow-extension-domain'],
    noInvariants: o['no-invariants'] || undefined,
    noTerminology: o['no-terminology'] || undefined,
    displayIssuesAreWarnings: o['display-issues-are-warnings'] || undefined,
    uncheckedCodesAreWarnings: o['unchecked-codes-are-warnings'] || undefined,
    checkReferencesResolve: o['check-references-resolve'] || undefined,
    maxInputMb: number('max-input-mb', o['max-input-mb']),
    maxDepth: number('max-depth', o['max-depth']),
    maxStringMb: number('max-string-mb', o['max-string-mb']),
    maxIssues: number('max-issues', o['max-issues']),
    allowComments: o['allow-comments'] || undefined,
    securityChecks: o['security-checks'] || undefined,
    capability: o.capability,
  };
  if (o.suppress !== undefined) {
    try {
      options.suppress = fs.readFileSync(o.suppress, 'utf8');
    } catch (e) {
      fail(`${o.suppress}: ${e.message}`);
    }
  }
  for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
  let v;
  try {
    if (o.ig.length === 0) v = await Validator.create(options);
    else if (o.ig.length === 1 && !/\.(tgz|tar\.gz)$/.test(o.ig[0])) v = await Validator.create({ ...options, profileSet: fs.readFileSync(o.ig[0]) });
    else v = await Validator.create({ ...options, packages: o.ig.map((f) => fs.readFileSync(f)) });
  } catch (e) {
    fail(e instanceof FhirvalError ? e.error : e.message);
  }
  const call = o.profile.length ? { profiles: o.profile } : {};
  const check = v.validate('{}', call);
  if (o.profile.length && check.issue[0].code === 'not-found') {
    fail(`--profile ${o.profile.find((p) => check.issue[0].details.text.includes(p))}: no such profile in the loaded set`);
  }
  const inputs = inputsOf(parsed.positionals);
  const read = (f) => {
    try {
      return f === '-' ? fs.readFileSync(0) : fs.readFileSync(f);
    } catch (e) {
      fail(`${f}: ${e.message}`);
    }
  };
  const out = process.stdout;
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  let failed = false;
  const outcomes = [];
  for (const f of inputs) {
    if (f.endsWith('.ndjson')) {
      const issues = [];
      let stream;
      try {
        stream = fs.createReadStream(f);
        for await (const r of v.validateNdjsonStream(stream, call)) {
          failed ||= !r.valid;
          if (o.format === 'ndjson') await write(`${JSON.stringify({ file: f, ...r })}\n`);
          else for (const i of r.outcome.issue) if (!(i.code === 'informational' && i.details.text === 'All OK')) issues.push(i);
        }
      } catch (e) {
        fail(`${f}: ${e instanceof FhirvalError ? e.error : e.message}`);
      }
      if (o.format !== 'ndjson') {
        const oo = { resourceType: 'OperationOutcome', issue: issues.length ? issues : [{ severity: 'information', code: 'informational', details: { text: 'All OK' } }] };
        outcomes.push([f, oo, null]);
      }
    } else {
      const bytes = read(f);
      const { outcome: oo, groups } = o.format === 'text' ? v.summary(bytes, call) : { outcome: v.validate(bytes, call), groups: null };
      failed ||= hasErrors(oo);
      if (o.format === 'ndjson') {
        let rt = null;
        let id = null;
        try {
          const doc = JSON.parse(bytes.toString('utf8'));
          if (doc && typeof doc.resourceType === 'string') rt = doc.resourceType;
          if (doc && typeof doc.id === 'string') id = doc.id;
        } catch (_) {
          /* not JSON: null */
        }
        await write(`${JSON.stringify({ file: f, line: null, resourceType: rt, id, valid: !hasErrors(oo), outcome: oo })}\n`);
      } else {
        outcomes.push([f, oo, groups]);
      }
    }
  }
  if (o.format === 'json') {
    const doc = outcomes.length === 1
      ? outcomes[0][1]
      : { resourceType: 'Bundle', type: 'collection', entry: outcomes.map(([f, oo]) => ({ resource: { ...oo, extension: [{ url: FILE_EXT, valueString: f }] } })) };
    await write(`${JSON.stringify(doc, null, 2)}\n`);
  } else if (o.format === 'text') {
    for (const [f, oo, groups] of outcomes) await write(text(oo, f, groups, o.quiet));
  }
  process.exitCode = failed ? 1 : 0;
}

main(process.argv.slice(2)).catch((e) => fail(e && e.stack ? e.stack : String(e)));
