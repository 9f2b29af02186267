//! Canonical references (`url|version`): the one place that splits them.

/// A canonical reference's URL and, after a `|`, its version (`None` without one).
///
/// ```
/// use fhirval::canonical::split;
/// assert_eq!(split("http://x.org/vs|1.0"), ("http://x.org/vs", Some("1.0")));
/// assert_eq!(split("http://x.org/vs"), ("http://x.org/vs", None));
/// ```
pub fn split(canonical: &str) -> (&str, Option<&str>) {
    match canonical.split_once('|') {
        Some((url, version)) => (url, Some(version)),
        None => (canonical, None),
    }
}

/// A canonical reference's URL, without any `|version`.
pub fn url(canonical: &str) -> &str {
    split(canonical).0
}
