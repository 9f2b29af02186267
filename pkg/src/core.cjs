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
      issue: [{ severity: 'fatal', code: code || 'invalid', details: { text: message } }],
    };
  }

  const LINE_EXT = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line';
  const COL_EXT = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col';

  // The OperationOutcome from the engine's rows, `[severity, code, text, expression, line,
  // column]` (src/outcome.rs, `to_rows_json`): the same object, keys in the same order, as
  // the CLI's `--format json`.
  function outcomeOfRows(rows) {
    const issue = new Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const [severity, code, text, expression, line, col, diagnostics] = rows[k];
      const i = {};
      if (line > 0) {
        i.extension = [
          { url: LINE_EXT, valueInteger: line },
          { url: COL_EXT, valueInteger: col },
        ];
      }
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

  // Only the setup options reach the engine (the rest are the JavaScript side's).
  function engineOptions(options) {
    if (options === undefined || options === null) return undefined;
    if (typeof options !== 'object') return options; // the engine reports it
    const out = {};
    for (const k of ['allowExtensionDomains', 'maxIssues', 'securityChecks', 'allowComments', 'mode', 'capability']) {
      if (options[k] !== undefined) out[k] = options[k];
    }
    return out;
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
    const engine = build(recipe);
    if (engine instanceof FhirvalError) return engine;
    return new Validator(token, engine, recipe);
  }

  const token = Symbol('fhirval');
  // Long strings cross into the wasm faster as UTF-8 bytes from the native encoder than through
  // the glue's character loop.
  const encoder = new TextEncoder();
  const ENCODE_ABOVE = 1 << 16;

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
     * Resolves to true, or to a FhirvalError.
     */
    static async init(options) {
      const opts = options && typeof options === 'object' ? options : {};
      try {
        await host.init(opts);
      } catch (e) {
        return new FhirvalError(`cannot load the WebAssembly module: ${describe(e)}`);
      }
      if (opts.defaultSet !== false) {
        try {
          await host.loadDefaultSet({});
        } catch (e) {
          return new FhirvalError(`cannot load the default profile set: ${describe(e)}`);
        }
      }
      return true;
    }

    /**
     * A validator: over `options.profileSet` (bytes, or a path/URL to one), over the packages
     * in `options.packages`, else over the default profile set (PDex + US Core) shipped
     * beside the wasm.
     */
    static async create(options) {
      const opts = options && typeof options === 'object' ? options : {};
      try {
        await host.init(opts);
      } catch (e) {
        return new FhirvalError(`cannot load the WebAssembly module: ${describe(e)}`);
      }
      if (opts.igs !== undefined) return Validator.#fromIgs(opts.igs, opts);
      if (opts.packages !== undefined) return Validator.fromPackages(opts.packages, opts);
      if (isBytes(opts.profileSet)) return Validator.fromProfileSet(opts.profileSet, opts);
      let set;
      try {
        set = await host.loadDefaultSet(opts);
      } catch (e) {
        return new FhirvalError(`cannot load the profile set: ${describe(e)}`);
      }
      return make({ kind: 'set', bytes: set, options: engineOptions(opts) });
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
      return make({ kind: 'dir', files: found.files, igs: [...igs], options: engineOptions(opts) });
    }

    /** A validator over a compiled profile set (`fhirval compile -o FILE`). */
    static fromProfileSet(bytes, options) {
      if (!host.ready()) return notReady();
      if (!isBytes(bytes)) {
        return new FhirvalError('a profile set must be given as a Uint8Array or ArrayBuffer');
      }
      return make({ kind: 'set', bytes: toUint8(bytes), options: engineOptions(options) });
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
      return make({ kind: 'packages', packages: list, base, options: engineOptions(opts) });
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
     * groups: [{ severity, count, message, locations }] }`, errors first. Never throws.
     */
    summary(input, options) {
      return this.#call(input, options, true);
    }

    // validate(), with the engine's grouping of the issues when `grouped`
    #call(input, options, grouped) {
      const done = (outcome, groups) => (grouped ? { outcome, groups } : outcome);
      const fatal = (oo) =>
        done(oo, [{ severity: 'fatal', count: 1, message: oo.issue[0].details.text, locations: ['0:0'] }]);
      let text = input;
      if (typeof input !== 'string') {
        if (isBytes(input)) {
          text = toUint8(input);
        } else if (input !== null && typeof input === 'object') {
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

    /** Validate several inputs; one OperationOutcome each, in order. */
    validateMany(inputs, options) {
      if (inputs === null || typeof inputs !== 'object' || typeof inputs[Symbol.iterator] !== 'function') {
        return fatalOutcome('validateMany needs an array (or other iterable) of inputs');
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
