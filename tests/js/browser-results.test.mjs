// The page's result view as a tester uses it, in headless Debian Chromium: keyboard only, axe-core
// (zero violations at 1280 and 400 px), no sideways scrolling, the 1.1 MB corpus Bundle's row 600
// shown in the viewer, grouping / filtering / sorting, download and copy, syntax errors scrolled
// into view with their likely cause. Screenshots at both widths: tests/js/output/ (or the
// committed tests/js/screenshots/ with UPDATE_SCREENSHOTS=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pkgDir, corpusFile, INVALID_PATIENT, VALID_PATIENT } from './helpers.mjs';
import {
  skip,
  serve,
  launch,
  openPage,
  dropFile,
  nextResult,
  expectedRows,
  allRows,
  drawnRows,
  rowAt,
  inView,
  horizontalOverflow,
  lineOf,
  shots,
  screenshot,
} from './browser-helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const BIG = 'uscore_bundle_patient_355.json';
let server;
let browser;
let node;

before(async () => {
  if (skip) return;
  server = await serve();
  browser = await launch();
  node = await require(pkgDir).Validator.create();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document);
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
  });
}

test('keyboard only: open a file, validate, move through the issues, show one in the viewer', { skip }, async () => {
  const { context, page } = await openPage(browser, server.base);
  // one listener for the whole test: Playwright intercepts file choosers while one is attached
  // (attaching it anew for each chooser races with the key press that opens it)
  const choosers = [];
  page.on('filechooser', (c) => choosers.push(c));
  const nextChooser = async () => {
    for (let k = 0; k < 300 && choosers.length === 0; k++) await page.waitForTimeout(100);
    assert.ok(choosers.length, 'a file chooser opened');
    return choosers.shift();
  };
  const focused = () => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.className));
  // Tab reaches the drop area, then "Open…", both with a visible focus outline
  const order = [];
  for (let k = 0; k < 6 && !order.includes('open'); k++) {
    await page.keyboard.press('Tab');
    order.push(await focused());
  }
  assert.ok(order.includes('drop'), JSON.stringify(order));
  assert.equal(order[order.length - 1], 'open');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');

  // Enter on "Open…" opens the file chooser; the file is validated at once
  const bundle = JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:2b1b0a4e-8a0b-4d6e-9d5e-0f0e1c2d3a4b', resource: JSON.parse(INVALID_PATIENT) }] }, null, 2);
  await nextResult(page, async () => {
    await page.keyboard.press('Enter');
    await (await nextChooser()).setFiles({ name: 'bundle.json', mimeType: 'application/json', buffer: Buffer.from(bundle) });
  });
  const errors = node.validate(bundle).issue.filter((i) => i.severity === 'error').length;
  // the verdict and the counts are announced (a polite live region)
  assert.equal(await page.getAttribute('#status', 'role'), 'status');
  assert.match(await page.textContent('#status'), new RegExp(`^Invalid: ${errors} errors, \\d+ warnings?, \\d+ information\\.`));

  // Space on the drop area opens the file chooser too
  await page.focus('#drop');
  await page.keyboard.press(' ');
  await (await nextChooser()).setFiles([]);

  // typed input, validated with Ctrl+Enter
  await page.focus('#input');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(INVALID_PATIENT);
  await nextResult(page, () => page.keyboard.press('Control+Enter'));
  const rows = expectedRows(node.validate(INVALID_PATIENT));

  // Tab from the last toolbar button goes into the issue list, on its first row
  await page.focus('#copy-csv');
  await page.keyboard.press('Tab'); // the viewer (a focusable scroll region)
  assert.equal(await focused(), 'viewer');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.index), '0');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.index), '1');
  await page.keyboard.press('Enter');
  const [line, col] = rows[1][1].split(':');
  await page.waitForSelector(`#viewer .line.current[data-line="${line}"]`);
  assert.equal(await page.getAttribute('#issue-list button.current', 'data-index'), '1');
  assert.equal(await page.textContent('#viewer .line.current mark.col'), INVALID_PATIENT.split('\n')[line - 1][col - 1]);
  // in the viewer, n goes to the next line with issues and Enter marks its first issue
  await page.focus('#viewer');
  await page.keyboard.press('n');
  const next = rows.map((r) => Number(r[1].split(':')[0])).filter((l) => l > Number(line)).sort((a, b) => a - b)[0];
  await page.waitForSelector(`#viewer .line.current[data-line="${next}"]`);
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#issue-list button.current', 'data-line'), String(next));
  assert.deepEqual(page.errors, []);
  await context.close();
});

for (const [width, height] of [
  [1280, 800],
  [400, 800],
]) {
  test(`at ${width} px: axe finds no violation, nothing scrolls sideways, the result comes into view`, { skip }, async () => {
    const { context, page } = await openPage(browser, server.base, { width, height });
    assert.deepEqual(await axe(page), [], 'axe on the page ready');
    assert.equal(await horizontalOverflow(page), 0);
    await nextResult(page, () => dropFile(page, BIG, corpusFile(BIG)));
    assert.equal(await horizontalOverflow(page), 0, 'long URLs in messages wrap');
    // the result is on screen after the run (on a narrow screen the page scrolls to it)
    assert.ok(await inView(page, '#summary'), 'the summary is in view');
    const box = await page.locator('#issues').boundingBox();
    assert.ok(box.y < height, `the issue list starts at ${box.y}px`);
    await screenshot(page, path.join(shots, `page-${width}.png`));
    // grouped, with a group open and a row chosen: still no violation, no sideways scrolling
    await page.check('#group');
    await page.click('#issue-list button[data-index="0"]');
    await page.click('#issue-list button[data-index="1"]');
    assert.deepEqual(await axe(page), [], 'axe on the result');
    assert.equal(await horizontalOverflow(page), 0);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test("row 600 of the 1.1 MB Bundle: a click shows its line and column in the viewer, both on screen", { skip }, async () => {
  const { context, page } = await openPage(browser, server.base);
  const big = corpusFile(BIG);
  await nextResult(page, () => dropFile(page, BIG, big));
  const expected = expectedRows(node.validate(big));
  assert.ok(expected.length > 600, `${expected.length} issues`);
  const row = await rowAt(page, 599);
  assert.deepEqual((await drawnRows(page)).find((r) => r.index === 599).cells, expected[599]);
  await row.click();
  const [line, col] = expected[599][1].split(':').map(Number);
  await page.waitForSelector(`#viewer .line.current[data-line="${line}"]`);
  assert.ok(await inView(page, `#viewer .line.current[data-line="${line}"] mark.col`, '#viewer'), 'the line and column are in the viewer, on screen');
  assert.ok(await inView(page, '#issue-list button[data-index="599"]', '#issues'), 'the row is on screen too');
  assert.equal(await page.textContent('#viewer .line.current mark.col'), big.split('\n')[line - 1][col - 1]);
  // a new result starts at the top
  await nextResult(page, () => page.click('#validate'));
  assert.equal(await page.evaluate(() => document.getElementById('issues').scrollTop), 0);
  assert.equal(await page.evaluate(() => document.getElementById('viewer').scrollTop), 0);
  assert.ok(await page.$('#issue-list button[data-index="0"]'));
  await context.close();
});

test('group by message, filter by severity and text, sort by line and expression', { skip }, async () => {
  // a tall window: fewer steps to read every row
  const { context, page } = await openPage(browser, server.base, { width: 1280, height: 2400 });
  const big = corpusFile(BIG);
  await nextResult(page, () => dropFile(page, BIG, big));
  const issues = node.validate(big).issue;
  const total = issues.length;
  const dom6 = issues.filter((i) => i.details.text.startsWith('Constraint failed: dom-6:'));
  assert.ok(dom6.length > 100, `${dom6.length} dom-6 issues`);
  assert.equal(await page.textContent('#shown'), `${total.toLocaleString('en-US')} issues shown of ${total.toLocaleString('en-US')}.`);

  // text filter
  await page.fill('#filter', 'dom-6');
  assert.equal(await page.textContent('#shown'), `${dom6.length} issues shown of ${total.toLocaleString('en-US')}.`);
  await page.fill('#filter', '');

  // severity filter: errors only
  await page.uncheck('input.sev[value=warning]');
  await page.uncheck('input.sev[value=information]');
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  const rows = await allRows(page);
  assert.equal(rows.length, errors.length);
  assert.ok(rows.every((r) => r[0] === 'error' || r[0] === 'fatal'));
  await page.check('input.sev[value=warning]');
  await page.check('input.sev[value=information]');

  // grouped: one group per invariant key (dom-6 included), biggest first within a severity
  await page.check('#group');
  const groups = await allRows(page);
  // the grouping rule: the message id when the engine gives one, else the invariant key, else the text
  const keys = new Set(issues.map((i) => {
    const id = (i.extension || []).find((x) => x.url.endsWith('operationoutcome-message-id'));
    const inv = /^Constraint failed: ([^\s:]+):/.exec(i.details.text);
    const idKey = id ? `id:${id.valueString || id.valueCode}` : '';
    return `${i.severity}|${idKey}|${inv ? inv[1] : idKey ? '' : i.details.text}`;
  }));
  assert.equal(groups.length, keys.size);
  const dom6Group = groups.findIndex((g) => g[2] === 'dom-6' || g[2].startsWith('dom-6 ('));
  assert.deepEqual(groups[dom6Group].slice(0, 2), ['warning', `${dom6.length} ×`]);
  const warnings = groups.filter((g) => g[0] === 'warning').map((g) => Number(g[1].replace(/\D/g, '')));
  assert.deepEqual(warnings, [...warnings].sort((a, b) => b - a));
  assert.match(await page.textContent('#shown'), new RegExp(`in ${keys.size} groups`));
  // opened (Enter on it): its issues follow it, each with its own line
  await (await rowAt(page, dom6Group)).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute(`#issue-list button[data-index="${dom6Group}"]`, 'aria-expanded'), 'true');
  const opened = await allRows(page);
  assert.equal(opened.length, keys.size + dom6.length);
  const children = opened.slice(dom6Group + 1, dom6Group + 1 + dom6.length);
  assert.ok(children.every((c) => c[0] === 'warning' && c[3].startsWith('Constraint failed: dom-6:') && /^\d+:\d+$/.test(c[1])));
  await page.uncheck('#group');

  // sorted by line; by expression
  await page.selectOption('#sort', 'line');
  const byLine = (await allRows(page)).map((r) => r[1].split(':').map(Number));
  for (let k = 1; k < byLine.length; k++) {
    const [a, b] = [byLine[k - 1], byLine[k]];
    assert.ok(a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]) || !b[0], `row ${k}: ${a} then ${b}`);
  }
  await page.selectOption('#sort', 'expression');
  const byExpr = (await allRows(page)).map((r) => r[2]);
  assert.deepEqual(byExpr, [...byExpr].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('download the OperationOutcome; copy the issues shown as JSON and CSV', { skip }, async () => {
  const { context, page } = await openPage(browser, server.base, undefined, { acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] });
  const bundle = corpusFile('uscore_bundle_patient_85.json');
  await nextResult(page, () => dropFile(page, 'uscore_bundle_patient_85.json', bundle));
  const expected = node.validate(bundle);
  const download = page.waitForEvent('download');
  await page.click('#download');
  const file = await download;
  assert.equal(file.suggestedFilename(), 'uscore_bundle_patient_85.outcome.json');
  assert.deepEqual(JSON.parse(fs.readFileSync(await file.path(), 'utf8')), expected);

  await page.uncheck('input.sev[value=information]');
  const shown = expected.issue.filter((i) => i.severity !== 'information' && !(i.details.text === 'All OK'));
  await page.click('#copy-json');
  await page.waitForFunction(() => /^Copied/.test(document.getElementById('status').textContent));
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  assert.equal(copied.resourceType, 'OperationOutcome');
  assert.deepEqual(new Set(copied.issue.map((i) => JSON.stringify(i))), new Set(shown.map((i) => JSON.stringify(i))));
  await page.click('#copy-csv');
  await page.waitForFunction(() => /as CSV/.test(document.getElementById('status').textContent));
  const csv = await page.evaluate(() => navigator.clipboard.readText());
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines[0], 'severity,code,line,column,expression,message');
  assert.equal(lines.length, shown.length + 1);
  const first = expectedRows({ issue: shown })[0];
  const firstIssue = shown.find((i) => i.details.text === first[3] && `${lineOf(i)}` === first[1].split(':')[0]);
  assert.ok(lines[1].startsWith(`${first[0]},${firstIssue.code},${first[1].replace(':', ',')},`), lines[1]);
  await context.close();
});

test('syntax errors: scrolled into view at their line and column, with the likely cause', { skip }, async () => {
  const { context, page } = await openPage(browser, server.base);
  // a missing closing quote at line 155 of the 1.1 MB Bundle
  const lines = corpusFile(BIG).split('\n');
  const at = lines.findIndex((l, k) => k >= 154 && /^\s*"[a-zA-Z]+": "[^"]+",$/.test(l));
  assert.ok(at >= 154 && at < 170, `line ${at + 1}`);
  const broken = [...lines];
  broken[at] = broken[at].replace(/",$/, ',');
  await nextResult(page, () => dropFile(page, 'broken.json', broken.join('\n')));
  const fatal = node.validate(broken.join('\n')).issue[0];
  assert.equal(fatal.severity, 'fatal');
  assert.equal(lineOf(fatal), at + 1);
  await page.waitForSelector(`#viewer .line.current[data-line="${at + 1}"]`);
  assert.ok(await inView(page, `#viewer .line.current[data-line="${at + 1}"] mark.col`, '#viewer'), 'the error is in view');
  const opening = broken[at].indexOf('"', broken[at].indexOf(':')) + 1;
  const hint = `Likely cause: a missing closing quote (") on line ${at + 1}: the string that starts at column ${opening} runs to the end of the line.`;
  assert.equal(await page.textContent('#issue-list button[data-index="0"] .hint'), hint);
  assert.ok((await page.textContent('#status')).includes(hint));
  assert.equal(await page.getAttribute('#issue-list button.current', 'data-index'), '0');

  // a missing comma: the exact character and the line the comma is missing from
  const noComma = VALID_PATIENT.replace('"gender": "female",', '"gender": "female"');
  await page.fill('#input', noComma);
  await nextResult(page, () => page.click('#validate'));
  const gender = noComma.split('\n').findIndex((l) => l.includes('"gender"')) + 1;
  const text = await page.textContent('#issue-list button[data-index="0"]');
  assert.match(text, /Error parsing JSON: expected ',' or '}' after object member but found '"'/);
  assert.match(text, new RegExp(`Likely cause: a missing comma \\(,\\) after line ${gender}, column \\d+`));
  await page.waitForSelector(`#viewer .line.current[data-line="${gender + 1}"]`);
  await context.close();
});
