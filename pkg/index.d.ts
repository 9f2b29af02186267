// Types of the fhirval npm package (Node: CommonJS and ESM; browsers and bundlers: ESM).

/** A FHIR R4 OperationOutcome, as `fhirval validate --format json` writes it. */
export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export interface OperationOutcomeIssue {
  /** `operationoutcome-issue-line` and `-col` (1-based, in the JSON text validated). */
  extension?: { url: string; valueInteger: number }[];
  severity: 'fatal' | 'error' | 'warning' | 'information';
  /** FHIR IssueType code: `structure`, `invalid`, `value`, `required`, `not-found`, ... */
  code: string;
  details: { text: string };
  /** Why, one reason a line (slicing: per occurrence and candidate slice, what the slice
   * wants and what was found). */
  diagnostics?: string;
  /** The FHIRPath of the offending element, as the HL7 Java validator writes it. */
  expression?: string[];
}

/**
 * An error: `create()` and `init()` reject with it; the synchronous constructors and
 * `tryCreate()` return it, when the wasm module, a profile set, a package or an option cannot
 * be used. It is also an OperationOutcome with one fatal issue.
 */
export declare class FhirvalError extends Error {
  readonly name: 'FhirvalError';
  /** The message, without the `fhirval: ` prefix. */
  readonly error: string;
  readonly resourceType: 'OperationOutcome';
  readonly issue: OperationOutcomeIssue[];
}

/** Bytes: a Uint8Array (a Node Buffer is one), an ArrayBuffer or another typed-array view. */
export type Bytes = Uint8Array | ArrayBuffer | ArrayBufferView;

export interface SetupOptions {
  /** Extension URLs starting with one of these are accepted without a definition. */
  allowExtensionDomains?: string[];
  /** Stop after this many issues (default 10000). */
  maxIssues?: number;
  /** The Java validator's security checks: HTML-like text in strings is an error. */
  securityChecks?: boolean;
  /** Accept `//` and `/* *\/` comments in the JSON. */
  allowComments?: boolean;
  /** The default mode of `validate` (see `ValidateOptions.mode`). */
  mode?: Mode;
  /** The default `capability` of `validate` (see `ValidateOptions.capability`). */
  capability?: string;
  /** Skip FHIRPath invariants (structure, profiles and bindings only). */
  noInvariants?: boolean;
  /** Skip terminology (bindings, codes, displays). */
  noTerminology?: boolean;
  /** Wrong displays are warnings, not errors. */
  displayIssuesAreWarnings?: boolean;
  /** Codes that cannot be checked offline are warnings, not information. */
  uncheckedCodesAreWarnings?: boolean;
  /** A relative reference not found in its Bundle, Parameters or container is an error. */
  checkReferencesResolve?: boolean;
  /** Largest JSON input (or NDJSON line) accepted, in MiB (default 256). */
  maxInputMb?: number;
  /** Deepest JSON nesting accepted (default 256, at most 1000). */
  maxDepth?: number;
  /** Longest JSON string or key accepted, in MiB (default 64). */
  maxStringMb?: number;
  /** The text of a suppression file (`ID-OR-PATTERN<TAB>EXPRESSION-PATTERN` per line). */
  suppress?: string;
}

/**
 * `'standard'` (default): every resource against its base type, its `meta.profile`s and
 * `profiles`. `'pdex'`: PDex member-health-history mode (the CLI's `--mode pdex`): each entry
 * also against the profiles the PDex server CapabilityStatement promises for its type.
 */
export type Mode = 'standard' | 'pdex';

export interface CreateOptions extends SetupOptions {
  /**
   * The profile set (`fhirval compile -o FILE`): its bytes, or where to load it from (Node: a
   * path or file: URL; browsers: a URL). Default: the PDex + US Core set shipped in the package.
   */
  profileSet?: Bytes | string | URL;
  /**
   * Compile these IGs instead, as the CLI's `--ig` does. Node: package names (`'name#version'`,
   * or a bare name for the newest) resolved with their dependency closures in `packagesDir`
   * (R4 core, the extensions pack and HL7 terminology always included). Browsers: URLs of
   * `.tgz` packages, fetched and compiled over `base` (see `Validator.fromPackages`).
   */
  igs?: string[];
  /**
   * Node, with `igs`: the folder of `.tgz` packages. Default: as the CLI finds it
   * (`$FHIRVAL_PACKAGES`, else `shared/fhir-packages` in the working directory or an
   * ancestor, else `~/.fhir/packages`).
   */
  packagesDir?: string | URL;
  /** Compile these FHIR packages (`.tgz` contents) instead (see `Validator.fromPackages`). */
  packages?: Bytes[];
  /** With `packages`: the set compiled in first (see `PackagesOptions.base`). */
  base?: 'default' | 'none' | Bytes;
  /**
   * Browsers: the WebAssembly module (a URL, Response, BufferSource or WebAssembly.Module).
   * Default: `fhirval_bg.wasm` beside the module.
   */
  wasm?: string | URL | Response | BufferSource | WebAssembly.Module;
}

export interface InitOptions {
  /** Browsers: where the WebAssembly module is (see `CreateOptions.wasm`). */
  wasm?: CreateOptions['wasm'];
  /** Also load the default profile set (default true). */
  defaultSet?: boolean;
}

export interface PackagesOptions extends SetupOptions {
  /**
   * Unless the packages include hl7.fhir.r4.core, the set compiled in first, which supplies the
   * core and the dependencies the packages do not bring: `'default'` (the default profile set;
   * the default), `'none'`, or a profile set's bytes.
   */
  base?: 'default' | 'none' | Bytes;
}

export interface ValidateOptions {
  /** This call's mode (default: the validator's, 'standard' unless set at creation). */
  mode?: Mode;
  /** `'pdex'` mode: the server CapabilityStatement to read (default: the newest PDex one). */
  capability?: string;
  /** Also validate against these profiles (canonical URL, optionally `|version`). Every
   * resource is always validated against its base type and each of its `meta.profile`. */
  profiles?: string | string[];
  /**
   * `'json'` (default): the input is one resource (a Bundle included). `'ndjson'`: one
   * resource per line; issue lines are lines of the whole input.
   */
  format?: 'json' | 'ndjson';
}

/** One resource (non-blank line) of an NDJSON input, validated. */
export interface NdjsonResult {
  /** 1-based line in the input. */
  line: number;
  /** The top-level `resourceType` and `id`, null when they are not strings. */
  resourceType: string | null;
  id: string | null;
  /** No fatal issue and no error. */
  valid: boolean;
  /** Its issues, located by line of the input; `maxIssues` applies to each line. */
  outcome: OperationOutcome;
}

export interface StreamOptions extends Omit<ValidateOptions, 'format'> {
  /** Node: a pool of this many worker_threads (default 1: this thread, between chunks). */
  workers?: number;
}

/** What `validateNdjsonStream` reads: a Node Readable, a web ReadableStream, or an (async)
 * iterable of string or byte chunks. */
export type NdjsonSource =
  | AsyncIterable<string | Bytes>
  | Iterable<string | Bytes>
  | ReadableStream<string | Uint8Array>;

/** A JSON text (the fast path), its UTF-8 bytes, or a parsed resource (validated as
 * `JSON.stringify(input, null, 2)`, which issue lines refer to). */
export type Input = string | Bytes | object;

export interface ProfileInfo {
  url: string;
  name: string;
  version: string;
  /** The constrained type: `Patient`, `Extension`, ... */
  type: string;
  kind: 'resource' | 'complex-type' | 'primitive-type' | 'logical';
  /** `name#version` of the package that defines it. */
  package: string;
}

export interface SetInfo {
  /** `name#version` of each package compiled into the set. */
  packages: string[];
  /** What compiling the set had to say (substituted or missing dependencies, ...). */
  notes: string[];
  structures: number;
  profiles: number;
  engineVersion: string;
}

/** `Validator.coverage`: per profile the inputs were validated against, how many of the
 * resources validated against it populate each Must Support element (`fhirval coverage`). */
export interface CoverageReport {
  profiles: {
    /** `url|version` of the profile. */
    url: string;
    /** Resources validated against it. */
    resources: number;
    /** Its Must Support elements (slices included), in snapshot order. */
    elements: { id: string; path: string; populated: number }[];
  }[];
}

/** Issues saying the same thing (`Validator.summary`, the summary of `--format text`). */
export interface IssueGroup {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  /** What the issues answer to: the invariant key of failed invariants (`dom-6`), else their
   * message id (`operationoutcome-message-id`: Java's where the message is Java's). */
  key: string;
  count: number;
  /** The first issue's message. */
  message: string;
  /** The first three issues' expressions (`line:col` for one without). */
  locations: string[];
}

export declare class Validator {
  private constructor();
  /**
   * Load the WebAssembly module and the default profile set. Browsers need it (or `create()`)
   * before `fromProfileSet`/`fromPackages`; in Node it is never needed.
   */
  static init(options?: InitOptions): Promise<true>;
  /** A validator over the default profile set (Da Vinci PDex with US Core and their
   * dependencies), or over `options.profileSet` / `options.packages`. Rejects with a
   * FhirvalError. */
  static create(options?: CreateOptions): Promise<Validator>;
  /** `create()` resolving to the FhirvalError instead of rejecting. */
  static tryCreate(options?: CreateOptions): Promise<Validator | FhirvalError>;
  /** A validator over a compiled profile set. */
  static fromProfileSet(bytes: Bytes, options?: SetupOptions): Validator | FhirvalError;
  /** Compile FHIR packages (`.tgz` contents, e.g. an IG's package.tgz) into a validator. */
  static fromPackages(packages: Bytes[], options?: PackagesOptions): Validator | FhirvalError;
  /** Validate one input. Never throws: bad input gives an OperationOutcome with a fatal issue. */
  validate(input: Input, options?: ValidateOptions): OperationOutcome;
  /** Validate one input and group its issues: errors first, then the larger groups. */
  summary(input: Input, options?: ValidateOptions): { outcome: OperationOutcome; groups: IssueGroup[] };
  /** Validate several inputs: one OperationOutcome each, in order. */
  validateMany(inputs: Iterable<Input>, options?: ValidateOptions): OperationOutcome[];
  /** Must Support coverage over one input or several (a FhirvalError if one is not JSON). */
  coverage(input: Input | Input[], options?: ValidateOptions): CoverageReport | FhirvalError;
  /** Validate NDJSON: one result per non-blank line. Throws a FhirvalError for bad options. */
  validateNdjson(input: string | Bytes, options?: Omit<ValidateOptions, 'format'>): NdjsonResult[];
  /**
   * Validate an NDJSON stream: one result per non-blank line, in input order, with memory
   * bounded by a window of chunks (about 1 MiB each, 2 per worker in flight) and the longest
   * line, not by the input. Throws (rejects) a FhirvalError for bad options or a bad source.
   */
  validateNdjsonStream(source: NdjsonSource, options?: StreamOptions): AsyncGenerator<NdjsonResult, void, undefined>;
  /** The profiles of the set (constraining StructureDefinitions, extensions included). */
  profiles(): ProfileInfo[];
  /** The packages compiled into the set, compile notes and counts. */
  info(): SetInfo | FhirvalError;
  /** The set in the `fhirval compile` format, e.g. to keep a set compiled from packages. */
  toProfileSet(): Uint8Array | FhirvalError;
  /** Release the WebAssembly memory now instead of at garbage collection. */
  free(): void;
}

declare const fhirval: { Validator: typeof Validator; FhirvalError: typeof FhirvalError };
export default fhirval;
