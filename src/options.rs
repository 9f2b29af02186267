//! [`Options`]: how a [`Validator`](crate::Validator) checks, one type for every host.
//!
//! The same struct is the CLI's flags (`fhirval validate --max-issues N ...`, derived with clap
//! when the `cli` feature is on), the Rust and test manifests' serde form (tests/hostile: the
//! field names in camelCase, `maxInputBytes`) and, through [`Options::from_host`], the JavaScript
//! and Python hosts' options: the CLI's flag names in camelCase (`pkg/index.d.ts`: `noInvariants`,
//! `maxInputMb`) or snake_case (Python's `no_invariants=True`), defined once here. Unknown keys
//! are an error naming the known ones, missing keys take the defaults.

use crate::checks::primitive::HtmlInMarkdown;
use crate::json;
use serde::{Deserialize, Serialize};

/// How validation behaves; every limit has a safe default.
///
/// ```
/// let o: fhirval::Options = serde_json::from_str(r#"{"maxIssues": 50, "mode": "pdex"}"#).unwrap();
/// assert_eq!(o.max_issues, 50);
/// assert_eq!(o.mode, fhirval::Mode::MemberHistory);
/// assert!(serde_json::from_str::<fhirval::Options>(r#"{"maxIsues": 50}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Options {
    /// Extension URLs starting with one of these are accepted without a definition (the Java
    /// validator's extension-domain setting; default none).
    #[cfg_attr(
        feature = "cli",
        arg(long = "allow-extension-domain", value_name = "URL")
    )]
    pub allow_extension_domains: Vec<String>,
    /// Issues reported per input; past this, one "Too many issues" error ends the list
    /// (default 10,000; at least 1).
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "N", default_value = "10000", value_parser = at_least_one)
    )]
    pub max_issues: usize,
    /// The Java validator's security checks: HTML-like text in strings is an error, not
    /// information.
    #[cfg_attr(feature = "cli", arg(long))]
    pub security_checks: bool,
    /// Accept `//` and `/* */` comments in the JSON as white space (by default a comment is
    /// fatal).
    #[cfg_attr(feature = "cli", arg(long))]
    pub allow_comments: bool,
    /// `standard`, or `pdex`: member-history mode, every top-level resource or Bundle entry also
    /// checked against the profiles the PDex server CapabilityStatement promises for its type.
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value = "standard"))]
    pub mode: Mode,
    /// The server CapabilityStatement member-history mode reads (default: the newest PDex
    /// server statement loaded).
    #[cfg_attr(feature = "cli", arg(long, value_name = "URL"))]
    pub capability: Option<String>,
    /// Largest JSON input accepted, in bytes (a larger one is a fatal issue; default 256 MiB).
    /// The CLI's `--max-input-mb` gives it in MiB.
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "max-input-mb",
            value_name = "MIB",
            default_value = "256",
            value_parser = mib,
            help = "Largest JSON input accepted, in MiB (a larger one is a fatal issue)",
            long_help = None
        )
    )]
    pub max_input_bytes: usize,
    /// Deepest JSON nesting of arrays and objects accepted (deeper is a fatal issue; default
    /// 256); 1 to 1,000, so that the recursive walk stays within the stack.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "N", default_value = "256", value_parser = depth)
    )]
    pub max_depth: usize,
    /// Longest JSON string or key accepted, in bytes (longer is a fatal issue; default 64 MiB).
    /// The CLI's `--max-string-mb` gives it in MiB.
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "max-string-mb",
            value_name = "MIB",
            default_value = "64",
            value_parser = mib,
            help = "Longest JSON string or key accepted, in MiB (longer is a fatal issue)",
            long_help = None
        )
    )]
    pub max_string_bytes: usize,
    /// Evaluate FHIRPath invariants (default on; the CLI's `--no-invariants` turns them off to
    /// check structure, profiles and bindings only).
    #[cfg_attr(feature = "cli", arg(long = "no-invariants", action = clap::ArgAction::SetFalse))]
    pub invariants: bool,
    /// Check terminology: bindings, codes, displays (default on; `--no-terminology`).
    #[cfg_attr(feature = "cli", arg(long = "no-terminology", action = clap::ArgAction::SetFalse))]
    pub terminology: bool,
    /// Wrong displays are warnings, not errors (the Java validator's option).
    #[cfg_attr(feature = "cli", arg(long))]
    pub display_issues_are_warnings: bool,
    /// Codes that cannot be checked offline are warnings, not information.
    #[cfg_attr(feature = "cli", arg(long))]
    pub unchecked_codes_are_warnings: bool,
    /// A relative reference (`Patient/2`) not found in its Bundle, Parameters or container is an
    /// error (the Java validator's CHECK_EXISTS reference policy; off by default, as nothing can
    /// be fetched offline).
    #[cfg_attr(feature = "cli", arg(long))]
    pub check_references_resolve: bool,
    /// How HTML tags in markdown are reported (Java: a warning; its `noHtmlInMarkdown`: an
    /// error). Not a CLI flag.
    #[cfg_attr(feature = "cli", arg(skip = HtmlInMarkdown::Warning))]
    pub html_in_markdown: HtmlInMarkdown,
}

/// What a validation run checks beyond the declared profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Mode {
    /// Every resource against its base definition, its `meta.profile`s and the profiles asked
    /// for.
    #[default]
    #[serde(rename = "standard")]
    Standard,
    /// PDex member health history (`pdex`): entries also against the PDex server's promises.
    #[serde(rename = "pdex", alias = "member-history")]
    #[cfg_attr(feature = "cli", value(name = "pdex"))]
    MemberHistory,
}

impl Default for Options {
    fn default() -> Self {
        let limits = json::Limits::default();
        Options {
            allow_extension_domains: Vec::new(),
            max_issues: 10_000,
            security_checks: false,
            allow_comments: limits.allow_comments,
            mode: Mode::Standard,
            capability: None,
            max_input_bytes: limits.max_size,
            max_depth: limits.max_depth,
            max_string_bytes: limits.max_string,
            invariants: true,
            terminology: true,
            display_issues_are_warnings: false,
            unchecked_codes_are_warnings: false,
            check_references_resolve: false,
            html_in_markdown: HtmlInMarkdown::Warning,
        }
    }
}

/// The deepest nesting accepted: the walk is recursive and must stay within a 2 MiB stack.
pub const MAX_DEPTH: usize = 1_000;

impl Options {
    /// The JSON parser's limits.
    pub fn limits(&self) -> json::Limits {
        json::Limits {
            max_depth: self.max_depth,
            max_size: self.max_input_bytes,
            max_string: self.max_string_bytes,
            allow_comments: self.allow_comments,
        }
    }

    /// Whether the options can be used: `max_issues` at least 1, `max_depth` from 1 to 1,000.
    pub fn check(&self) -> Result<(), crate::Error> {
        if self.max_issues == 0 {
            return Err(crate::Error::Options(
                "maxIssues must be a positive number".into(),
            ));
        }
        if !(1..=MAX_DEPTH).contains(&self.max_depth) {
            return Err(crate::Error::Options(format!(
                "maxDepth must be from 1 to {MAX_DEPTH}"
            )));
        }
        Ok(())
    }
}

/// How a host spells the option names of [`Options::from_host`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// camelCase, as JavaScript: `noInvariants`, `maxInputMb`.
    CamelCase,
    /// snake_case, as Python: `no_invariants`, `max_input_mb`.
    SnakeCase,
}

impl Spelling {
    /// A host option name (camelCase, as the options' serde declaration names it) in this spelling.
    pub fn spell(self, camel: &str) -> String {
        match self {
            Spelling::CamelCase => camel.to_string(),
            Spelling::SnakeCase => {
                let mut s = String::with_capacity(camel.len() + 4);
                for c in camel.chars() {
                    if c.is_ascii_uppercase() {
                        s.push('_');
                        s.push(c.to_ascii_lowercase());
                    } else {
                        s.push(c);
                    }
                }
                s
            }
        }
    }
}

/// The options as the JavaScript and Python hosts name them: the CLI's `validate` flags
/// (`--no-invariants`, `--max-input-mb`, ...) in camelCase (`noInvariants`, `maxInputMb`) or
/// snake_case (`no_invariants`, `max_input_mb`). This serde definition is the one place those
/// names are written: the hosts hand their options to [`Options::from_host`] and list the names
/// with [`Options::host_names`]. A flag names what it turns off (`noInvariants`) or gives MiB
/// (`maxInputMb`) where [`Options`] holds the setting itself (`invariants`, `max_input_bytes`);
/// a value out of range is an error here, as the CLI's flag parsers make it one. Missing (or
/// `null`) keys keep [`Options::default`].
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct HostOptions {
    allow_extension_domains: Option<Vec<String>>,
    #[serde(deserialize_with = "at_least_one_value")]
    max_issues: Option<usize>,
    security_checks: Option<bool>,
    allow_comments: Option<bool>,
    mode: Option<Mode>,
    capability: Option<String>,
    no_invariants: Option<bool>,
    no_terminology: Option<bool>,
    display_issues_are_warnings: Option<bool>,
    unchecked_codes_are_warnings: Option<bool>,
    check_references_resolve: Option<bool>,
    #[serde(deserialize_with = "mib_value")]
    max_input_mb: Option<usize>,
    #[serde(deserialize_with = "depth_value")]
    max_depth: Option<usize>,
    #[serde(deserialize_with = "mib_value")]
    max_string_mb: Option<usize>,
}

const MIB: usize = 1024 * 1024;

/// A whole number from `min` to `max`, else the error the hosts show.
fn whole_in<'de, D: serde::Deserializer<'de>>(
    d: D,
    min: usize,
    max: usize,
) -> Result<usize, D::Error> {
    let n = usize::deserialize(d)?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else if max == usize::MAX {
        Err(serde::de::Error::custom(format!(
            "must be a whole number of at least {min}"
        )))
    } else {
        Err(serde::de::Error::custom(format!(
            "must be a whole number from {min} to {max}"
        )))
    }
}

fn at_least_one_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    whole_in(d, 1, usize::MAX).map(Some)
}

fn depth_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    whole_in(d, 1, MAX_DEPTH).map(Some)
}

/// MiB given, bytes kept: at most what the address space can hold (4,095 MiB in wasm32).
fn mib_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    whole_in(d, 1, usize::MAX / MIB).map(|n| Some(n * MIB))
}

impl HostOptions {
    fn into_options(self) -> Options {
        let d = Options::default();
        Options {
            allow_extension_domains: self
                .allow_extension_domains
                .unwrap_or(d.allow_extension_domains),
            max_issues: self.max_issues.unwrap_or(d.max_issues),
            security_checks: self.security_checks.unwrap_or(d.security_checks),
            allow_comments: self.allow_comments.unwrap_or(d.allow_comments),
            mode: self.mode.unwrap_or(d.mode),
            capability: self.capability.or(d.capability),
            max_input_bytes: self.max_input_mb.unwrap_or(d.max_input_bytes),
            max_depth: self.max_depth.unwrap_or(d.max_depth),
            max_string_bytes: self.max_string_mb.unwrap_or(d.max_string_bytes),
            invariants: self.no_invariants.map_or(d.invariants, |off| !off),
            terminology: self.no_terminology.map_or(d.terminology, |off| !off),
            display_issues_are_warnings: self
                .display_issues_are_warnings
                .unwrap_or(d.display_issues_are_warnings),
            unchecked_codes_are_warnings: self
                .unchecked_codes_are_warnings
                .unwrap_or(d.unchecked_codes_are_warnings),
            check_references_resolve: self
                .check_references_resolve
                .unwrap_or(d.check_references_resolve),
            html_in_markdown: d.html_in_markdown,
        }
    }
}

/// serde's own list of a struct's field names (the `fields` its derived `Deserialize` hands to
/// `deserialize_struct`), so that the names are not written twice. Written here rather than
/// taken from a crate (serde-aux's `serde_introspect` does the same) to keep the wasm build's
/// dependencies as they are: it is this one deserializer that answers nothing else.
fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields(&'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for &mut Fields {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom(
                "only a struct's field names are read",
            ))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = fields;
            Err(serde::de::Error::custom(
                "only a struct's field names are read",
            ))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut f = Fields(&[]);
    let _ = T::deserialize(&mut f);
    f.0
}

impl Options {
    /// The option names a host accepts, in `spelling`: the CLI's `validate` flags (see
    /// [`Options::from_host`]).
    ///
    /// ```
    /// use fhirval::{Options, Spelling};
    /// let names = Options::host_names(Spelling::SnakeCase);
    /// assert!(names.iter().any(|n| n == "no_invariants"));
    /// assert!(names.iter().any(|n| n == "max_input_mb"));
    /// ```
    pub fn host_names(spelling: Spelling) -> Vec<String> {
        field_names::<HostOptions>()
            .iter()
            .map(|f| spelling.spell(f))
            .collect()
    }

    /// The options a JavaScript or Python host was given, named as the CLI's `validate` flags
    /// in `spelling` ([`Options::host_names`]); the keys the host handles itself
    /// (`host_keys`: Python's `profiles`, ...) must be taken out first and are only listed in
    /// the error for an unknown key. Errors name the option as the host spelt it.
    ///
    /// ```
    /// use fhirval::{Options, Spelling};
    /// let given = serde_json::json!({"no_invariants": true, "max_input_mb": 1, "mode": "pdex"});
    /// let serde_json::Value::Object(given) = given else { unreachable!() };
    /// let o = Options::from_host(given, Spelling::SnakeCase, &["profiles"]).unwrap();
    /// assert!(!o.invariants);
    /// assert_eq!(o.max_input_bytes, 1024 * 1024);
    /// assert_eq!(o.mode, fhirval::Mode::MemberHistory);
    /// let bad = serde_json::json!({"noInvariants": true});
    /// let serde_json::Value::Object(bad) = bad else { unreachable!() };
    /// let e = Options::from_host(bad, Spelling::SnakeCase, &["profiles"]).unwrap_err();
    /// assert!(e.to_string().contains("unknown option 'noInvariants' (options: allow_extension_domains,"));
    /// ```
    pub fn from_host(
        options: serde_json::Map<String, serde_json::Value>,
        spelling: Spelling,
        host_keys: &[&str],
    ) -> Result<Options, crate::Error> {
        let fields = field_names::<HostOptions>();
        let mut named = serde_json::Map::new();
        for (key, value) in options {
            let Some(field) = fields.iter().find(|f| spelling.spell(f) == key) else {
                let mut known = Options::host_names(spelling);
                known.extend(host_keys.iter().map(|k| k.to_string()));
                return Err(crate::Error::Options(format!(
                    "unknown option '{key}' (options: {})",
                    known.join(", ")
                )));
            };
            // each value alone first, so that an error names the option it is about
            let alone = serde_json::Map::from_iter([(field.to_string(), value.clone())]);
            if let Err(e) = serde_json::from_value::<HostOptions>(alone.into()) {
                let shown = match &value {
                    serde_json::Value::String(s) => format!("'{s}'"),
                    other => other.to_string(),
                };
                return Err(crate::Error::Options(format!("{key} {shown}: {e}")));
            }
            named.insert(field.to_string(), value);
        }
        let host: HostOptions = serde_json::from_value(named.into())?;
        let o = host.into_options();
        o.check()?;
        Ok(o)
    }
}

/// `--max-input-mb` / `--max-string-mb`: MiB on the command line, bytes in [`Options`].
#[cfg(feature = "cli")]
fn mib(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|e| format!("{e}"))?;
    Ok(n.saturating_mul(1024 * 1024))
}

/// `--max-depth`: 1 to [`MAX_DEPTH`].
#[cfg(feature = "cli")]
fn depth(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|e| format!("{e}"))?;
    if (1..=MAX_DEPTH).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} is not in 1..={MAX_DEPTH}"))
    }
}

/// `--max-issues`: at least 1.
#[cfg(feature = "cli")]
fn at_least_one(s: &str) -> Result<usize, String> {
    let n: u64 = s.parse().map_err(|e| format!("{e}"))?;
    if n == 0 {
        return Err("0 is not in 1..".into());
    }
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_are_the_field_names_in_camel_case() {
        let o: Options = serde_json::from_str(
            r#"{"allowExtensionDomains":["http://x.org/"],"maxIssues":5,"securityChecks":true,
                "allowComments":true,"mode":"pdex","capability":"http://c"}"#,
        )
        .unwrap();
        assert_eq!(o.allow_extension_domains, ["http://x.org/"]);
        assert_eq!(o.max_issues, 5);
        assert!(o.security_checks && o.allow_comments);
        assert_eq!(o.mode, Mode::MemberHistory);
        assert_eq!(o.capability.as_deref(), Some("http://c"));
        assert_eq!(o.max_depth, 256);
        let e = serde_json::from_str::<Options>(r#"{"maxIssue":5}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `maxIssue`"), "{e}");
        assert!(serde_json::from_str::<Options>(r#"{"mode":"nonsense"}"#).is_err());
        let round: Options = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(round, o);
    }

    fn host(v: serde_json::Value, spelling: Spelling) -> Result<Options, String> {
        let serde_json::Value::Object(m) = v else {
            panic!("not an object")
        };
        Options::from_host(m, spelling, &["profiles", "suppress"]).map_err(|e| e.to_string())
    }

    #[test]
    fn host_names_are_the_cli_flags_in_either_spelling() {
        let camel = Options::host_names(Spelling::CamelCase);
        assert_eq!(
            camel,
            [
                "allowExtensionDomains",
                "maxIssues",
                "securityChecks",
                "allowComments",
                "mode",
                "capability",
                "noInvariants",
                "noTerminology",
                "displayIssuesAreWarnings",
                "uncheckedCodesAreWarnings",
                "checkReferencesResolve",
                "maxInputMb",
                "maxDepth",
                "maxStringMb",
            ]
        );
        let snake = Options::host_names(Spelling::SnakeCase);
        assert_eq!(snake[0], "allow_extension_domains");
        assert_eq!(snake[9], "unchecked_codes_are_warnings");
        assert_eq!(snake[13], "max_string_mb");
    }

    #[test]
    fn from_host_maps_flags_onto_options() {
        let o = host(
            serde_json::json!({"noInvariants": true, "noTerminology": false, "maxInputMb": 2,
                "maxStringMb": 1, "maxIssues": 7, "maxDepth": 9, "mode": "pdex",
                "allowExtensionDomains": ["http://x/"], "capability": "http://c",
                "securityChecks": true, "allowComments": true, "displayIssuesAreWarnings": true,
                "uncheckedCodesAreWarnings": true, "checkReferencesResolve": true}),
            Spelling::CamelCase,
        )
        .unwrap();
        let want = Options {
            allow_extension_domains: vec!["http://x/".into()],
            max_issues: 7,
            security_checks: true,
            allow_comments: true,
            mode: Mode::MemberHistory,
            capability: Some("http://c".into()),
            max_input_bytes: 2 * 1024 * 1024,
            max_depth: 9,
            max_string_bytes: 1024 * 1024,
            invariants: false,
            terminology: true,
            display_issues_are_warnings: true,
            unchecked_codes_are_warnings: true,
            check_references_resolve: true,
            html_in_markdown: HtmlInMarkdown::Warning,
        };
        assert_eq!(o, want);
        let snake = host(
            serde_json::json!({"no_invariants": true, "max_input_mb": 2, "max_issues": 7,
                "mode": "member-history"}),
            Spelling::SnakeCase,
        )
        .unwrap();
        assert!(!snake.invariants && snake.terminology);
        assert_eq!(
            (snake.max_input_bytes, snake.max_issues, snake.mode),
            (2 * 1024 * 1024, 7, Mode::MemberHistory)
        );
        assert_eq!(
            host(serde_json::json!({}), Spelling::SnakeCase).unwrap(),
            Options::default()
        );
    }

    #[test]
    fn from_host_errors_name_the_option_as_the_host_spells_it() {
        let e = host(serde_json::json!({"profile": "x"}), Spelling::SnakeCase).unwrap_err();
        assert!(
            e.starts_with(
                "invalid options: unknown option 'profile' (options: allow_extension_domains, max_issues,"
            ) && e.ends_with("max_string_mb, profiles, suppress)"),
            "{e}"
        );
        // each host accepts its own spelling only, and never the Rust field names
        for (bad, spelling) in [
            ("noInvariants", Spelling::SnakeCase),
            ("no_invariants", Spelling::CamelCase),
            ("invariants", Spelling::CamelCase),
            ("maxInputBytes", Spelling::CamelCase),
        ] {
            let e = host(serde_json::json!({ bad: true }), spelling).unwrap_err();
            assert!(e.contains(&format!("unknown option '{bad}'")), "{e}");
        }
        let e = host(serde_json::json!({"mode": "fast"}), Spelling::SnakeCase).unwrap_err();
        assert!(e.contains("mode 'fast': unknown variant `fast`"), "{e}");
        let e = host(serde_json::json!({"max_issues": 0}), Spelling::SnakeCase).unwrap_err();
        assert_eq!(
            e,
            "invalid options: max_issues 0: must be a whole number of at least 1"
        );
        let e = host(serde_json::json!({"maxDepth": 5000}), Spelling::CamelCase).unwrap_err();
        assert_eq!(
            e,
            "invalid options: maxDepth 5000: must be a whole number from 1 to 1000"
        );
        let e = host(
            serde_json::json!({"max_depth": "deep"}),
            Spelling::SnakeCase,
        )
        .unwrap_err();
        assert!(e.contains("max_depth 'deep': invalid type: string"), "{e}");
        let e = host(serde_json::json!({"maxInputMb": 0}), Spelling::CamelCase).unwrap_err();
        assert!(
            e.contains("maxInputMb 0: must be a whole number from 1 to"),
            "{e}"
        );
        let e = host(serde_json::json!({"maxIssues": -1}), Spelling::CamelCase).unwrap_err();
        assert!(e.contains("maxIssues -1: invalid value"), "{e}");
        let e = host(serde_json::json!({"noTerminology": 1}), Spelling::CamelCase).unwrap_err();
        assert!(e.contains("noTerminology 1: invalid type"), "{e}");
    }

    #[test]
    fn check_rejects_zero_issues_and_deep_nesting() {
        let zero = Options {
            max_issues: 0,
            ..Options::default()
        };
        assert!(zero.check().is_err());
        let deep = Options {
            max_depth: 1001,
            ..Options::default()
        };
        assert!(deep.check().is_err());
        assert!(Options::default().check().is_ok());
    }
}
