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

const host = {
  glue,
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
