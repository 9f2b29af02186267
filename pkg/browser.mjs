// fhirval for browsers, Web Workers and bundlers (ES module). The WebAssembly module is
// fetched on `await Validator.init()` or `await Validator.create()` from beside this file
// (`new URL('./fhirval_bg.wasm', import.meta.url)`, which bundlers follow), or from
// `options.wasm` (a URL, Response, BufferSource or WebAssembly.Module); the default profile set
// likewise from `./fhirval-default.fvps` or `options.profileSet` (bytes or a URL).
import initWasm, * as glue from './fhirval_web.mjs';
import makeFhirval from './core.mjs';

let ready = false;
let initializing = null;
let defaultSet = null;

async function init(options) {
  if (ready) return;
  if (initializing === null) {
    const wasm = options && options.wasm !== undefined ? options.wasm : new URL('./fhirval_bg.wasm', import.meta.url);
    initializing = initWasm({ module_or_path: wasm }).then(
      () => {
        ready = true;
      },
      (e) => {
        initializing = null;
        throw e;
      },
    );
  }
  await initializing;
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

const host = {
  glue,
  // browsers have no packages folder: `igs` are .tgz URLs, compiled over options.base
  async packageSource(igs) {
    const packages = [];
    for (const url of igs) packages.push(await fetchBytes(new URL(url, globalThis.location?.href)));
    return { kind: 'packages', packages };
  },
  ready: () => ready,
  init,
  defaultSetSync: () => defaultSet,
  async loadDefaultSet(options) {
    const where = options && options.profileSet;
    if (typeof where === 'string' || where instanceof URL) return fetchBytes(where);
    if (where !== undefined) throw new Error('profileSet must be bytes or a URL');
    if (defaultSet === null) defaultSet = await fetchBytes(new URL('./fhirval-default.fvps', import.meta.url));
    return defaultSet;
  },
};

const api = makeFhirval(host);
export const Validator = api.Validator;
export const FhirvalError = api.FhirvalError;
export default api;
