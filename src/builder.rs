//! The front door's constructor: [`ValidatorBuilder`], from [`Validator::builder`], and what a
//! built [`Validator`] offers beyond one input (many inputs, NDJSON, the compiled set's bytes).

use crate::bulk::{self, Summary};
use crate::compile::Compiler;
use crate::load::{self, LoadConfig};
use crate::model::{PackageInfo, ProfileSet};
use crate::package::{self, Load, Package, TarLimits};
use crate::{Error, OperationOutcome, Options, Validator, profileset};
use std::io::BufRead;
use std::path::PathBuf;

/// Where the profile set comes from.
enum Source {
    /// `--ig`-style specifications; none means the default (the newest PDex with its closure).
    Specs(Vec<String>),
    /// A compiled profile set's bytes (`fhirval compile` output).
    ProfileSetBytes(Vec<u8>),
    /// An already loaded set.
    Set(Box<ProfileSet>),
    /// FHIR packages' `.tgz` bytes, compiled over `base` (a compiled set's bytes) when given.
    Packages {
        packages: Vec<Vec<u8>>,
        base: Option<Vec<u8>>,
    },
}

/// Sets a [`Validator`] up: the profile set, the [`Options`], the profiles every input is
/// also validated against. Nothing is read or compiled before [`ValidatorBuilder::build`].
///
/// ```no_run
/// # fn main() -> Result<(), fhirval::Error> {
/// let validator = fhirval::Validator::builder()
///     .ig("hl7.fhir.us.core#6.1.0")
///     .options(fhirval::Options { max_issues: 100, ..Default::default() })
///     .build()?;
/// # let _ = validator;
/// # Ok(())
/// # }
/// ```
pub struct ValidatorBuilder {
    source: Source,
    options: Options,
    profiles: Vec<String>,
    package_dir: Option<PathBuf>,
    cache_dir: Option<PathBuf>,
}

impl Validator {
    /// A builder over the default profile set (the newest `hl7.fhir.us.davinci-pdex` in the
    /// package directory with its dependency closure, and R4 core), the default options, and
    /// the default compiled-set cache (`$FHIRVAL_CACHE`, else `~/.cache/fhirval`).
    pub fn builder() -> ValidatorBuilder {
        ValidatorBuilder {
            source: Source::Specs(Vec::new()),
            options: Options::default(),
            profiles: Vec::new(),
            package_dir: None,
            cache_dir: load::default_cache_dir(),
        }
    }

    /// Validate several inputs, one outcome each, in order (on all cores with the `parallel`
    /// feature, which the default `cli` feature enables).
    pub fn validate_many<T: AsRef<[u8]> + Sync>(&self, inputs: &[T]) -> Vec<OperationOutcome> {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            inputs
                .par_iter()
                .map(|i| self.validate(i.as_ref()))
                .collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            inputs.iter().map(|i| self.validate(i.as_ref())).collect()
        }
    }

    /// Validate NDJSON (one resource per line, blank lines skipped), streamed in bounded chunks:
    /// one outcome whose issue lines are lines of the whole stream, and a summary per profile.
    pub fn validate_ndjson(
        &self,
        reader: impl BufRead,
    ) -> Result<(OperationOutcome, Summary), Error> {
        bulk::validate_ndjson(self, reader, self.profiles(), &|_| {})
            .map_err(|e| Error::io("NDJSON input", e))
    }

    /// The profile set in the `fhirval compile` format (profiles/FORMAT.md), to build
    /// validators later without compiling again ([`ValidatorBuilder::profile_set_bytes`]).
    pub fn profile_set_bytes(&self) -> Result<Vec<u8>, Error> {
        Ok(profileset::to_bytes(self.profile_set())?)
    }
}

impl ValidatorBuilder {
    /// Add an `--ig`-style specification: a package `NAME#VERSION` (with its dependency closure;
    /// a bare `NAME` means the newest available), a `.tgz` file, a directory (an unpacked
    /// package, or JSON conformance resources), a JSON StructureDefinition (or a Bundle of
    /// them), or a compiled profile set file. Replaces any other source; R4 core is always
    /// included.
    pub fn ig(mut self, spec: impl Into<String>) -> Self {
        match &mut self.source {
            Source::Specs(specs) => specs.push(spec.into()),
            other => *other = Source::Specs(vec![spec.into()]),
        }
        self
    }

    /// [`ValidatorBuilder::ig`] for each of `specs` (none: the default set).
    pub fn igs<I, S>(mut self, specs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if !matches!(self.source, Source::Specs(_)) {
            self.source = Source::Specs(Vec::new());
        }
        for s in specs {
            self = self.ig(s);
        }
        self
    }

    /// The profile set from a compiled set's bytes (`fhirval compile -o FILE`, or
    /// [`Validator::profile_set_bytes`]): no package is read, nothing compiled.
    pub fn profile_set_bytes(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.source = Source::ProfileSetBytes(bytes.into());
        self
    }

    /// An already loaded profile set (from [`ValidatorBuilder::build_set`], say).
    pub fn profile_set(mut self, set: ProfileSet) -> Self {
        self.source = Source::Set(Box::new(set));
        self
    }

    /// The profile set compiled from FHIR packages' `.tgz` bytes (gzip or plain tar). Without
    /// `hl7.fhir.r4.core` among them, a [`ValidatorBuilder::base_profile_set`] must supply it.
    pub fn packages<I, B>(mut self, packages: I) -> Self
    where
        I: IntoIterator<Item = B>,
        B: Into<Vec<u8>>,
    {
        let list = packages.into_iter().map(Into::into).collect();
        let base = match std::mem::replace(&mut self.source, Source::Specs(Vec::new())) {
            Source::Packages { base, .. } => base,
            _ => None,
        };
        self.source = Source::Packages {
            packages: list,
            base,
        };
        self
    }

    /// With [`ValidatorBuilder::packages`]: a compiled set compiled in first (used only when
    /// the packages do not include R4 core), which supplies the core and the dependencies the
    /// packages do not bring.
    pub fn base_profile_set(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        let base = Some(bytes.into());
        self.source = match std::mem::replace(&mut self.source, Source::Specs(Vec::new())) {
            Source::Packages { packages, .. } => Source::Packages { packages, base },
            _ => Source::Packages {
                packages: Vec::new(),
                base,
            },
        };
        self
    }

    /// Where packages named by `NAME#VERSION` are found; default `$FHIRVAL_PACKAGES`, else
    /// `../shared/fhir-packages`, else `~/.fhir/packages`.
    pub fn package_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.package_dir = Some(dir.into());
        self
    }

    /// Where sets compiled from specifications are cached (`None`: no cache).
    pub fn cache_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.cache_dir = dir;
        self
    }

    /// How to validate.
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Also validate every input against this profile (`url` or `url|version`).
    pub fn profile(mut self, url: impl Into<String>) -> Self {
        self.profiles.push(url.into());
        self
    }

    /// [`ValidatorBuilder::profile`] for each of `urls`.
    pub fn profiles<I, S>(mut self, urls: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.profiles.extend(urls.into_iter().map(Into::into));
        self
    }

    /// Load or compile the profile set only.
    pub fn build_set(self) -> Result<ProfileSet, Error> {
        match self.source {
            Source::Specs(specs) => {
                let cfg = LoadConfig {
                    package_dir: self.package_dir,
                    cache_dir: self.cache_dir,
                };
                Ok(load::load(&specs, &cfg)?)
            }
            Source::ProfileSetBytes(bytes) => Ok(profileset::from_bytes(&bytes)?),
            Source::Set(set) => Ok(*set),
            Source::Packages { packages, base } => from_packages(&packages, base.as_deref()),
        }
    }

    /// Check the options, load or compile the profile set, check that the profiles asked for
    /// are in it.
    pub fn build(self) -> Result<Validator, Error> {
        self.options.check()?;
        let options = self.options.clone();
        let profiles = self.profiles.clone();
        let set = self.build_set()?;
        if let Some(p) = profiles.iter().find(|p| set.resolve(p).is_none()) {
            return Err(Error::UnknownProfile(p.clone()));
        }
        Ok(Validator::new(set, options).with_profiles(profiles))
    }
}

/// Compile packages' `.tgz` bytes in memory, over `base` (a compiled set's bytes, read only when
/// the packages do not include R4 core).
fn from_packages(packages: &[Vec<u8>], base: Option<&[u8]>) -> Result<ProfileSet, Error> {
    let mut pkgs: Vec<Package> = Vec::with_capacity(packages.len());
    for (index, bytes) in packages.iter().enumerate() {
        let pkg = package::read_tgz(bytes, Load::Conformance, &TarLimits::default())
            .map_err(|source| Error::Package { index, source })?;
        pkgs.push(pkg);
    }
    let has_core = pkgs.iter().any(|p| p.id.name == "hl7.fhir.r4.core");
    let base_set = match base {
        Some(b) if !has_core => Some(profileset::from_bytes(b).map_err(Error::Base)?),
        _ => None,
    };
    compile_packages(pkgs, base_set)
}

/// Compile packages in memory, over `base` when given (a package also in the base is compiled
/// again: both versions stay, and a canonical without a version resolves to the newest).
fn compile_packages(mut pkgs: Vec<Package>, base: Option<ProfileSet>) -> Result<ProfileSet, Error> {
    let has_core = pkgs.iter().any(|p| p.id.name == "hl7.fhir.r4.core")
        || base.as_ref().is_some_and(|b| {
            b.packages
                .iter()
                .any(|p| p.starts_with("hl7.fhir.r4.core#"))
        });
    if !has_core {
        return Err(Error::NoCore);
    }
    // dependencies first: the core, then by how many of the given packages each depends on
    let names: Vec<String> = pkgs.iter().map(|p| p.id.name.clone()).collect();
    pkgs.sort_by_key(|p| {
        (
            p.id.name != "hl7.fhir.r4.core",
            p.dependencies
                .iter()
                .filter(|d| names.contains(&d.name))
                .count(),
        )
    });
    let mut notes = Vec::new();
    let known: Vec<String> = base
        .as_ref()
        .map(|b| b.packages.clone())
        .unwrap_or_default();
    for p in &pkgs {
        for d in &p.dependencies {
            let given = pkgs.iter().any(|q| q.id.name == d.name);
            let in_base = known
                .iter()
                .any(|k| k.split('#').next() == Some(d.name.as_str()));
            if !given && !in_base {
                notes.push(format!("{}: dependency {d} not given; skipped", p.id));
            }
        }
    }
    let mut c = match base {
        Some(b) => Compiler::extend(b),
        None => Compiler::new(),
    };
    for n in notes {
        c.add_note(n);
    }
    for p in &pkgs {
        let index = c.add_package(&p.id.to_string());
        // its dependencies among the packages given or in the base, by name (the last compiled
        // of that name: the given package over the base's)
        let dependencies = p
            .dependencies
            .iter()
            .filter_map(|d| c.package_index_of(&d.name))
            .collect();
        c.set_package_info(
            index,
            PackageInfo {
                canonical: p.canonical.clone(),
                dependencies,
                stands_in_for: None,
            },
        );
        for w in &p.warnings {
            c.add_note(format!("{}: {w}", p.id));
        }
        for r in &p.resources {
            c.add_resource(r, index);
        }
    }
    Ok(c.finish())
}
