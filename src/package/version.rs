//! Version orderings, in one place. Three orders are in use, each where its callers need it:
//!
//! * package versions (dependency resolution, private to [`crate::package`]): numeric versions
//!   above non-numeric ones (`current`), releases above pre-releases (`1.0.0` above
//!   `1.0.0-ballot`), and the nearest available version to an asked one;
//! * [`compare_dotted`]: the versions of conformance resources under one canonical URL (the
//!   profile set's index), numerically part by part (`3.1.1` < `6.1.0` < `10.0.0`);
//! * [`dotted_numbers`] and [`compare_padded`]: "the newest" of several CodeSystems / ValueSets
//!   with one URL at compile time (dates such as `2018-08-12` count as numbers; versions that
//!   are not numeric are not ordered).
//!
//! They differ on pre-releases and non-numeric labels; unifying them would change which
//! package, profile or code system is chosen in those cases.

use std::cmp::Ordering;

/// Leading numeric `(major, minor, patch)` of a version: `5.1.0-cibuild` →
/// `(5,1,0)`, `1.2` → `(1,2,0)`; `None` when it does not start with a digit.
pub(super) fn numeric_version(v: &str) -> Option<(u64, u64, u64)> {
    let mut out = [0u64; 3];
    let mut rest = v.trim();
    for (i, slot) in out.iter_mut().enumerate() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            if i == 0 {
                return None;
            }
            break;
        }
        let (num, tail) = rest.split_at(digits);
        *slot = num.parse::<u64>().unwrap_or(u64::MAX);
        match tail.strip_prefix('.') {
            Some(t) => rest = t,
            None => break,
        }
    }
    let [a, b, c] = out;
    Some((a, b, c))
}

/// A release (`1.2.3`) sorts above a pre-release/build of the same numbers (`1.2.3-ballot`).
pub(super) fn is_plain_release(v: &str) -> bool {
    v.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// Total order on versions: numeric versions above non-numeric ones; then by
/// numbers, release above suffixed, then by string.
pub(super) fn version_cmp(a: &str, b: &str) -> Ordering {
    match (numeric_version(a), numeric_version(b)) {
        (Some(x), Some(y)) => x
            .cmp(&y)
            .then_with(|| is_plain_release(a).cmp(&is_plain_release(b)))
            .then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

pub(super) fn newest_of<'a>(versions: &[&'a str]) -> Option<&'a str> {
    versions.iter().copied().max_by(|a, b| version_cmp(a, b))
}

/// Position of a version on a number line (components clamped to 40 bits).
pub(super) fn version_key((a, b, c): (u64, u64, u64)) -> i128 {
    const MAX: u64 = (1 << 40) - 1;
    let (a, b, c) = (
        i128::from(a.min(MAX)),
        i128::from(b.min(MAX)),
        i128::from(c.min(MAX)),
    );
    (a << 80) + (b << 40) + c
}

/// Picks the available version nearest to `asked`, in tiers:
/// 1. same major.minor: smallest patch difference;
/// 2. same major: smallest minor difference, then patch difference;
/// 3. any: smallest major difference, then distance on the number line
///    (so below the asked major the highest release of that major wins).
///
/// Ties go to the higher version. A non-numeric `asked` (e.g. `current`)
/// picks the newest; non-numeric available versions are only used when no
/// numeric one exists.
pub(super) fn nearest_version<'a>(asked: &str, available: &[&'a str]) -> Option<&'a str> {
    type Tier = fn((u64, u64, u64), (u64, u64, u64)) -> Option<(u128, u128)>;
    let Some(t) = numeric_version(asked) else {
        return newest_of(available);
    };
    let numeric: Vec<(&'a str, (u64, u64, u64))> = available
        .iter()
        .filter_map(|v| numeric_version(v).map(|n| (*v, n)))
        .collect();
    if numeric.is_empty() {
        return newest_of(available);
    }
    let tiers: [Tier; 3] = [
        |t, n| (n.0 == t.0 && n.1 == t.1).then(|| (u128::from(n.2.abs_diff(t.2)), 0)),
        |t, n| (n.0 == t.0).then(|| (u128::from(n.1.abs_diff(t.1)), u128::from(n.2.abs_diff(t.2)))),
        |t, n| {
            Some((
                u128::from(n.0.abs_diff(t.0)),
                version_key(n).abs_diff(version_key(t)),
            ))
        },
    ];
    for tier in tiers {
        let best = numeric
            .iter()
            .filter_map(|(v, n)| tier(t, *n).map(|k| (k, *v)))
            .min_by(|(ka, va), (kb, vb)| ka.cmp(kb).then_with(|| version_cmp(vb, va)));
        if let Some((_, v)) = best {
            return Some(v);
        }
    }
    None
}

/// Orders versions numerically part by part where they are numeric (`3.1.1` < `6.1.0` <
/// `10.0.0`; parts split at `.` and `-`, a part that is not a number counts as 0), then by
/// text.
///
/// ```
/// use fhirval::package::version::compare_dotted;
/// use std::cmp::Ordering;
/// assert_eq!(compare_dotted("3.1.1", "10.0.0"), Ordering::Less);
/// assert_eq!(compare_dotted("6.1.0", "6.1.0-snapshot"), Ordering::Less);
/// ```
pub fn compare_dotted(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<u64> {
        s.split(['.', '-'])
            .map(|p| p.parse::<u64>().unwrap_or(0))
            .collect()
    };
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

/// The numbers of a version `x.y.z` (with an optional `-label` or `+build` after) or of a date
/// (`2018-08-12`); `None` when it is not numeric.
///
/// ```
/// use fhirval::package::version::dotted_numbers;
/// assert_eq!(dotted_numbers("2018-08-12"), Some(vec![2018, 8, 12]));
/// assert_eq!(dotted_numbers("4.0.1-ballot"), Some(vec![4, 0, 1]));
/// assert_eq!(dotted_numbers("current"), None);
/// ```
pub fn dotted_numbers(v: &str) -> Option<Vec<u64>> {
    // dates (2018-08-12) and plain dotted numbers
    let all: Option<Vec<u64>> = v.split(['.', '-']).map(|p| p.parse().ok()).collect();
    if let Some(all) = all {
        return Some(all);
    }
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let parts: Option<Vec<u64>> = core.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

/// Compares two [`dotted_numbers`], the shorter padded with zeros (`1.2` equals `1.2.0`).
pub fn compare_padded(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    Ordering::Equal
}
