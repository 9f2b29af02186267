//! [`Options`]: how a [`Validator`](crate::Validator) checks, one type for every host.
//!
//! The same struct is the CLI's flags (`fhirval validate --max-issues N ...`, derived with clap
//! when the `cli` feature is on), the JavaScript package's setup options (deserialised from the
//! object given to `Validator.create` and friends: the serde names are the camelCase option names
//! of `pkg/index.d.ts`) and the test manifests' `options` (tests/hostile). Unknown keys are an
//! error, missing keys take the defaults.

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
    fn serde_names_are_the_javascript_option_names() {
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
