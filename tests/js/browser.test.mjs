// The page (www/) in headless Debian Chromium driven by playwright-core (no browser download):
// served by a local static server, a Bundle dropped on it, the issue table checked against the
// Node API's outcome, clicks on issues and lines, an IG package compiled in the page, no network
// request after load, and a reload with the server gone (offline). Screenshots go to
// tests/js/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repo, pkgDir, packages, output, corpusFile, INVALID_PATIENT, VALID_PATIENT, US_CORE_PATIENT } from './helpers.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const require = createRequire(import.meta.url);
// CI installs Chromium (.ci/run), so there a missing browser fails instead of skipping
const skip = !fs.existsSync(CHROMIUM) && !process.env.CI ? `no ${CHROMIUM}` : false;
const www = path.join(repo, 'www');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

let server;
let base;
let served = []; // paths the server was asked for
let browser;

before(async () => {
  if (skip) return;
  fs.mkdirSync(output, { recursive: true });
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    served.push(url.pathname);
    let file = path.join(www, decodeURIComponent(url.pathname));
    if (!file.startsWith(www)) {
      res.writeHead(403).end();
      return;
    }
    if (file.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/`;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ], // launch() gives Chromium a fresh, empty user-data-dir of its own

  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    server.closeAllConnections();
    server.close();
  }
});

async function dropFile(page, name, content) {
  const isText = typeof content === 'string';
  const dt = await page.evaluateHandle(
    ({ name, data, isText }) => {
      const dt = new DataTransfer();
      const body = isText ? data : Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      dt.items.add(new File([body], name));
      return dt;
    },
    { name, data: isText ? content : Buffer.from(content).toString('base64'), isText },
  );
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
}

const SEVERITIES = ['fatal', 'error', 'warning', 'information'];
const lineOf = (i) => ((i.extension || []).find((x) => x.url.endsWith('issue-line')) || {}).valueInteger || 0;

/** The rows the page should show for an outcome: most severe first, then by line. */
function expectedRows(oo) {
  return oo.issue
    .filter((i) => !(i.details.text === 'All OK' && !i.expression))
    .map((i, n) => ({ i, n }))
    .sort((a, b) => SEVERITIES.indexOf(a.i.severity) - SEVERITIES.indexOf(b.i.severity) || lineOf(a.i) - lineOf(b.i) || a.n - b.n)
    .map(({ i }) => [i.severity, String(lineOf(i) || ''), (i.expression || []).join(', '), i.details.text]);
}

async function tableRows(page) {
  return page.$$eval('#issues tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
}

test('the page validates a dropped Bundle in a worker, offline, and compiles a dropped IG package', { skip }, async () => {
  const { Validator } = require(pkgDir);
  const node = await Validator.create();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errorsOnPage = [];
  page.on('pageerror', (e) => errorsOnPage.push(String(e)));
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));

  await page.goto(`${base}index.html`);
  await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
  assert.match(await page.textContent('#privacy'), /Nothing leaves your browser/);
  assert.match(await page.textContent('#set-info'), /hl7\.fhir\.us\.davinci-pdex#/);
  await page.screenshot({ path: path.join(output, '1-ready.png') });

  // from here on: no request at all, to the server or anywhere
  const loadRequests = requests.length;
  requests.length = 0;
  served = [];

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
  await dropFile(page, 'bundle.json', bundle);
  await page.waitForSelector('body[data-state=done]', { timeout: 60_000 });
  const expected = node.validate(bundle);
  const rows = await tableRows(page);
  assert.deepEqual(rows, expectedRows(expected));
  assert.ok(rows.some((r) => r[0] === 'error' && r[3] === "Not a valid date format: '2020-13-01'"), JSON.stringify(rows));
  const errorCount = expected.issue.filter((i) => i.severity === 'error').length;
  assert.equal(await page.textContent('#summary .count.error'), `${errorCount} error`);
  assert.match(await page.textContent('#summary'), /INVALID/);
  assert.match(await page.textContent('#time'), /validated in [\d.]+ ms/);

  // an issue row takes the viewer to its line, which is highlighted; a marked line is clickable
  const dateRow = page.locator('#issues tbody tr', { hasText: 'Not a valid date format' });
  const line = await dateRow.getAttribute('data-line');
  await dateRow.click();
  await page.waitForSelector(`#viewer .line.current[data-line="${line}"]`);
  assert.match(await page.getAttribute(`#viewer .line[data-line="${line}"]`, 'class'), /marked error/);
  assert.match(await page.textContent(`#viewer .line[data-line="${line}"]`), /"birthDate": "2020-13-01"/);
  await page.click(`#viewer .line[data-line="${line}"]`);
  assert.match(await page.getAttribute('#issues tbody tr.current', 'data-line'), new RegExp(`^${line}$`));
  await page.screenshot({ path: path.join(output, '2-bundle-issues.png') });

  // a real member Bundle (1.1 MB, 473 entries)
  const big = corpusFile('uscore_bundle_patient_355.json');
  await page.evaluate(() => {
    document.body.dataset.state = 'waiting';
  });
  await dropFile(page, 'uscore_bundle_patient_355.json', big);
  await page.waitForSelector('body[data-state=done]', { timeout: 60_000 });
  assert.match(await page.textContent('#time'), /1\.1\d MB/);
  assert.deepEqual(await tableRows(page), expectedRows(node.validate(big)));
  await page.screenshot({ path: path.join(output, '3-corpus-bundle.png') });

  // NDJSON
  const ndjson = [VALID_PATIENT, INVALID_PATIENT].map((t) => JSON.stringify(JSON.parse(t))).join('\n');
  await page.fill('#input', ndjson);
  await page.evaluate(() => {
    document.body.dataset.state = 'waiting';
  });
  await page.click('#validate');
  await page.waitForSelector('body[data-state=done]', { timeout: 60_000 });
  assert.match(await page.textContent('#time'), /NDJSON/);
  const ndRows = await tableRows(page);
  assert.ok(ndRows.some((r) => r[0] === 'error' && r[1] === '2' && r[3] === "Not a valid date format: '2020-13-01'"), JSON.stringify(ndRows));

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
  await page.evaluate(() => {
    document.body.dataset.state = 'waiting';
  });
  await dropFile(page, 'pdex_bundle_patient_999.json', pdex);
  await page.waitForSelector('body[data-state=done]', { timeout: 60_000 });
  assert.deepEqual(await tableRows(page), expectedRows(node.validate(pdex, { mode: 'pdex' })));
  await page.selectOption('#mode', 'standard');

  // an IG package dropped on the page is compiled there (US Core 3.1.1 over the default set)
  await dropFile(page, 'hl7.fhir.us.core-3.1.1.tgz', fs.readFileSync(path.join(packages, 'hl7.fhir.us.core-3.1.1.tgz')));
  await page.waitForFunction(() => /Compiled from the dropped packages.*hl7\.fhir\.us\.core#3\.1\.1/.test(document.querySelector('#set-info').textContent), null, { timeout: 120_000 });
  assert.ok(await page.isChecked('#set-packages'));
  await page.fill('#input', INVALID_PATIENT.replace('|6.1.0', '|3.1.1'));
  await page.click('#validate');
  await page.waitForFunction(() => /from http:\/\/hl7\.org\/fhir\/us\/core\/StructureDefinition\/us-core-patient\|3\.1\.1/.test(document.querySelector('#issues').textContent), null, { timeout: 60_000 });
  await page.screenshot({ path: path.join(output, '4-dropped-package.png') });

  assert.deepEqual(requests, [], 'requests after load');
  // the browser itself may re-check the service worker's script for an update (it sends nothing
  // of the page's); anything else reaching the server is a failure
  assert.deepEqual(served.filter((p) => p !== '/sw.js'), [], 'requests the server saw after load');
  assert.ok(loadRequests > 0);
  assert.deepEqual(errorsOnPage, []);

  // offline after the first load: the server is gone, the page still loads and validates
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  server = null;
  await page.reload();
  await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
  await page.fill('#input', INVALID_PATIENT);
  await page.click('#validate');
  await page.waitForSelector('body[data-state=done]', { timeout: 60_000 });
  assert.deepEqual(await tableRows(page), expectedRows(node.validate(INVALID_PATIENT)));
  assert.ok((await tableRows(page)).some((r) => r[3].includes(`${US_CORE_PATIENT}|6.1.0`)));
  await page.screenshot({ path: path.join(output, '5-offline.png') });
  await context.close();
});
