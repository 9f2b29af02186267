// Shared by the page's Chromium tests (browser*.test.mjs): a static server for www/ that records
// what it is asked for, Debian's Chromium through playwright-core (no browser download), and the
// page's issue list read back (it is virtualised: only rows near the visible part exist).
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repo, output } from './helpers.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// CI installs Chromium (.ci/run), so there a missing browser fails instead of skipping
export const skip = !fs.existsSync(CHROMIUM) && !process.env.CI ? `no ${CHROMIUM}` : false;
export const www = path.join(repo, 'www');
/** Screenshots: tests/js/output/, or the committed tests/js/screenshots/ (shown in the README)
 * with UPDATE_SCREENSHOTS=1. */
export const shots = process.env.UPDATE_SCREENSHOTS ? path.join(repo, 'tests', 'js', 'screenshots') : output;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** A static server of www/ on a free port: `{ base, served, close() }`; `served` lists the paths
 * asked for. */
export async function serve() {
  const served = [];
  const server = http.createServer((req, res) => {
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
  return {
    base: `http://127.0.0.1:${server.address().port}/`,
    served,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export async function launch() {
  fs.mkdirSync(shots, { recursive: true });
  const require = createRequire(import.meta.url);
  require.resolve('playwright-core');
  const { chromium } = await import('playwright-core');
  return chromium.launch({
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
}

/** A new page at `base` with the validator ready; page errors are collected in `page.errors`. */
export async function openPage(browser, base, viewport = { width: 1280, height: 800 }, contextOptions = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${base}index.html`);
  await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
  return { context, page };
}

/** Drop a file (text, or bytes) on the page's drop area. */
export async function dropFile(page, name, content) {
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

/** Wait for the next result (data-state goes to 'done' again) after `action`. */
export async function nextResult(page, action) {
  await page.evaluate(() => {
    document.body.dataset.state = 'waiting';
  });
  await action();
  await page.waitForSelector('body[data-state=done]', { timeout: 120_000 });
}

export const SEVERITIES = ['fatal', 'error', 'warning', 'information'];
const ext = (i, s) => ((i.extension || []).find((x) => x.url.endsWith(s)) || {}).valueInteger || 0;
export const lineOf = (i) => ext(i, 'issue-line');
export const colOf = (i) => ext(i, 'issue-col');

/** The rows the page shows for an outcome by default (sorted by severity, then line, column):
 * `[severity, 'line:col', expression, message]`. */
export function expectedRows(oo) {
  return oo.issue
    .filter((i) => !(i.code === 'informational' && i.details.text === 'All OK' && !i.expression))
    .map((i, n) => ({ i, n }))
    .sort(
      (a, b) =>
        SEVERITIES.indexOf(a.i.severity) - SEVERITIES.indexOf(b.i.severity) ||
        (lineOf(a.i) || Infinity) - (lineOf(b.i) || Infinity) ||
        colOf(a.i) - colOf(b.i) ||
        a.n - b.n,
    )
    .map(({ i }) => [i.severity, lineOf(i) ? `${lineOf(i)}:${colOf(i)}` : '', (i.expression || []).join(', '), i.details.text]);
}

/** The rows drawn now: `{ index, cells: [severity, line:col, expression, message] }`. */
export async function drawnRows(page) {
  return page.$$eval('#issue-list button[data-index]', (bs) =>
    bs
      .map((b) => ({
        index: Number(b.dataset.index),
        cells: ['.sev', '.pos', '.expr', '.msg'].map((s) => {
          const el = b.querySelector(s);
          if (!el) return '';
          const hint = el.querySelector('.hint');
          return hint ? el.textContent.slice(0, el.textContent.length - hint.textContent.length) : el.textContent;
        }),
      }))
      .sort((a, b) => a.index - b.index),
  );
}

/** Every row of the list, read by scrolling it from top to bottom (then back to the top), in
 * the page (one round trip). */
export async function allRows(page) {
  const rows = await page.evaluate(async () => {
    const s = document.getElementById('issues');
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const cells = (b) =>
      ['.sev', '.pos', '.expr', '.msg'].map((sel) => {
        const el = b.querySelector(sel);
        if (!el) return '';
        const hint = el.querySelector('.hint');
        return hint ? el.textContent.slice(0, el.textContent.length - hint.textContent.length) : el.textContent;
      });
    const seen = new Map();
    s.scrollTop = 0;
    for (let guard = 0; guard < 100_000; guard++) {
      await frame();
      for (const b of s.querySelectorAll('button[data-index]')) seen.set(Number(b.dataset.index), cells(b));
      if (s.scrollTop + s.clientHeight >= s.scrollHeight - 1) break;
      s.scrollTop += s.clientHeight;
    }
    s.scrollTop = 0;
    await frame();
    return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  });
  return rows;
}

/** Scroll the list (as a user drags its scroll bar) until row `index` is drawn; its button. */
export async function rowAt(page, index) {
  await page.evaluate(async (index) => {
    const s = document.getElementById('issues');
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    // rows have different heights, so an estimate can overshoot back and forth: the scroll
    // positions known to lie before and after the row bound the next jump (a bisection when
    // the estimate falls outside them)
    let lo = 0;
    let hi = s.scrollHeight;
    for (let guard = 0; guard < 1000; guard++) {
      await frame();
      if (s.querySelector(`button[data-index="${index}"]`)) return;
      // jump by the rows drawn: their indices and their height tell how far row `index` is
      const drawn = [...s.querySelectorAll('button[data-index]')].map((b) => [Number(b.dataset.index), b.parentElement]);
      const first = drawn.reduce((a, b) => (b[0] < a[0] ? b : a));
      const last = drawn.reduce((a, b) => (b[0] > a[0] ? b : a));
      if (index < first[0]) hi = Math.min(hi, s.scrollTop);
      else lo = Math.max(lo, s.scrollTop);
      const per = (last[1].offsetTop + last[1].offsetHeight - first[1].offsetTop) / (last[0] - first[0] + 1);
      const target = index < first[0] ? first[1].offsetTop - (first[0] - index) * per : last[1].offsetTop + (index - last[0]) * per;
      let next = Math.max(0, target - s.clientHeight / 2);
      if (next <= lo || next >= hi) next = (lo + hi) / 2;
      s.scrollTop = next;
    }
  }, index);
  return page.locator(`#issue-list button[data-index="${index}"]`);
}

/** Is the element entirely inside the window's viewport and inside its scroller's box? */
export async function inView(page, selector, scroller) {
  return page.evaluate(
    ({ selector, scroller }) => {
      const el = document.querySelector(selector);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      const inWindow = r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
      if (!scroller) return inWindow;
      const b = document.querySelector(scroller).getBoundingClientRect();
      return inWindow && r.top >= b.top - 1 && r.bottom <= b.bottom + 1 && r.left >= b.left - 1 && r.right <= b.right + 1;
    },
    { selector, scroller },
  );
}

/** No horizontal scrolling of the page. */
export async function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * A screenshot of the window as a small PNG: at most 256 colours (a palette PNG). The colours
 * are the 256 most used after 5 bits per channel, each pixel drawn in the nearest of them (for
 * a page of flat colours and anti-aliased text this is near lossless, at a third of the size).
 * pngjs decodes; it cannot write palette PNGs, so the few chunks are written here.
 */
export async function screenshot(page, file) {
  const { PNG } = createRequire(import.meta.url)('pngjs');
  const img = PNG.sync.read(await page.screenshot());
  const { width, height, data } = img;
  const bins = new Map(); // 15-bit colour → [count, r, g, b]
  for (let p = 0; p < data.length; p += 4) {
    const key = ((data[p] >> 3) << 10) | ((data[p + 1] >> 3) << 5) | (data[p + 2] >> 3);
    const bin = bins.get(key);
    if (bin) {
      bin[0]++;
      bin[1] += data[p];
      bin[2] += data[p + 1];
      bin[3] += data[p + 2];
    } else bins.set(key, [1, data[p], data[p + 1], data[p + 2]]);
  }
  const palette = [...bins.values()]
    .sort((a, b) => b[0] - a[0])
    .slice(0, 256)
    .map(([n, r, g, b]) => [Math.round(r / n), Math.round(g / n), Math.round(b / n)]);
  const nearest = new Map();
  const indexOf = (key, r, g, b) => {
    let k = nearest.get(key);
    if (k === undefined) {
      let best = Infinity;
      palette.forEach(([pr, pg, pb], i) => {
        const d = (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
        if (d < best) {
          best = d;
          k = i;
        }
      });
      nearest.set(key, k);
    }
    return k;
  };
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const key = ((data[p] >> 3) << 10) | ((data[p + 1] >> 3) << 5) | (data[p + 2] >> 3);
      raw[y * (width + 1) + 1 + x] = indexOf(key, data[p], data[p + 1], data[p + 2]);
    }
  }
  const chunk = (type, body) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type, 'ascii'), body])));
    return Buffer.concat([len, Buffer.from(type, 'ascii'), body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8); // 8-bit indices, palette, deflate, no filter choice, no interlace
  fs.writeFileSync(
    file,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('PLTE', Buffer.from(palette.flat())),
      chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}
