//! Version ordering of package versions: numeric versions above non-numeric ones, releases
//! above pre-releases, and the nearest available version to an asked one.

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
