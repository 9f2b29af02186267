//! Compile once, validate many: compile the profile set of some packages once, keep its bytes
//! (what `fhirval compile -o FILE` writes), then build validators from the bytes, with no
//! package read or compiled, and validate a folder's JSON files on all cores.
//!
//! ```sh
//! cargo run --release --example compile_once -- ../shared/corpus
//! ```

use fhirval::{Mode, Options, Severity, Validator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: compile_once DIR")?;

    // 1. compile (the `--ig` specifications of the CLI; none = the default PDex set) and keep
    //    the compiled set's bytes; a host would store them in a file
    let started = std::time::Instant::now();
    let set_bytes = Validator::builder()
        .ig("hl7.fhir.us.davinci-pdex")
        .build()?
        .profile_set_bytes()?;
    println!(
        "compiled set: {} KiB in {:?}",
        set_bytes.len() / 1024,
        started.elapsed()
    );

    // 2. any number of validators from the bytes, each with its options
    let started = std::time::Instant::now();
    let member_history = Validator::builder()
        .profile_set_bytes(set_bytes)
        .options(Options {
            mode: Mode::MemberHistory,
            max_issues: 500,
            ..Options::default()
        })
        .build()?;
    println!("validator from the bytes in {:?}", started.elapsed());

    // 3. many inputs, one outcome each, in order
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let inputs = files
        .iter()
        .map(std::fs::read)
        .collect::<Result<Vec<_>, _>>()?;
    let started = std::time::Instant::now();
    let outcomes = member_history.validate_many(&inputs);
    for (file, outcome) in files.iter().zip(&outcomes) {
        println!(
            "{}: {} errors, {} warnings",
            file.display(),
            outcome.count(Severity::Error) + outcome.count(Severity::Fatal),
            outcome.count(Severity::Warning)
        );
    }
    println!("{} inputs in {:?}", outcomes.len(), started.elapsed());
    Ok(())
}
