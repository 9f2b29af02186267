// The page (www/) in headless Debian Chromium driven by playwright-core (no browser download):
// served by a local static server, a Bundle dropped on it, the issue list checked against the
// Node API's outcome, clicks on issues and lines, an IG package compiled in the page, no network
// request after load, and a reload with the server gone (offline). Screenshots go to
// tests/js/output/. The result view, accessibility and IG sets: browser-*.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pkgDir, packages, output, corpusFile, INVALID_PATIENT, VALID_PATIENT, US_CORE_PATIENT } from './helpers.mjs';
import { skip, serve, launch, dropFile, nextResult, expectedRows, allRows } from './browser-helpers.mjs';

const require = createRequire(import.meta.url);
let server;
let browser;

before(async () => {
  if (skip) return;
  server = await serve();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

test('the page validates a dropped Bundle in a worker, offline, and compiles a dropped IG package', { skip }, async () => {
  const { Validator } = require(pkgDir);
  const node = await Validator.create();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errorsOnPage = [];
  page.on('pageerror', (e) => errorsOnPage.push(String(e)));
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));

  await page.goto(`${server.base}index.html`);
  await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
  assert.match(await page.textContent('#privacy'), /Nothing leaves your browser/);
  assert.match(await page.textContent('#set-info'), /hl7\.fhir\.us\.davinci-pdex#/);
  await page.screenshot({ path: path.join(output, '1-ready.png') });

  // from here on: no request at all, to the server or anywhere
  const loadRequests = requests.length;
  requests.length = 0;
  server.served.length = 0;

  // a small Bundle with one invalid and one valid patient
  const bundle = JSON.stringify(
    {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:2b1b0a4e-8a0b-4d6e-9d5e-0f0e1c2d3a4b', resource: JSON.parse(INVALID_PATIENT) },
        { fullUrl: 'urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7', resource: JSON.parse(VALID_PATIENT) },
      ],
    },
    null,
    2,
  );
  await nextResult(page, () => dropFile(page, 'bundle.json', bundle));
  const expected = node.validate(bundle);
  const rows = await allRows(page);
  assert.deepEqual(rows, expectedRows(expected));
  assert.ok(rows.some((r) => r[0] === 'error' && r[3] === "Not a valid date format: '2020-13-01'"), JSON.stringify(rows));
  const errorCount = expected.issue.filter((i) => i.severity === 'error').length;
  assert.equal(await page.textContent('#summary .count.error'), `${errorCount} error`);
  assert.match(await page.textContent('#summary'), /INVALID/);
  assert.match(await page.textContent('#time'), /validated in [\d.]+ ms/);

  // an issue row takes the viewer to its line and column, which are highlighted; a marked line
  // is clickable and marks the first issue of its line
  const dateRow = page.locator('#issue-list button', { hasText: 'Not a valid date format' });
  const line = await dateRow.getAttribute('data-line');
  await dateRow.click();
  await page.waitForSelector(`#viewer .line.current[data-line="${line}"]`);
  assert.match(await page.getAttribute(`#viewer .line[data-line="${line}"]`, 'class'), /marked error/);
  assert.match(await page.textContent(`#viewer .line[data-line="${line}"]`), /"birthDate": "2020-13-01"/);
  const [, col] = (await dateRow.locator('.pos').textContent()).split(':').map(Number);
  const lineText = bundle.split('\n')[Number(line) - 1];
  assert.equal(await page.textContent('#viewer .line.current mark.col'), lineText[col - 1]);
  await page.click('#issue-list button[data-index="0"]');
  await page.click(`#viewer .line[data-line="${line}"]`);
  assert.equal(await page.getAttribute('#issue-list button.current', 'data-line'), line);
  await page.screenshot({ path: path.join(output, '2-bundle-issues.png') });

  // a real member Bundle (1.1 MB, 473 entries)
  const big = corpusFile('uscore_bundle_patient_355.json');
  await nextResult(page, () => dropFile(page, 'uscore_bundle_patient_355.json', big));
  assert.match(await page.textContent('#time'), /1\.1\d MB/);
  const bigRows = expectedRows(node.validate(big));
  // virtualised: a few dozen rows drawn, every one of them there when scrolled to
  assert.ok((await page.$$('#issue-list button')).length < 80);
  assert.deepEqual(await allRows(page), bigRows);
  await page.screenshot({ path: path.join(output, '3-corpus-bundle.png') });

  // NDJSON
  const ndjson = [VALID_PATIENT, INVALID_PATIENT].map((t) => JSON.stringify(JSON.parse(t))).join('\n');
  await page.fill('#input', ndjson);
  await nextResult(page, () => page.click('#validate'));
  assert.match(await page.textContent('#time'), /NDJSON/);
  const ndRows = await allRows(page);
  const ndDate = ndRows.find((r) => r[0] === 'error' && r[3] === "Not a valid date format: '2020-13-01'");
  assert.ok(ndDate && /^2:\d+$/.test(ndDate[1]), JSON.stringify(ndRows));

  // NDJSON of an 1,800-character line: the viewer scrolls sideways to the issue's column
  const div = `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(1700)}</div>`;
  // the narrative first: the unknown property 'foo' comes after it
  const longLine = JSON.stringify({ resourceType: 'Patient', id: 'p1', text: { status: 'generated', div }, ...JSON.parse(INVALID_PATIENT) });
  assert.ok(longLine.length > 1800, `${longLine.length}`);
  await page.fill('#input', [VALID_PATIENT.replace(/\n/g, ''), longLine].join('\n'));
  await nextResult(page, () => page.click('#validate'));
  const deep = page.locator('#issue-list button', { hasText: 'Unrecognized property' });
  await deep.click();
  const [deepLine, deepCol] = (await deep.locator('.pos').textContent()).split(':').map(Number);
  assert.equal(deepLine, 2);
  assert.ok(deepCol > 1700, `column ${deepCol}`);
  assert.ok(await page.evaluate(() => document.getElementById('viewer').scrollLeft) > 1000);
  const mark = await page.evaluate(() => {
    const m = document.querySelector('#viewer .line.current mark.col').getBoundingClientRect();
    const v = document.getElementById('viewer').getBoundingClientRect();
    return m.left >= v.left && m.right <= v.right;
  });
  assert.ok(mark, 'the column is in view');

  // a ~9 MB Bundle: validated in the worker while the page keeps drawing frames
  const base355 = JSON.parse(big);
  const huge = JSON.stringify({ ...base355, entry: Array.from({ length: 8 }, () => base355.entry).flat() }, null, 2);
  assert.ok(huge.length > 8e6, `${huge.length}`);
  await page.evaluate(() => {
    document.body.dataset.state = 'waiting';
    window.__frames = [];
    window.__states = [];
    new MutationObserver(() => window.__states.push([document.body.dataset.state, performance.now()])).observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
    const tick = (t) => {
      window.__frames.push(t);
      if (window.__frames.length < 100000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await dropFile(page, 'huge.json', huge);
  await page.waitForSelector('body[data-state=done]', { timeout: 120_000 });
  const { frames, states } = await page.evaluate(() => ({ frames: window.__frames, states: window.__states }));
  const from = states.find(([s]) => s === 'validating')[1];
  const to = states.find(([s]) => s === 'done')[1];
  const during = frames.filter((t) => t > from && t < to).length;
  assert.ok(during >= 3, `only ${during} frames drawn in the ${Math.round(to - from)} ms of validation: the page froze`);
  assert.match(await page.textContent('#time'), /\d+\.\d\d MB validated/);
  await page.screenshot({ path: path.join(output, '3b-9MB-bundle.png') });

  // PDex member-history mode
  const pdex = corpusFile('pdex_bundle_patient_999.json');
  await page.selectOption('#mode', 'pdex');
  await nextResult(page, () => dropFile(page, 'pdex_bundle_patient_999.json', pdex));
  assert.deepEqual(await allRows(page), expectedRows(node.validate(pdex, { mode: 'pdex' })));
  await page.selectOption('#mode', 'standard');

  // an IG package dropped on the page is compiled there (US Core 3.1.1 over the default set)
  await dropFile(page, 'hl7.fhir.us.core-3.1.1.tgz', fs.readFileSync(path.join(packages, 'hl7.fhir.us.core-3.1.1.tgz')));
  await page.waitForFunction(() => /Default \+ dropped packages:.*hl7\.fhir\.us\.core#3\.1\.1/.test(document.querySelector('#set-info').textContent), null, { timeout: 120_000 });
  assert.ok(await page.isChecked('#set-plus'));
  await page.fill('#input', INVALID_PATIENT.replace('|6.1.0', '|3.1.1'));
  await nextResult(page, () => page.click('#validate'));
  assert.ok((await allRows(page)).some((r) => r[3].includes(`from ${US_CORE_PATIENT}|3.1.1`)));
  assert.match(await page.textContent('#answered'), /us-core-patient\|3\.1\.1/);
  await page.screenshot({ path: path.join(output, '4-dropped-package.png') });

  assert.deepEqual(requests, [], 'requests after load');
  // the browser itself may re-check the service worker's script for an update (it sends nothing
  // of the page's); anything else reaching the server is a failure
  assert.deepEqual(server.served.filter((p) => p !== '/sw.js'), [], 'requests the server saw after load');
  assert.ok(loadRequests > 0);
  assert.deepEqual(errorsOnPage, []);

  // offline after the first load: the server is gone, the page still loads and validates
  await server.close();
  server = null;
  await page.reload();
  await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
  await page.fill('#input', INVALID_PATIENT);
  await nextResult(page, () => page.click('#validate'));
  assert.deepEqual(await allRows(page), expectedRows(node.validate(INVALID_PATIENT)));
  assert.ok((await allRows(page)).some((r) => r[3].includes(`${US_CORE_PATIENT}|6.1.0`)));
  await page.screenshot({ path: path.join(output, '5-offline.png') });
  await context.close();
});
