// Shared paths and fixtures of the JavaScript tests (run by scripts/test.sh after
// scripts/build-pkg.sh; `node --test tests/js/`).
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const pkgDir = path.join(repo, 'pkg');
export const shared = path.resolve(repo, '..', 'shared');
export const corpus = path.join(shared, 'corpus');
export const packages = path.join(shared, 'fhir-packages');
export const cli = path.join(repo, 'target', 'release', 'fhirval');
export const output = path.join(repo, 'tests', 'js', 'output');

export function corpusFile(name) {
  return fs.readFileSync(path.join(corpus, name), 'utf8');
}

export const US_CORE_PATIENT = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient';

/** A US Core 6.1.0 Patient with three errors: an unknown property, a bad date, no identifier. */
export const INVALID_PATIENT = `{
  "resourceType": "Patient",
  "id": "p1",
  "meta": {"profile": ["${US_CORE_PATIENT}|6.1.0"]},
  "gender": "female",
  "birthDate": "2020-13-01",
  "name": [{"family": "Doe", "given": ["Jane"]}],
  "foo": 1
}
`;

export const VALID_PATIENT = `{
  "resourceType": "Patient",
  "id": "p2",
  "meta": {"profile": ["${US_CORE_PATIENT}|6.1.0"]},
  "identifier": [{"system": "http://example.org/mrn", "value": "12345"}],
  "gender": "female",
  "birthDate": "1970-01-31",
  "name": [{"family": "Doe", "given": ["Jane"]}]
}
`;

/** An issue as the OperationOutcome carries it (with its message id when `id` is given). */
export function issue(severity, code, text, expression, line, col, id) {
  const i = {};
  const ext = [];
  if (line) {
    ext.push(
      { url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line', valueInteger: line },
      { url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col', valueInteger: col },
    );
  }
  if (id) ext.push({ url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id', valueString: id });
  if (ext.length) i.extension = ext;
  i.severity = severity;
  i.code = code;
  i.details = { text };
  if (expression) i.expression = [expression];
  return i;
}

export function errors(oo) {
  return oo.issue.filter((i) => i.severity === 'error' || i.severity === 'fatal');
}

export function isFatalOutcome(oo) {
  return (
    oo !== null &&
    typeof oo === 'object' &&
    oo.resourceType === 'OperationOutcome' &&
    Array.isArray(oo.issue) &&
    oo.issue.some((i) => i.severity === 'fatal')
  );
}
