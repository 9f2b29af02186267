//! The narrative checks against the Java validator's behaviour, one quirk at a time.

use super::*;
use std::time::{Duration, Instant};

const NS: &str = r#"xmlns="http://www.w3.org/1999/xhtml""#;

fn div(body: &str) -> String {
    format!("<div {NS}>{body}</div>")
}

fn check(s: &str) -> Vec<XhtmlIssue> {
    check_div(s, &XhtmlOptions::default())
}

fn issue(
    severity: Severity,
    code: &'static str,
    message: &str,
    key: Option<&'static str>,
    offset: usize,
) -> XhtmlIssue {
    XhtmlIssue {
        severity,
        code,
        message: message.to_string(),
        key,
        offset,
    }
}

fn err(message: &str, offset: usize) -> XhtmlIssue {
    issue(Severity::Error, "invalid", message, None, offset)
}

fn txt1(offset: usize) -> XhtmlIssue {
    issue(
        Severity::Error,
        "invariant",
        TXT1_MESSAGE,
        Some("txt-1"),
        offset,
    )
}

fn txt2() -> XhtmlIssue {
    issue(Severity::Error, "invariant", TXT2_MESSAGE, Some("txt-2"), 0)
}

fn structure(message: &str, offset: usize) -> XhtmlIssue {
    issue(Severity::Error, "structure", message, None, offset)
}

fn at(s: &str, needle: &str) -> usize {
    s.find(needle).expect(needle)
}

/// parse failure: the error plus both invariants
fn parse_failure(message: &str, offset: usize) -> Vec<XhtmlIssue> {
    vec![
        err(&format!("Error parsing XHTML: {message}"), offset),
        txt1(0),
        txt2(),
    ]
}

// --- the conformance inputs (fhir-test-cases), Java verdicts

const PAT_SECURITY_BAD_XHTML: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\">\n      some text in no particular language\n   <script>somescript</script>   </div>";

#[test]
fn conformance_pat_security_bad_xhtml() {
    let s = PAT_SECURITY_BAD_XHTML;
    let o = at(s, "<script>");
    let expected = vec![
        txt1(o),
        err("Invalid element name in the XHTML ('script')", o),
    ];
    assert_eq!(check(s), expected);
    // security checks change nothing for XHTML
    let opts = XhtmlOptions {
        security_checks: true,
        ..XhtmlOptions::default()
    };
    assert_eq!(check_div(s, &opts), expected);
    assert!(!html_checks(s));
}

const XML_BAD_ENTITIES: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Generated Narrative: Encounter</b><a name=\"example-1\"> </a></p><div style=\"display: inline-block; background-color: #d9e0e7; padding: 6px; margin: 4px; border: 1px solid #8da1b4; border-radius: 5px; line-height: 60%\"><p style=\"margin-bottom: 0px\">Resource Encounter \"example-1\" Updated \"2017-05-26 11:56:57-0400\" </p><p style=\"margin-bottom: 0px\">Profile: <a href=\"StructureDefinition-us-core-encounter.html\">US Core Encounter Profile</a></p></div><p><b>status</b>: finished</p><p><b>class</b>: ambulatory (Details: http://terminology.hl7.org/CodeSystem/v3-ActCode code AMB = 'ambulatory', stated as 'ambulatory')</p><p><b>type</b>: Office Visit <span style=\"background: LightGoldenRodYellow; margin: 4px; border: 1px solid khaki\"> (<a href=\"http://terminology.hl7.org/4.0.0/CodeSystem-CPT.html\">Current Procedural Terminology (CPT&reg;)</a>#99201)</span></p><p><b>subject</b>: <a href=\"Patient-example.html\">Patient/example</a> \" SHAW\"</p><p><b>period</b>: 2015-11-01 05:00:14-0500 --&gt; 2015-11-01 06:00:14-0500</p></div>";

#[test]
fn conformance_xml_bad_entities() {
    let s = XML_BAD_ENTITIES;
    assert_eq!(
        check(s),
        vec![err("Invalid entity in the XHTML ('&reg;')", at(s, "&reg;"))]
    );
    // the entity is not fatal, so the invariants hold
    assert!(html_checks(s));
}

const IPS_SECTION_DIV: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><table class=\"hapiPropertyTable\"><caption>Allergies And Intolerances</caption><thead><tr><th>Allergen</th><th>Status</th><th>Category</th><th>Reaction</th><th>Severity</th><th>Comments</th><th>Onset</th></tr></thead><tbody><tr idref=\"ai1\"><td> Barbituraten </td><td> active </td><td> MEDICATION </td><td></td><td></td><td> erg duizelig en misselijkheid </td><td>Fri May 08 00:00:00 GMT 2020</td></tr><tr idref=\"ai2\"><td> PARACETAMOL </td><td> active </td><td> BIOLOGIC </td><td></td><td></td><td></td><td>Tue May 18 00:00:00 GMT 2021</td></tr></tbody></table></div>";

#[test]
fn conformance_ips_htmlrefs_forwards() {
    let s = IPS_SECTION_DIV;
    let o = at(s, "idref");
    // two offending `tr`, one message: Java collapses identical messages
    assert_eq!(
        check(s),
        vec![
            txt1(o),
            err("Invalid attribute name in the XHTML ('idref' on 'tr')", o)
        ]
    );
    let a = anchors(s);
    assert_eq!(a.idrefs.len(), 2);
    assert_eq!(a.idrefs[0].0, "ai1");
}

const AB_LIST_DIV: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p class=\"res-header-id\"><b>Generated Narrative: List ListExample</b></p><a name=\"ListExample\"> </a><a name=\"hcListExample\"> </a><a name=\"ListExample-en-US\"> </a><table class=\"clstu\"><tr><td>Mode: Snapshot List </td><td>Status: Current </td></tr><tr><td/></tr></table><table class=\"grid\"><tr style=\"backgound-color: #eeeeee\"><td><b>Items</b></td></tr><tr><td><a href=\"#hcListExample/MyAppointmentExample\">Appointment: status = proposed</a></td></tr></table></div>";

#[test]
fn conformance_ab_list_slicing() {
    let s = AB_LIST_DIV;
    assert_eq!(check(s), vec![]);
    let opts = XhtmlOptions {
        local_ids: Some(vec![
            "ListExample".into(),
            "MyAppointmentExample".into(),
            "DeviceExample".into(),
        ]),
        ..XhtmlOptions::default()
    };
    assert_eq!(
        check_div(s, &opts),
        vec![err(
            "Hyperlink '#hcListExample/MyAppointmentExample' at 'div/table/tr/td/a' for 'Appointment: status = proposed' does not resolve",
            at(s, "<a href=\"#")
        )]
    );
    let a = anchors(s);
    assert_eq!(
        a.names,
        vec!["ListExample", "hcListExample", "ListExample-en-US"]
    );
    assert_eq!(
        a.internal_links,
        vec![(
            "hcListExample/MyAppointmentExample".to_string(),
            at(s, "<a href=\"#")
        )]
    );
    assert_eq!(a.links[0].path, "div/table/tr/td/a");
}

#[test]
fn internal_link_to_own_anchor_resolves() {
    let s = div(
        "<p><a href=\"#sec\">go</a></p><p><a name=\"sec\">here</a><span id=\"x\">t</span></p><img src=\"#pic\" alt=\"p\"/>",
    );
    let opts = XhtmlOptions {
        local_ids: Some(vec![]),
        ..XhtmlOptions::default()
    };
    assert_eq!(
        check_div(&s, &opts),
        vec![err(
            "Image source '#pic' at 'div/img' does not resolve",
            at(&s, "<img")
        )]
    );
    let opts = XhtmlOptions {
        local_ids: Some(vec!["pic".into()]),
        ..XhtmlOptions::default()
    };
    assert_eq!(check_div(&s, &opts), vec![]);
    let a = anchors(&s);
    assert_eq!(a.ids, vec!["x"]);
    assert_eq!(a.links.len(), 2);
    assert!(a.links[1].image);
}

#[test]
fn every_conformance_div_without_java_issue_is_clean() {
    // shapes of the other narratives in the suite (no XHTML issue in Java)
    for s in [
        "<div xmlns=\"http://www.w3.org/1999/xhtml\">\n      some text in no particular language\n    </div>".to_string(),
        div("<div>Id <i>afgeschermd (ontbrekend gegeven)</i> (BSN), OG O.O. Persoon1, Man, 1 januari 1954</div><div>Lomanstraat 1, 1075PW Amsterdam</div>"),
        div("<table><caption>Allergie. <span title=\"neiging (419511003 - SNOMED CT)\">neiging</span>, Status: actief / <i>onbekend</i></caption><tfoot><tr><td colspan=\"2\">erg duizelig</td></tr></tfoot><tbody><tr><th>Code</th><td><span title=\"Barbituraten\">Barbituraten</span></td></tr></tbody></table>"),
        div("<p><b>id</b>: x</p><p><img src=\"tbl_spacer.png\" alt=\".\" style=\"background-color: inherit\" class=\"hierarchy\"/></p><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"border: 0px #F0F0F0 solid; font-size: 11px\"><tr style=\"border: 1px #F0F0F0 solid\"><th class=\"hierarchy\" style=\"vertical-align: top\">Name</th></tr></table><hr/><ul><li>a</li></ul><pre>code</pre><h3>T</h3><br/>"),
    ] {
        assert_eq!(check(&s), vec![], "{s}");
        assert!(html_checks(&s));
    }
}

// --- root and namespaces

#[test]
fn valid_minimal_div() {
    let s = div("<p>Hello <b>world</b></p>");
    assert_eq!(check(&s), vec![]);
    assert!(html_checks(&s) && html_checks1(&s) && html_checks2(&s));
}

#[test]
fn missing_namespace() {
    assert_eq!(
        check("<div>text</div>"),
        vec![err(
            "Wrong namespace on the XHTML ('null', should be 'http://www.w3.org/1999/xhtml')",
            0
        )]
    );
}

#[test]
fn wrong_namespace() {
    assert_eq!(
        check("  <div xmlns=\"http://example.org\">text</div>"),
        vec![err(
            "Wrong namespace on the XHTML ('http://example.org', should be 'http://www.w3.org/1999/xhtml')",
            2
        )]
    );
}

#[test]
fn wrong_inner_namespace() {
    let s =
        div("<p xmlns=\"urn:x\">a</p><x:p>b</x:p><p xmlns=\"http://www.w3.org/1999/xhtml\">c</p>");
    assert_eq!(
        check(&s),
        vec![
            err(
                "Wrong namespace on the XHTML ('urn:x', should be 'http://www.w3.org/1999/xhtml')",
                at(&s, "<p xmlns=\"urn")
            ),
            err(
                "Wrong namespace on the XHTML ('http://error/undefined-namespace', should be 'http://www.w3.org/1999/xhtml')",
                at(&s, "<x:p>")
            ),
        ]
    );
}

#[test]
fn prefixed_xhtml_is_fine() {
    let s = "<h:div xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:p>x</h:p></h:div>";
    assert_eq!(check(s), vec![]);
}

#[test]
fn root_must_be_div() {
    let s = format!("<p {NS}>text</p>");
    assert_eq!(
        check(&s),
        vec![err(
            "Wrong name on the XHTML ('p') - must start with div",
            0
        )]
    );
}

// --- element and attribute names (txt-1)

#[test]
fn invalid_element_and_its_attribute() {
    let s = div("<p>This is some narrative</p><object value=\"false\"/>");
    assert_eq!(
        check(&s),
        vec![
            txt1(at(&s, "<object")),
            err(
                "Invalid element name in the XHTML ('object')",
                at(&s, "<object")
            ),
            err(
                "Invalid attribute name in the XHTML ('value' on 'object')",
                at(&s, "value=")
            ),
        ]
    );
}

#[test]
fn event_attribute() {
    let s = div("<p onClick=\"check\">x</p>");
    let o = at(&s, "onClick");
    assert_eq!(
        check(&s),
        vec![
            txt1(o),
            err("Invalid attribute name in the XHTML ('onClick' on 'p')", o)
        ]
    );
}

#[test]
fn root_attributes_only_fail_txt1() {
    let s = format!("<div {NS} onclick=\"x\">text</div>");
    assert_eq!(check(&s), vec![txt1(at(&s, "onclick"))]);
}

#[test]
fn element_names_are_case_sensitive() {
    let s = div("<P>x</P>");
    let o = at(&s, "<P>");
    assert_eq!(
        check(&s),
        vec![txt1(o), err("Invalid element name in the XHTML ('P')", o)]
    );
}

#[test]
fn xlink_href_is_not_allowed() {
    let s = div("<a xlink:href=\"x.html\">x</a>");
    let o = at(&s, "xlink");
    assert_eq!(
        check(&s),
        vec![
            txt1(o),
            err(
                "Invalid attribute name in the XHTML ('xlink:href' on 'a')",
                o
            )
        ]
    );
}

#[test]
fn attribute_issues_follow_java_hashmap_order() {
    // "b" hashes to bucket 2, "a" to bucket 1
    let s = div("<p b=\"1\" a=\"2\">x</p>");
    assert_eq!(
        check(&s),
        vec![
            txt1(at(&s, "b=")),
            err(
                "Invalid attribute name in the XHTML ('a' on 'p')",
                at(&s, "a=")
            ),
            err(
                "Invalid attribute name in the XHTML ('b' on 'p')",
                at(&s, "b=")
            ),
        ]
    );
}

#[test]
fn xml_space_is_a_hint() {
    let s = div("<pre xml:space=\"preserve\">x</pre>");
    assert_eq!(
        check(&s),
        vec![issue(
            Severity::Information,
            "invalid",
            "The attribute 'xml:space' on 'pre' is legal but ignored in FHIR narrative",
            None,
            at(&s, "xml:space")
        )]
    );
    assert!(html_checks(&s));
}

#[test]
fn doctype_inside_the_div() {
    let s = div("<!DOCTYPE foo [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><p>x &xxe;</p>");
    let o = at(&s, "<!DOCTYPE");
    assert_eq!(
        check(&s),
        vec![
            txt1(o),
            err(
                "Malformed XHTML: Found a DocType declaration, and these are not allowed (XXE security vulnerability protection)",
                o
            ),
        ]
    );
}

#[test]
fn block_inside_paragraph() {
    let s = div("<p>outer<p>nested Paragraph</p></p>");
    assert_eq!(
        check(&s),
        vec![err(
            "Invalid element name inside a paragraph in the XHTML ('p')",
            at(&s, "<p>nested")
        )]
    );
    let s = div("<p><span><div>x</div></span></p>");
    let d = at(&s, "<div>x");
    assert_eq!(
        check(&s),
        vec![
            err(
                "Invalid element name inside a paragraph in the XHTML ('div')",
                d
            ),
            structure(
                "Found block structures inside a paragraph/text element p at div/p: div",
                at(&s, "<p>")
            ),
            structure(
                "Found block structures inside a paragraph/text element span at div/p/span: div",
                at(&s, "<span>")
            ),
        ]
    );
}

// --- entities

#[test]
fn html_entity_is_an_error_but_not_fatal() {
    let s = div("<p>&nbsp;&copy;&reg;&reg; &amp;&lt;&gt;&quot;&apos;</p>");
    assert_eq!(
        check(&s),
        vec![
            err("Invalid entity in the XHTML ('&nbsp;')", at(&s, "&nbsp;")),
            err("Invalid entity in the XHTML ('&copy;')", at(&s, "&copy;")),
            err("Invalid entity in the XHTML ('&reg;')", at(&s, "&reg;")),
        ]
    );
}

#[test]
fn known_entities_decode_to_their_values() {
    assert_eq!(lookup_entity("eacute"), Some("\u{e9}"));
    assert_eq!(lookup_entity("Afr"), Some("\u{1d504}"));
    assert_eq!(lookup_entity("AMP"), None);
    // the table itself: entities::tests
    // &Tab; is a tab: no content
    let s = div("&Tab;");
    assert_eq!(
        check(&s),
        vec![
            err("Invalid entity in the XHTML ('&Tab;')", at(&s, "&Tab;")),
            txt2()
        ]
    );
}

#[test]
fn unknown_entity_is_fatal() {
    let s = div("<p>a &foo; b</p>");
    assert_eq!(
        check(&s),
        parse_failure(
            "unable to parse character reference 'foo'' (last text = '' at line 1 column 52",
            at(&s, "&foo")
        )
    );
}

#[test]
fn bare_ampersand_is_fatal() {
    let s = div("<p>x</p><p>AT&T rocks</p>");
    assert_eq!(
        check(&s),
        parse_failure(
            "unable to parse character reference 'T rocks'' (last text = 'x' at line 1 column 64",
            at(&s, "&T")
        )
    );
    let s = div("<p>a &; b</p>");
    assert_eq!(
        check(&s),
        parse_failure(
            "Invalid literal declaration following text: a ",
            at(&s, "&;")
        )
    );
}

#[test]
fn numeric_references() {
    let s = div("<p>&#169; &#xA9; &#X41; &#abc; &#x; &#99999999999;</p>");
    assert_eq!(check(&s), vec![]);
    let s = div("<p>&#1114112;</p>");
    assert_eq!(
        check(&s),
        parse_failure("Not a valid Unicode code point: 0x110000", at(&s, "&#"))
    );
    let s = div("<p>&#-1;</p>");
    assert_eq!(
        check(&s),
        parse_failure("Not a valid Unicode code point: 0xFFFFFFFF", at(&s, "&#"))
    );
    let s = div("<p>&#;</p>");
    assert_eq!(
        check(&s),
        parse_failure("Index 1 out of bounds for length 1", at(&s, "&#"))
    );
    // &#160; (NBSP) is content for txt-2 (Java's trim() keeps it)
    assert!(html_checks(&div("&#160;")));
}

#[test]
fn entity_in_attribute() {
    let s = div("<a href=\"x.html?a=1&amp;b=2\" title=\"&eacute;\">x</a>");
    assert_eq!(
        check(&s),
        vec![err(
            "Invalid entity in the XHTML ('&eacute;')",
            at(&s, "&eacute;")
        )]
    );
    let s = div("<a href=\"x.html?a=1&b=2\">x</a>");
    assert_eq!(
        check(&s),
        parse_failure(
            "unable to parse character reference 'b=2'' (last text = '' at line 1 column 66",
            at(&s, "&b")
        )
    );
}

// --- well-formedness

#[test]
fn mismatched_end_tag() {
    let s = div("<p>This is some narrative</pa>");
    let end = at(&s, "</pa>");
    assert_eq!(
        check(&s),
        parse_failure(
            &format!(
                "Malformed XHTML: Found \"</pa>\" expecting \"</p>\" at line 1 column {}",
                end + 5
            ),
            end
        )
    );
}

#[test]
fn open_elements_at_the_end_are_accepted() {
    // Java's parser simply stops
    assert_eq!(check(&format!("<div {NS}><p>text")), vec![]);
    assert_eq!(check(&format!("<div {NS}><p")), vec![txt2()]);
}

#[test]
fn lenient_attribute_syntax_is_accepted() {
    assert_eq!(check(&div("<p class=x title>y</p>")), vec![]);
    // a '>' ends even a quoted value; the rest is text
    assert_eq!(check(&div("<p title=\"a>b\">c</p>")), vec![]);
}

#[test]
fn attribute_syntax_errors() {
    let s = div("<p \"x\">y</p>");
    assert_eq!(
        check(&s),
        parse_failure(
            "Unable to read attribute on <p> at line 1 column 45",
            at(&s, "\"x\"")
        )
    );
    let s = div("<p title \"x\">y</p>");
    assert_eq!(
        check(&s),
        parse_failure(
            "Unable to read attribute 'title' value on <p> at line 1 column 51",
            at(&s, "\"x\"")
        )
    );
    let s = div("<br/ >");
    assert_eq!(
        check(&s),
        parse_failure(
            "unexpected non-end of element null::br  at line 1 column 46",
            at(&s, " >")
        )
    );
}

#[test]
fn unexpected_content() {
    let s = div("<p>a < b</p>");
    assert_eq!(
        check(&s),
        parse_failure(
            "Unable to Parse HTML - node 'p' has unexpected content ' ' (last text = 'a ' at line 1 column 48",
            at(&s, "< b")
        )
    );
}

#[test]
fn does_not_start_with_a_tag() {
    assert_eq!(
        check("hello"),
        parse_failure(
            "Unable to Parse HTML - does not start with tag. Found 'h'  at line 1 column 0",
            0
        )
    );
    assert_eq!(
        check(""),
        parse_failure(
            "Unable to Parse HTML - does not start with tag. Found '\u{FFFF}'  at line 1 column 0",
            0
        )
    );
    assert!(!html_checks(""));
}

#[test]
fn unterminated_comment_and_cdata() {
    let s = format!("<div {NS}><!-- x");
    assert_eq!(
        check(&s),
        parse_failure(
            "Unexpected termination of html source at line 1 column 48",
            s.len()
        )
    );
    let s = div("<![CDATA[abc");
    assert_eq!(
        check(&s),
        parse_failure("Stream ended before finding ']]>' terminator", s.len())
    );
}

#[test]
fn prolog_and_trailing_content() {
    let s =
        format!("\u{FEFF} <?xml version=\"1.0\"?><!-- c --><div {NS}>x</div><script>bad</script>");
    assert_eq!(check(&s), vec![]);
    // U+FFFF is Java's end of input
    assert_eq!(check(&format!("<div {NS}>x\u{FFFF}<script>")), vec![]);
}

#[test]
fn script_content_is_raw_text() {
    let s = div("<script>if (a < b && c) {}</script>");
    let o = at(&s, "<script>");
    assert_eq!(
        check(&s),
        vec![
            txt1(o),
            err("Invalid element name in the XHTML ('script')", o)
        ]
    );
}

// --- txt-2

#[test]
fn no_content() {
    for s in [
        div(""),
        format!("<div {NS}/>"),
        div("  \n\t "),
        div("<!-- comment -->"),
        div("<![CDATA[text]]>"),
        div("<p> </p>"),
    ] {
        assert_eq!(check(&s), vec![txt2()], "{s}");
        assert!(html_checks1(&s) && !html_checks2(&s) && !html_checks(&s));
    }
    assert_eq!(check(&div("<img src=\"x.png\" alt=\"x\"/>")), vec![]);
}

// --- URLs

#[test]
fn invalid_urls() {
    let s =
        div("<a href=\"a b\">x</a><a href=\"\">y</a><a href=\"javascript:alert(1)\">z</a><a>w</a>");
    assert_eq!(
        check(&s),
        vec![
            err(
                "The URL is not valid because '(URL contains an invalid character (' '))': a b",
                at(&s, "<a href=\"a b")
            ),
            err(
                "The URL is not valid because '(The URL is empty)': ",
                at(&s, "<a href=\"\"")
            ),
        ]
    );
    let s = div("<a href=\"a{b}\">x</a>");
    assert_eq!(
        check(&s),
        vec![err(
            "The URL is not valid because '(URL contains 2 invalid characters ('{','}'))': a{b}",
            at(&s, "<a")
        )]
    );
}

#[test]
fn data_urls() {
    let ok = div("<img src=\"data:image/png;base64,iVBORw0KGgo=\"/><img src=\"data:,hello\"/>");
    assert_eq!(check(&ok), vec![]);
    let s = div(
        "<img src=\"data:image/png;base64,abc\"/><img src=\"data:image/png\"/><img src=\"data:a/b,c,d\"/><img src=\"data:foo,bar\"/>",
    );
    let imgs: Vec<usize> = s.match_indices("<img").map(|(k, _)| k).collect();
    assert_eq!(
        check(&s),
        vec![
            err(
                "The URL is not valid because '(The data: URL 'data:image/png;base64,abc' does not have valid base64 data)': data:image/png;base64,abc",
                imgs[0]
            ),
            err(
                "The URL is not valid because '(The data: URL 'data:image/png' has no data)': data:image/png",
                imgs[1]
            ),
            err(
                "The URL is not valid because '(The data: URL 'data:a/b,c,d' has more than one comma)': data:a/b,c,d",
                imgs[2]
            ),
            err(
                "The URL is not valid because '(The data: URL 'data:foo,bar' has an invalid mime type: Mime type invalid)': data:foo,bar",
                imgs[3]
            ),
        ]
    );
}

// --- structure rules (2025-06-16)

#[test]
fn table_structure() {
    let s = div("<table><td>x</td></table>");
    let expected = vec![
        structure(
            "Elements of type table at div/table cannot have the following children: td",
            at(&s, "<table>"),
        ),
        structure(
            "Elements of type td must be in a tr|thead|tfoot, not a table at div/table/td",
            at(&s, "<td>"),
        ),
    ];
    assert_eq!(check(&s), expected);
    let off = XhtmlOptions {
        structure_checks: false,
        ..XhtmlOptions::default()
    };
    assert_eq!(check_div(&s, &off), vec![]);
}

#[test]
fn list_and_inline_structure() {
    let s = div("<ul>text<li>a</li></ul><b><b>x</b></b><br>x</br><li>y</li>");
    assert_eq!(
        check(&s),
        vec![
            structure(
                "Elements of type ul at div/ul cannot have the following children: @text",
                at(&s, "<ul>")
            ),
            structure(
                "Elements of type b cannot contain other elements of type b (at div/b)",
                at(&s, "<b>")
            ),
            structure(
                "Elements of type br cannot have children (at div/br)",
                at(&s, "<br>")
            ),
            structure(
                "Elements of type li must be in a ul|ol, not a div at div/li",
                at(&s, "<li>y")
            ),
        ]
    );
}

// --- warnings

#[test]
fn mixed_languages() {
    let s = div("text<div xml:lang=\"en\">Hello</div>");
    assert_eq!(
        check(&s),
        vec![issue(
            Severity::Warning,
            "business-rule",
            "The narrative has language sections (xml:lang = en) and also content that is not in any language section",
            None,
            0
        )]
    );
    assert_eq!(
        check(&div(
            "<div xml:lang=\"en\">Hello</div><div xml:lang=\"fr\">Bonjour</div>"
        )),
        vec![]
    );
}

#[test]
fn duplicate_ids() {
    let s = div("<p id=\"a\">x</p><p id=\"a\">y</p><a name=\"n\" id=\"n\">z</a>");
    let second = s.match_indices("<p id").nth(1).map(|(k, _)| k).unwrap();
    assert_eq!(
        check(&s),
        vec![issue(
            Severity::Warning,
            "business-rule",
            "Duplicate ids found in the XHTML: a (2x)",
            None,
            second
        )]
    );
}

// --- robustness

#[test]
fn never_panics_on_noise() {
    let alphabet: Vec<char> = "<>/!?-[]&#;x:=\"' abcdivp\u{FFFF}\u{FEFF}é𝐀\0\r\n"
        .chars()
        .collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..3000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (seed >> 33) as usize % 60;
        let mut s = String::from(if seed & 1 == 0 {
            "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
        } else {
            ""
        });
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
        }
        let issues = check(&s);
        for i in &issues {
            assert!(i.offset <= s.len());
        }
        let _ = anchors(&s);
        let _ = html_checks(&s);
    }
}

fn timed<F: FnOnce()>(f: F) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

#[test]
fn ten_megabyte_div_is_linear() {
    let para = "<p>Some <b>bold</b> text &amp; more <a href=\"#x\">link</a></p>";
    let mut s = format!("<div {NS}>");
    while s.len() < 10_000_000 {
        s.push_str(para);
    }
    s.push_str("</div>");
    let d = timed(|| {
        let issues = check(&s);
        assert!(issues.is_empty());
    });
    assert!(d < Duration::from_secs(30), "{d:?}");
}

#[test]
fn deep_nesting_is_iterative() {
    let n = 100_000;
    let s = format!(
        "<div {NS}>{}x{}</div>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let d = timed(|| assert!(check(&s).is_empty()));
    assert!(d < Duration::from_secs(20), "{d:?}");
    // nested inline elements: one recursion error per level, paths stay short
    let s = format!("<div {NS}>{}x{}</div>", "<b>".repeat(n), "</b>".repeat(n));
    let d = timed(|| {
        let issues = check(&s);
        assert_eq!(issues.len(), MAX_ISSUES + 1);
        assert!(issues[0].message.contains("div/b (") || issues[0].message.contains("(at div/b)"));
        assert!(issues[MAX_ISSUES - 1].message.len() < 200);
    });
    assert!(d < Duration::from_secs(20), "{d:?}");
    // unclosed nesting and nested links
    let s = format!("<div {NS}>{}", "<a href=\"#q\">".repeat(n));
    let d = timed(|| {
        let a = anchors(&s);
        assert_eq!(a.links.len(), n);
    });
    assert!(d < Duration::from_secs(20), "{d:?}");
}

#[test]
fn adversarial_shapes_are_linear() {
    // many attributes on one element
    let attrs: String = (0..100_000).map(|k| format!(" a{k}=\"v\"")).collect();
    let s = div(&format!("<p{attrs}>x</p>"));
    let d = timed(|| {
        let issues = check(&s);
        assert_eq!(issues.len(), MAX_ISSUES + 1);
    });
    assert!(d < Duration::from_secs(20), "{d:?}");
    // a long namespace reused by many prefixed children
    let long_ns = "u".repeat(1_000_000);
    let s = format!(
        "<div {NS} xmlns:p=\"{long_ns}\">{}</div>",
        "<p:span>x</p:span>".repeat(100_000)
    );
    let d = timed(|| {
        let issues = check(&s);
        assert_eq!(issues.len(), 1);
    });
    assert!(d < Duration::from_secs(20), "{d:?}");
    // many entities, long text, long comments
    let s = div(&format!(
        "{}{}<!--{}-->",
        "&amp;".repeat(500_000),
        "x".repeat(2_000_000),
        "-".repeat(1_000_000)
    ));
    let d = timed(|| assert!(check(&s).is_empty()));
    assert!(d < Duration::from_secs(20), "{d:?}");
}
