'use strict';
// A worker of `validateNdjsonStream(source, { workers })` (Node): its own WebAssembly engine
// over the compiled set the main thread shares (a SharedArrayBuffer), validating the chunks of
// whole lines it is sent and answering with the engine's JSON text of per-resource results.
const { parentPort, workerData } = require('node:worker_threads');
const glue = require('../fhirval_node.cjs');

let engine = null;
let failure = null;
try {
  const made = glue.Engine.from_profile_set(new Uint8Array(workerData.set), workerData.options);
  if (made instanceof glue.Engine) engine = made;
  else failure = (made && made.error) || String(made);
} catch (e) {
  failure = String(e && e.message ? e.message : e);
}

parentPort.on('message', ({ id, bytes, firstLine, options }) => {
  if (engine === null) {
    parentPort.postMessage({ id, text: JSON.stringify({ error: failure }) });
    return;
  }
  let text;
  try {
    text = engine.validate_lines(bytes, firstLine, options);
  } catch (e) {
    let panic = '';
    try {
      panic = glue.take_panic_message();
    } catch (_) {
      /* the instance is unusable */
    }
    engine = null;
    failure = `internal error in a worker: ${panic || (e && e.message) || e}`;
    text = JSON.stringify({ error: failure });
  }
  parentPort.postMessage({ id, text });
});
