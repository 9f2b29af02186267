//! The `fhirval` command line: a thin host over the library.

use clap::{Parser, Subcommand, ValueEnum};
use fhirval::bulk::{Summary, for_each_resource, result_json, type_and_id, validate_ndjson};
use fhirval::outcome::bundle_of_outcomes;
use fhirval::suppress::Suppressions;
use fhirval::{Error, OperationOutcome, Options, Validator, ValidatorBuilder};
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
        /// How to validate (the library's `Options`, one flag per field).
        #[command(flatten)]
        options: Options,
        /// Text format: list only fatal and error issues (the grouped summary still counts
        /// every issue).
        #[arg(long)]
        quiet: bool,
        /// Turn off issues listed in this file (`ID-OR-PATTERN<TAB>EXPRESSION-PATTERN` per line).
        #[arg(long, value_name = "FILE")]
        suppress: Option<PathBuf>,
        /// JSON or NDJSON files, or directories of them, to validate; `-` reads standard input.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Must Support coverage: per profile the inputs were validated against, how many
    /// resources populate each Must Support element.
    Coverage {
        #[command(flatten)]
        set: SetArgs,
        /// Also validate against this profile (canonical URL, optionally |version).
        #[arg(long = "profile", value_name = "URL")]
        profiles: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// How to validate (`--mode pdex`: entries also counted against the profiles the PDex
        /// server CapabilityStatement promises for their type, as `validate --mode pdex`).
        #[command(flatten)]
        options: Options,
        /// JSON or NDJSON files, or directories of them; `-` reads standard input.
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

/// The builder for the profile set that `set` names.
fn builder(set: &SetArgs) -> ValidatorBuilder {
    let mut b = Validator::builder().igs(set.igs.iter().cloned());
    if let Some(dir) = &set.packages {
        b = b.package_dir(dir);
    }
    if set.no_cache {
        b = b.cache_dir(None);
    }
    b
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Error::UnknownProfile(p)) => {
            eprintln!("fhirval: --profile {p}: no such profile in the loaded set");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("fhirval: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Compile { set, output } => {
            let ps = builder(&set).cache_dir(None).build_set()?;
            for n in &ps.notes {
                eprintln!("note: {n}");
            }
            let bytes = fhirval::profileset::to_bytes(&ps)?;
            std::fs::write(&output, &bytes).map_err(|e| Error::io(&output, e))?;
            eprintln!(
                "wrote {} ({} structures, {} bytes)",
                output.display(),
                ps.structures.len(),
                bytes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Coverage {
            set,
            profiles,
            format,
            options,
            inputs,
        } => {
            let validator = builder(&set).options(options).profiles(profiles).build()?;
            coverage(&validator, format, &inputs)
        }
        Command::Validate {
            set,
            profiles,
            format,
            options,
            quiet,
            suppress,
            inputs,
        } => {
            let validator = builder(&set).options(options).profiles(profiles).build()?;
            let suppressions = match &suppress {
                Some(f) => {
                    let text = std::fs::read_to_string(f).map_err(|e| Error::io(f, e))?;
                    Suppressions::parse(&text).map_err(|e| Error::File {
                        path: f.clone(),
                        source: Box::new(e),
                    })?
                }
                None => Suppressions::default(),
            };
            let inputs = expand_inputs(&inputs)?;
            if format == Format::Ndjson {
                return per_resource(&validator, &inputs, &suppressions);
            }
            let mut outcomes: Vec<(String, OperationOutcome)> = Vec::with_capacity(inputs.len());
            let mut summary = Summary::default();
            let bulk = inputs.len() > 1 || inputs.iter().any(|i| i.ends_with(".ndjson"));
            for input in &inputs {
                let mut outcome = if input.ends_with(".ndjson") {
                    let (o, s) = validate_ndjson_file(&validator, input)?;
                    summary.merge(s);
                    o
                } else {
                    let bytes = read_input(input)?;
                    let o = validator.validate(&bytes);
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
            match format {
                Format::Json => {
                    let text = match outcomes.as_slice() {
                        [(_, one)] => serde_json::to_string_pretty(one)?,
                        many => {
                            let refs: Vec<(String, &OperationOutcome)> =
                                many.iter().map(|(f, o)| (f.clone(), o)).collect();
                            serde_json::to_string_pretty(&bundle_of_outcomes(&refs))?
                        }
                    };
                    writeln!(stdout, "{text}").map_err(|e| Error::io("stdout", e))?;
                }
                Format::Ndjson => {}
                Format::Text => {
                    for (f, o) in &outcomes {
                        write!(stdout, "{}", o.to_text_with(f, true, quiet))
                            .map_err(|e| Error::io("stdout", e))?;
                    }
                }
            }
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

/// `fhirval coverage`: the report on stdout; exit 0 unless an input could not be read or
/// parsed (2, after the report of the others).
fn coverage(validator: &Validator, format: Format, inputs: &[String]) -> Result<ExitCode, Error> {
    let profiles = validator.profiles();
    let mut counts = fhirval::coverage::Coverage::default();
    let mut unreadable = false;
    for input in expand_inputs(inputs)? {
        let bytes = match read_input(&input) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("fhirval: {e}");
                unreadable = true;
                continue;
            }
        };
        let added = if input.ends_with(".ndjson") {
            bytes
                .split(|b| *b == b'\n')
                .enumerate()
                .filter(|(_, line)| line.iter().any(|b| !b.is_ascii_whitespace()))
                .try_for_each(|(i, line)| {
                    counts
                        .add(validator, line, profiles)
                        .map_err(|e| format!("{input}:{}: {e}", i + 1))
                })
        } else {
            counts
                .add(validator, &bytes, profiles)
                .map_err(|e| format!("{input}: {e}"))
        };
        if let Err(e) = added {
            eprintln!("fhirval: {e}");
            unreadable = true;
        }
    }
    let report = counts.report(validator.profile_set());
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Ndjson => serde_json::to_string(&report)? + "\n",
        Format::Text => report.to_text(),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("stdout", e))?;
    Ok(if unreadable {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--format ndjson`: one result line per resource of an NDJSON input and per JSON input, in
/// input order, written as validated; the summary on stderr.
fn per_resource(
    validator: &Validator,
    inputs: &[String],
    suppressions: &Suppressions,
) -> Result<ExitCode, Error> {
    let profiles = validator.profiles();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut summary = Summary::default();
    let mut failed = false;
    for input in inputs {
        if input.ends_with(".ndjson") {
            let file = std::fs::File::open(input).map_err(|e| Error::io(input, e))?;
            let reader = std::io::BufReader::with_capacity(1 << 20, file);
            for_each_resource(validator, reader, profiles, &|_| {}, &mut |mut r| {
                summary.suppressed += suppressions.apply(&mut r.outcome);
                summary.add_labelled(&r.labels, &r.outcome);
                failed |= !r.valid();
                let line = r.to_json(Some(input)).map_err(std::io::Error::other)?;
                writeln!(stdout, "{line}")
            })
            .map_err(|e| Error::io(input, e))?;
        } else {
            let bytes = read_input(input)?;
            let mut o = validator.validate(&bytes);
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
            )?;
            writeln!(stdout, "{line}").map_err(|e| Error::io("stdout", e))?;
        }
    }
    stdout.flush().map_err(|e| Error::io("stdout", e))?;
    eprint!("{}", summary.to_text());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A directory stands for the `.json` and `.ndjson` files in it (sorted).
fn expand_inputs(inputs: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for input in inputs {
        let path = std::path::Path::new(input);
        if input != "-" && path.is_dir() {
            let mut files: Vec<String> = std::fs::read_dir(path)
                .map_err(|e| Error::io(input, e))?
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
) -> Result<(OperationOutcome, Summary), Error> {
    let file = std::fs::File::open(input).map_err(|e| Error::io(input, e))?;
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
    let result = validate_ndjson(validator, reader, validator.profiles(), &|lines| {
        if let Some(b) = &bar {
            b.set_position(lines as u64);
        }
    })
    .map_err(|e| Error::io(input, e));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

fn read_input(input: &str) -> Result<Vec<u8>, Error> {
    if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::io("stdin", e))?;
        Ok(buf)
    } else {
        std::fs::read(input).map_err(|e| Error::io(input, e))
    }
}
