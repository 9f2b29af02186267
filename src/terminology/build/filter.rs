//! `ValueSet.compose.include.filter`: hierarchy (`is-a`, `descendent-of`, ...), `=`, `in`,
//! `regex`, `exists` and property filters over one code system.

use super::expand::*;
use super::*;
use crate::terminology::regex::RegexError;

/// Why a filter cannot be applied offline (the text goes into the expansion's reason).
#[derive(Debug, thiserror::Error)]
pub(super) enum FilterError {
    /// A property the code system does not define.
    #[error("property '{0}' is not defined by the code system")]
    UnknownProperty(String),
    /// `exists` with a value other than true or false.
    #[error("'exists' needs true or false, not '{0}'")]
    ExistsValue(String),
    /// An operation that is not supported.
    #[error("operation '{0}'")]
    Operation(String),
    /// A `regex` pattern that is not supported.
    #[error(transparent)]
    Regex(#[from] RegexError),
}

pub(super) fn find_code(cs: &RawCs, ix: &CsIndex, code: &str) -> Option<u32> {
    if cs.case_sensitive {
        ix.by_key.get(code).copied()
    } else {
        ix.by_key.get(&fold(code)).copied()
    }
}

/// Descendants of `root` (with `root` itself when `with_self`).
pub(super) fn descendants(ix: &CsIndex, root: u32, with_self: bool, n: usize) -> Vec<bool> {
    walk(&ix.children, root, with_self, n)
}

pub(super) fn walk(edges: &[Vec<u32>], root: u32, with_self: bool, n: usize) -> Vec<bool> {
    let mut seen = vec![false; n];
    let mut stack: Vec<u32> = edges
        .get(root as usize)
        .map(|c| c.to_vec())
        .unwrap_or_default();
    while let Some(x) = stack.pop() {
        if let Some(s) = seen.get_mut(x as usize)
            && !*s
        {
            *s = true;
            if let Some(c) = edges.get(x as usize) {
                stack.extend_from_slice(c);
            }
        }
    }
    if let Some(s) = seen.get_mut(root as usize) {
        *s = with_self;
    }
    seen
}

/// The values of property `prop` on concept `c` (`code`/`concept`/`display` are implicit).
pub(super) fn values<'a>(c: &'a RawConcept, prop: &str) -> Vec<&'a str> {
    match prop {
        "code" | "concept" => vec![c.code.as_str()],
        "display" => c.display.as_deref().into_iter().collect(),
        _ => c
            .props
            .iter()
            .filter(|(k, _)| k == prop)
            .map(|(_, v)| v.as_str())
            .collect(),
    }
}

pub(super) fn apply_filter(cs: &RawCs, ix: &CsIndex, f: &Filter) -> Result<Vec<bool>, FilterError> {
    let n = cs.concepts.len();
    let prop = f.property.as_str();
    let known_prop = matches!(prop, "code" | "concept" | "display")
        || cs.props.iter().any(|p| p.code == prop)
        || cs
            .concepts
            .iter()
            .any(|c| c.props.iter().any(|(k, _)| k == prop));
    let hierarchy_op = matches!(
        f.op.as_str(),
        "is-a" | "descendent-of" | "descendant-of" | "is-not-a" | "generalizes" | "child-of"
    );
    if !hierarchy_op && !known_prop {
        return Err(FilterError::UnknownProperty(prop.to_string()));
    }
    let eq = |a: &str, b: &str| {
        if prop == "display" || !cs.case_sensitive {
            text_eq_ci(a, b)
        } else {
            a == b
        }
    };
    // a boolean property left out of a concept reads as false
    let absent_false = |c: &RawConcept| values(c, prop).is_empty();
    match f.op.as_str() {
        "is-a" | "descendent-of" | "descendant-of" | "is-not-a" | "generalizes" | "child-of" => {
            let Some(root) = find_code(cs, ix, &f.value) else {
                return Ok(vec![f.op == "is-not-a"; n]);
            };
            Ok(match f.op.as_str() {
                "is-a" => descendants(ix, root, true, n),
                "descendent-of" | "descendant-of" => descendants(ix, root, false, n),
                "is-not-a" => descendants(ix, root, true, n)
                    .into_iter()
                    .map(|x| !x)
                    .collect(),
                "generalizes" => walk(&ix.parents, root, true, n),
                _ => {
                    let mut m = vec![false; n];
                    for &c in ix.children.get(root as usize).map_or(&[][..], |v| &v[..]) {
                        if let Some(x) = m.get_mut(c as usize) {
                            *x = true;
                        }
                    }
                    m
                }
            })
        }
        "=" => Ok(cs
            .concepts
            .iter()
            .map(|c| {
                values(c, prop).iter().any(|v| eq(v, &f.value))
                    || (f.value == "false" && absent_false(c))
            })
            .collect()),
        "in" | "not-in" => {
            let wanted: Vec<&str> = f.value.split(',').map(str::trim).collect();
            Ok(cs
                .concepts
                .iter()
                .map(|c| {
                    let vals = values(c, prop);
                    let hit = vals.iter().any(|v| wanted.iter().any(|w| eq(v, w)))
                        || (vals.is_empty() && wanted.contains(&"false"));
                    hit == (f.op == "in")
                })
                .collect())
        }
        "exists" => {
            let want = match f.value.as_str() {
                "true" => true,
                "false" => false,
                other => return Err(FilterError::ExistsValue(other.to_string())),
            };
            Ok(cs
                .concepts
                .iter()
                .map(|c| values(c, prop).is_empty() != want)
                .collect())
        }
        "regex" => {
            let re = Regex::new(&f.value)?;
            Ok(cs
                .concepts
                .iter()
                .map(|c| values(c, prop).iter().any(|v| re.is_match(v)))
                .collect())
        }
        other => Err(FilterError::Operation(other.to_string())),
    }
}
