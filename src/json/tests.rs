//! The parser's positions, limits and leniencies.

use super::*;

fn p(s: &str) -> Node<'_> {
    parse(s, &Limits::default()).unwrap()
}

#[test]
fn swar_tests_match_bytewise_tests() {
    let words: [[u8; 8]; 6] = [
        *b"abcdefgh",
        *b"abc\ndefg",
        *b"\x1fbcdefgh",
        *b"abcdefg<",
        [b'a', 0x80, b'b', b'c', b'd', b'e', b'f', b'g'],
        [0x20, 0x7f, 0xff, 0, b'<', b'\n', 0x1f, 0x21],
    ];
    for word in words {
        let w = u64::from_le_bytes(word);
        for b in [b'\n', b'<', 0, 0xff] {
            assert_eq!(swar::has_byte(w, b), word.contains(&b), "{word:?} {b}");
        }
        assert_eq!(swar::has_below(w, 0x20), word.iter().any(|&b| b < 0x20));
        assert_eq!(swar::has_high(w), word.iter().any(|&b| b >= 0x80));
    }
    // every byte outside the quiet words is seen, with its index
    let text = b"0123456789\nabcdefghijklmnopqrstuvw\nxyz";
    let mut seen = Vec::new();
    swar::for_each_candidate(
        text,
        |w| !swar::has_byte(w, b'\n'),
        |i, b| {
            if b == b'\n' {
                seen.push(i);
            }
        },
    );
    assert_eq!(seen, vec![10, 34]);
}

fn err(s: &str) -> ParseError {
    parse(s, &Limits::default()).unwrap_err()
}

fn e(msg: &str, offset: u32) -> ParseError {
    ParseError {
        message: msg.to_string(),
        offset,
    }
}

#[test]
fn scalars_and_kinds() {
    assert!(matches!(p("null").value, Value::Null));
    assert!(matches!(p(" true ").value, Value::Bool(true)));
    assert!(matches!(p("false").value, Value::Bool(false)));
    assert_eq!(p("\"x\"").value.as_str(), Some("x"));
    let kinds: Vec<_> = ["null", "true", "1", "\"s\"", "[]", "{}"]
        .iter()
        .map(|s| p(s).value.kind_name())
        .collect();
    assert_eq!(
        kinds,
        ["null", "boolean", "number", "string", "array", "object"]
    );
    assert_eq!(p("[]").value.as_array().unwrap().len(), 0);
    assert_eq!(p("{}").value.as_object().unwrap().len(), 0);
    assert!(p("1").value.as_str().is_none());
    assert!(p("1").get("a").is_none());
}

#[test]
fn positions_of_nested_values_and_keys() {
    let src = "{\"a\": [1, {\"b\" : \"x\"}], \"c\":null}";
    let root = p(src);
    assert_eq!(root.offset, 0);
    let m = root.value.as_object().unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].key.as_ref(), m[0].key_offset), ("a", 1));
    assert_eq!(m[0].value.offset, 6);
    let arr = m[0].value.value.as_array().unwrap();
    assert_eq!(arr[0].offset, 7);
    assert_eq!(arr[1].offset, 10);
    let inner = arr[1].value.as_object().unwrap();
    assert_eq!((inner[0].key.as_ref(), inner[0].key_offset), ("b", 11));
    assert_eq!(inner[0].value.offset, 17);
    assert_eq!((m[1].key.as_ref(), m[1].key_offset), ("c", 24));
    assert_eq!(m[1].value.offset, 28);
    assert!(matches!(root.get("c").unwrap().value, Value::Null));
    assert_eq!(
        root.get("a").unwrap().value.as_array().unwrap()[1]
            .get("b")
            .unwrap()
            .value
            .as_str(),
        Some("x")
    );
}

#[test]
fn line_col_basic_crlf_multibyte() {
    let src = "{\r\n  \"ä€\": \"😀\",\r\n\"k\": 1\n}";
    let root = p(src);
    let m = root.value.as_object().unwrap();
    assert_eq!(line_col(src, m[0].key_offset), (2, 3));
    // "ä€" is 5 bytes but 2 characters: value at column 3+4+2 = 9.
    assert_eq!(line_col(src, m[0].value.offset), (2, 9));
    assert_eq!(line_col(src, m[1].key_offset), (3, 1));
    assert_eq!(line_col(src, m[1].value.offset), (3, 6));
    assert_eq!(line_col(src, 0), (1, 1));
    // '\r' of the first line break is the 2nd char of line 1.
    assert_eq!(line_col(src, 1), (1, 2));
    // Final '}' and the clamped end of input.
    let last = src.len() as u32 - 1;
    assert_eq!(line_col(src, last), (4, 1));
    assert_eq!(line_col(src, u32::MAX), (4, 2));
    // An error position on a later line.
    let bad = "[1,\n 2,\n ]";
    let er = err(bad);
    assert_eq!(line_col(bad, er.offset), (2, 3));
}

#[test]
fn line_col_with_bom() {
    let src = "\u{FEFF}{\"a\":\n1}";
    let root = parse_bytes(src.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(root.offset, 3);
    assert_eq!(line_col(src, root.offset), (1, 1));
    assert_eq!(line_col(src, root.get("a").unwrap().offset), (2, 1));
    assert_eq!(line_col(src, 1), (1, 1));
}

/// Line and column the slow way: count the characters before `offset`.
fn naive_line_col(src: &str, offset: u32) -> (u32, u32) {
    let bom = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
    let off = (offset as usize).min(src.len());
    if off < bom {
        return (1, 1);
    }
    let before = &src.as_bytes()[bom..off];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = 1 + before[start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count();
    (line as u32, col as u32)
}

#[test]
fn line_cols_of_many_offsets_in_any_order() {
    let texts = [
        "{\r\n  \"ä€\": \"😀\",\r\n\"k\": 1\n}",
        "\u{FEFF}[\n\n  \"x\",\"é\"\n,1]",
        "no newline at all, ünïcode only",
        "\n\n\n",
        "",
    ];
    for src in texts {
        // every offset (on char boundaries or not), past the end, shuffled and repeated
        let n = src.len() as u32;
        let mut offsets: Vec<u32> = (0..n + 2)
            .rev()
            .chain([u32::MAX, 0, n / 2, n / 2])
            .collect();
        offsets.swap(0, (n / 3) as usize);
        let got = line_cols(src, &offsets);
        assert_eq!(got.len(), offsets.len());
        for (&o, &lc) in offsets.iter().zip(&got) {
            assert_eq!(lc, naive_line_col(src, o), "{src:?} at {o}");
            assert_eq!(line_col(src, o), lc, "{src:?} at {o}");
        }
    }
    assert!(line_cols("{}", &[]).is_empty());
}

#[test]
fn strings_and_escapes() {
    let root = p(r#"["plain", "a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20AC", "x\ud83d\ude00y", "ünï"]"#);
    let a = root.value.as_array().unwrap();
    assert!(matches!(&a[0].value, Value::String(Cow::Borrowed("plain"))));
    assert_eq!(a[1].value.as_str(), Some("a\"b\\c/d\u{8}\u{c}\n\r\t"));
    assert!(matches!(&a[1].value, Value::String(Cow::Owned(_))));
    assert_eq!(a[2].value.as_str(), Some("é€"));
    assert_eq!(a[3].value.as_str(), Some("x😀y"));
    assert!(matches!(&a[4].value, Value::String(Cow::Borrowed("ünï"))));
    // Long strings exercise the 8-byte scanner on both paths.
    let long = format!("\"{}\\n{}\"", "a".repeat(37), "é".repeat(20));
    assert_eq!(
        p(&long).value.as_str().unwrap(),
        format!("{}\n{}", "a".repeat(37), "é".repeat(20))
    );
    // Escaped keys.
    let root = p(r#"{"k\u0041": 1}"#);
    assert_eq!(root.value.as_object().unwrap()[0].key, "kA");
    assert_eq!(p("\"\u{7f}\"").value.as_str(), Some("\u{7f}"));
}

#[test]
fn lone_surrogates_are_found_again_in_the_source() {
    let text = r#"{"a": "x\ud800y\ud83d\ude00\\ud800\udc00z", "b": "\u00e9"}"#;
    let open = text.find(": \"").unwrap() as u32 + 2;
    assert_eq!(lone_surrogates(text, open), ["\\ud800", "\\udc00"]);
    let b = text.rfind('"').unwrap() - 7;
    assert_eq!(lone_surrogates(text, b as u32), Vec::<&str>::new());
    // not at a string: nothing
    assert_eq!(lone_surrogates(text, 0), Vec::<&str>::new());
    assert_eq!(lone_surrogates(r#""\ud800"#, 0), ["\\ud800"]);
}

#[test]
fn lone_surrogates_become_replacement_char() {
    let cases = [
        (r#""\ud800""#, "\u{FFFD}"),
        (r#""\udc00x""#, "\u{FFFD}x"),
        (r#""\ud800\u0041""#, "\u{FFFD}A"),
        (r#""\ud800\ud800\udc00""#, "\u{FFFD}\u{10000}"),
        (r#""a\uDBFF""#, "a\u{FFFD}"),
        (r#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src).value.as_str(), Some(want), "{src}");
    }
    assert_eq!(
        err(r#""\ud800\u12""#),
        e("invalid \\u escape: expected 4 hex digits", 7)
    );
}

#[test]
fn string_errors() {
    assert_eq!(
        err("[\"ab\ncd\"]"),
        e("unescaped control character U+000A in string", 4)
    );
    assert_eq!(
        err("\"a\tb\""),
        e("unescaped control character U+0009 in string", 2)
    );
    assert_eq!(err(r#"["a\x"]"#), e("invalid escape sequence '\\x'", 3));
    assert_eq!(
        err(r#""\u12G4""#),
        e("invalid \\u escape: expected 4 hex digits", 1)
    );
    assert_eq!(err("[\"abc"), e("unterminated string: missing '\"'", 1));
    assert_eq!(err("\"abc\\"), e("unterminated string: missing '\"'", 0));
    assert_eq!(
        err("\"a\\n\u{1}\""),
        e("unescaped control character U+0001 in string", 4)
    );
}

#[test]
fn syntax_errors_with_offsets() {
    let cases: &[(&str, &str, u32)] = &[
        ("[1,2,]", "trailing comma before ']' is not allowed", 4),
        (
            "{\"a\":1 , }",
            "trailing comma before '}' is not allowed",
            7,
        ),
        ("[1, // c\n2]", "comments are not allowed in JSON", 4),
        ("{/* c */}", "comments are not allowed in JSON", 1),
        ("[1 /* c */]", "comments are not allowed in JSON", 3),
        ("{\"a\" /* c */: 1}", "comments are not allowed in JSON", 5),
        ("1 // c", "comments are not allowed in JSON", 2),
        (
            "{a: 1}",
            "unquoted object key 'a'; keys must be double-quoted strings",
            1,
        ),
        (
            "{'a': 1}",
            "single quotes are not allowed; strings must use double quotes",
            1,
        ),
        (
            "['a']",
            "single quotes are not allowed; strings must use double quotes",
            1,
        ),
        ("[01]", "invalid number: leading zeros are not allowed", 1),
        ("-00", "invalid number: leading zeros are not allowed", 0),
        ("[NaN]", "NaN and Infinity are not valid JSON numbers", 1),
        ("Infinity", "NaN and Infinity are not valid JSON numbers", 0),
        (
            "-Infinity",
            "NaN and Infinity are not valid JSON numbers",
            0,
        ),
        ("[-]", "invalid number: expected a digit after '-'", 2),
        (
            "1.",
            "invalid number: expected a digit after the decimal point",
            2,
        ),
        (
            "1.e5",
            "invalid number: expected a digit after the decimal point",
            2,
        ),
        ("1e+", "invalid number: expected a digit in the exponent", 3),
        (
            ".5",
            "invalid number: expected a digit before the decimal point",
            0,
        ),
        ("+1", "invalid number: a leading '+' is not allowed", 0),
        ("[1,2", "unterminated array: missing ']'", 0),
        ("{\"a\":[1,", "unterminated array: missing ']'", 5),
        ("{\"a\":1", "unterminated object: missing '}'", 0),
        ("{\"a\":", "unterminated object: missing '}'", 0),
        ("{\"a\"", "unterminated object: missing '}'", 0),
        ("[{", "unterminated object: missing '}'", 1),
        (
            "{} x",
            "unexpected 'x' after the JSON value (trailing content)",
            3,
        ),
        (
            "[1] [2]",
            "unexpected '[' after the JSON value (trailing content)",
            4,
        ),
        (
            "[1 2]",
            "expected ',' or ']' after array element but found '2'",
            3,
        ),
        (
            "{\"a\":1 \"b\":2}",
            "expected ',' or '}' after object member but found '\"'",
            7,
        ),
        (
            "{\"a\" 1}",
            "expected ':' after object key but found '1'",
            5,
        ),
        (
            "{1:2}",
            "expected a double-quoted object key but found '1'",
            1,
        ),
        ("[,1]", "expected a JSON value but found ','", 1),
        ("{\"a\":}", "expected a JSON value but found '}'", 5),
        (
            "[True]",
            "invalid literal 'True'; JSON literals are lowercase true, false and null",
            1,
        ),
        (
            "[tru]",
            "unexpected token 'tru'; expected a JSON value (strings must be double-quoted)",
            1,
        ),
        (
            "nulls",
            "unexpected token 'nulls'; expected a JSON value (strings must be double-quoted)",
            0,
        ),
        (
            "\u{FEFF}\u{FEFF}1",
            "expected a JSON value but found '\u{FEFF}'",
            3,
        ),
        (
            "[\u{1}]",
            "expected a JSON value but found character U+0001",
            1,
        ),
    ];
    for &(src, msg, off) in cases {
        assert_eq!(err(src), e(msg, off), "input: {src:?}");
    }
}

#[test]
fn numbers_kept_as_text() {
    let src =
        "[0, -0, 1.50, 123456789012345678901234567890, -1.0e-10, 2E+3, 0.1000000000000000000001]";
    let root = p(src);
    let nums: Vec<&str> = root
        .value
        .as_array()
        .unwrap()
        .iter()
        .map(|n| match n.value {
            Value::Number(t) => t,
            _ => panic!("not a number"),
        })
        .collect();
    assert_eq!(
        nums,
        [
            "0",
            "-0",
            "1.50",
            "123456789012345678901234567890",
            "-1.0e-10",
            "2E+3",
            "0.1000000000000000000001"
        ]
    );
}

#[test]
fn duplicate_keys_kept_in_order() {
    let root = p(r#"{"a":1,"b":2,"a":3}"#);
    let m = root.value.as_object().unwrap();
    let keys: Vec<_> = m.iter().map(|m| m.key.as_ref()).collect();
    assert_eq!(keys, ["a", "b", "a"]);
    assert_eq!(m[2].key_offset, 13);
    // get() returns the first.
    assert!(matches!(root.get("a").unwrap().value, Value::Number("1")));
}

#[test]
fn depth_limit() {
    let deep = "[".repeat(100_000);
    let t = std::time::Instant::now();
    assert_eq!(err(&deep), e("nesting depth exceeds 256", 256));
    assert!(t.elapsed().as_secs() < 1);
    // Exactly max_depth levels is fine; one more is not.
    let ok = format!("{}{}", "[".repeat(256), "]".repeat(256));
    assert!(parse(&ok, &Limits::default()).is_ok());
    let objs = format!("{}1{}", "{\"a\":".repeat(257), "}".repeat(257));
    assert_eq!(err(&objs), e("nesting depth exceeds 256", 5 * 256));
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    assert!(parse("[[1]]", &limits).is_ok());
    assert_eq!(
        parse("[[[1]]]", &limits).unwrap_err(),
        e("nesting depth exceeds 2", 2)
    );
    let zero = Limits {
        max_depth: 0,
        ..Limits::default()
    };
    assert!(parse("1", &zero).is_ok());
    assert_eq!(
        parse("{}", &zero).unwrap_err(),
        e("nesting depth exceeds 0", 0)
    );
    // A huge, well-formed document with a big depth limit must not overflow
    // the stack: the parser is iterative.
    let n = 200_000;
    let big = format!("{}{}", "[".repeat(n), "]".repeat(n));
    let unlimited = Limits {
        max_depth: usize::MAX,
        ..Limits::default()
    };
    let node = parse(&big, &unlimited).unwrap();
    // Dropping a deeply nested tree is recursive in std; leak it instead
    // so the test itself cannot overflow (integrators: keep max_depth sane).
    std::mem::forget(node);
}

#[test]
fn size_and_string_limits() {
    let limits = Limits {
        max_size: 10,
        max_string: 3,
        ..Limits::default()
    };
    assert_eq!(
        parse_bytes(b"[1,2,3,4,5,6]", &limits).unwrap_err(),
        e("input size 13 bytes exceeds limit of 10 bytes", 0)
    );
    assert_eq!(
        parse("[1,2,3,4,5,6]", &limits).unwrap_err(),
        e("input size 13 bytes exceeds limit of 10 bytes", 0)
    );
    assert!(parse(r#"["abc"]"#, &limits).is_ok());
    assert_eq!(
        parse(r#"["abcd"]"#, &limits).unwrap_err(),
        e("string exceeds limit of 3 bytes", 1)
    );
    assert_eq!(
        parse(r#"{"abcd":1}"#, &limits).unwrap_err(),
        e("string exceeds limit of 3 bytes", 1)
    );
    assert_eq!(
        parse(r#"["ab\n"]"#, &limits).unwrap_err(),
        e("string exceeds limit of 3 bytes", 1)
    );
}

#[test]
fn bytes_entry_point() {
    let l = Limits::default();
    // BOM stripped, offsets still relative to the given bytes.
    let root = parse_bytes(b"\xEF\xBB\xBF {\"a\":1}", &l).unwrap();
    assert_eq!(root.offset, 4);
    assert_eq!(root.get("a").unwrap().offset, 9);
    assert_eq!(
        parse_bytes(b"[\"ok\", \"\xFF\"]", &l).unwrap_err(),
        e("invalid UTF-8: unexpected byte 0xFF", 8)
    );
    assert_eq!(
        parse_bytes(b"\"\xC3(\"", &l).unwrap_err(),
        e("invalid UTF-8: unexpected byte 0xC3", 1)
    );
    assert_eq!(
        parse_bytes(b"\"ab\xE2\x82", &l).unwrap_err(),
        e(
            "invalid UTF-8: truncated multi-byte sequence at end of input",
            3
        )
    );
    for empty in [&b""[..], b"   \n\t\r\n", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF  "] {
        assert_eq!(parse_bytes(empty, &l).unwrap_err(), e("empty input", 0));
    }
    assert_eq!(err(""), e("empty input", 0));
}

#[test]
fn never_panics_on_truncations_and_mutations() {
    let src = r#"{"a": [1, -2.5e+3, "x\u00e9\ud83d\ude00", true, false, null, {"b": {}}], "c": "\ud800"}"#;
    assert!(parse(src, &Limits::default()).is_ok());
    let bytes = src.as_bytes();
    for end in 0..bytes.len() {
        let _ = parse_bytes(&bytes[..end], &Limits::default());
        for start in 0..end.min(8) {
            let _ = parse_bytes(&bytes[start..end], &Limits::default());
        }
    }
    for i in 0..bytes.len() {
        for b in [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'u', 0, 0xFF, b'/',
        ] {
            let mut m = bytes.to_vec();
            m[i] = b;
            let _ = parse_bytes(&m, &Limits::default());
        }
    }
}

#[test]
fn corpus_bundle_counts() {
    let Ok(data) = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/pdex_bundle_patient_999.json"
    )) else {
        eprintln!("corpus file not available; skipping");
        return;
    };
    let root = parse_bytes(&data, &Limits::default()).unwrap();
    assert_eq!(
        root.get("resourceType").unwrap().value.as_str(),
        Some("Bundle")
    );
    let entries = root.get("entry").unwrap().value.as_array().unwrap();
    assert_eq!(entries.len(), 27);
    assert_eq!(
        entries[0]
            .get("resource")
            .unwrap()
            .get("resourceType")
            .unwrap()
            .value
            .as_str(),
        Some("Patient")
    );
    // Totals computed with Python's json module.
    #[derive(Default, Debug, PartialEq)]
    struct C {
        nodes: usize,
        objects: usize,
        arrays: usize,
        strings: usize,
        numbers: usize,
        members: usize,
    }
    fn walk(n: &Node<'_>, c: &mut C) {
        c.nodes += 1;
        match &n.value {
            Value::Object(m) => {
                c.objects += 1;
                c.members += m.len();
                m.iter().for_each(|m| walk(&m.value, c));
            }
            Value::Array(a) => {
                c.arrays += 1;
                a.iter().for_each(|v| walk(v, c));
            }
            Value::String(_) => c.strings += 1,
            Value::Number(_) => c.numbers += 1,
            _ => {}
        }
    }
    let mut c = C::default();
    walk(&root, &mut c);
    assert_eq!(
        c,
        C {
            nodes: 1016,
            objects: 325,
            arrays: 139,
            strings: 534,
            numbers: 12,
            members: 835
        }
    );
    // Every key offset points at its opening quote.
    fn keys(n: &Node<'_>, data: &[u8]) {
        if let Some(m) = n.value.as_object() {
            for m in m {
                assert_eq!(data[m.key_offset as usize], b'"');
                keys(&m.value, data);
            }
        }
        if let Some(a) = n.value.as_array() {
            a.iter().for_each(|v| keys(v, data));
        }
    }
    keys(&root, &data);
}

/// `cargo test --release -- --ignored --nocapture speed`
#[test]
#[ignore]
fn speed() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/uscore_bundle_patient_355.json"
    );
    let data = std::fs::read(path).unwrap();
    let n = 50;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let root = parse_bytes(std::hint::black_box(&data), &Limits::default()).unwrap();
        std::hint::black_box(&root);
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = (data.len() * n) as f64 / 1e6;
    println!("{:.0} MB/s", mb / secs);
}

#[test]
fn comments_are_white_space_when_allowed() {
    let limits = Limits {
        allow_comments: true,
        ..Limits::default()
    };
    let v = parse("// head\n{\"a\" /* c */ : [1, // x\n 2]}", &limits).unwrap();
    let a = v.get("a").unwrap();
    assert_eq!(a.value.as_array().map(<[Node<'_>]>::len), Some(2));
    // an unterminated block comment or a lone '/' is still an error, and says so
    assert_eq!(
        parse("{\"a\": 1 /* c }", &limits).unwrap_err(),
        e("unterminated comment: missing '*/'", 8)
    );
    assert_eq!(
        parse("[1, / 2]", &limits).unwrap_err(),
        e("unexpected '/': a comment starts with '//' or '/*'", 4)
    );
}
