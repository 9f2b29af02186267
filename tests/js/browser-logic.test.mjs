// The page's presentation logic (www/issues.js) in Node, on outcomes from the Node API: grouping
// keys, filters, sorting, CSV, the profiles named, and the likely cause of syntax errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { pkgDir, corpusFile, issue, VALID_PATIENT, US_CORE_PATIENT } from './helpers.mjs';
import * as oo from '../../www/issues.js';

const require = createRequire(import.meta.url);

test('records: grouped by message id (with the invariant key), else invariant key, else text; always with the severity', () => {
  const withId = issue('error', 'code-invalid', 'Unknown code X', 'Patient.gender', 3, 4);
  withId.extension.push({ url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id', valueString: 'Unknown_Code_in_Version' });
  const withId2 = issue('error', 'invariant', "Constraint failed: us-core-8: 'Either a family or a given name'", 'Patient.name[0]', 40, 6);
  withId2.extension.push({ url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id', valueString: 'Inv_Failed' });
  const recs = oo.records({
    resourceType: 'OperationOutcome',
    issue: [
      withId,
      issue('warning', 'invariant', "Constraint failed: dom-6: 'A resource should have narrative'", 'Bundle.entry[0].resource', 10, 8),
      issue('warning', 'invariant', "Constraint failed: dom-6: 'A resource should have narrative'", 'Bundle.entry[1].resource', 20, 8),
      issue('error', 'invariant', "Constraint failed: dom-6: 'A resource should have narrative'", 'Bundle.entry[2].resource', 30, 8),
      issue('information', 'informational', 'All OK'),
      issue('information', 'not-found', 'ValueSet http://x|1 not loaded'),
      withId2,
    ],
  });
  assert.deepEqual(
    recs.map((r) => [r.key, r.line, r.col]),
    [
      ['error|id:Unknown_Code_in_Version', 3, 4],
      ['warning|inv:dom-6', 10, 8],
      ['warning|inv:dom-6', 20, 8],
      ['error|inv:dom-6', 30, 8],
      ['information|text:ValueSet http://x|1 not loaded', 0, 0],
      ['error|id:Inv_Failed:us-core-8', 40, 6],
    ],
  );
  const g = oo.groups(recs, 'severity');
  assert.deepEqual(g.map((x) => [x.severity, x.label, x.recs.length]), [
    ['error', 'Unknown_Code_in_Version', 1],
    ['error', 'dom-6', 1],
    ['error', 'us-core-8 (Inv_Failed)', 1],
    ['warning', 'dom-6', 2],
    ['information', '', 1],
  ]);
  assert.deepEqual(oo.filtered(recs, new Set(['warning']), 'ENTRY[1]').map((r) => r.line), [20]);
  assert.deepEqual(oo.filtered(recs, new Set(oo.SEVERITIES), '20:').map((r) => r.line), [20]);
  assert.deepEqual(oo.sorted(recs, 'line').map((r) => r.line), [3, 10, 20, 30, 40, 0]);
  assert.deepEqual(oo.sorted(recs, 'expression').map((r) => r.expression), ['', 'Bundle.entry[0].resource', 'Bundle.entry[1].resource', 'Bundle.entry[2].resource', 'Patient.gender', 'Patient.name[0]']);
});

test('CSV quotes what needs quoting; the profiles named are counted', () => {
  const recs = oo.records({
    issue: [
      issue('error', 'required', `Patient.identifier: minimum required = 1, but only found 0 (from ${US_CORE_PATIENT}|8.0.0)`, 'Patient', 2, 1),
      issue('error', 'value', `He said "no", twice (from ${US_CORE_PATIENT}|8.0.0)`, 'Patient.name[0]', 5, 3),
      issue('warning', 'code-invalid', "Not in the value set 'Gender' (http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1)", 'Patient.gender', 6, 3),
    ],
  });
  assert.equal(
    oo.toCsv(recs),
    'severity,code,line,column,expression,message\r\n' +
      `error,required,2,1,Patient,"Patient.identifier: minimum required = 1, but only found 0 (from ${US_CORE_PATIENT}|8.0.0)"\r\n` +
      `error,value,5,3,Patient.name[0],"He said ""no"", twice (from ${US_CORE_PATIENT}|8.0.0)"\r\n` +
      "warning,code-invalid,6,3,Patient.gender,Not in the value set 'Gender' (http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1)\r\n",
  );
  // value sets are not profiles
  assert.deepEqual(oo.profilesNamed(recs), [[`${US_CORE_PATIENT}|8.0.0`, 2]]);
  assert.deepEqual(oo.multipleVersions(['a#1.0.0', 'b#10.0.0', 'b#9.1.0', 'b#3.1.1']), [['b', ['3.1.1', '9.1.0', '10.0.0']]]);
  assert.ok(oo.compareVersions('1.0.0', '1.0.0-ballot') > 0);
});

test("syntax errors: the engine's message and the likely cause (a missing closing quote or comma)", async () => {
  const v = await require(pkgDir).Validator.create();
  const hintOf = (text) => {
    const recs = oo.records(v.validate(text));
    assert.equal(recs.length, 1);
    const lines = text.split('\n');
    const starts = [0];
    for (const l of lines) starts.push(starts[starts.length - 1] + l.length + 1);
    return [recs[0].text, oo.syntaxHint(recs[0], text, (n) => lines[n - 1] || '', (l, c) => starts[l - 1] + oo.columnIndex(lines[l - 1] || '', c))];
  };
  const quote = VALID_PATIENT.replace('"gender": "female",', '"gender": "female,');
  assert.deepEqual(hintOf(quote), [
    'Error parsing JSON: unescaped control character U+000A in string',
    'Likely cause: a missing closing quote (") on line 6: the string that starts at column 13 runs to the end of the line.',
  ]);
  const comma = VALID_PATIENT.replace('"gender": "female",', '"gender": "female"');
  assert.deepEqual(hintOf(comma), [
    `Error parsing JSON: expected ',' or '}' after object member but found '"'`,
    'Likely cause: a missing comma (,) after line 6, column 20: "gender": "female"',
  ]);
  // the engine names a comma too many, or a name without quotes, itself: no guess needed
  const trailing = '{\n  "resourceType": "Patient",\n  "gender": "female",\n}\n';
  assert.deepEqual(hintOf(trailing), ["Error parsing JSON: trailing comma before '}' is not allowed", '']);
  assert.deepEqual(hintOf('{\n  resourceType: "Patient"\n}'), [
    "Error parsing JSON: unquoted object key 'resourceType'; keys must be double-quoted strings",
    '',
  ]);
  assert.deepEqual(hintOf(VALID_PATIENT.slice(0, 120)), [`Error parsing JSON: unterminated string: missing '"'`, '']);
  // not a syntax error: no guess
  const big = oo.records(v.validate(corpusFile('uscore_bundle_patient_85.json')));
  assert.ok(big.every((r) => oo.syntaxHint(r, '', () => '', () => 0) === ''));
});
