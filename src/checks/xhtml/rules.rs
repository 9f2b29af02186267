//! The checks over a parsed tree: txt-1/txt-2 (`htmlChecks1/2`), then the Java `XhtmlValidator`
//! rules (namespaces, names, URLs, structure, languages, ids) and the internal links.

use super::*;

// ---------------------------------------------------------------------------
// txt-1 / txt-2 (FHIRPathEngine.checkHtmlNames / checkForContent)

/// Offset of the first node that makes txt-1 fail.
pub(super) fn txt1_failure(tree: &Tree) -> Option<usize> {
    for i in 0..tree.len() {
        match tree.kind(i) {
            Some(Kind::Comment) if tree.name(i).starts_with("DOCTYPE") => {
                return Some(tree.offset(i));
            }
            Some(Kind::Element) => {
                let name = tree.name(i);
                if !html_element(name) {
                    return Some(tree.offset(i));
                }
                for a in tree.attrs(i) {
                    let an = tree.str_of(a.name);
                    if !(attr_allowed(name, an) || an == "xml:space") {
                        return Some(a.offset as usize);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

pub(super) fn has_content(tree: &Tree) -> bool {
    (0..tree.len()).any(|i| match tree.kind(i) {
        Some(Kind::Text) => !java_trim(tree.name(i)).is_empty(),
        Some(Kind::Element) => tree.name(i) == "img",
        _ => false,
    })
}

// ---------------------------------------------------------------------------
// XhtmlValidator

pub(super) fn validate_tree(tree: &Tree, options: &XhtmlOptions, out: &mut Issues) {
    let n = tree.len();
    let root_off = tree.offset(ROOT);

    // namespace of the root, then of every element below
    let ns = tree.attr_value(ROOT, "xmlns");
    if ns != Some(XHTML_NS) {
        out.push(
            Severity::Error,
            "invalid",
            format!(
                "Wrong namespace on the XHTML ('{}', should be '{XHTML_NS}')",
                clip(ns.unwrap_or("null"))
            ),
            None,
            root_off,
        );
    }
    for i in 1..n {
        if !tree.is_element(i) {
            continue;
        }
        if let Some(ns) = tree.attr_value(i, "xmlns")
            && ns != XHTML_NS
        {
            out.push(
                Severity::Error,
                "invalid",
                format!(
                    "Wrong namespace on the XHTML ('{}', should be '{XHTML_NS}')",
                    clip(ns)
                ),
                None,
                tree.offset(i),
            );
        }
    }
    if tree.name(ROOT) != "div" {
        out.push(
            Severity::Error,
            "invalid",
            format!(
                "Wrong name on the XHTML ('{}') - must start with div",
                clip(tree.name(ROOT))
            ),
            None,
            root_off,
        );
    }

    // checkInnerNames
    let mut para_below = vec![false; n];
    for i in 1..n {
        let in_para = match tree.parent(i) {
            Some(p) if p != ROOT => para_below.get(p).copied().unwrap_or(false),
            _ => false,
        };
        match tree.kind(i) {
            Some(Kind::Comment) if tree.name(i).starts_with("DOCTYPE") => out.push(
                Severity::Error,
                "invalid",
                "Malformed XHTML: Found a DocType declaration, and these are not allowed (XXE security vulnerability protection)".to_string(),
                None,
                tree.offset(i),
            ),
            Some(Kind::Element) => {
                let name = tree.name(i);
                if let Some(slot) = para_below.get_mut(i) {
                    *slot = in_para || name == "p";
                }
                if !html_element(name) {
                    out.push(
                        Severity::Error,
                        "invalid",
                        format!("Invalid element name in the XHTML ('{name}')"),
                        None,
                        tree.offset(i),
                    );
                }
                for a in tree.attrs_java_order(i) {
                    let an = tree.str_of(a.name);
                    if attr_allowed(name, an) {
                        continue;
                    }
                    if an == "xml:space" {
                        out.push(
                            Severity::Information,
                            "invalid",
                            format!("The attribute '{an}' on '{name}' is legal but ignored in FHIR narrative"),
                            None,
                            a.offset as usize,
                        );
                    } else {
                        out.push(
                            Severity::Error,
                            "invalid",
                            format!("Invalid attribute name in the XHTML ('{an}' on '{name}')"),
                            None,
                            a.offset as usize,
                        );
                    }
                }
                if in_para && matches!(name, "div" | "blockquote" | "table" | "ol" | "ul" | "p") {
                    out.push(
                        Severity::Error,
                        "invalid",
                        format!("Invalid element name inside a paragraph in the XHTML ('{name}')"),
                        None,
                        tree.offset(i),
                    );
                }
            }
            _ => {}
        }
    }

    // checkUrls
    for i in 1..n {
        if !tree.is_element(i) {
            continue;
        }
        let attr = match tree.name(i) {
            "a" => "href",
            "img" => "src",
            _ => continue,
        };
        if let Some(v) = tree.attr_value(i, attr)
            && let Some(msg) = check_valid_url(v)
        {
            out.push(
                Severity::Error,
                "invalid",
                format!("The URL is not valid because '({msg})': {v}"),
                None,
                tree.offset(i),
            );
        }
    }

    // internal links (InstanceValidator.checkReferences / checkImageSources)
    if let Some(local) = &options.local_ids {
        let anchors = collect_anchors(tree);
        let hashes = tree.path_hashes();
        let known: HashSet<&str> = local
            .iter()
            .map(String::as_str)
            .chain(anchors.ids.iter().map(String::as_str))
            .chain(anchors.names.iter().map(String::as_str))
            .collect();
        for image in [false, true] {
            for l in anchors.links.iter().filter(|l| l.image == image) {
                if !l.target.is_empty() && !known.contains(l.target.as_str()) {
                    out.push_keyed(
                        Severity::Error,
                        "invalid",
                        l.unresolved_message(),
                        None,
                        l.offset,
                        hashes.get(l.node).copied().unwrap_or(0),
                    );
                }
            }
        }
    }

    if options.structure_checks {
        check_structure(tree, out);
    }
    check_mixed_langs(tree, out);
    check_duplicate_ids(tree, out);
}

pub(super) const STRUCT_NAMES: [&str; 25] = [
    "div", "pre", "table", "ul", "ol", "a", "b", "em", "i", "strong", "small", "big", "sub", "sup",
    "code", "tt", "dfn", "q", "var", "abbr", "acronym", "cite", "bdo", "kbd", "samp",
];
pub(super) const BLOCK_MASK: u32 = 0b11111;

pub(super) fn struct_bit(name: &str) -> u32 {
    STRUCT_NAMES
        .iter()
        .position(|n| *n == name)
        .map(|p| 1u32 << p)
        .unwrap_or(0)
}

pub(super) fn mask_names(mask: u32) -> String {
    STRUCT_NAMES
        .iter()
        .enumerate()
        .filter(|(k, _)| mask & (1u32 << k) != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

/// `XhtmlValidator.checkXhtmlStructure` (rules dated 2025-06-16).
pub(super) fn check_structure(tree: &Tree, out: &mut Issues) {
    let n = tree.len();
    // names (from STRUCT_NAMES) present strictly below each node
    let mut below = vec![0u32; n];
    for i in (1..n).rev() {
        if !tree.is_element(i) {
            continue;
        }
        let own = below.get(i).copied().unwrap_or(0) | struct_bit(tree.name(i));
        if let Some(p) = tree.parent(i)
            && let Some(slot) = below.get_mut(p)
        {
            *slot |= own;
        }
    }
    let hashes = tree.path_hashes();
    let err = |out: &mut Issues, i: usize, msg: String| {
        let disc = hashes.get(i).copied().unwrap_or(0);
        out.push_keyed(
            Severity::Error,
            "structure",
            msg,
            None,
            tree.offset(i),
            disc,
        );
    };
    for i in 1..n {
        if !tree.is_element(i) {
            continue;
        }
        let name = tree.name(i);
        let sub = below.get(i).copied().unwrap_or(0);
        let p_rules = |out: &mut Issues| {
            if sub & BLOCK_MASK != 0 {
                err(
                    out,
                    i,
                    format!(
                        "Found block structures inside a paragraph/text element {name} at {}: {}",
                        tree.path(i),
                        mask_names(sub & BLOCK_MASK)
                    ),
                );
            }
        };
        let parent_in = |out: &mut Issues, allowed: &[&str]| {
            let pname = tree.parent(i).map(|p| tree.name(p)).unwrap_or("");
            if !allowed.contains(&pname) {
                err(
                    out,
                    i,
                    format!(
                        "Elements of type {name} must be in a {}, not a {pname} at {}",
                        allowed.join("|"),
                        tree.path(i)
                    ),
                );
            }
        };
        let only_children = |out: &mut Issues, allowed: &[&str]| {
            let mut bad: Vec<&str> = Vec::new();
            for c in tree.children(i) {
                match tree.kind(c) {
                    Some(Kind::Text) if !is_blank_ws(tree.name(c)) => bad.push("@text"),
                    Some(Kind::Element) if !allowed.contains(&tree.name(c)) => {
                        bad.push(tree.name(c))
                    }
                    _ => {}
                }
            }
            if !bad.is_empty() {
                err(
                    out,
                    i,
                    format!(
                        "Elements of type {name} at {} cannot have the following children: {}",
                        tree.path(i),
                        bad.join(",")
                    ),
                );
            }
        };
        let no_children = |out: &mut Issues| {
            if tree.has_children(i) {
                err(
                    out,
                    i,
                    format!(
                        "Elements of type {name} cannot have children (at {})",
                        tree.path(i)
                    ),
                );
            }
        };
        match name {
            "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "address" | "span" => {
                p_rules(out)
            }
            "br" | "img" | "hr" | "area" => no_children(out),
            "a" | "b" | "em" | "i" | "strong" | "small" | "big" | "sub" | "sup" | "code" | "tt"
            | "dfn" | "q" | "var" | "abbr" | "acronym" | "cite" | "bdo" | "kbd" | "samp" => {
                p_rules(out);
                if sub & struct_bit(name) != 0 {
                    err(
                        out,
                        i,
                        format!(
                            "Elements of type {name} cannot contain other elements of type {name} (at {})",
                            tree.path(i)
                        ),
                    );
                }
            }
            "table" => only_children(
                out,
                &[
                    "tbody", "tr", "caption", "thead", "tfoot", "col", "colgroup",
                ],
            ),
            "tr" => {
                parent_in(out, &["table", "thead", "tfoot", "tbody"]);
                only_children(out, &["td", "th"]);
            }
            "tbody" | "thead" | "tfoot" => {
                parent_in(out, &["table"]);
                only_children(out, &["tr"]);
            }
            "ul" | "ol" => only_children(out, &["li"]),
            "caption" => {
                p_rules(out);
                parent_in(out, &["table"]);
            }
            "colgroup" | "col" => parent_in(out, &["table"]),
            "th" | "td" => parent_in(out, &["tr", "thead", "tfoot"]),
            "li" => parent_in(out, &["ul", "ol"]),
            "dl" => only_children(out, &["dd", "dt"]),
            "dd" | "dt" => {
                p_rules(out);
                parent_in(out, &["dl"]);
            }
            "map" => only_children(out, &["area"]),
            _ => {}
        }
    }
}

/// `XhtmlValidator.checkMixedLangs` (warning, dated 2025-06-07).
pub(super) fn check_mixed_langs(tree: &Tree, out: &mut Issues) {
    let mut langs: Vec<&str> = Vec::new();
    let mut non_lang = false;
    for c in tree.children(ROOT) {
        match tree.kind(c) {
            Some(Kind::Element) if tree.name(c) == "div" && tree.attr(c, "xml:lang").is_some() => {
                let l = tree.attr_value(c, "xml:lang").unwrap_or("null");
                if !langs.contains(&l) {
                    langs.push(l);
                }
            }
            Some(Kind::Text) if !is_blank_ws(tree.name(c)) => non_lang = true,
            _ => {}
        }
    }
    if !langs.is_empty() && non_lang {
        out.push(
            Severity::Warning,
            "business-rule",
            format!(
                "The narrative has language sections (xml:lang = {}) and also content that is not in any language section",
                langs.join(", ")
            ),
            None,
            tree.offset(ROOT),
        );
    }
}

/// `XhtmlValidator.checkForDuplicateIds` (warning, dated 2025-06-12).
pub(super) fn check_duplicate_ids<'t>(tree: &'t Tree, out: &mut Issues) {
    let mut seen: HashSet<Option<&'t str>> = HashSet::new();
    let mut dups: HashMap<Option<&'t str>, usize> = HashMap::new();
    let mut first_dup: Option<usize> = None;
    let mut note = |v: Option<&'t str>, off: usize| {
        if seen.insert(v) {
            return;
        }
        let e = dups.entry(v).or_insert(1);
        *e += 1;
        first_dup.get_or_insert(off);
    };
    for i in 1..tree.len() {
        if !tree.is_element(i) {
            continue;
        }
        let id = tree.attr(i, "id");
        if let Some(v) = id {
            note(v, tree.offset(i));
        }
        if tree.name(i) == "a"
            && let Some(name) = tree.attr(i, "name")
        {
            let same = matches!((name, id), (Some(a), Some(Some(b))) if a == b);
            if !same {
                note(name, tree.offset(i));
            }
        }
    }
    if dups.is_empty() {
        return;
    }
    let mut summary: Vec<(String, usize)> = dups
        .into_iter()
        .map(|(k, c)| (k.unwrap_or("null").to_string(), c))
        .collect();
    summary.sort();
    let text = summary
        .iter()
        .map(|(k, c)| format!("{k} ({c}x)"))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(
        Severity::Warning,
        "business-rule",
        format!("Duplicate ids found in the XHTML: {text}"),
        None,
        first_dup.unwrap_or(0),
    );
}

pub(super) fn collect_anchors(tree: &Tree) -> Anchors {
    let mut a = Anchors::default();
    let mut next_text: Option<Vec<u32>> = None;
    for i in 0..tree.len() {
        if !tree.is_element(i) {
            continue;
        }
        let name = tree.name(i);
        if let Some(id) = tree.attr_value(i, "id") {
            a.ids.push(id.to_string());
        }
        if let Some(r) = tree.attr_value(i, "idref") {
            a.idrefs.push((r.to_string(), tree.offset(i)));
        }
        let link = match name {
            "a" => {
                if let Some(nm) = tree.attr_value(i, "name") {
                    a.names.push(nm.to_string());
                }
                tree.attr_value(i, "href").map(|h| (h, false))
            }
            "img" => tree.attr_value(i, "src").map(|s| (s, true)),
            _ => None,
        };
        let Some((href, image)) = link else {
            continue;
        };
        let Some(target) = href.strip_prefix('#') else {
            continue;
        };
        let text = if image {
            String::new()
        } else {
            let jumps = next_text.get_or_insert_with(|| build_next_text(tree));
            link_text(tree, jumps, i)
        };
        if !image {
            a.internal_links.push((target.to_string(), tree.offset(i)));
        }
        a.links.push(InternalLink {
            href: href.to_string(),
            target: target.to_string(),
            offset: tree.offset(i),
            path: tree.path(i),
            text,
            image,
            node: i,
        });
    }
    a
}

/// `next[i]` = first text node at index >= i (or `NONE`)
pub(super) fn build_next_text(tree: &Tree) -> Vec<u32> {
    let n = tree.len();
    let mut v = vec![NONE; n + 1];
    for i in (0..n).rev() {
        let nx = if tree.kind(i) == Some(Kind::Text) {
            to_u32(i)
        } else {
            v.get(i + 1).copied().unwrap_or(NONE)
        };
        if let Some(slot) = v.get_mut(i) {
            *slot = nx;
        }
    }
    v
}

pub(super) fn link_text(tree: &Tree, next: &[u32], i: usize) -> String {
    let end = tree.end(i);
    let mut s = String::new();
    let mut count = 0usize;
    let mut j = next.get(i + 1).copied().unwrap_or(NONE);
    while j != NONE && (j as usize) < end && count < MAX_LINK_TEXT {
        for ch in tree.name(j as usize).chars() {
            if count >= MAX_LINK_TEXT {
                break;
            }
            s.push(ch);
            count += 1;
        }
        j = next.get(j as usize + 1).copied().unwrap_or(NONE);
    }
    s
}

// ---------------------------------------------------------------------------
// UrlUtil.checkValidUrl

pub(super) fn check_valid_url(v: &str) -> Option<String> {
    if v.is_empty() {
        return Some("The URL is empty".to_string());
    }
    if let Some(rest) = v.strip_prefix("data:") {
        let mut p: Vec<&str> = rest.split(',').collect();
        if p.len() > 1 {
            while p.last() == Some(&"") {
                p.pop();
            }
        }
        let (p0, p1) = match p.as_slice() {
            [a, b] => (*a, *b),
            [_, _, _, ..] => {
                return Some(format!("The data: URL '{v}' has more than one comma"));
            }
            _ => return Some(format!("The data: URL '{v}' has no data")),
        };
        if p0.ends_with(";base64") && !is_valid_base64(p1) {
            return Some(format!(
                "The data: URL '{v}' does not have valid base64 data"
            ));
        }
        let p0 = if p0.starts_with(' ') {
            p0.trim_matches(|c: char| java_ws(c) || c == '\u{A0}')
        } else {
            p0
        };
        let mt = match p0.strip_suffix(";base64") {
            Some(_) => p0.rfind(';').and_then(|k| p0.get(..k)).unwrap_or(p0),
            None => p0,
        };
        if !java_trim(mt).is_empty() && !mime_type_ok(mt) {
            return Some(format!(
                "The data: URL '{v}' has an invalid mime type: Mime type invalid"
            ));
        }
        return None;
    }
    let mut count = 0usize;
    let mut bad: Vec<String> = Vec::new();
    for ch in v.chars() {
        let ok = (ch as u32) <= 0xFFFF
            && (java_is_digit(ch) || ch.is_alphabetic() || ";?:@&=+$.,/%-_~#[]!'()*|".contains(ch));
        if !ok {
            count += ch.len_utf16();
            let q = format!("'{ch}'");
            if !bad.contains(&q) {
                bad.push(q);
            }
        }
    }
    if bad.is_empty() {
        return None;
    }
    bad.sort();
    Some(if count == 1 {
        format!("URL contains an invalid character ({})", bad.join(","))
    } else {
        format!(
            "URL contains {count} invalid characters ({})",
            bad.join(",")
        )
    })
}

pub(super) fn is_valid_base64(s: &str) -> bool {
    let n = s
        .chars()
        .filter(|&c| java_letter_or_digit(c) || matches!(c, '/' | '=' | '+'))
        .count();
    n == 0 || n % 4 == 0
}

/// `^(\w+|\*)/([\w-+]+|\*)((;\s*(\w+)=\s*(\S+))?)$`
pub(super) fn mime_type_ok(mt: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r');
    let Some((ty, rest)) = mt.split_once('/') else {
        return false;
    };
    if !(ty == "*" || (!ty.is_empty() && ty.chars().all(word))) {
        return false;
    }
    let (sub, param) = match rest.find(';') {
        Some(k) => (rest.get(..k).unwrap_or(""), rest.get(k + 1..)),
        None => (rest, None),
    };
    let sub_ok =
        sub == "*" || (!sub.is_empty() && sub.chars().all(|c| word(c) || c == '-' || c == '+'));
    if !sub_ok {
        return false;
    }
    let Some(param) = param else {
        return true;
    };
    let param = param.trim_start_matches(space);
    let Some((key, val)) = param.split_once('=') else {
        return false;
    };
    let val = val.trim_start_matches(space);
    !key.is_empty() && key.chars().all(word) && !val.is_empty() && !val.chars().any(space)
}
