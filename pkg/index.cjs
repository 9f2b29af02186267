'use strict';
// fhirval for Node (CommonJS; `index.mjs` re-exports it for ESM): the WebAssembly engine,
// instantiated synchronously from `fhirval_bg.wasm`, and the default profile set
// `fhirval-default.fvps` read from beside it on first use.
const fs = require('node:fs');
const path = require('node:path');
const glue = require('./fhirval_node.cjs');
const makeFhirval = require('./src/core.cjs');

const DEFAULT_SET = path.join(__dirname, 'fhirval-default.fvps');
let defaultSet = null;

function defaultSetSync() {
  if (defaultSet === null) {
    try {
      defaultSet = fs.readFileSync(DEFAULT_SET);
    } catch (_) {
      return null;
    }
  }
  return defaultSet;
}

// The packages folder as the CLI finds it: options.packagesDir, else $FHIRVAL_PACKAGES, else
// shared/fhir-packages in the working directory or one of its ancestors, else ~/.fhir/packages.
function packagesDir(options) {
  if (options.packagesDir !== undefined) {
    if (typeof options.packagesDir !== 'string' && !(options.packagesDir instanceof URL)) {
      throw new Error('packagesDir must be a path or a file: URL');
    }
    return options.packagesDir instanceof URL ? options.packagesDir.pathname : options.packagesDir;
  }
  if (process.env.FHIRVAL_PACKAGES) return process.env.FHIRVAL_PACKAGES;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'fhir-packages');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  const home = require('node:os').homedir();
  const cache = path.join(home, '.fhir', 'packages');
  if (fs.existsSync(cache)) return cache;
  throw new Error('no FHIR packages folder: give packagesDir or set FHIRVAL_PACKAGES');
}

// Every .tgz of the folder, as { name, bytes } (package folders in the ~/.fhir cache layout are
// not read: give the .tgz files).
function packageSource(_igs, options) {
  const dir = packagesDir(options);
  let names;
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.tgz') || n.endsWith('.tar.gz'));
  } catch (e) {
    throw new Error(`packages folder ${dir}: ${e.message}`);
  }
  if (names.length === 0) throw new Error(`packages folder ${dir} holds no .tgz packages`);
  names.sort();
  return { kind: 'dir', files: names.map((name) => ({ name, bytes: fs.readFileSync(path.join(dir, name)) })) };
}

// `validateNdjsonStream(source, { workers })`: a pool of worker_threads sharing the compiled
// set's bytes (one SharedArrayBuffer), each with its own engine; chunks go to the least busy.
function pool(setBytes, options, n) {
  const { Worker } = require('node:worker_threads');
  const shared = new SharedArrayBuffer(setBytes.length);
  new Uint8Array(shared).set(setBytes);
  const workers = [];
  const waiting = new Map();
  let next = 0;
  for (let i = 0; i < n; i++) {
    const w = new Worker(path.join(__dirname, 'src', 'ndjson-worker.cjs'), {
      workerData: { set: shared, options },
    });
    w.busy = 0;
    w.on('message', ({ id, text }) => {
      w.busy--;
      const p = waiting.get(id);
      waiting.delete(id);
      if (p) p.resolve(text);
    });
    w.on('error', (e) => {
      for (const [id, p] of waiting) {
        if (p.worker === w) {
          waiting.delete(id);
          p.reject(e);
        }
      }
    });
    workers.push(w);
  }
  return {
    validate(bytes, firstLine, call, owned) {
      const w = workers.reduce((a, b) => (b.busy < a.busy ? b : a));
      w.busy++;
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject, worker: w });
        // a chunk the stream assembled itself moves to the worker (no copy); the caller's own
        // buffers are copied, never detached
        const move = owned && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        w.postMessage({ id, bytes, firstLine, options: call }, move ? [bytes.buffer] : []);
      });
    },
    close() {
      for (const w of workers) w.terminate();
    },
  };
}

const host = {
  glue,
  packageSource: async (igs, options) => packageSource(igs, options),
  pool,
  ready: () => true,
  init: async () => {},
  defaultSetSync,
  async loadDefaultSet(options) {
    const where = options && options.profileSet;
    if (typeof where === 'string' || where instanceof URL) return fs.readFileSync(where);
    if (where !== undefined) throw new Error('profileSet must be bytes, a path or a file: URL');
    const set = defaultSetSync();
    if (set === null) throw new Error(`${DEFAULT_SET} is missing: run scripts/build-pkg.sh`);
    return set;
  },
};

const api = makeFhirval(host);
module.exports = { Validator: api.Validator, FhirvalError: api.FhirvalError };
module.exports.default = module.exports;
