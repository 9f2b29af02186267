// The validator runs here, off the page's thread: a 10 MB Bundle never freezes the page.
// Messages in: {type: 'init'} | {type: 'validate', id, text, format, mode, profiles} |
// {type: 'coverage', id, text, format, mode, profiles} (the Must Support coverage report) |
// {type: 'default'} | {type: 'set', bytes} (a compiled profile set: a shipped IG set) |
// {type: 'packages', files: [{name, bytes}], base: 'default' | 'none' | bytes of a set}.
import { Validator, FhirvalError } from './pkg/browser.mjs';

let defaultValidator = null;
let current = null;

function describe(v) {
  const info = v.info();
  const profiles = v
    .profiles()
    .filter((p) => p.kind === 'resource')
    .map((p) => ({ url: p.url, version: p.version, name: p.name, type: p.type }));
  return { packages: info.packages, notes: info.notes, profiles };
}

/** Make `v` the validator in use, releasing the one it replaces (never the default). */
function use(v) {
  if (current && current !== defaultValidator && current !== v) current.free();
  current = v;
}

async function handle(msg) {
  switch (msg.type) {
    case 'init': {
      const t0 = performance.now();
      // tryCreate resolves to the FhirvalError (create() rejects with it)
      const v = await Validator.tryCreate();
      if (v instanceof FhirvalError) return { type: 'error', message: v.error };
      defaultValidator = current = v;
      return { type: 'set', which: 'default', ms: performance.now() - t0, ...describe(v) };
    }
    case 'default':
      use(defaultValidator);
      return { type: 'set', which: 'default', ms: 0, ...describe(current) };
    case 'set': {
      const t0 = performance.now();
      const v = Validator.fromProfileSet(new Uint8Array(msg.bytes));
      if (v instanceof FhirvalError) return { type: 'error', message: v.error };
      use(v);
      return { type: 'set', which: 'shipped', ms: performance.now() - t0, ...describe(v) };
    }
    case 'packages': {
      const t0 = performance.now();
      const base = typeof msg.base === 'string' ? msg.base : new Uint8Array(msg.base);
      const v = Validator.fromPackages(
        msg.files.map((f) => new Uint8Array(f.bytes)),
        { base },
      );
      if (v instanceof FhirvalError) return { type: 'error', message: v.error };
      use(v);
      return { type: 'set', which: 'packages', ms: performance.now() - t0, ...describe(v) };
    }
    case 'validate': {
      if (!current) return { type: 'error', message: 'the validator is not ready' };
      const t0 = performance.now();
      const options = { format: msg.format, mode: msg.mode || 'standard' };
      if (msg.profiles && msg.profiles.length) options.profiles = msg.profiles;
      const outcome = current.validate(msg.text, options);
      return { type: 'result', id: msg.id, outcome, ms: performance.now() - t0 };
    }
    case 'coverage': {
      if (!current) return { type: 'error', message: 'the validator is not ready' };
      const options = { format: msg.format, mode: msg.mode || 'standard' };
      if (msg.profiles && msg.profiles.length) options.profiles = msg.profiles;
      const report = current.coverage(msg.text, options);
      if (report instanceof FhirvalError) return { type: 'error', message: report.error };
      return { type: 'coverage', id: msg.id, report };
    }
    default:
      return { type: 'error', message: `unknown message ${msg.type}` };
  }
}

self.onmessage = async (e) => {
  let reply;
  try {
    reply = await handle(e.data);
  } catch (err) {
    reply = { type: 'error', message: String(err && err.message ? err.message : err) };
  }
  self.postMessage({ ...reply, request: e.data.type });
};
