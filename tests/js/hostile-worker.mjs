// Worker of hostile.test.mjs: validates the hostile inputs it is sent with the wasm build and
// posts each OperationOutcome (as JSON text) back; the main thread watches the time and
// terminates this worker if one input takes too long (a synchronous hang cannot be interrupted
// otherwise).
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { Validator } = require(workerData.pkgDir);

const validators = new Map();
async function validatorFor(options) {
  const key = JSON.stringify(options || {});
  if (!validators.has(key)) validators.set(key, await Validator.create(options || {}));
  return validators.get(key);
}

for (const c of workerData.cases) {
  const v = await validatorFor(c.options);
  if (v instanceof Error) {
    parentPort.postMessage({ kind: 'done', file: c.file, error: `Validator.create: ${v.message}` });
    continue;
  }
  const bytes = fs.readFileSync(path.join(workerData.dir, c.file));
  parentPort.postMessage({ kind: 'start', file: c.file });
  const t0 = performance.now();
  const oo = JSON.stringify(v.validate(bytes));
  const ms = performance.now() - t0;
  const again = JSON.stringify(v.validate(bytes));
  // the same input as a JavaScript string (the API's other path), when it is UTF-8
  let asString = null;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    asString = JSON.stringify(v.validate(text));
  } catch (_) {
    /* not UTF-8: bytes only */
  }
  parentPort.postMessage({ kind: 'done', file: c.file, oo, same: oo === again, asString, ms });
}
parentPort.postMessage({ kind: 'end' });
