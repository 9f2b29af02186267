// fhirval for Node as an ES module: the CommonJS build (`index.cjs`), so that `import` and
// `require` share one WebAssembly instance.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const api = require('./index.cjs');

export const Validator = api.Validator;
export const FhirvalError = api.FhirvalError;
export default api;
