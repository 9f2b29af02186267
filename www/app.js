// The page: input (paste, drop, open), the profile set (default, a shipped IG set, dropped IG
// packages over the default set or alone), and the result: the verdict (announced), counts,
// the JSON with its offending lines marked, and the issue list (virtualised; filtered, sorted,
// grouped), each showing the other on a click. All validation happens in worker.js; after
// load the page fetches nothing but the shipped IG sets chosen (from its own site).
import * as oo from './issues.js';
import { VirtualList } from './vlist.js';

const $ = (id) => document.getElementById(id);
const LINE_HEIGHT = 18;
const MAX_LINE_SHOWN = 20_000; // characters of one line drawn in the viewer
const SEVERITIES = oo.SEVERITIES;
const narrow = () => window.matchMedia('(max-width: 999px)').matches;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let bigText = null; // a dropped file too large for the textarea
let inputName = ''; // the file the input came from
let packages = []; // dropped IG packages: {name, bytes}
let manifest = { sets: [], core: null }; // pkg/sets/index.json: the IG sets shipped beside the page
const setBytes = new Map(); // file → bytes of a shipped set fetched
let requestId = 0;
const pending = new Map();

// the result
let shownText = ''; // the text validated, shown in the viewer
let shownName = '';
let lineStarts = new Int32Array(1); // offset where each line starts (no per-line strings)
let lineSeverity = new Map(); // line → most severe issue's severity
let markedLines = []; // lines with issues, ascending
let outcome = null;
let recs = []; // every issue (issues.js records)
let view = []; // the list's rows: {rec, child?} or {group}
const expanded = new Set(); // keys of the groups opened
const openReasons = new Set(); // issues (record numbers) whose reasons are shown
let current = null; // the record shown in the viewer
let currentLine = 0;
let active = 0; // the row that takes the focus (roving tabindex)

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

function announce(text) {
  $('status').textContent = text;
}

// --- the profile set ---------------------------------------------------------------------

const SET_NAMES = {
  default: 'Default set',
  shipped: 'Shipped set',
  plus: 'Default + dropped packages',
  only: 'Dropped packages only',
};

function showSet(m, which, label) {
  $('set-info').classList.remove('bad');
  $('set-info').textContent =
    `${SET_NAMES[which]}${label ? ` ${label}` : ''}: ${m.packages.join(', ')}` + (m.ms ? ` (ready in ${m.ms.toFixed(0)} ms)` : '');
  document.body.dataset.set = which;
  const multi = oo.multipleVersions(m.packages);
  const versions = $('set-versions');
  versions.hidden = multi.length === 0;
  versions.textContent = multi.length
    ? `Several versions loaded: ${multi.map(([n, v]) => `${n} ${v.join(', ')}`).join('; ')}. ` +
      `A profile named without |version is checked against the newest (${multi.map(([n, v]) => `${n}#${v[v.length - 1]}`).join(', ')}); ` +
      'the issues name the profile url|version that answered.'
    : '';
  const notes = $('set-notes');
  notes.hidden = !m.notes || m.notes.length === 0;
  notes.querySelector('summary').textContent = `Compile notes (${(m.notes || []).length})`;
  notes.querySelector('ul').replaceChildren(
    ...(m.notes || []).map((n) => {
      const li = document.createElement('li');
      li.textContent = n;
      return li;
    }),
  );
  $('profile-list').replaceChildren(
    ...m.profiles.map((p) => {
      const o = document.createElement('option');
      o.value = `${p.url}|${p.version}`;
      o.label = `${p.name} (${p.type})`;
      return o;
    }),
  );
}

async function fetchSet(file) {
  if (!setBytes.has(file)) {
    const r = await fetch(new URL(`pkg/sets/${file}`, document.baseURI));
    if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
    setBytes.set(file, new Uint8Array(await r.arrayBuffer()));
  }
  return setBytes.get(file);
}

function chosenSet() {
  return document.querySelector('input[name=set]:checked').value;
}

let setQueue = Promise.resolve();
function useSet() {
  setQueue = setQueue.then(loadSet, loadSet);
  return setQueue;
}

async function loadSet() {
  const which = chosenSet();
  $('validate').disabled = true;
  document.body.dataset.state = 'compiling';
  let m;
  let label = '';
  try {
    if (which === 'shipped') {
      const entry = manifest.sets.find((s) => s.id === $('shipped').value);
      label = entry.title;
      $('set-info').textContent = `Fetching ${entry.title}…`;
      const bytes = (await fetchSet(entry.file)).slice(0);
      m = await post({ type: 'set', bytes, id: entry.id }, [bytes.buffer]);
    } else if ((which === 'plus' || which === 'only') && packages.length) {
      let base = 'default';
      if (which === 'only') base = manifest.core ? (await fetchSet(manifest.core.file)).slice(0) : 'none';
      $('set-info').textContent = `Compiling ${packages.map((p) => p.name).join(', ')}…`;
      m = await post({ type: 'packages', base, files: packages.map((p) => ({ name: p.name, bytes: p.bytes.slice(0) })) });
    } else {
      m = await post({ type: 'default' });
    }
  } catch (e) {
    m = { type: 'error', message: String(e && e.message ? e.message : e) };
  }
  if (m.type === 'error') {
    document.querySelector('input[name=set][value=default]').checked = true;
    const d = await post({ type: 'default' });
    if (d.type !== 'error') showSet(d, 'default');
    // the engine numbers the packages given: name the file
    const why = m.message.replace(/^package (\d+)/, (all, k) => (packages[Number(k)] ? packages[Number(k)].name : all));
    $('set-info').textContent = `Cannot use this profile set (${why}); the default set is in use.`;
    $('set-info').classList.add('bad');
  } else {
    showSet(m, which, label);
  }
  $('validate').disabled = false;
  document.body.dataset.state = 'ready';
}

for (const r of document.querySelectorAll('input[name=set]')) {
  r.addEventListener('change', () => {
    $('shipped').disabled = r.value !== 'shipped' || manifest.sets.length === 0;
    useSet();
  });
}
$('shipped').addEventListener('change', () => {
  if (chosenSet() === 'shipped') useSet();
});

function showPackages() {
  const list = $('dropped');
  list.replaceChildren(
    ...packages.map((p) => {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = `${p.name} (${(p.bytes.length / 1e6).toFixed(1)} MB)`;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'small';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove ${p.name}`);
      remove.addEventListener('click', () => removePackage(p.name));
      li.append(name, ' ', remove);
      return li;
    }),
  );
  const none = packages.length === 0;
  $('set-plus').disabled = none;
  $('set-only').disabled = none;
}

function removePackage(name) {
  packages = packages.filter((p) => p.name !== name);
  showPackages();
  if (packages.length === 0 && (chosenSet() === 'plus' || chosenSet() === 'only')) {
    document.querySelector('input[name=set][value=default]').checked = true;
  }
  announce(`${name} removed.`);
  // the button is gone: the focus goes to the next package's, else to the set chosen
  const next = $('dropped').querySelector('button') || document.querySelector('input[name=set]:checked');
  next.focus();
  useSet();
}

// --- input -------------------------------------------------------------------------------

function inputText() {
  return bigText !== null ? bigText : $('input').value;
}

function setInput(text, name) {
  inputName = name;
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
  inputName = '';
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
    showPackages();
    if (chosenSet() !== 'only') $('set-plus').checked = true;
    $('shipped').disabled = true;
    await useSet();
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
drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    $('file').click();
  }
});
$('open').addEventListener('click', () => $('file').click());
$('file').addEventListener('change', (e) => {
  const files = [...e.target.files];
  e.target.value = ''; // the same file again is a new choice
  takeFiles(files);
});

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

// --- validation --------------------------------------------------------------------------

async function validate() {
  const text = inputText();
  if (!text.trim()) {
    announce('Nothing to validate: paste or drop a resource first.');
    return;
  }
  await setQueue;
  const format = detectFormat(text);
  const profile = $('profile').value.trim();
  $('validate').disabled = true;
  announce('Validating…');
  document.body.dataset.state = 'validating';
  const t0 = performance.now();
  const id = ++requestId;
  const mode = $('mode').value;
  const m = await post({ type: 'validate', id, text, format, mode, profiles: profile ? [profile] : [] });
  const total = performance.now() - t0;
  $('validate').disabled = false;
  if (id !== requestId) return;
  if (m.type === 'error') {
    announce(`Error: ${m.message}`);
    document.body.dataset.state = 'ready';
    return;
  }
  showResult(text, inputName, m.outcome, m.ms, total, format);
  document.body.dataset.state = 'done';
  lastRun = { text, format, mode, profiles: profile ? [profile] : [] };
  $('tab-coverage').disabled = false;
  if ($('tab-coverage').getAttribute('aria-selected') === 'true') showCoverage();
}

// --- Must Support coverage: a tab beside the issues (the JS API's coverage(), in the worker) --

let lastRun = null; // what the result shown was validated from: {text, format, mode, profiles}
let coverageFor = null; // the run whose report is drawn (or being counted)

function selectTab(which) {
  for (const t of ['issues', 'coverage']) {
    const on = t === which;
    const tab = $(`tab-${t}`);
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  if (which === 'issues') issues.draw(); // drawn while hidden: measure again
  else showCoverage();
}

$('tab-issues').addEventListener('click', () => selectTab('issues'));
$('tab-coverage').addEventListener('click', () => selectTab('coverage'));
$('tab-issues').parentElement.addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
  const next = e.target.id === 'tab-issues' ? 'coverage' : 'issues';
  if ($(`tab-${next}`).disabled) return;
  e.preventDefault();
  selectTab(next);
  $(`tab-${next}`).focus();
});

async function showCoverage() {
  if (!lastRun || coverageFor === lastRun) return;
  const run = lastRun;
  coverageFor = run;
  $('coverage-status').textContent = 'Counting the Must Support elements…';
  $('coverage-report').replaceChildren();
  const m = await post({ type: 'coverage', ...run });
  if (run !== lastRun) return;
  if (m.type === 'error') {
    $('coverage-status').textContent = `Error: ${m.message}`;
    coverageFor = null;
    return;
  }
  renderCoverage(m.report);
}

/** A table per profile: each Must Support element and how many of the resources validated
 * against the profile populate it; the elements none populates marked. */
function renderCoverage(report) {
  const profiles = report.profiles || [];
  $('coverage-status').textContent =
    profiles.length === 0
      ? 'No Must Support elements: no resource was validated against a profile that has them.'
      : `${plural(profiles.length, 'profile')}; the Must Support elements no resource populates are marked.`;
  const box = $('coverage-report');
  for (const p of profiles) {
    const none = p.elements.filter((e) => e.populated === 0).length;
    const h = document.createElement('h3');
    h.textContent = `${p.url}: ${plural(p.resources, 'resource')}, ${plural(p.elements.length, 'element')}, ${none.toLocaleString('en-US')} not populated`;
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const t of ['Must Support element', 'populated by']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = t;
      head.append(th);
    }
    const body = table.createTBody();
    for (const e of p.elements) {
      const tr = body.insertRow();
      if (e.populated === 0) tr.className = 'none';
      tr.insertCell().textContent = e.id;
      const n = tr.insertCell();
      n.className = 'n';
      n.textContent = `${e.populated.toLocaleString('en-US')} of ${p.resources.toLocaleString('en-US')}${e.populated === 0 ? ' (not populated)' : ''}`;
    }
    box.append(h, table);
  }
}

$('validate').addEventListener('click', validate);
$('input').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) validate();
});

// --- the result --------------------------------------------------------------------------

const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 || word === 'information' ? '' : 's'}`;

function showResult(text, name, result, ms, total, format) {
  outcome = result;
  shownName = name;
  recs = oo.records(result);
  const c = oo.counts(recs);
  const valid = c.fatal + c.error === 0;

  // the JSON, lines with issues marked
  shownText = text;
  lineStarts = indexLines(text);
  lineSeverity = new Map();
  for (const r of recs) {
    if (!r.line) continue;
    const had = lineSeverity.get(r.line);
    if (!had || SEVERITIES.indexOf(r.severity) < SEVERITIES.indexOf(had)) lineSeverity.set(r.line, r.severity);
  }
  markedLines = [...lineSeverity.keys()].sort((a, b) => a - b);
  for (const r of recs) r.hint = oo.syntaxHint(r, text, lineTextOf, offsetOf);

  const summary = $('summary');
  summary.replaceChildren();
  const verdict = document.createElement('strong');
  verdict.className = valid ? 'valid' : 'invalid';
  verdict.textContent = valid ? 'valid' : 'INVALID';
  summary.append(verdict);
  for (const s of SEVERITIES) {
    const span = document.createElement('span');
    span.className = `count ${s}`;
    span.dataset.severity = s;
    span.textContent = `${c[s]} ${s}`;
    summary.append(span);
    document.querySelector(`[data-count=${s}]`).textContent = `(${c[s]})`;
  }
  const time = document.createElement('span');
  time.id = 'time';
  const size = text.length < 100_000 ? `${(text.length / 1e3).toFixed(1)} kB` : `${(text.length / 1e6).toFixed(2)} MB`;
  time.textContent = `${format === 'ndjson' ? 'NDJSON, ' : ''}${size} validated in ${ms.toFixed(1)} ms (${total.toFixed(1)} ms with the hand-over to the worker)`;
  summary.append(time);

  // the profiles that answered: short names in the summary line, every url|version inside
  const named = oo.profilesNamed(recs);
  const answered = $('answered');
  answered.hidden = named.length === 0;
  const short = (ref) => ref.slice(ref.lastIndexOf('/') + 1);
  answered.querySelector('summary').textContent = `Profiles that answered (${named.length}): ${named
    .slice(0, 4)
    .map(([ref, n]) => `${short(ref)} (${n})`)
    .join(', ')}${named.length > 4 ? ', …' : ''}`;
  answered.querySelector('ul').replaceChildren(
    ...named.map(([ref, n]) => {
      const li = document.createElement('li');
      li.textContent = `${ref} (${plural(n, 'issue')})`;
      return li;
    }),
  );

  const syntax = recs.find((r) => r.hint);
  announce(
    `${valid ? 'Valid' : 'Invalid'}: ${plural(c.fatal + c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.information, 'information')}.` +
      (syntax ? ` ${syntax.text} at line ${syntax.line}, column ${syntax.col}. ${syntax.hint}` : ''),
  );
  for (const id of ['download', 'copy-json', 'copy-csv']) $(id).disabled = false;

  // a new result starts at the top
  current = null;
  currentLine = 0;
  expanded.clear();
  openReasons.clear();
  $('viewer-spacer').style.height = `${lineCount() * LINE_HEIGHT}px`;
  $('viewer').scrollTop = 0;
  $('viewer').scrollLeft = 0;
  active = 0;
  buildView(false);
  renderViewer();
  // a syntax error (or any fatal issue with a position) is shown at once
  const fatal = recs.find((r) => r.severity === 'fatal' && r.line);
  if (fatal) select(fatal, true);
  if (narrow()) $('result-pane').scrollIntoView({ block: 'start' });
}

// --- the issue list ----------------------------------------------------------------------

function shownSeverities() {
  return new Set([...document.querySelectorAll('input.sev:checked')].map((x) => x.value));
}

function shownRecs() {
  return oo.sorted(oo.filtered(recs, shownSeverities(), $('filter').value), $('sort').value);
}

/** The rows from the records, filter, sort and grouping; `keepScroll` keeps the position (and
 * the rows before `same` are as they were). */
function buildView(keepScroll, same = 0) {
  const by = $('sort').value;
  const list = oo.filtered(recs, shownSeverities(), $('filter').value);
  view = [];
  if ($('group').checked) {
    for (const g of oo.groups(list, by)) {
      view.push({ group: g });
      if (expanded.has(g.key)) for (const r of g.recs) view.push({ rec: r, child: true });
    }
  } else {
    for (const r of oo.sorted(list, by)) view.push({ rec: r });
  }
  if (active >= view.length) active = Math.max(0, view.length - 1);
  const groupsShown = $('group').checked ? ` in ${view.filter((v) => v.group).length.toLocaleString('en-US')} groups` : '';
  $('shown').textContent =
    recs.length === 0
      ? 'No issues.'
      : `${plural(list.length, 'issue')} shown${groupsShown} of ${recs.length.toLocaleString('en-US')}.`;
  issues.reset(view.length, keepScroll, same);
}

function cell(cls, text) {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}

function renderRow(k) {
  const item = view[k];
  const li = document.createElement('div');
  li.setAttribute('role', 'listitem');
  li.className = 'item';
  li.setAttribute('aria-setsize', String(view.length));
  li.setAttribute('aria-posinset', String(k + 1));
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.index = String(k);
  b.tabIndex = k === active ? 0 : -1;
  if (item.group) {
    const g = item.group;
    b.className = `row group ${g.severity}`;
    b.setAttribute('aria-expanded', String(expanded.has(g.key)));
    const first = g.recs[0];
    b.dataset.line = String(first.line);
    b.append(
      cell('sev', g.severity),
      cell('pos', `${g.recs.length.toLocaleString('en-US')} ×`),
      cell('expr', g.label || (g.recs.length > 1 ? `${first.expression} …` : first.expression)),
      cell('msg', g.text),
    );
  } else {
    const r = item.rec;
    b.className = `row ${r.severity}${item.child ? ' child' : ''}${r === current ? ' current' : ''}`;
    if (r === current) b.setAttribute('aria-current', 'true');
    b.dataset.line = String(r.line);
    const msg = cell('msg', r.text);
    if (r.hint) msg.append(cell('hint', r.hint));
    b.append(cell('sev', r.severity), cell('pos', r.line ? `${r.line}:${r.col}` : ''), cell('expr', r.expression), msg);
  }
  li.append(b);
  const why = item.rec && item.rec.issue.diagnostics;
  if (why) li.append(reasons(item.rec, why));
  return li;
}

/** An issue's diagnostics (the slice reasoning: per element and candidate slice, what was
 * found and what the slice wants), expandable under its row; its open state survives redraws. */
function reasons(rec, text) {
  const d = document.createElement('details');
  d.className = `why ${rec.severity}`;
  d.open = openReasons.has(rec.n);
  const s = document.createElement('summary');
  s.textContent = `Why: ${plural(text.split('\n').length, 'reason')}`;
  const pre = document.createElement('pre');
  pre.textContent = text;
  d.append(s, pre);
  d.addEventListener('toggle', () => {
    if (d.open) openReasons.add(rec.n);
    else openReasons.delete(rec.n);
    issues.draw(); // the row's height changed: measure again, move the rows below
  });
  return d;
}

const issues = new VirtualList($('issues'), $('issues-spacer'), $('issue-list'), renderRow, 44);

function rowButton(k) {
  const el = issues.element(k);
  return el ? el.querySelector('button') : null;
}

function setActive(k, focus) {
  if (k < 0 || k >= view.length) return;
  const old = rowButton(active);
  if (old) old.tabIndex = -1;
  active = k;
  issues.keep = k;
  issues.scrollTo(k);
  issues.draw();
  const b = rowButton(k);
  if (b) {
    b.tabIndex = 0;
    if (focus) b.focus({ preventScroll: true });
  }
}

function activate(k) {
  const item = view[k];
  if (!item) return;
  if (item.group) {
    const key = item.group.key;
    if (expanded.has(key)) expanded.delete(key);
    else expanded.add(key);
    active = k;
    buildView(true, k + 1);
    issues.keep = k;
    setActive(k, document.activeElement && document.activeElement.closest('#issues') !== null);
    return;
  }
  select(item.rec, false);
  setActive(k, false);
}

/** Show a record: the viewer goes to its line and column; its row is marked. */
function select(rec, inList) {
  current = rec;
  if (rec.line) goToLine(rec.line, rec.col);
  for (const el of issues.shown.values()) {
    const b = el.querySelector('button');
    const item = view[Number(b.dataset.index)];
    const on = item.rec === rec;
    b.classList.toggle('current', on);
    if (on) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
  if (inList) {
    const k = view.findIndex((v) => v.rec === rec);
    if (k >= 0) setActive(k, false);
  }
}

$('issue-list').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-index]');
  if (b) activate(Number(b.dataset.index));
});

$('issue-list').addEventListener('keydown', (e) => {
  const b = e.target.closest('button[data-index]');
  if (!b) return;
  const k = Number(b.dataset.index);
  const page = Math.max(1, Math.floor($('issues').clientHeight / 44));
  const to = {
    ArrowDown: k + 1,
    ArrowUp: k - 1,
    Home: 0,
    End: view.length - 1,
    PageDown: Math.min(view.length - 1, k + page),
    PageUp: Math.max(0, k - page),
  }[e.key];
  if (to !== undefined) {
    e.preventDefault();
    setActive(to, true);
  } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && view[k].group) {
    const open = expanded.has(view[k].group.key);
    if (open === (e.key === 'ArrowLeft')) {
      e.preventDefault();
      activate(k);
    }
  }
});

for (const id of ['filter', 'sort', 'group']) {
  $(id).addEventListener(id === 'filter' ? 'input' : 'change', () => {
    active = 0;
    buildView(false);
  });
}
for (const box of document.querySelectorAll('input.sev')) {
  box.addEventListener('change', () => {
    active = 0;
    buildView(false);
  });
}

// --- download and copy -------------------------------------------------------------------

function baseName() {
  return (shownName || 'input').replace(/\.(json|ndjson|jsonl)$/i, '');
}

$('download').addEventListener('click', () => {
  if (!outcome) return;
  const blob = new Blob([`${JSON.stringify(outcome, null, 2)}\n`], { type: 'application/fhir+json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${baseName()}.outcome.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  announce(`Downloaded ${a.download}.`);
});

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) {
    // no clipboard permission: the classic way, through a selected text area
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('aria-hidden', 'true');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
  announce(`Copied ${what}.`);
}

$('copy-json').addEventListener('click', () => {
  const shown = shownRecs();
  copy(`${JSON.stringify(oo.outcomeOf(shown), null, 2)}\n`, `${plural(shown.length, 'issue')} as JSON (an OperationOutcome)`);
});
$('copy-csv').addEventListener('click', () => {
  const shown = shownRecs();
  copy(oo.toCsv(shown), `${plural(shown.length, 'issue')} as CSV`);
});

// --- the viewer --------------------------------------------------------------------------

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

/** Line n (0-based) of the text shown. */
function lineText(n) {
  const end = n + 1 < lineStarts.length ? lineStarts[n + 1] - 1 : shownText.length;
  return shownText.slice(lineStarts[n], end).replace(/\r$/, '');
}

/** Line `line` (1-based). */
function lineTextOf(line) {
  return line >= 1 && line <= lineCount() ? lineText(line - 1) : '';
}

function offsetOf(line, col) {
  if (line < 1 || line > lineCount()) return shownText.length;
  return lineStarts[line - 1] + oo.columnIndex(lineText(line - 1), col);
}

let currentCol = 0;

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
    }
    const no = document.createElement('span');
    no.className = 'no';
    no.textContent = String(line);
    const code = document.createElement('span');
    code.className = 'code';
    let text = lineText(n);
    const cut = text.length > MAX_LINE_SHOWN;
    if (cut) text = text.slice(0, MAX_LINE_SHOWN);
    if (line === currentLine) {
      div.classList.add('current');
      const at = currentCol ? oo.columnIndex(text, currentCol) : -1;
      if (at >= 0 && at <= text.length) {
        const mark = document.createElement('mark');
        mark.className = 'col';
        mark.textContent = text.slice(at, at + 1) || ' ';
        code.append(text.slice(0, at), mark, text.slice(at + 1));
      } else {
        code.textContent = text;
      }
    } else {
      code.textContent = text;
    }
    if (cut) code.append('…');
    div.append(no, code);
    frag.append(div);
  }
  const spacer = $('viewer-spacer');
  viewer.replaceChildren(spacer, frag);
}

let viewerFrame = 0;
$('viewer').addEventListener('scroll', () => {
  if (viewerFrame) return;
  viewerFrame = requestAnimationFrame(() => {
    viewerFrame = 0;
    renderViewer();
  });
});

$('viewer').addEventListener('click', (e) => {
  const div = e.target.closest('.line.marked');
  if (div) showIssuesOf(Number(div.dataset.line));
});

// keyboard: n / p go to the next / previous line with issues, Enter shows its issues
$('viewer').addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || markedLines.length === 0) return;
  if (e.key === 'n' || e.key === 'p') {
    e.preventDefault();
    const next =
      e.key === 'n'
        ? markedLines.find((l) => l > currentLine) || markedLines[0]
        : [...markedLines].reverse().find((l) => l < currentLine) || markedLines[markedLines.length - 1];
    goToLine(next, 0);
    announce(`Line ${next}: ${recs.filter((r) => r.line === next).length} issues.`);
  } else if (e.key === 'Enter' && currentLine) {
    e.preventDefault();
    showIssuesOf(currentLine);
  }
});

function goToLine(line, col) {
  currentLine = line;
  currentCol = col;
  const viewer = $('viewer');
  viewer.scrollTop = Math.max(0, (line - 1) * LINE_HEIGHT - viewer.clientHeight / 3);
  renderViewer();
  // the column too: a long line (NDJSON) scrolls sideways to it
  const mark = viewer.querySelector('.line.current mark.col');
  const gutter = 70;
  if (mark) {
    const x = mark.offsetLeft;
    if (x < viewer.scrollLeft + gutter || x > viewer.scrollLeft + viewer.clientWidth - 24) {
      viewer.scrollLeft = Math.max(0, x - gutter - (viewer.clientWidth - gutter) / 3);
    }
  } else {
    viewer.scrollLeft = 0;
  }
}

/** The issues of a line: its first row in the list (its group opened) is marked and in view. */
function showIssuesOf(line) {
  const rec = shownRecs().find((r) => r.line === line);
  if (!rec) {
    goToLine(line, 0);
    announce(`The issues of line ${line} are hidden by the filter.`);
    return;
  }
  if ($('group').checked) {
    const g = view.find((v) => v.group && v.group.recs.includes(rec));
    if (g && !expanded.has(g.group.key)) {
      expanded.add(g.group.key);
      buildView(true);
    }
  }
  select(rec, true);
}

// --- start -------------------------------------------------------------------------------

async function loadManifest() {
  try {
    const r = await fetch(new URL('pkg/sets/index.json', document.baseURI));
    if (!r.ok) return;
    manifest = await r.json();
  } catch (_) {
    return;
  }
  const select = $('shipped');
  select.replaceChildren(
    ...manifest.sets.map((s) => {
      const o = document.createElement('option');
      o.value = s.id;
      o.textContent = `${s.title} (${(s.bytes / 1e6).toFixed(1)} MB)`;
      return o;
    }),
  );
  $('set-shipped').disabled = manifest.sets.length === 0;
  // what "dropped packages only" is compiled over: the R4 core set (and what the engine adds
  // to every set, e.g. the extensions pack)
  if (manifest.core) $('only-base').textContent = `(with ${manifest.core.packages.join(' + ')})`;
}

async function start() {
  const offline =
    'serviceWorker' in navigator && /^https?:$/.test(location.protocol)
      ? navigator.serviceWorker
          .register('sw.js', { updateViaCache: 'all' })
          .then(() => Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 5000))]))
          .catch(() => {})
      : Promise.resolve();
  const [m] = await Promise.all([post({ type: 'init' }), loadManifest()]);
  await offline;
  if (m.type === 'error') {
    $('set-info').textContent = `The validator could not start: ${m.message}`;
    announce('Not ready.');
    document.body.dataset.state = 'failed';
    return;
  }
  showSet(m, 'default');
  announce('Ready: paste, open or drop a resource, a Bundle or NDJSON.');
  $('validate').disabled = false;
  document.body.dataset.state = 'ready';
}

start();
