// The page's diagnostics in headless Debian Chromium: an issue's slice reasoning expandable under
// its row (closed at first, open on a click or Enter, the rows below moved down, kept open while
// the list redraws), and the Must Support coverage tab (the JS API's coverage() in the worker:
// one table per profile, the elements no resource populates marked), reached by the keyboard;
// axe-core finds no violation with both shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { pkgDir, VALID_PATIENT } from './helpers.mjs';
import { skip, serve, launch, openPage, nextResult } from './browser-helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
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

const mmHg = (value) => ({ value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
const loinc = (code) => ({ coding: [{ system: 'http://loinc.org', code }] });
/** FHIR's blood-pressure profile, the systolic component's code wrong (9999-9). */
const BP = JSON.stringify(
  {
    resourceType: 'Observation',
    id: 'bp',
    meta: { profile: ['http://hl7.org/fhir/StructureDefinition/bp'] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">bp</div>' },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: loinc('85354-9'),
    subject: { reference: 'Patient/1' },
    effectiveDateTime: '2020-01-01',
    component: [
      { code: loinc('9999-9'), valueQuantity: mmHg(120) },
      { code: loinc('8462-4'), valueQuantity: mmHg(80) },
    ],
  },
  null,
  2,
);

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document);
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

test('slice reasoning: expandable under its issue, closed at first, open on a click or Enter', { skip }, async () => {
  const expected = node.validate(BP).issue.filter((i) => i.diagnostics);
  assert.ok(expected.length >= 1, 'the engine gives slice reasoning for this input');
  const why = expected[0];
  assert.match(why.details.text, /a matching slice is required, but not found/);
  assert.match(why.diagnostics, /wants code\.coding.*found .*9999-9/);

  const { context, page } = await openPage(browser, server.base);
  await page.fill('#input', BP);
  await nextResult(page, () => page.click('#validate'));
  // the row of the issue, and its reasons beside it (not inside the row's button)
  const rows = await page.$$eval('#issue-list .item', (items) =>
    items.map((li) => ({
      index: Number(li.querySelector('button').dataset.index),
      text: li.querySelector('button .msg').textContent,
      why: li.querySelector(':scope > details.why pre')?.textContent ?? null,
      open: li.querySelector(':scope > details.why')?.open ?? null,
    })),
  );
  const withWhy = rows.filter((r) => r.why !== null);
  assert.equal(withWhy.length, expected.length, JSON.stringify(rows));
  const row = withWhy.find((r) => r.text === why.details.text);
  assert.ok(row, JSON.stringify(rows));
  assert.equal(row.why, why.diagnostics);
  assert.equal(row.open, false);
  // rows without diagnostics have no reasons
  assert.ok(rows.filter((r) => r.why === null).length === rows.length - expected.length);

  const item = `#issue-list .item:has(button[data-index="${row.index}"])`;
  const next = `#issue-list .item:has(button[data-index="${row.index + 1}"])`;
  const top = (sel) => page.$eval(sel, (el) => el.getBoundingClientRect().top);
  const hasNext = (await page.$(next)) !== null;
  const before = hasNext ? await top(next) : 0;
  await page.click(`${item} details.why summary`);
  assert.equal(await page.$eval(`${item} details.why`, (d) => d.open), true);
  assert.ok(await page.isVisible(`${item} details.why pre`));
  if (hasNext) {
    await page.waitForFunction(
      ([sel, y]) => document.querySelector(sel).getBoundingClientRect().top > y + 10,
      [next, before],
    );
  }
  // still open after the list is drawn again (a sort change redraws every row)
  await page.selectOption('#sort', 'line');
  await page.selectOption('#sort', 'severity');
  const again = await page.$$eval('#issue-list details.why', (ds) => ds.map((d) => d.open));
  assert.ok(again.includes(true), JSON.stringify(again));
  // the keyboard: Enter on the summary closes it
  await page.focus(`${item} details.why summary`);
  await page.keyboard.press('Enter');
  assert.equal(await page.$eval(`${item} details.why`, (d) => d.open), false);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('Must Support coverage tab: a table per profile, the unpopulated elements marked, by keyboard', { skip }, async () => {
  const report = node.coverage(VALID_PATIENT, { mode: 'standard' });
  assert.ok(report.profiles.length >= 1, JSON.stringify(report));
  const { context, page } = await openPage(browser, server.base);
  assert.equal(await page.getAttribute('#tab-coverage', 'aria-selected'), 'false');
  assert.ok(await page.isDisabled('#tab-coverage'), 'no result, no coverage');
  await page.fill('#input', VALID_PATIENT);
  await nextResult(page, () => page.click('#validate'));
  // ArrowRight from the Issues tab selects the coverage tab
  await page.focus('#tab-issues');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-coverage');
  assert.equal(await page.getAttribute('#tab-coverage', 'aria-selected'), 'true');
  assert.ok(await page.isHidden('#panel-issues'));
  await page.waitForSelector('#coverage-report table');
  const tables = await page.$$eval('#coverage-report h3', (hs) =>
    hs.map((h) => {
      const t = h.nextElementSibling;
      return {
        head: h.textContent,
        rows: [...t.tBodies[0].rows].map((r) => [r.cells[0].textContent, r.cells[1].textContent, r.className]),
      };
    }),
  );
  assert.equal(tables.length, report.profiles.length);
  report.profiles.forEach((p, k) => {
    const t = tables[k];
    assert.ok(t.head.startsWith(`${p.url}: `), t.head);
    assert.equal(t.rows.length, p.elements.length);
    p.elements.forEach((e, j) => {
      const [id, count, cls] = t.rows[j];
      assert.equal(id, e.id);
      assert.ok(count.startsWith(`${e.populated} of ${p.resources}`), count);
      assert.equal(cls, e.populated === 0 ? 'none' : '');
    });
  });
  const unpopulated = report.profiles.flatMap((p) => p.elements.filter((e) => e.populated === 0));
  assert.ok(unpopulated.length > 0, 'a lone Patient leaves Must Support elements unpopulated');
  assert.equal(await page.$$eval('#coverage-report tr.none', (r) => r.length), unpopulated.length);
  assert.deepEqual(await axe(page), []);
  // back to the issues
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getAttribute('#tab-issues', 'aria-selected'), 'true');
  assert.ok(await page.isVisible('#panel-issues'));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('axe: no violation with slice reasoning open', { skip }, async () => {
  const { context, page } = await openPage(browser, server.base);
  await page.fill('#input', BP);
  await nextResult(page, () => page.click('#validate'));
  await page.click('#issue-list details.why summary');
  assert.deepEqual(await axe(page), []);
  await context.close();
});
