//! The `fhirval` command line: a thin host over the library.

use clap::{Parser, Subcommand, ValueEnum};
use fhirval::bulk::{Summary, for_each_resource, result_json, type_and_id, validate_ndjson};
use fhirval::load::{self, LoadConfig};
use fhirval::outcome::bundle_of_outcomes;
use fhirval::suppress::Suppressions;
use fhirval::validate::Mode;
use fhirval::{Options, Outcome, Validator};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

// The validator allocates many small nodes per document and frees them together: mimalloc
// does both markedly faster than the system allocator (measured with scripts/cli_speed.py).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "fhirval", version, about = "Offline FHIR R4 profile validator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CliMode {
    Standard,
    Pdex,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Text,
    Json,
    /// One JSON result per resource (an NDJSON line) or per JSON input: `{"file", "line",
    /// "resourceType", "id", "valid", "outcome"}`, written as each is validated.
    Ndjson,
}

#[derive(clap::Args)]
struct SetArgs {
    /// A package (NAME#VERSION, with its dependencies), a .tgz, a directory, a JSON conformance
    /// resource (or Bundle of them), or a compiled profile set. Default: the newest PDex.
    #[arg(long = "ig", value_name = "SPEC")]
    igs: Vec<String>,
    /// Directory of FHIR packages (default: $FHIRVAL_PACKAGES, ../shared/fhir-packages,
    /// ~/.fhir/packages).
    #[arg(long, value_name = "DIR")]
    packages: Option<PathBuf>,
    /// Do not read or write the compiled-set cache.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Validate FHIR JSON resources or Bundles.
    Validate {
        #[command(flatten)]
        set: SetArgs,
        /// Also validate against this profile (canonical URL, optionally |version).
        #[arg(long = "profile", value_name = "URL")]
        profiles: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Accept extensions whose URL starts with this, without a definition.
        #[arg(long = "allow-extension-domain", value_name = "URL")]
        allowed_domains: Vec<String>,
        /// `pdex`: member-history mode, every entry also checked against the profiles the
        /// PDex server CapabilityStatement promises for its type.
        #[arg(long, value_enum, default_value = "standard")]
        mode: CliMode,
        /// The server CapabilityStatement `--mode pdex` reads (default: the newest PDex one).
        #[arg(long, value_name = "URL")]
        capability: Option<String>,
        /// Skip FHIRPath invariants (structure, profiles and bindings only).
        #[arg(long)]
        no_invariants: bool,
        /// Skip terminology (bindings, codes, displays).
        #[arg(long)]
        no_terminology: bool,
        /// Wrong displays are warnings, not errors (as the Java validator's option).
        #[arg(long)]
        display_issues_are_warnings: bool,
        /// Codes that cannot be checked offline are warnings, not information.
        #[arg(long)]
        unchecked_codes_are_warnings: bool,
        /// A relative reference (`Patient/2`) not found in its Bundle, Parameters or container
        /// is an error (the Java validator's CHECK_EXISTS reference policy).
        #[arg(long)]
        check_references_resolve: bool,
        /// Largest JSON input accepted, in MiB (a larger one is a fatal issue).
        #[arg(long, value_name = "MIB", default_value_t = 256)]
        max_input_mb: usize,
        /// Deepest JSON nesting of arrays and objects accepted (deeper is a fatal issue); at most
        /// 1,000, so that the recursive walk stays within the stack.
        #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u16).range(1..=1000))]
        max_depth: u16,
        /// Longest JSON string or key accepted, in MiB (longer is a fatal issue).
        #[arg(long, value_name = "MIB", default_value_t = 64)]
        max_string_mb: usize,
        /// Issues reported per input; past this, one "Too many issues" error ends the list.
        #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
        max_issues: u64,
        /// Accept `//` and `/* */` comments as white space (by default a comment is fatal).
        #[arg(long)]
        allow_comments: bool,
        /// The Java validator's security checks: HTML-like text in strings is an error.
        #[arg(long)]
        security_checks: bool,
        /// Turn off issues listed in this file (`ID-OR-PATTERN<TAB>EXPRESSION-PATTERN` per line).
        #[arg(long, value_name = "FILE")]
        suppress: Option<PathBuf>,
        /// JSON or NDJSON files, or directories of them, to validate; `-` reads standard input.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Compile FHIR packages into a profile set file.
    Compile {
        #[command(flatten)]
        set: SetArgs,
        /// The profile set file to write.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

fn config(set: &SetArgs) -> LoadConfig {
    LoadConfig {
        package_dir: set.packages.clone(),
        cache_dir: if set.no_cache {
            None
        } else {
            load::default_cache_dir()
        },
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("fhirval: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Compile { set, output } => {
            let mut cfg = config(&set);
            cfg.cache_dir = None;
            let ps = load::load(&set.igs, &cfg).map_err(|e| e.to_string())?;
            for n in &ps.notes {
                eprintln!("note: {n}");
            }
            let bytes = fhirval::profileset::to_bytes(&ps).map_err(|e| e.to_string())?;
            std::fs::write(&output, &bytes).map_err(|e| format!("{}: {e}", output.display()))?;
            eprintln!(
                "wrote {} ({} structures, {} bytes)",
                output.display(),
                ps.structures.len(),
                bytes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate {
            set,
            profiles,
            format,
            allowed_domains,
            mode,
            capability,
            suppress,
            max_input_mb,
            max_depth,
            max_string_mb,
            max_issues,
            allow_comments,
            security_checks,
            no_invariants,
            no_terminology,
            display_issues_are_warnings,
            unchecked_codes_are_warnings,
            check_references_resolve,
            inputs,
        } => {
            let ps = load::load(&set.igs, &config(&set)).map_err(|e| e.to_string())?;
            for p in &profiles {
                if ps.resolve(p).is_none() {
                    return Err(format!("--profile {p}: no such profile in the loaded set"));
                }
            }
            let options = Options {
                allowed_extension_domains: allowed_domains,
                mode: match mode {
                    CliMode::Standard => Mode::Standard,
                    CliMode::Pdex => Mode::MemberHistory,
                },
                capability,
                limits: fhirval::json::Limits {
                    max_size: max_input_mb.saturating_mul(1024 * 1024),
                    max_depth: usize::from(max_depth),
                    max_string: max_string_mb.saturating_mul(1024 * 1024),
                    allow_comments,
                },
                max_issues: usize::try_from(max_issues).unwrap_or(usize::MAX),
                security_checks,
                invariants: !no_invariants,
                terminology: !no_terminology,
                display_issues_as_warnings: display_issues_are_warnings,
                unchecked_codes_as_warnings: unchecked_codes_are_warnings,
                check_references_resolve,
                ..Options::default()
            };
            let validator = Validator::new(ps, options);
            let suppressions = match &suppress {
                Some(f) => {
                    let text =
                        std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
                    Suppressions::parse(&text).map_err(|e| format!("{}: {e}", f.display()))?
                }
                None => Suppressions::default(),
            };
            let inputs = expand_inputs(&inputs)?;
            if format == Format::Ndjson {
                return per_resource(&validator, &inputs, &profiles, &suppressions);
            }
            let mut outcomes: Vec<(String, Outcome)> = Vec::with_capacity(inputs.len());
            let mut summary = Summary::default();
            let bulk = inputs.len() > 1 || inputs.iter().any(|i| i.ends_with(".ndjson"));
            for input in &inputs {
                let mut outcome = if input.ends_with(".ndjson") {
                    let (o, s) = validate_ndjson_file(&validator, input, &profiles)?;
                    summary.merge(s);
                    o
                } else {
                    let bytes = read_input(input)?;
                    let o = validator.validate(&bytes, &profiles);
                    if bulk {
                        summary.add(&bytes, &o);
                    }
                    o
                };
                summary.suppressed += suppressions.apply(&mut outcome);
                outcomes.push((input.clone(), outcome));
            }
            let failed = outcomes.iter().any(|(_, o)| o.has_errors());
            let mut stdout = std::io::stdout().lock();
            let written = match format {
                Format::Json => {
                    let doc = match outcomes.as_slice() {
                        [(_, one)] => one.to_operation_outcome(),
                        many => {
                            let refs: Vec<(String, &Outcome)> =
                                many.iter().map(|(f, o)| (f.clone(), o)).collect();
                            bundle_of_outcomes(&refs)
                        }
                    };
                    serde_json::to_string_pretty(&doc)
                        .map_err(|e| e.to_string())
                        .and_then(|s| writeln!(stdout, "{s}").map_err(|e| e.to_string()))
                }
                Format::Ndjson => Ok(()),
                Format::Text => outcomes.iter().try_for_each(|(f, o)| {
                    write!(stdout, "{}", o.to_text(f)).map_err(|e| e.to_string())
                }),
            };
            written?;
            if bulk || !suppressions.is_empty() {
                eprint!("{}", summary.to_text());
            }
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// `--format ndjson`: one result line per resource of an NDJSON input and per JSON input, in
/// input order, written as validated; the summary on stderr.
fn per_resource(
    validator: &Validator,
    inputs: &[String],
    profiles: &[String],
    suppressions: &Suppressions,
) -> Result<ExitCode, String> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut summary = Summary::default();
    let mut failed = false;
    for input in inputs {
        if input.ends_with(".ndjson") {
            let file = std::fs::File::open(input).map_err(|e| format!("{input}: {e}"))?;
            let reader = std::io::BufReader::with_capacity(1 << 20, file);
            for_each_resource(validator, reader, profiles, &|_| {}, &mut |mut r| {
                summary.suppressed += suppressions.apply(&mut r.outcome);
                summary.add_labelled(&r.labels, &r.outcome);
                failed |= !r.valid();
                let line = r.to_json(Some(input)).map_err(std::io::Error::other)?;
                writeln!(stdout, "{line}")
            })
            .map_err(|e| format!("{input}: {e}"))?;
        } else {
            let bytes = read_input(input)?;
            let mut o = validator.validate(&bytes, profiles);
            summary.suppressed += suppressions.apply(&mut o);
            summary.add(&bytes, &o);
            failed |= o.has_errors();
            let (resource_type, id) = type_and_id(&bytes);
            let line = result_json(
                Some(input),
                None,
                resource_type.as_deref(),
                id.as_deref(),
                &o,
            )
            .map_err(|e| e.to_string())?;
            writeln!(stdout, "{line}").map_err(|e| e.to_string())?;
        }
    }
    stdout.flush().map_err(|e| e.to_string())?;
    eprint!("{}", summary.to_text());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A directory stands for the `.json` and `.ndjson` files in it (sorted).
fn expand_inputs(inputs: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for input in inputs {
        let path = std::path::Path::new(input);
        if input != "-" && path.is_dir() {
            let mut files: Vec<String> = std::fs::read_dir(path)
                .map_err(|e| format!("{input}: {e}"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file() && p.extension().is_some_and(|x| x == "json" || x == "ndjson")
                })
                .map(|p| p.display().to_string())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// An NDJSON file, streamed, with a progress bar when stderr is a terminal.
fn validate_ndjson_file(
    validator: &Validator,
    input: &str,
    profiles: &[String],
) -> Result<(Outcome, Summary), String> {
    let file = std::fs::File::open(input).map_err(|e| format!("{input}: {e}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {pos} lines ({per_sec}) {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(format!("{input} ({} MB)", size / 1_000_000));
        Some(bar)
    } else {
        None
    };
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let result = validate_ndjson(validator, reader, profiles, &|lines| {
        if let Some(b) = &bar {
            b.set_position(lines as u64);
        }
    })
    .map_err(|e| format!("{input}: {e}"));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

fn read_input(input: &str) -> Result<Vec<u8>, String> {
    if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("stdin: {e}"))?;
        Ok(buf)
    } else {
        std::fs::read(input).map_err(|e| format!("{input}: {e}"))
    }
}
