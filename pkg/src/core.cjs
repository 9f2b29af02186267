'use strict';
// The public JavaScript API of fhirval, shared by the Node (CommonJS, `index.cjs`) and the
// browser (ESM, `browser.mjs`) entry points. scripts/build-pkg.sh turns this file into
// `core.mjs` for browsers by replacing the `module.exports` line at the end.
//
// `host` gives what differs between the two:
//   glue                  the wasm-bindgen module (Engine, take_panic_message, __wbg_reset_state)
//   ready()               is the WebAssembly instance there?
//   init(options)         instantiate it (Node: already done; browsers: fetch + instantiate)
//   defaultSetSync()      the default profile set's bytes if already at hand, else null
//   loadDefaultSet(opts)  Promise of the default profile set's bytes (`opts.profileSet` may be
//                         a path or URL to load instead)
//
// Nothing here throws on bad input: validate() answers an OperationOutcome with a fatal issue,
// the constructors a FhirvalError (an Error that is also an OperationOutcome). A panic in the
// engine traps the WebAssembly instance; it is then replaced by a fresh one and every
// Validator rebuilds its engine on its next call.

function makeFhirval(host) {
  const glue = host.glue;
  let generation = 0;

  function fatalOutcome(message, code) {
    return {
      resourceType: 'OperationOutcome',
      // the host's own failures (bad options, an engine that cannot run): fhirval's id
      issue: [{
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id', valueString: 'FHIRVAL_HOST_ERROR' }],
        severity: 'fatal',
        code: code || 'invalid',
        details: { text: message },
      }],
    };
  }

  const LINE_EXT = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line';
  const COL_EXT = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col';
  const MESSAGE_ID_EXT = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id';

  // The OperationOutcome from the engine's rows, `[severity, code, text, expression, line,
  // column, message id, diagnostics?]` (src/outcome.rs, `to_rows_json`): the same object, keys
  // in the same order, as the CLI's `--format json`.
  function outcomeOfRows(rows) {
    const issue = new Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const [severity, code, text, expression, line, col, id, diagnostics] = rows[k];
      const i = {};
      const idExt = { url: MESSAGE_ID_EXT, valueString: id };
      i.extension = line > 0
        ? [{ url: LINE_EXT, valueInteger: line }, { url: COL_EXT, valueInteger: col }, idExt]
        : [idExt];
      i.severity = severity;
      i.code = code;
      i.details = { text };
      if (diagnostics !== undefined) i.diagnostics = diagnostics;
      if (expression) i.expression = [expression];
      issue[k] = i;
    }
    return { resourceType: 'OperationOutcome', issue };
  }

  /** An error object: an `Error` that is also an OperationOutcome with one fatal issue. */
  class FhirvalError extends Error {
    constructor(message, code) {
      super(`fhirval: ${message}`);
      this.name = 'FhirvalError';
      this.error = message;
      const oo = fatalOutcome(message, code);
      this.resourceType = oo.resourceType;
      this.issue = oo.issue;
    }
  }

  function describe(e) {
    if (e && typeof e === 'object' && typeof e.error === 'string') return e.error;
    if (e && typeof e === 'object' && typeof e.message === 'string') return e.message;
    return String(e);
  }

  // Run `fn` against the wasm instance. A trap (a panic, or the host's stack limit) poisons the
  // instance: its message is kept and a fresh instance replaces it.
  function guarded(fn, onTrap) {
    try {
      return fn();
    } catch (e) {
      let panic = '';
      try {
        panic = glue.take_panic_message();
      } catch (_) {
        /* the instance is unusable */
      }
      try {
        glue.__wbg_reset_state();
      } catch (_) {
        /* keep the old instance; the next call will tell */
      }
      generation++;
      const why = (panic || describe(e)).replace(/\s*\n\s*/g, ' ');
      return onTrap(`internal error, the validator was restarted: ${why}`);
    }
  }

  function notReady() {
    return new FhirvalError(
      'the WebAssembly module is not initialised yet: await Validator.init() (or Validator.create()) first',
    );
  }

  function isBytes(x) {
    return x instanceof Uint8Array || x instanceof ArrayBuffer || ArrayBuffer.isView(x);
  }

  function toUint8(x) {
    if (x instanceof Uint8Array) return x;
    if (x instanceof ArrayBuffer) return new Uint8Array(x);
    return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  }

  // The setup options (the CLI's validate flags in camel case, and `suppress`) go to the engine
  // as they are: it names them (src/options.rs, Options::from_host) and checks their values;
  // the constructors' own keys stay here; any other key is an error (a FhirvalError).
  const CREATE_KEYS = ['profileSet', 'packages', 'base', 'wasm', 'igs', 'packagesDir'];
  let setupKeys = null;
  function engineOptions(options, ownKeys) {
    if (options === undefined || options === null) return undefined;
    if (typeof options !== 'object') return options; // the engine reports it
    if (setupKeys === null) setupKeys = [...glue.setup_option_names()];
    const out = {};
    for (const k of Object.keys(options)) {
      if (setupKeys.includes(k)) {
        if (options[k] !== undefined) out[k] = options[k];
      } else if (!(ownKeys || []).includes(k)) {
        return new FhirvalError(`invalid options: unknown option '${k}' (options: ${[...setupKeys, ...(ownKeys || [])].join(', ')})`);
      }
    }
    return out;
  }

  // The keys of one call's options; any other is an error (the engine would ignore it).
  const CALL_KEYS = ['profiles', 'format', 'mode', 'capability', '__panicForTest'];
  function unknownCallKey(options) {
    if (options === null || typeof options !== 'object') return null;
    const k = Object.keys(options).find((key) => !CALL_KEYS.includes(key));
    return k === undefined ? null : `invalid validate options: unknown option '${k}' (options: ${CALL_KEYS.slice(0, 4).join(', ')})`;
  }

  // Build an engine from a recipe; the recipe is kept to rebuild it after a trap.
  function build(recipe) {
    return guarded(
      () => {
        let r;
        if (recipe.kind === 'set') {
          r = glue.Engine.from_profile_set(recipe.bytes, recipe.options);
        } else if (recipe.kind === 'dir') {
          r = glue.Engine.from_package_dir(recipe.files, recipe.igs, recipe.options);
        } else {
          r = glue.Engine.from_packages(recipe.packages, recipe.base, recipe.options);
        }
        return r instanceof glue.Engine ? r : new FhirvalError(describe(r));
      },
      (msg) => new FhirvalError(msg, 'exception'),
    );
  }

  function make(recipe) {
    if (recipe.options instanceof FhirvalError) return recipe.options;
    const engine = build(recipe);
    if (engine instanceof FhirvalError) return engine;
    return new Validator(token, engine, recipe);
  }

  const token = Symbol('fhirval');
  // Long strings cross into the wasm faster as UTF-8 bytes from the native encoder than through
  // the glue's character loop.
  const encoder = new TextEncoder();
  const ENCODE_ABOVE = 1 << 16;

  // The engine's per-resource results (`validate_lines`) as objects; `{"error"}` is thrown.
  function resultsOfJson(text) {
    const parsed = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new FhirvalError(parsed.error || 'bad NDJSON results');
    return parsed.map(([line, resourceType, id, rows]) => ({
      line,
      resourceType,
      id,
      valid: !rows.some((r) => r[0] === 'fatal' || r[0] === 'error'),
      outcome: outcomeOfRows(rows),
    }));
  }

  // A stream's chunks as bytes: a web ReadableStream, or any (async) iterable of strings and
  // bytes (a Node Readable is one).
  async function* byteChunks(source) {
    if (source && typeof source.getReader === 'function') {
      const reader = source.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
    } else if (source && (typeof source[Symbol.asyncIterator] === 'function' || (typeof source[Symbol.iterator] === 'function' && typeof source !== 'string'))) {
      yield* source;
    } else {
      throw new FhirvalError('validateNdjsonStream needs a Readable, a ReadableStream or an (async) iterable of chunks');
    }
  }

  const CHUNK_BYTES = 1 << 20;

  function concat(parts, total) {
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  function countNewlines(b) {
    let n = 0;
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
    return n;
  }

  // Whole lines in parts of about CHUNK_BYTES, each with the number of its first line; a line
  // longer than `limit` (+1, for a `\r`) is not kept: `tooLong` is its result, as the CLI's
  // (a long line inside one part is the engine's to report, the same way).
  async function* ndjsonChunks(source, limit) {
    let parts = []; // whole lines
    let size = 0;
    let tail = []; // the line being read
    let tailSize = 0;
    let line = 1;
    let skipping = -1; // bytes of an over-long line seen so far, -1 when not skipping
    const tooLong = (len) => ({
      line,
      resourceType: null,
      id: null,
      valid: false,
      outcome: outcomeOfRows([['fatal', 'invalid', `Error parsing JSON: input size at least ${len} bytes exceeds limit of ${limit} bytes`, '', line, 1, 'Error_parsing_JSON_']]),
    });
    function* flush() {
      if (size === 0) return;
      // a copy of its own when there are several parts: a worker may take that one's buffer
      const owned = parts.length > 1;
      const bytes = concat(parts, size);
      const firstLine = line;
      // counted before the chunk is handed over (a worker may take its buffer)
      line += countNewlines(bytes);
      parts = [];
      size = 0;
      yield { bytes, firstLine, owned };
    }
    for await (const raw of byteChunks(source)) {
      let chunk;
      if (typeof raw === 'string') chunk = encoder.encode(raw);
      else if (isBytes(raw)) chunk = toUint8(raw);
      else throw new FhirvalError(`a stream chunk must be a string or bytes, not ${raw === null ? 'null' : typeof raw}`);
      if (skipping >= 0) {
        const nl = chunk.indexOf(10);
        if (nl === -1) {
          skipping += chunk.length;
          continue;
        }
        yield { tooLong: tooLong(skipping + nl) };
        line++;
        skipping = -1;
        chunk = chunk.subarray(nl + 1);
      }
      const last = chunk.lastIndexOf(10);
      if (last !== -1) {
        parts.push(...tail, chunk.subarray(0, last + 1));
        size += tailSize + last + 1;
        tail = [];
        tailSize = 0;
        chunk = chunk.subarray(last + 1);
      }
      if (chunk.length > 0) {
        tail.push(chunk);
        tailSize += chunk.length;
      }
      if (tailSize > limit + 1) {
        yield* flush();
        skipping = tailSize;
        tail = [];
        tailSize = 0;
      } else if (size >= CHUNK_BYTES) {
        yield* flush();
      }
    }
    if (skipping >= 0) {
      yield { tooLong: tooLong(skipping) };
      return;
    }
    parts.push(...tail);
    size += tailSize;
    yield* flush();
  }

  class Validator {
    #engine;
    #generation;
    #recipe;

    /** @private use Validator.create(), fromProfileSet() or fromPackages() */
    constructor(key, engine, recipe) {
      if (key !== token) {
        throw new TypeError('use Validator.create(), Validator.fromProfileSet() or Validator.fromPackages()');
      }
      this.#engine = engine;
      this.#recipe = recipe;
      this.#generation = generation;
    }

    /**
     * Load the WebAssembly module and the default profile set (unless `options.defaultSet` is
     * false). Needed in browsers before the synchronous constructors; create() does it too.
     * Resolves to true; rejects with a FhirvalError.
     */
    static async init(options) {
      const opts = options && typeof options === 'object' ? options : {};
      try {
        await host.init(opts);
      } catch (e) {
        throw new FhirvalError(`cannot load the WebAssembly module: ${describe(e)}`);
      }
      if (opts.defaultSet !== false) {
        try {
          await host.loadDefaultSet({});
        } catch (e) {
          throw new FhirvalError(`cannot load the default profile set: ${describe(e)}`);
        }
      }
      return true;
    }

    /**
     * A validator: over `options.profileSet` (bytes, or a path/URL to one), over the packages
     * in `options.packages`, else over the default profile set (PDex + US Core) shipped
     * beside the wasm. Rejects with a FhirvalError (see tryCreate for one that resolves to it).
     */
    static async create(options) {
      const v = await Validator.tryCreate(options);
      if (v instanceof FhirvalError) throw v;
      return v;
    }

    /** create() that resolves to the FhirvalError instead of rejecting. */
    static async tryCreate(options) {
      const opts = options && typeof options === 'object' ? options : {};
      try {
        await host.init(opts);
      } catch (e) {
        return new FhirvalError(`cannot load the WebAssembly module: ${describe(e)}`);
      }
      // (after init: the engine knows the option names)
      const checked = engineOptions(opts, CREATE_KEYS);
      if (checked instanceof FhirvalError) return checked;
      if (opts.igs !== undefined) return Validator.#fromIgs(opts.igs, opts);
      if (opts.packages !== undefined) return Validator.fromPackages(opts.packages, opts);
      if (isBytes(opts.profileSet)) return Validator.fromProfileSet(opts.profileSet, opts);
      let set;
      try {
        set = await host.loadDefaultSet(opts);
      } catch (e) {
        return new FhirvalError(`cannot load the profile set: ${describe(e)}`);
      }
      return make({ kind: 'set', bytes: set, options: engineOptions(opts, CREATE_KEYS) });
    }

    // `create({ igs })`: Node compiles the IGs with their dependency closures out of a packages
    // folder, as the CLI's --ig does; browsers fetch the IGs' .tgz URLs and compile them over
    // options.base (see fromPackages).
    static async #fromIgs(igs, opts) {
      if (!Array.isArray(igs) || igs.length === 0 || !igs.every((s) => typeof s === 'string' && s !== '')) {
        return new FhirvalError("igs must be a non-empty array of package names ('name#version') or, in browsers, .tgz URLs");
      }
      let found;
      try {
        found = await host.packageSource(igs, opts);
      } catch (e) {
        return new FhirvalError(describe(e));
      }
      if (found.kind === 'packages') return Validator.fromPackages(found.packages, opts);
      return make({ kind: 'dir', files: found.files, igs: [...igs], options: engineOptions(opts, CREATE_KEYS) });
    }

    /** A validator over a compiled profile set (`fhirval compile -o FILE`). */
    static fromProfileSet(bytes, options) {
      if (!host.ready()) return notReady();
      if (!isBytes(bytes)) {
        return new FhirvalError('a profile set must be given as a Uint8Array or ArrayBuffer');
      }
      return make({ kind: 'set', bytes: toUint8(bytes), options: engineOptions(options, CREATE_KEYS) });
    }

    /**
     * Compile FHIR packages (`.tgz` contents) in the WebAssembly module. Unless the packages
     * include hl7.fhir.r4.core, they are compiled over a base set that supplies it and their
     * dependencies: `options.base`, 'default' (the default profile set; the default), 'none'
     * or a profile set's bytes.
     */
    static fromPackages(packages, options) {
      if (!host.ready()) return notReady();
      const opts = options && typeof options === 'object' ? options : {};
      let list;
      if (isBytes(packages)) list = [toUint8(packages)];
      else if (Array.isArray(packages)) list = packages.map((p) => (isBytes(p) ? toUint8(p) : p));
      else return new FhirvalError('packages must be an array of .tgz contents (Uint8Array)');
      let base;
      if (isBytes(opts.base)) {
        base = toUint8(opts.base);
      } else if (opts.base === 'none') {
        base = undefined;
      } else if (opts.base === undefined || opts.base === 'default') {
        // used only if the packages do not include R4 core; in browsers it is at hand once
        // Validator.init() or create() has run
        base = host.defaultSetSync() || undefined;
      } else {
        return new FhirvalError("options.base must be 'default', 'none' or a profile set (Uint8Array)");
      }
      return make({ kind: 'packages', packages: list, base, options: engineOptions(opts, CREATE_KEYS) });
    }

    #live() {
      if (this.#generation !== generation || this.#engine === null) {
        const e = build(this.#recipe);
        if (e instanceof FhirvalError) return e;
        this.#engine = e;
        this.#generation = generation;
      }
      return this.#engine;
    }

    /**
     * Validate one resource (a Bundle included) given as a JSON string (the fast path), UTF-8
     * bytes or a plain object. `options`: `{ profiles?: string | string[], mode?: 'standard' |
     * 'pdex', capability?: string, format?: 'json' | 'ndjson' }`. Returns a FHIR
     * OperationOutcome (a plain object), never throws.
     */
    validate(input, options) {
      return this.#call(input, options, false);
    }

    /**
     * Validate one input (as validate()) and group its issues as `fhirval validate --format
     * text` summarises them (by message id or invariant key, else by message): `{ outcome,
     * groups: [{ severity, key, count, message, locations }] }` (key: the invariant key of
     * failed invariants, else the message id), errors first. Never throws.
     */
    summary(input, options) {
      return this.#call(input, options, true);
    }

    // validate(), with the engine's grouping of the issues when `grouped`
    #call(input, options, grouped) {
      const done = (outcome, groups) => (grouped ? { outcome, groups } : outcome);
      const fatal = (oo) =>
        done(oo, [{ severity: 'fatal', count: 1, message: oo.issue[0].details.text, locations: ['0:0'] }]);
      const bad = unknownCallKey(options);
      if (bad !== null) return fatal(fatalOutcome(bad));
      let text = input;
      if (typeof input !== 'string') {
        if (isBytes(input)) {
          text = toUint8(input);
        } else if (input !== null && typeof input === 'object') {
          const proto = Object.getPrototypeOf(input);
          if (!Array.isArray(input) && proto !== Object.prototype && proto !== null) {
            const kind = (input.constructor && input.constructor.name) || 'object';
            return fatalOutcome(
              `Cannot validate a ${kind}: not a FHIR resource (give a JSON string, a Uint8Array of UTF-8 JSON or a plain object)`,
            );
          }
          try {
            text = JSON.stringify(input, null, 2);
          } catch (e) {
            return fatal(fatalOutcome(`Cannot convert the object to JSON: ${describe(e)}`));
          }
          if (typeof text !== 'string') return fatal(fatalOutcome('Cannot convert the object to JSON'));
        } else {
          const kind = input === null ? 'null' : typeof input;
          return fatal(
            fatalOutcome(`Cannot validate ${kind}: give a JSON string, a Uint8Array of UTF-8 JSON or a plain object`),
          );
        }
      }
      if (typeof text === 'string' && (grouped || text.length > ENCODE_ABOVE)) text = encoder.encode(text);
      const engine = this.#live();
      if (engine instanceof FhirvalError) return fatal(fatalOutcome(engine.error, 'exception'));
      return guarded(
        () => {
          if (grouped) {
            const r = JSON.parse(engine.summary_bytes(text, options));
            return done(outcomeOfRows(r.rows), r.groups);
          }
          return outcomeOfRows(
            JSON.parse(
              typeof text === 'string'
                ? engine.validate_str(text, options)
                : engine.validate_bytes(text, options),
            ),
          );
        },
        (msg) => fatal(fatalOutcome(msg, 'exception')),
      );
    }

    /** Validate several inputs; one OperationOutcome each, in order (a non-iterable or a
     * string: one fatal OperationOutcome, in an array). */
    validateMany(inputs, options) {
      if (inputs === null || typeof inputs !== 'object' || typeof inputs[Symbol.iterator] !== 'function') {
        return [fatalOutcome('validateMany needs an array (or other iterable) of inputs')];
      }
      const out = [];
      for (const input of inputs) out.push(this.validate(input, options));
      return out;
    }

    /**
     * Must Support coverage (as `fhirval coverage --format json`): `input` is one input or an
     * array of them (JSON strings, UTF-8 bytes or plain objects; NDJSON texts with
     * `options.format: 'ndjson'`), options as validate's. Returns `{ profiles: [{ url,
     * resources, elements: [{ id, path, populated }] }] }`, or a FhirvalError when an input
     * is not JSON. Never throws.
     */
    coverage(input, options) {
      const list = Array.isArray(input) ? input : [input];
      const texts = [];
      for (const [i, x] of list.entries()) {
        if (typeof x === 'string') texts.push(x);
        else if (isBytes(x)) texts.push(new TextDecoder().decode(toUint8(x)));
        else if (x !== null && typeof x === 'object') texts.push(JSON.stringify(x));
        else return new FhirvalError(`coverage input ${i}: give a JSON string, UTF-8 bytes or a plain object`);
      }
      const bad = unknownCallKey(options);
      if (bad !== null) return new FhirvalError(bad);
      const engine = this.#live();
      if (engine instanceof FhirvalError) return engine;
      return guarded(
        () => {
          const r = engine.coverage(texts, options);
          return typeof r === 'string' ? JSON.parse(r) : new FhirvalError(describe(r));
        },
        (msg) => new FhirvalError(msg, 'exception'),
      );
    }

    /**
     * Validate NDJSON (one resource per line; a string or UTF-8 bytes): one result per
     * non-blank line, `{ line, resourceType, id, valid, outcome }`, issue lines lines of the
     * input, `maxIssues` applying to each line. Throws a FhirvalError for bad options.
     */
    validateNdjson(input, options) {
      let bytes;
      if (typeof input === 'string') bytes = encoder.encode(input);
      else if (isBytes(input)) bytes = toUint8(input);
      else throw new FhirvalError('validateNdjson needs a string or UTF-8 bytes');
      return this.#lines(bytes, 1, options);
    }

    #lines(bytes, firstLine, options) {
      const bad = unknownCallKey(options);
      if (bad !== null) throw new FhirvalError(bad);
      const engine = this.#live();
      if (engine instanceof FhirvalError) throw engine;
      const text = guarded(
        () => engine.validate_lines(bytes, firstLine, options),
        (msg) => JSON.stringify({ error: msg }),
      );
      return resultsOfJson(text);
    }

    /**
     * Validate an NDJSON stream (a Node Readable, a web ReadableStream, or an async iterable of
     * string or byte chunks): yields `{ line, resourceType, id, valid, outcome }` per resource,
     * in input order. Memory is bounded by a window of chunks (about 1 MiB of lines each, and
     * 2 per worker in flight), not by the input; a line is held whole (up to `maxInputMb`; a
     * longer one is reported without being kept). `options.workers` > 1 (Node): a pool of
     * worker_threads, each with its own engine over the same compiled set.
     */
    async *validateNdjsonStream(source, options) {
      const { workers, ...call } = options && typeof options === 'object' ? options : {};
      const n = workers === undefined ? 1 : workers;
      if (!Number.isInteger(n) || n < 1) throw new FhirvalError('workers must be a whole number from 1');
      const bad = unknownCallKey(call);
      if (bad !== null) throw new FhirvalError(bad);
      const limit = this.#maxLine();
      const run = n > 1 && host.pool
        ? host.pool(this.#setBytes(), this.#recipe.options, n)
        : null;
      if (n > 1 && !host.pool) throw new FhirvalError('workers > 1 needs Node (worker_threads)');
      try {
        if (run === null) {
          for await (const part of ndjsonChunks(source, limit)) {
            const results = part.tooLong ? [part.tooLong] : this.#lines(part.bytes, part.firstLine, call);
            for (const r of results) yield r;
          }
          return;
        }
        const window = [];
        for await (const part of ndjsonChunks(source, limit)) {
          window.push(part.tooLong ? Promise.resolve([part.tooLong]) : run.validate(part.bytes, part.firstLine, call, part.owned).then(resultsOfJson));
          if (window.length >= 2 * n) for (const r of await window.shift()) yield r;
        }
        while (window.length > 0) for (const r of await window.shift()) yield r;
      } finally {
        if (run !== null) run.close();
      }
    }

    #maxLine() {
      const o = this.#recipe.options;
      const mb = o && typeof o.maxInputMb === 'number' ? o.maxInputMb : 256;
      return mb * 1024 * 1024;
    }

    #setBytes() {
      if (this.#recipe.kind === 'set') return this.#recipe.bytes;
      const b = this.toProfileSet();
      if (b instanceof FhirvalError) throw b;
      return b;
    }

    /** The profiles in the set: `{ url, name, version, type, kind, package }`, extensions included. */
    profiles() {
      const engine = this.#live();
      if (engine instanceof FhirvalError) return [];
      return guarded(() => engine.profiles(), () => []);
    }

    /** The packages compiled into the set, the notes from compiling it, and counts. */
    info() {
      const engine = this.#live();
      if (engine instanceof FhirvalError) return engine;
      return guarded(() => engine.info(), (msg) => new FhirvalError(msg, 'exception'));
    }

    /** The set in the `fhirval compile` format (to keep a set compiled from packages). */
    toProfileSet() {
      const engine = this.#live();
      if (engine instanceof FhirvalError) return engine;
      return guarded(
        () => {
          const r = engine.to_profile_set();
          return r instanceof Uint8Array ? r : new FhirvalError(describe(r));
        },
        (msg) => new FhirvalError(msg, 'exception'),
      );
    }

    /** Release the WebAssembly memory now (otherwise the garbage collector does it). */
    free() {
      if (this.#engine && this.#generation === generation) {
        try {
          this.#engine.free();
        } catch (_) {
          /* already gone */
        }
      }
      this.#engine = null;
    }
  }

  return { Validator, FhirvalError };
}

module.exports = makeFhirval;
