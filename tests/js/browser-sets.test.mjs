// The page's IG sets in headless Debian Chromium: "default", "default + dropped" and "dropped
// packages only" (with R4 core), a dropped package removed again, and the shipped IG sets
// (www/pkg/sets/, built by scripts/build-pkg.sh) fetched only when chosen, then offline. Each
// mode names the version of the profile that answered, and its rows match the Node API's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pkgDir, packages, INVALID_PATIENT } from './helpers.mjs';
import { skip, serve, launch, openPage, dropFile, nextResult, expectedRows, allRows, www, shots } from './browser-helpers.mjs';

const require = createRequire(import.meta.url);
const sets = path.join(www, 'pkg', 'sets');
// a US Core Patient without identifier whose meta.profile names no version
const PATIENT = INVALID_PATIENT.replace('|6.1.0', '');
const US_CORE_8 = 'hl7.fhir.us.core-8.0.0.tgz';
let server;
let browser;
let Validator;

before(async () => {
  if (skip) return;
  server = await serve();
  browser = await launch();
  ({ Validator } = require(pkgDir));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

async function validatePatient(page) {
  await page.fill('#input', PATIENT);
  await nextResult(page, () => page.click('#validate'));
  return page.textContent('#answered');
}

const setInfo = (page, re) =>
  page.waitForFunction((re) => new RegExp(re).test(document.getElementById('set-info').textContent), re.source, { timeout: 120_000 });

function newest(packages, name) {
  const versions = packages.filter((p) => p.startsWith(`${name}#`)).map((p) => p.split('#')[1]);
  return versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop();
}

test('IG sets: default, default + dropped, dropped only, each naming the version that answered; a package removed', { skip }, async () => {
  const { context, page } = await openPage(browser, server.base);
  const defaultNode = await Validator.create();
  const inDefault = newest(defaultNode.info().packages, 'hl7.fhir.us.core');
  assert.ok(inDefault && inDefault !== '8.0.0', inDefault);

  // default
  assert.match(await page.textContent('#set-info'), /^Default set: .*hl7\.fhir\.us\.davinci-pdex#/);
  assert.match(await validatePatient(page), new RegExp(`us-core-patient\\|${inDefault.replace(/\./g, '\\.')} \\(\\d+\\)`));
  assert.deepEqual(await allRows(page), expectedRows(defaultNode.validate(PATIENT)));

  // default + dropped US Core 8.0.0: several US Core versions, the newest answers
  const us8 = fs.readFileSync(path.join(packages, US_CORE_8));
  await dropFile(page, US_CORE_8, us8);
  await setInfo(page, /^Default \+ dropped packages: .*hl7\.fhir\.us\.core#8\.0\.0/);
  assert.ok(await page.isChecked('#set-plus'));
  assert.match(await page.textContent('#set-info'), /hl7\.fhir\.us\.davinci-pdex#/);
  assert.match(await page.textContent('#set-versions'), /Several versions loaded: .*hl7\.fhir\.us\.core [\d., ]*8\.0\.0.*newest \(.*hl7\.fhir\.us\.core#8\.0\.0/);
  assert.match(await validatePatient(page), /us-core-patient\|8\.0\.0 \(\d+\)/);
  const plusNode = Validator.fromPackages([us8]);
  assert.deepEqual(await allRows(page), expectedRows(plusNode.validate(PATIENT)));
  await page.screenshot({ path: path.join(shots, 'sets-default-plus-dropped.png') });

  // dropped packages only: R4 core (the shipped core set) and US Core 8.0.0, no PDex; the option
  // names its base
  const core = JSON.parse(fs.readFileSync(path.join(sets, 'index.json'), 'utf8')).core;
  assert.equal(await page.textContent('#only-base'), `(with ${core.packages.join(' + ')})`);
  assert.ok(core.packages.includes('hl7.fhir.r4.core#4.0.1'));
  await page.check('#set-only');
  await setInfo(page, /^Dropped packages only: /);
  const info = await page.textContent('#set-info');
  assert.match(info, /hl7\.fhir\.r4\.core#4\.0\.1/);
  assert.match(info, /hl7\.fhir\.us\.core#8\.0\.0/);
  assert.doesNotMatch(info, /davinci-pdex|us\.core#[3-7]\./);
  assert.ok(await page.isHidden('#set-versions'));
  assert.match(await validatePatient(page), /us-core-patient\|8\.0\.0 \(\d+\)/);
  const onlyNode = Validator.fromPackages([us8], { base: fs.readFileSync(path.join(sets, 'hl7.fhir.r4.core-4.0.1.fvps')) });
  assert.deepEqual(await allRows(page), expectedRows(onlyNode.validate(PATIENT)));

  // removed: back to the default set; the dropped-package modes are off until a package is dropped
  await page.getByRole('button', { name: `Remove ${US_CORE_8}` }).click();
  await setInfo(page, /^Default set: /);
  assert.ok(await page.isChecked('input[name=set][value=default]'));
  assert.ok(await page.isDisabled('#set-plus'));
  assert.ok(await page.isDisabled('#set-only'));
  assert.equal(await page.locator('#dropped li').count(), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('shipped IG sets: fetched only when chosen, the version named, then offline', { skip }, async () => {
  const own = await serve(); // this test stops its server
  const index = JSON.parse(fs.readFileSync(path.join(sets, 'index.json'), 'utf8'));
  const ids = index.sets.map((s) => s.id);
  for (const id of ['hl7.fhir.us.core#3.1.1', 'hl7.fhir.us.core#8.0.0']) assert.ok(ids.includes(id), JSON.stringify(ids));
  const { context, page } = await openPage(browser, own.base);
  assert.deepEqual(await page.$$eval('#shipped option', (os) => os.map((o) => o.value)), ids);
  own.served.length = 0;

  await page.check('#set-shipped');
  await setInfo(page, /^Shipped set US Core 3\.1\.1: .*hl7\.fhir\.us\.core#3\.1\.1/);
  assert.deepEqual(own.served.filter((p) => p !== '/sw.js'), ['/pkg/sets/hl7.fhir.us.core-3.1.1.fvps']);
  assert.match(await validatePatient(page), /us-core-patient\|3\.1\.1 \(\d+\)/);
  const node311 = Validator.fromProfileSet(fs.readFileSync(path.join(sets, 'hl7.fhir.us.core-3.1.1.fvps')));
  assert.deepEqual(await allRows(page), expectedRows(node311.validate(PATIENT)));

  await page.selectOption('#shipped', 'hl7.fhir.us.core#8.0.0');
  await setInfo(page, /^Shipped set US Core 8\.0\.0: /);
  assert.match(await validatePatient(page), /us-core-patient\|8\.0\.0 \(\d+\)/);
  assert.deepEqual(own.served.filter((p) => p !== '/sw.js'), ['/pkg/sets/hl7.fhir.us.core-3.1.1.fvps', '/pkg/sets/hl7.fhir.us.core-8.0.0.fvps']);

  // offline: the sets chosen before are in the service worker's cache
  await own.close();
  await page.reload();
  await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
  await page.check('#set-shipped');
  await setInfo(page, /^Shipped set US Core 3\.1\.1: /);
  await page.selectOption('#shipped', 'hl7.fhir.us.core#8.0.0');
  await setInfo(page, /^Shipped set US Core 8\.0\.0: /);
  assert.match(await validatePatient(page), /us-core-patient\|8\.0\.0 \(\d+\)/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a dropped file that is no package: a clear message naming it, the default set kept, removable', { skip }, async () => {
  const { context, page } = await openPage(browser, server.base);
  await dropFile(page, 'junk.tgz', Buffer.from('not a tarball at all'));
  await setInfo(page, /^Cannot use this profile set \(junk\.tgz: .*gzip.*\); the default set is in use\.$/);
  assert.ok(await page.isChecked('input[name=set][value=default]'));
  await page.fill('#input', PATIENT);
  await nextResult(page, () => page.click('#validate'));
  assert.match(await page.textContent('#summary'), /INVALID/);
  await page.getByRole('button', { name: 'Remove junk.tgz' }).click();
  await setInfo(page, /^Default set: /);
  assert.deepEqual(page.errors, []);
  await context.close();
});
