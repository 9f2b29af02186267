// What the page makes of an OperationOutcome, without the DOM (so that Node tests it too):
// issue records, grouping, filtering, sorting, CSV, the profiles named in the issues, and the
// likely cause of a JSON syntax error.

export const SEVERITIES = ['fatal', 'error', 'warning', 'information'];

const LINE_EXT = 'operationoutcome-issue-line';
const COL_EXT = 'operationoutcome-issue-col';
const MESSAGE_ID_EXT = 'operationoutcome-message-id';

function extension(issue, suffix) {
  const ext = (issue.extension || []).find((x) => typeof x.url === 'string' && x.url.endsWith(suffix));
  if (!ext) return undefined;
  return ext.valueInteger !== undefined ? ext.valueInteger : ext.valueString !== undefined ? ext.valueString : ext.valueCode;
}

/** Is this the engine's "All OK" issue of a clean result (not shown as a row)? */
export function isAllOk(issue) {
  return issue.code === 'informational' && issue.details && issue.details.text === 'All OK' && !issue.expression;
}

/**
 * The issues of an outcome as the page's records: `{ n, issue, severity, rank, line, col,
 * expression, text, key, keyLabel }`. `key` groups identical messages: the issue's message id
 * (the `operationoutcome-message-id` extension) when the engine gives one, else the invariant
 * key of a "Constraint failed: KEY: ..." message (with the message id too when both are
 * there), else the message text; always with the severity.
 */
export function records(oo) {
  const out = [];
  (oo.issue || []).forEach((issue, n) => {
    if (isAllOk(issue)) return;
    const text = issue.details && typeof issue.details.text === 'string' ? issue.details.text : issue.diagnostics || '';
    const severity = SEVERITIES.includes(issue.severity) ? issue.severity : 'information';
    const id = extension(issue, MESSAGE_ID_EXT);
    const invariant = /^Constraint failed: ([^\s:]+):/.exec(text);
    let key;
    let keyLabel;
    if (id) {
      // an invariant's message id may be shared by every invariant: its key keeps them apart
      key = invariant ? `id:${id}:${invariant[1]}` : `id:${id}`;
      keyLabel = invariant ? `${invariant[1]} (${id})` : String(id);
    } else if (invariant) {
      key = `inv:${invariant[1]}`;
      keyLabel = invariant[1];
    } else {
      key = `text:${text}`;
      keyLabel = '';
    }
    out.push({
      n,
      issue,
      severity,
      rank: SEVERITIES.indexOf(severity),
      line: extension(issue, LINE_EXT) || 0,
      col: extension(issue, COL_EXT) || 0,
      expression: (issue.expression || []).join(', '),
      text,
      key: `${severity}|${key}`,
      keyLabel,
    });
  });
  return out;
}

export function counts(recs) {
  const c = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const r of recs) c[r.severity]++;
  return c;
}

/** Records shown: of the severities in `severities` (a Set), matching `query` (case-insensitive,
 * in the message, the expression or `line:col`). */
export function filtered(recs, severities, query) {
  const q = query.trim().toLowerCase();
  return recs.filter(
    (r) =>
      severities.has(r.severity) &&
      (!q || r.text.toLowerCase().includes(q) || r.expression.toLowerCase().includes(q) || `${r.line}:${r.col}`.startsWith(q)),
  );
}

const byLine = (a, b) => (a.line || Infinity) - (b.line || Infinity) || a.col - b.col;
const COMPARE = {
  severity: (a, b) => a.rank - b.rank || byLine(a, b) || a.n - b.n,
  line: (a, b) => byLine(a, b) || a.rank - b.rank || a.n - b.n,
  expression: (a, b) => (a.expression < b.expression ? -1 : a.expression > b.expression ? 1 : 0) || byLine(a, b) || a.n - b.n,
};

export function sorted(recs, by) {
  return recs.slice().sort(COMPARE[by] || COMPARE.severity);
}

/** Groups of records with the same key: `{ key, severity, rank, label, text, recs }`, in the
 * order of `by` (by severity: the largest groups first within a severity). */
export function groups(recs, by) {
  const map = new Map();
  for (const r of sorted(recs, by)) {
    let g = map.get(r.key);
    if (!g) {
      g = { key: r.key, severity: r.severity, rank: r.rank, label: r.keyLabel, text: r.text, recs: [] };
      map.set(r.key, g);
    }
    g.recs.push(r);
  }
  const list = [...map.values()];
  if (by === 'severity') list.sort((a, b) => a.rank - b.rank || b.recs.length - a.recs.length || COMPARE.severity(a.recs[0], b.recs[0]));
  else list.sort((a, b) => (COMPARE[by] || COMPARE.severity)(a.recs[0], b.recs[0]));
  return list;
}

function csvField(v) {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of the records: severity, code, line, column, expression, message. */
export function toCsv(recs) {
  const rows = [['severity', 'code', 'line', 'column', 'expression', 'message']];
  for (const r of recs) rows.push([r.severity, r.issue.code || '', r.line || '', r.col || '', r.expression, r.text]);
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** An OperationOutcome of just these records' issues. */
export function outcomeOf(recs) {
  return { resourceType: 'OperationOutcome', issue: recs.map((r) => r.issue) };
}

const PROFILE_REF = /https?:\/\/[^\s'"|,()<>]+\|[0-9][\w.+-]*/g;

/** The profiles (StructureDefinition `url|version`) the messages name, i.e. the versions that
 * answered, with how many issues name each, most named first. */
export function profilesNamed(recs) {
  const seen = new Map();
  for (const r of recs) {
    for (const m of new Set(r.text.match(PROFILE_REF) || [])) {
      const ref = m.replace(/[.:;]+$/, '');
      if (!ref.includes('/StructureDefinition/')) continue;
      seen.set(ref, (seen.get(ref) || 0) + 1);
    }
  }
  return [...seen.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** The versions of each package loaded more than once: `[[name, [versions]]]`. */
export function multipleVersions(packages) {
  const by = new Map();
  for (const p of packages) {
    const at = p.lastIndexOf('#');
    if (at < 0) continue;
    const name = p.slice(0, at);
    if (!by.has(name)) by.set(name, []);
    by.get(name).push(p.slice(at + 1));
  }
  return [...by.entries()].filter(([, v]) => v.length > 1).map(([n, v]) => [n, v.sort(compareVersions)]);
}

export function compareVersions(a, b) {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let k = 0; k < Math.max(pa.length, pb.length); k++) {
    const x = pa[k];
    const y = pb[k];
    // a pre-release (1.0.0-ballot) is older than its release (1.0.0)
    if (x === undefined) return /^\d+$/.test(y) ? -1 : 1;
    if (y === undefined) return /^\d+$/.test(x) ? 1 : -1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? 1 : -1; // 1.0.0 is newer than 1.0.0-ballot
    if (!nx && x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

// --- JSON syntax errors ------------------------------------------------------------------

/** The UTF-16 index in `line` of a 1-based column counted in characters (code points), as the
 * engine counts them. */
export function columnIndex(line, col) {
  let k = 0;
  for (let c = 1; c < col && k < line.length; c++) {
    const code = line.charCodeAt(k);
    k += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return k;
}

function lineAndColumnOf(text, offset) {
  let line = 1;
  let start = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    start = at + 1;
  }
  return { line, col: offset - start + 1 };
}

/** The column (1-based) where the string left open on this line starts, or 0. */
function openQuoteColumn(lineText) {
  let open = -1;
  for (let k = 0; k < lineText.length; k++) {
    const c = lineText[k];
    if (open >= 0 && c === '\\') k++;
    else if (c === '"') open = open >= 0 ? -1 : k;
  }
  return open + 1;
}

function clip(s) {
  const t = s.trim();
  return t.length > 40 ? `…${t.slice(-40)}` : t;
}

/**
 * The likely cause of the engine's "Error parsing JSON: ..." issue, in words, for the common
 * slips (a missing closing quote or comma; the engine names a trailing comma, an unquoted
 * name or a text cut short itself), besides the exact
 * character the engine names; '' when there is no better guess. `lineOf(n)` gives line n's
 * text, `offsetOf(line, col)` the offset in `text`.
 */
export function syntaxHint(rec, text, lineOf, offsetOf) {
  if (rec.severity !== 'fatal' || !rec.text.startsWith('Error parsing JSON:') || !rec.line) return '';
  const m = rec.text;
  if (/unescaped control character U\+000A in string/.test(m)) {
    const col = openQuoteColumn(lineOf(rec.line).replace(/\r$/, ''));
    return col
      ? `Likely cause: a missing closing quote (") on line ${rec.line}: the string that starts at column ${col} runs to the end of the line.`
      : `Likely cause: a missing closing quote (") on line ${rec.line}.`;
  }
  const at = offsetOf(rec.line, rec.col);
  let before = at - 1;
  while (before >= 0 && /\s/.test(text[before])) before--;
  const prevPos = before >= 0 ? lineAndColumnOf(text, before) : null;
  const prevLine = prevPos ? lineOf(prevPos.line) : '';
  if (/^Error parsing JSON: expected ',' or '[}\]]' after (object member|array element)/.test(m)) {
    return prevPos
      ? `Likely cause: a missing comma (,) after line ${prevPos.line}, column ${prevPos.col}: ${clip(prevLine.slice(0, prevPos.col))}`
      : 'Likely cause: a missing comma (,).';
  }
  return '';
}
