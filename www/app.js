// The page: input (paste, drop, open), the profile set (default, or IG packages compiled in the
// worker), and the result: counts, time, the issue table and the JSON with its offending lines
// highlighted. All validation happens in worker.js; nothing is sent anywhere.

const $ = (id) => document.getElementById(id);
const LINE_HEIGHT = 18;
const MAX_ROWS = 5000;
const ROWS_PER_FRAME = 250;
const SEVERITIES = ['fatal', 'error', 'warning', 'information'];

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let bigText = null; // a dropped file too large for the textarea
let packages = []; // dropped IG packages: {name, bytes}
let shownText = ''; // the text validated, shown in the viewer
let lineStarts = new Int32Array(1); // offset where each line starts (no per-line strings)
let lineSeverity = new Map(); // line → most severe issue's severity
let currentLine = 0;
let requestId = 0;
let renderJob = 0;
let lastOutcome = null;
const pending = new Map();

function post(msg, transfer) {
  return new Promise((resolve) => {
    pending.set(msg.type === 'validate' ? `validate:${msg.id}` : msg.type, resolve);
    worker.postMessage(msg, transfer || []);
  });
}

worker.onmessage = (e) => {
  const m = e.data;
  const key = m.request === 'validate' ? `validate:${m.id}` : m.request;
  const resolve = pending.get(key);
  pending.delete(key);
  if (resolve) resolve(m);
};

// --- the profile set ---------------------------------------------------------------------

function showSet(m) {
  const shown = m.packages.filter((p) => !p.startsWith('hl7.fhir.r4.core#'));
  $('set-info').textContent =
    `${m.which === 'default' ? 'Default set' : 'Compiled from the dropped packages'}: ` +
    `R4 core + ${shown.join(', ')}` +
    (m.ms ? ` (ready in ${m.ms.toFixed(0)} ms)` : '');
  const list = $('profile-list');
  list.replaceChildren(
    ...m.profiles.map((p) => {
      const o = document.createElement('option');
      o.value = `${p.url}|${p.version}`;
      o.label = `${p.name} (${p.type})`;
      return o;
    }),
  );
}

async function useSet(which) {
  $('validate').disabled = true;
  let m;
  if (which === 'packages' && packages.length) {
    $('set-info').textContent = `Compiling ${packages.map((p) => p.name).join(', ')}…`;
    m = await post({ type: 'packages', files: packages.map((p) => ({ name: p.name, bytes: p.bytes.slice(0) })) });
  } else {
    m = await post({ type: 'default' });
  }
  if (m.type === 'error') {
    $('set-info').textContent = `Cannot use this profile set: ${m.message}`;
    $('set-info').classList.add('bad');
    document.querySelector('input[name=set][value=default]').checked = true;
    await post({ type: 'default' });
  } else {
    $('set-info').classList.remove('bad');
    showSet(m);
  }
  $('validate').disabled = false;
}

for (const r of document.querySelectorAll('input[name=set]')) {
  r.addEventListener('change', () => useSet(r.value));
}

// --- input -------------------------------------------------------------------------------

function inputText() {
  return bigText !== null ? bigText : $('input').value;
}

function setInput(text, name) {
  if (text.length > 2_000_000) {
    bigText = text;
    $('input').value = '';
    $('input').placeholder = `${name}: ${(text.length / 1e6).toFixed(1)} MB loaded (not shown here; see the result viewer)`;
    $('loaded-file').hidden = false;
    $('loaded-file').textContent = `${name} (${(text.length / 1e6).toFixed(1)} MB) is loaded; type or paste here to replace it.`;
  } else {
    bigText = null;
    $('input').value = text;
    $('loaded-file').hidden = true;
  }
}

$('input').addEventListener('input', () => {
  bigText = null;
  $('loaded-file').hidden = true;
});

async function takeFiles(files) {
  const tgz = [];
  let text = null;
  for (const f of files) {
    if (/\.(tgz|tar\.gz|gz|tar)$/i.test(f.name)) {
      tgz.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
    } else {
      text = { name: f.name, text: await f.text() };
    }
  }
  if (tgz.length) {
    packages = packages.filter((p) => !tgz.some((t) => t.name === p.name)).concat(tgz);
    $('set-packages').disabled = false;
    $('set-packages').checked = true;
    await useSet('packages');
  }
  if (text) {
    setInput(text.text, text.name);
    await validate();
  }
}

const drop = $('drop');
for (const target of [drop, document.body]) {
  target.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  target.addEventListener('dragleave', () => drop.classList.remove('over'));
  target.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation();
    drop.classList.remove('over');
    if (e.dataTransfer && e.dataTransfer.files.length) takeFiles([...e.dataTransfer.files]);
  });
}
$('file').addEventListener('change', (e) => takeFiles([...e.target.files]));

function detectFormat(text) {
  const chosen = $('format').value;
  if (chosen !== 'auto') return chosen;
  const t = text.trimStart();
  const nl = t.indexOf('\n');
  if (nl < 0) return 'json';
  const first = t.slice(0, nl).trim();
  if (!first.startsWith('{') || !first.endsWith('}')) return 'json';
  try {
    JSON.parse(first);
  } catch (_) {
    return 'json';
  }
  return t.slice(nl).trim() ? 'ndjson' : 'json';
}

// --- validation and results --------------------------------------------------------------

async function validate() {
  const text = inputText();
  if (!text.trim()) {
    $('status').textContent = 'Nothing to validate: paste or drop a resource first.';
    return;
  }
  const format = detectFormat(text);
  const profile = $('profile').value.trim();
  $('validate').disabled = true;
  $('status').textContent = 'Validating…';
  document.body.dataset.state = 'validating';
  const t0 = performance.now();
  const id = ++requestId;
  const mode = $('mode').value;
  const m = await post({ type: 'validate', id, text, format, mode, profiles: profile ? [profile] : [] });
  const total = performance.now() - t0;
  $('validate').disabled = false;
  if (id !== requestId) return;
  if (m.type === 'error') {
    $('status').textContent = `Error: ${m.message}`;
    document.body.dataset.state = 'ready';
    return;
  }
  const complete = await render(text, m.outcome, m.ms, total, format);
  if (complete) document.body.dataset.state = 'done';
}

$('validate').addEventListener('click', validate);
$('input').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) validate();
});

function issueLine(i) {
  const ext = (i.extension || []).find((x) => x.url.endsWith('operationoutcome-issue-line'));
  return ext ? ext.valueInteger : 0;
}

function render(text, oo, ms, total, format) {
  const issues = oo.issue.filter((i) => !(i.code === 'informational' && i.details && i.details.text === 'All OK' && !i.expression));
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const i of issues) counts[i.severity]++;
  const valid = counts.fatal + counts.error === 0;
  const summary = $('summary');
  summary.replaceChildren();
  const verdict = document.createElement('strong');
  verdict.className = valid ? 'valid' : 'invalid';
  verdict.textContent = valid ? 'valid' : 'INVALID';
  summary.append(verdict);
  for (const s of SEVERITIES) {
    const c = document.createElement('span');
    c.className = `count ${s}`;
    c.dataset.severity = s;
    c.textContent = `${counts[s]} ${s}`;
    summary.append(c);
  }
  const time = document.createElement('span');
  time.id = 'time';
  const size = text.length < 100_000 ? `${(text.length / 1e3).toFixed(1)} kB` : `${(text.length / 1e6).toFixed(2)} MB`;
  time.textContent = `${format === 'ndjson' ? 'NDJSON, ' : ''}${size} validated in ${ms.toFixed(1)} ms (${total.toFixed(1)} ms with the hand-over to the worker)`;
  summary.append(time);

  // the JSON, lines with issues marked
  shownText = text;
  lineStarts = indexLines(text);
  lineSeverity = new Map();
  for (const i of issues) {
    const l = issueLine(i);
    if (!l) continue;
    const had = lineSeverity.get(l);
    if (!had || SEVERITIES.indexOf(i.severity) < SEVERITIES.indexOf(had)) lineSeverity.set(l, i.severity);
  }
  currentLine = 0;
  $('viewer-spacer').style.height = `${lineCount() * LINE_HEIGHT}px`;
  $('viewer').scrollTop = 0;
  renderViewer();

  // the table, most severe first, then by line
  const sorted = issues
    .map((i, n) => ({ i, n }))
    .sort((a, b) => SEVERITIES.indexOf(a.i.severity) - SEVERITIES.indexOf(b.i.severity) || issueLine(a.i) - issueLine(b.i) || a.n - b.n)
    .map((x) => x.i);
  // rows are added a batch per frame, so that thousands of issues never block the page
  const body = $('issues').tBodies[0];
  body.replaceChildren();
  const shown = sorted.slice(0, MAX_ROWS);
  const job = ++renderJob;
  let finished;
  const allRows = new Promise((resolve) => {
    finished = resolve;
  });
  const addRows = (from) => {
    if (job !== renderJob) {
      finished(false); // a newer result replaced this one
      return;
    }
    const frag = document.createDocumentFragment();
    for (const i of shown.slice(from, from + ROWS_PER_FRAME)) frag.append(issueRow(i));
    body.append(frag);
    if (from + ROWS_PER_FRAME < shown.length) {
      requestAnimationFrame(() => addRows(from + ROWS_PER_FRAME));
    } else if (sorted.length > MAX_ROWS) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = 4;
      td.textContent = `… and ${sorted.length - MAX_ROWS} more (all of them are in the OperationOutcome below)`;
      tr.append(td);
      body.append(tr);
    }
    if (from + ROWS_PER_FRAME >= shown.length) finished(true);
  };
  addRows(0);
  // the OperationOutcome's JSON is written when it is opened
  lastOutcome = oo;
  $('outcome').textContent = '';
  if ($('json-out').open) showOutcome();
  $('status').textContent = '';
  return allRows;
}

function issueRow(i) {
  const tr = document.createElement('tr');
  tr.className = i.severity;
  const line = issueLine(i);
  tr.dataset.line = String(line);
  for (const v of [i.severity, line || '', (i.expression || []).join(', '), i.details ? i.details.text : '']) {
    const td = document.createElement('td');
    td.textContent = String(v);
    tr.append(td);
  }
  if (line) tr.addEventListener('click', () => goToLine(line));
  if (line && line === currentLine) tr.classList.add('current');
  return tr;
}

function showOutcome() {
  if (!lastOutcome || $('outcome').textContent) return;
  const json = JSON.stringify(lastOutcome, null, 2);
  $('outcome').textContent = json.length > 2_000_000 ? `${json.slice(0, 2_000_000)}\n… (truncated)` : json;
}

$('json-out').addEventListener('toggle', () => {
  if ($('json-out').open) showOutcome();
});

function indexLines(text) {
  let starts = new Int32Array(1024);
  let n = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    if (n === starts.length) {
      const bigger = new Int32Array(starts.length * 2);
      bigger.set(starts);
      starts = bigger;
    }
    starts[n++] = at + 1;
  }
  return starts.subarray(0, n);
}

function lineCount() {
  return lineStarts.length;
}

function lineText(n) {
  const end = n + 1 < lineStarts.length ? lineStarts[n + 1] - 1 : shownText.length;
  return shownText.slice(lineStarts[n], end).replace(/\r$/, '');
}

function renderViewer() {
  const viewer = $('viewer');
  const first = Math.max(0, Math.floor(viewer.scrollTop / LINE_HEIGHT) - 20);
  const last = Math.min(lineCount(), first + Math.ceil(viewer.clientHeight / LINE_HEIGHT) + 40);
  const frag = document.createDocumentFragment();
  for (let n = first; n < last; n++) {
    const div = document.createElement('div');
    const line = n + 1;
    div.className = 'line';
    div.style.top = `${n * LINE_HEIGHT}px`;
    div.dataset.line = String(line);
    const sev = lineSeverity.get(line);
    if (sev) {
      div.classList.add('marked', sev);
      div.title = 'Click to show the issues of this line';
      div.addEventListener('click', () => showIssuesOf(line));
    }
    if (line === currentLine) div.classList.add('current');
    const no = document.createElement('span');
    no.className = 'no';
    no.textContent = String(line);
    const code = document.createElement('span');
    const text = lineText(n);
    code.textContent = text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
    div.append(no, code);
    frag.append(div);
  }
  const spacer = $('viewer-spacer');
  viewer.replaceChildren(spacer, frag);
}

$('viewer').addEventListener('scroll', () => requestAnimationFrame(renderViewer));

function goToLine(line) {
  currentLine = line;
  const viewer = $('viewer');
  viewer.scrollTop = Math.max(0, (line - 1) * LINE_HEIGHT - viewer.clientHeight / 3);
  renderViewer();
  for (const tr of $('issues').tBodies[0].rows) tr.classList.toggle('current', tr.dataset.line === String(line));
}

function showIssuesOf(line) {
  goToLine(line);
  const row = [...$('issues').tBodies[0].rows].find((tr) => tr.dataset.line === String(line));
  if (row) row.scrollIntoView({ block: 'nearest' });
}

// --- start -------------------------------------------------------------------------------

async function start() {
  const offline =
    'serviceWorker' in navigator && /^https?:$/.test(location.protocol)
      ? navigator.serviceWorker
          .register('sw.js', { updateViaCache: 'all' })
          .then(() => Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 5000))]))
          .catch(() => {})
      : Promise.resolve();
  const m = await post({ type: 'init' });
  await offline;
  if (m.type === 'error') {
    $('set-info').textContent = `The validator could not start: ${m.message}`;
    $('status').textContent = 'Not ready.';
    document.body.dataset.state = 'failed';
    return;
  }
  showSet(m);
  $('status').textContent = 'Ready: paste or drop a resource, a Bundle or NDJSON.';
  $('validate').disabled = false;
  document.body.dataset.state = 'ready';
}

start();
