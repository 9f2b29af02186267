//! The `fhirval` command line: a thin host over the library.

use clap::{Parser, Subcommand, ValueEnum};
use fhirval::load::{self, LoadConfig};
use fhirval::outcome::bundle_of_outcomes;
use fhirval::{Options, Outcome, Validator};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

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
        /// JSON files to validate; `-` reads standard input.
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
                ..Options::default()
            };
            let validator = Validator::new(ps, options);
            let mut outcomes: Vec<(String, Outcome)> = Vec::with_capacity(inputs.len());
            for input in &inputs {
                let bytes = read_input(input)?;
                outcomes.push((input.clone(), validator.validate(&bytes, &profiles)));
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
                Format::Text => outcomes.iter().try_for_each(|(f, o)| {
                    write!(stdout, "{}", o.to_text(f)).map_err(|e| e.to_string())
                }),
            };
            written?;
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
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
