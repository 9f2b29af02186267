//! The allowed names: `XhtmlValidator.HTML_ELEMENTS` and the attributes allowed per element.

/// `XhtmlValidator.HTML_ELEMENTS` (also FHIRPath `checkHtmlNames`)
pub(super) fn html_element(name: &str) -> bool {
    matches!(
        name,
        "p" | "br"
            | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "a"
            | "span"
            | "b"
            | "em"
            | "i"
            | "strong"
            | "small"
            | "big"
            | "tt"
            | "dfn"
            | "q"
            | "var"
            | "abbr"
            | "acronym"
            | "cite"
            | "blockquote"
            | "hr"
            | "address"
            | "bdo"
            | "kbd"
            | "sub"
            | "sup"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "pre"
            | "table"
            | "caption"
            | "colgroup"
            | "col"
            | "thead"
            | "tr"
            | "tfoot"
            | "tbody"
            | "th"
            | "td"
            | "code"
            | "samp"
            | "img"
            | "map"
            | "area"
    )
}

/// `an.startsWith("xmlns") || HTML_ATTRIBUTES.contains(an) || HTML_COMBO_LIST.contains(el.an)`
pub(super) fn attr_allowed(el: &str, an: &str) -> bool {
    if an.starts_with("xmlns") {
        return true;
    }
    if matches!(
        an,
        "title"
            | "style"
            | "class"
            | "id"
            | "lang"
            | "xml:lang"
            | "dir"
            | "accesskey"
            | "tabindex"
            | "span"
            | "width"
            | "align"
            | "valign"
            | "char"
            | "charoff"
            | "abbr"
            | "axis"
            | "headers"
            | "scope"
            | "rowspan"
            | "colspan"
    ) {
        return true;
    }
    match el {
        "a" => matches!(
            an,
            "href" | "name" | "charset" | "type" | "hreflang" | "rel" | "rev" | "shape" | "coords"
        ),
        "img" => matches!(
            an,
            "src" | "border" | "alt" | "longdesc" | "height" | "width" | "usemap" | "ismap"
        ),
        "div" => an == "xmlns",
        "blockquote" | "q" => an == "cite",
        "map" => an == "name",
        "area" => matches!(an, "shape" | "coords" | "href" | "nohref" | "alt"),
        "table" => matches!(
            an,
            "summary" | "width" | "border" | "frame" | "rules" | "cellspacing" | "cellpadding"
        ),
        "pre" => an == "space",
        "td" => an == "nowrap",
        _ => false,
    }
}
