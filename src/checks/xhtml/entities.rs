//! The named character references the narrative parser knows (`&eacute;`), as data:
//! `entities.tsv` (one `NAME<TAB>CODE POINTS` line each, sorted by name), read on first use.

use std::sync::OnceLock;

/// The table's text, compiled into the binary.
const TABLE: &str = include_str!("entities.tsv");

/// (name, replacement text), sorted by name.
fn table() -> &'static [(&'static str, String)] {
    static PARSED: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (name, points) = l.split_once('\t')?;
                let text: Option<String> = points
                    .split(' ')
                    .map(|h| u32::from_str_radix(h, 16).ok().and_then(char::from_u32))
                    .collect();
                Some((name, text?))
            })
            .collect()
    })
}

/// The text a named reference (without `&` and `;`) stands for.
pub(super) fn lookup_entity(name: &str) -> Option<&'static str> {
    let t = table();
    t.binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .and_then(|k| t.get(k))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_read_whole_and_sorted() {
        let t = table();
        assert_eq!(t.len(), 2121, "every line of entities.tsv is an entity");
        assert!(
            t.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no duplicates"
        );
        assert_eq!(lookup_entity("eacute"), Some("\u{e9}"));
        assert_eq!(lookup_entity("bne"), Some("=\u{20e5}"));
        assert_eq!(lookup_entity("fjlig"), Some("fj"));
        assert_eq!(lookup_entity("amp"), Some("&"));
        // commented out in Java's table
        assert_eq!(lookup_entity("AMP"), None);
        assert_eq!(lookup_entity("nosuch"), None);
    }
}
