//! Unit tests for the tricky semantics (the full conformance suite lives in
//! `tests/integration/fhirpath_suite.rs`).

use super::*;
use crate::json::{self, Node};

/// A tiny hand-written model: enough types for the tests below and for those of the native
/// invariant forms (`validate/invariant.rs`).
pub(crate) struct TestModel;

const TABLE: &[(&str, &str, &str, &str)] = &[
    // parent, key, type, name
    ("Patient", "id", "id", "id"),
    ("Patient", "birthDate", "date", "birthDate"),
    ("Patient", "name", "HumanName", "name"),
    ("Patient", "active", "boolean", "active"),
    ("Patient", "extension", "Extension", "extension"),
    ("Patient", "contained", "Resource", "contained"),
    (
        "Patient",
        "managingOrganization",
        "Reference",
        "managingOrganization",
    ),
    ("Patient", "deceasedBoolean", "boolean", "deceased"),
    ("Patient", "deceasedDateTime", "dateTime", "deceased"),
    ("HumanName", "given", "string", "given"),
    ("HumanName", "family", "string", "family"),
    ("HumanName", "period", "Period", "period"),
    ("HumanName", "extension", "Extension", "extension"),
    ("Period", "start", "dateTime", "start"),
    ("Period", "end", "dateTime", "end"),
    ("Observation", "valueQuantity", "Quantity", "value"),
    ("Observation", "valueString", "string", "value"),
    ("Observation", "effectiveDateTime", "dateTime", "effective"),
    ("Quantity", "value", "decimal", "value"),
    ("Quantity", "unit", "string", "unit"),
    ("Quantity", "system", "uri", "system"),
    ("Quantity", "code", "code", "code"),
    ("Extension", "url", "uri", "url"),
    ("Extension", "valueString", "string", "value"),
    ("Extension", "valueDateTime", "dateTime", "value"),
    ("date", "extension", "Extension", "extension"),
    ("string", "extension", "Extension", "extension"),
    ("Reference", "reference", "string", "reference"),
    ("Binding", "valueSet", "canonical", "valueSet"),
    // navigated by the invariants whose native forms validate/invariant.rs tests
    ("Period", "id", "string", "id"),
    ("Period", "extension", "Extension", "extension"),
    ("Reference", "display", "string", "display"),
    ("Extension", "extension", "Extension", "extension"),
    ("Extension", "valueQuantity", "Quantity", "value"),
    ("Patient", "text", "Narrative", "text"),
    ("Narrative", "status", "code", "status"),
    ("Narrative", "div", "xhtml", "div"),
    ("Organization", "id", "id", "id"),
    ("Organization", "name", "string", "name"),
    ("HumanName", "id", "string", "id"),
];

const BASES: &[(&str, &str)] = &[
    ("Patient", "DomainResource"),
    ("Organization", "DomainResource"),
    ("Observation", "DomainResource"),
    ("DomainResource", "Resource"),
    ("Age", "Quantity"),
    ("code", "string"),
    ("id", "string"),
];

impl Model for TestModel {
    fn child_type(&self, parent: &str, key: &str) -> Option<ChildType<'_>> {
        TABLE
            .iter()
            .find(|(p, k, _, _)| *p == parent && *k == key)
            .map(|(_, _, t, n)| ChildType {
                type_name: t,
                name: n,
            })
    }
    fn is_type(&self, ty: &str, base: &str) -> bool {
        let mut t = ty;
        loop {
            if t == base {
                return true;
            }
            match BASES.iter().find(|(c, _)| *c == t) {
                Some((_, b)) => t = b,
                None => return false,
            }
        }
    }
    fn resolve<'a>(&self, _reference: &str, _ctx: &ResolveContext<'a>) -> Option<&'a Node<'a>> {
        None
    }
    fn member_of(&self, item: &Node<'_>, _item_type: &str, value_set: &str) -> Option<bool> {
        if value_set == "http://example.org/vs" {
            Some(item.get("code").and_then(|c| c.value.as_str()) == Some("a"))
        } else {
            None
        }
    }
    fn conforms_to(&self, _node: &Node<'_>, node_type: &str, profile: &str) -> Option<bool> {
        profile
            .strip_prefix("http://hl7.org/fhir/StructureDefinition/")
            .map(|p| p == node_type)
    }
    fn html_checks(&self, div: &str) -> bool {
        !div.contains("<script")
    }
}

const PATIENT: &str = r##"{
  "resourceType": "Patient",
  "id": "p1",
  "contained": [{"resourceType": "Organization", "id": "org1", "name": "Acme"}],
  "managingOrganization": {"reference": "#org1"},
  "active": true,
  "deceasedBoolean": false,
  "birthDate": "1974-12",
  "_birthDate": {"extension": [{"url": "http://example.org/bt", "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
  "name": [
    {"family": "Chalmers", "given": ["Peter", null, "James"], "_given": [null, {"extension": [{"url": "http://example.org/x", "valueString": "y"}]}, null]},
    {"given": ["Jim"], "period": {"start": "2001-01-01", "end": "2000-12-31T10:00:00Z"}}
  ]
}"##;

const OBSERVATION: &str = r#"{
  "resourceType": "Observation",
  "valueQuantity": {"value": 185, "unit": "lbs", "system": "http://unitsofmeasure.org", "code": "[lb_av]"},
  "effectiveDateTime": "2016-03-28T10:00:00+01:00"
}"#;

fn with_doc<R>(doc: &str, f: impl FnOnce(&Node<'_>) -> R) -> R {
    let arena = json::Arena::new();
    let node = json::parse(doc, &arena, &json::Limits::default()).unwrap();
    f(&node)
}

fn run_on(doc: &str, expr: &str) -> Result<Vec<String>, EvalError> {
    with_doc(doc, |node| {
        let rt = node
            .get("resourceType")
            .and_then(|r| r.value.as_str())
            .unwrap_or("");
        let mut env = Env::new(node, rt);
        env.today = Some((2024, 5, 1));
        let e = parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        evaluate(&e, &env, &TestModel).map(|v| v.iter().map(|i| i.display()).collect())
    })
}

fn run(expr: &str) -> Vec<String> {
    run_on(PATIENT, expr).unwrap_or_else(|e| panic!("{expr}: {e}"))
}

fn check(expr: &str, want: &[&str]) {
    assert_eq!(run(expr), want, "{expr}");
}

fn invariant(doc: &str, expr: &str) -> Result<bool, EvalError> {
    with_doc(doc, |node| {
        let rt = node
            .get("resourceType")
            .and_then(|r| r.value.as_str())
            .unwrap_or("");
        let env = Env::new(node, rt);
        evaluate_invariant(&parse(expr).unwrap(), &env, &TestModel)
    })
}

#[test]
fn empty_propagation() {
    check("{} = 1", &[]);
    check("1 = {}", &[]);
    check("{} != {}", &[]);
    check("{} + 1", &[]);
    check("{}.count()", &["0"]);
    check("{}.empty()", &["true"]);
    check("{}.not()", &[]);
    check("{} ~ {}", &["true"]);
    check("1 ~ {}", &["false"]);
    check("{}.substring(1)", &[]);
    check("'abc'.substring({})", &[]);
    check("'a' & {}", &["a"]);
    check("1 in {}", &["false"]);
    check("{} in (1 | 2)", &[]);
    check("nosuchthing.given", &[]);
    assert!(run_on(PATIENT, "(1 | 2) + 1").is_err());
    assert!(run_on(PATIENT, "name.given.single()").is_err());
}

#[test]
fn three_valued_logic() {
    let t = [("true", Some(true)), ("false", Some(false)), ("{}", None)];
    for (a, av) in t {
        for (b, bv) in t {
            let and = match (av, bv) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            let or = match (av, bv) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            let xor = match (av, bv) {
                (Some(x), Some(y)) => Some(x != y),
                _ => None,
            };
            let implies = match (av, bv) {
                (Some(false), _) => Some(true),
                (Some(true), x) => x,
                (None, Some(true)) => Some(true),
                (None, _) => None,
            };
            for (op, want) in [("and", and), ("or", or), ("xor", xor), ("implies", implies)] {
                let e = format!("({a}) {op} ({b})");
                let got = run(&e);
                let want: Vec<String> = want.map(|v| v.to_string()).into_iter().collect();
                assert_eq!(got, want, "{e}");
            }
        }
    }
    // short-circuit: the right side is not evaluated
    check("false and (1 | 2).single()", &["false"]);
    check("true or (1 | 2).single()", &["true"]);
    check("false implies (1 | 2).single()", &["true"]);
    // singleton evaluation of non-booleans
    check("true and 'foo'", &["true"]);
    check("name.exists() and name", &["true"]);
}

#[test]
fn date_precision_comparisons() {
    // birthDate has month precision
    check("birthDate = @1974-12", &["true"]);
    check("birthDate = @1974-12-25", &[]);
    check("birthDate ~ @1974-12-25", &["false"]);
    check("birthDate < @1975-01-01", &["true"]);
    check("birthDate < @1974-12-25", &[]);
    check("birthDate > @1974-11-30", &["true"]);
    check(
        "@2012-04-15T15:00:00+02:00 = @2012-04-15T16:00:00+03:00",
        &["true"],
    );
    check("@2012-04-15T15:00:00Z = @2012-04-15T10:00:00", &[]);
    check("@T10:30 < @T10:30:00", &[]);
    check("@T10:30:00 <= @T10:30:00.0", &["true"]);
    check("birthDate != @T12:14", &["true"]);
    // per-1 on a Period whose end is before its start
    check("name[1].period.select(start <= end)", &["false"]);
    check("today() > birthDate", &["true"]);
    check("@1973-12-25 + 7 days", &["@1974-01-01"]);
    check("@2020-01-31 + 1 month", &["@2020-02-29"]);
    assert!(run_on(PATIENT, "@1973-12-25 + 1 'mo'").is_err());
    assert!(run_on(PATIENT, "birthDate < 'x'").is_err());
}

#[test]
fn choice_navigation() {
    let r = |e: &str| run_on(OBSERVATION, e).unwrap();
    assert_eq!(r("Observation.value.unit"), ["lbs"]);
    assert_eq!(r("value is Quantity"), ["true"]);
    assert_eq!(r("value.is(Age)"), ["false"]);
    assert_eq!(r("value.as(Quantity).value"), ["185"]);
    assert_eq!(r("value.ofType(string)"), Vec::<String>::new());
    assert_eq!(r("value > 180 '[lb_av]'"), ["true"]);
    assert_eq!(r("value = 185 '[lb_av]'"), ["true"]);
    assert_eq!(r("value < 100 'kg'"), ["true"]);
    assert_eq!(r("value.type().name"), ["Quantity"]);
    assert_eq!(r("effective > @2016-03-28T08:00:00Z"), ["true"]);
    // lenient mode accepts the concrete choice name
    assert_eq!(r("valueQuantity.exists()"), ["true"]);
    // a key that merely starts with the name is not a choice
    let binding = r#"{"valueSet": "http://x"}"#;
    with_doc(binding, |node| {
        let env = Env::new(node, "Binding");
        let e = parse("value.exists()").unwrap();
        let got = evaluate(&e, &env, &TestModel).unwrap();
        assert!(matches!(got.as_slice(), [Item::Bool(false)]));
    });
    // also without any model knowledge (unknown parent type)
    with_doc(
        r#"{"valueSet": "http://x", "valueCoding": {"code": "a"}}"#,
        |node| {
            let env = Env::new(node, "");
            let e = parse("value.code").unwrap();
            let got = evaluate(&e, &env, &TestModel).unwrap();
            assert_eq!(got.len(), 1);
        },
    );
}

#[test]
fn primitive_extensions() {
    check("birthDate.extension.url", &["http://example.org/bt"]);
    check(
        "birthDate.extension('http://example.org/bt').value",
        &["1974-12-25T14:35:45-05:00"],
    );
    check(
        "birthDate.extension('http://example.org/other').exists()",
        &["false"],
    );
    // a null primitive with only an extension
    check("name.given.count()", &["4"]);
    check(
        "name.given.select($this.hasValue())",
        &["true", "false", "true", "true"],
    );
    check("name[0].given[1].extension.value", &["y"]);
    check(
        "name.given.where(hasValue().not()).extension.exists()",
        &["true"],
    );
    check("birthDate.hasValue()", &["true"]);
    check("birthDate.children().count()", &["1"]);
    check("name[0].given[1].children().count()", &["1"]);
    // ele-1 on an element-only primitive
    check(
        "name[0].given[1].select(hasValue() or (children().count() > id.count()))",
        &["true"],
    );
    check("birthDate.type().name", &["date"]);
    check("birthDate.is(date)", &["true"]);
    check("active.is(Boolean)", &["false"]);
    check("active.is(boolean)", &["true"]);
}

#[test]
fn decimal_equality_and_equivalence() {
    check("1.10 = 1.1", &["true"]);
    check("1.0 = 1", &["true"]);
    check("0.1 + 0.2 = 0.3", &["true"]);
    check("1.2 / 1.8 ~ 0.67", &["true"]);
    check("1.2 / 1.8 = 0.67", &["false"]);
    check("1.2 / 1.8 !~ 0.6", &["true"]);
    check("(1 / 3).toString()", &["0.33333333"]);
    check("1.50.toString()", &["1.50"]);
    check("10 / 4", &["2.5"]);
    check("7 div 2", &["3"]);
    check("7 mod 2", &["1"]);
    check("5 div 0", &[]);
    check("2.2 mod 1.8", &["0.4"]);
    check("1234567890987654321.0 + 1", &["1234567890987654322.0"]);
    check("'a' ~ 'A '", &["true"]);
    check("4 'g' ~ 4040 'mg'", &["true"]);
    check("4.0000 'g' = 4000.0 'mg'", &["true"]);
    check("7 days = 1 week", &["true"]);
    check("1 year = 1 'a'", &[]);
}

#[test]
fn collections_and_functions() {
    check(
        "name.given.distinct()",
        &["Peter", "(no value)", "James", "Jim"],
    );
    check("(1 | 2 | 2 | 3).count()", &["3"]);
    check("(1).combine(1).count()", &["2"]);
    check("name.where(given = 'Jim').exists()", &["true"]);
    check("name.all(given.exists())", &["true"]);
    check("(1 | 2 | 3).aggregate($this + $total, 0)", &["6"]);
    check("name.select($index)", &["0", "1"]);
    check("'abc'.matches('^a.c$')", &["true"]);
    check("'a.b'.replaceMatches('\\\\.', '-')", &["a-b"]);
    check("iif(name.exists(), 'y', 'n')", &["y"]);
    check("iif(false, (1|2).single(), 'ok')", &["ok"]);
    check("contained.id", &["org1"]);
    check("managingOrganization.resolve().name", &["Acme"]);
    check("managingOrganization.resolve() is Organization", &["true"]);
    check("contained.ofType(Organization).count()", &["1"]);
    check("descendants().where($this is Extension).count()", &["2"]);
    check("%resource.id", &["p1"]);
    check("%context.id = %rootResource.id", &["true"]);
    check("%ucum", &["http://unitsofmeasure.org"]);
    check("Patient.name.count()", &["2"]);
    check("Resource.id", &["p1"]);
    check("Organization.id", &[]);
    check(
        "conformsTo('http://hl7.org/fhir/StructureDefinition/Patient')",
        &["true"],
    );
    assert!(run_on(PATIENT, "conformsTo('http://unknown')").is_err());
    check("now().toString().length() > 10", &["true"]);
    check("today() = @2024-05-01", &["true"]);
    check("'x'.trace('t')", &["x"]);
    check("(3 | 1 | 2).sort()", &["1", "2", "3"]);
    // larger collections take the sorting path of distinct()
    check(
        "('a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i').combine('b' | 'z' | 1 | 1.0 | 2 | @2020).distinct()",
        &[
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "z", "1", "2", "@2020",
        ],
    );
    check(
        "('a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i').combine('i').isDistinct()",
        &["false"],
    );
    check(
        "name.given.combine(name.given).combine(name.given).distinct().count()",
        &["4"],
    );
}

#[test]
fn terminology_and_narrative() {
    let doc =
        r#"{"resourceType": "Observation", "code": {"coding": [{"code": "a"}, {"code": "b"}]}}"#;
    with_doc(doc, |node| {
        let env = Env::new(node, "Observation");
        let e = parse("code.coding.memberOf('http://example.org/vs')").unwrap();
        let got: Vec<String> = evaluate(&e, &env, &TestModel)
            .unwrap()
            .iter()
            .map(|i| i.display())
            .collect();
        assert_eq!(got, ["true", "false"]);
        let e = parse("code.coding.memberOf('http://example.org/unknown')").unwrap();
        assert!(evaluate(&e, &env, &TestModel).unwrap().is_empty());
    });
    let doc =
        r#"{"resourceType": "Patient", "text": {"status": "generated", "div": "<div>ok</div>"}}"#;
    assert_eq!(invariant(doc, "text.htmlChecks()"), Ok(true));
    assert_eq!(invariant(doc, "text.div.htmlChecks()"), Ok(true));
    let bad = r#"{"resourceType": "Patient", "text": {"div": "<div><script/></div>"}}"#;
    assert_eq!(invariant(bad, "text.div.htmlChecks()"), Ok(false));
}

#[test]
fn invariant_semantics() {
    assert_eq!(invariant(PATIENT, "{}"), Ok(true));
    assert_eq!(invariant(PATIENT, "true"), Ok(true));
    assert_eq!(invariant(PATIENT, "false"), Ok(false));
    assert_eq!(invariant(PATIENT, "active"), Ok(true));
    assert_eq!(invariant(PATIENT, "deceased"), Ok(false));
    assert_eq!(invariant(PATIENT, "'x'"), Ok(true));
    assert_eq!(invariant(PATIENT, "name.given"), Ok(true));
    assert!(invariant(PATIENT, "name.single()").is_err());
    assert_eq!(
        invariant(
            PATIENT,
            "name.all(period.start.hasValue().not() or period.end.hasValue().not() or (period.start <= period.end))"
        ),
        Ok(false)
    );
}

#[test]
fn strict_mode() {
    with_doc(OBSERVATION, |node| {
        let mut env = Env::new(node, "Observation");
        let e = parse("Observation.valueQuantity.exists()").unwrap();
        assert!(evaluate(&e, &env, &TestModel).is_ok());
        env.strict = true;
        assert!(evaluate(&e, &env, &TestModel).is_err());
        let e = parse("Patient.id").unwrap();
        assert!(evaluate(&e, &env, &TestModel).is_err());
    });
    with_doc(PATIENT, |node| {
        let mut env = Env::new(node, "Patient");
        let e = parse("name.as(HumanName)").unwrap();
        assert!(evaluate(&e, &env, &TestModel).is_ok());
        env.strict = true;
        assert!(evaluate(&e, &env, &TestModel).is_err());
    });
}

#[test]
fn step_budget() {
    with_doc(PATIENT, |node| {
        let mut env = Env::new(node, "Patient");
        env.max_steps = 50;
        let e = parse("descendants().descendants().descendants().count()").unwrap();
        let r = evaluate(&e, &env, &TestModel);
        assert!(r.is_err(), "{r:?}");
        env.max_steps = DEFAULT_MAX_STEPS;
        // a self-feeding repeat terminates (items already seen are not expanded again)
        let e = parse("(1 | 2).repeat($this).count()").unwrap();
        let got = evaluate(&e, &env, &TestModel).unwrap();
        assert_eq!(got.first().map(|i| i.display()), Some("2".to_string()));
    });
}

#[test]
fn context_on_element() {
    with_doc(PATIENT, |node| {
        let name = node
            .get("name")
            .and_then(|n| n.value.as_array())
            .and_then(|a| a.first())
            .unwrap();
        let env = Env::new(node, "Patient").with_context(Some(name), None, "HumanName");
        let e =
            parse("family.exists() and %resource.id = 'p1' and $this.given.count() = 3").unwrap();
        assert_eq!(evaluate_invariant(&e, &env, &TestModel), Ok(true));
        // a primitive context with only its `_name` companion (ele-1)
        let given_ext = node
            .get("name")
            .and_then(|n| n.value.as_array())
            .and_then(|a| a.first())
            .and_then(|n| n.get("_given"))
            .and_then(|g| g.value.as_array())
            .and_then(|a| a.get(1))
            .unwrap();
        let env = Env::new(node, "Patient").with_context(None, Some(given_ext), "string");
        let e = parse("hasValue() or (children().count() > id.count())").unwrap();
        assert_eq!(evaluate_invariant(&e, &env, &TestModel), Ok(true));
        let e = parse("hasValue()").unwrap();
        assert_eq!(evaluate_invariant(&e, &env, &TestModel), Ok(false));
    });
}

/// A cheap generator of random expressions: nothing may panic, and deep nesting must be a
/// parse error rather than a stack overflow.
#[test]
fn no_panics_on_garbage() {
    const ATOMS: &[&str] = &[
        "name",
        "given",
        "(",
        ")",
        ".",
        "where(",
        "select(",
        "$this",
        "1",
        "2.5",
        "'a'",
        "@2020",
        "@T10",
        "+",
        "-",
        "*",
        "/",
        "|",
        "=",
        "~",
        "!=",
        "<",
        ">=",
        "and",
        "or",
        "implies",
        "is",
        "as",
        "Quantity",
        "[",
        "]",
        "{",
        "}",
        ",",
        "exists()",
        "count()",
        "repeat(",
        "descendants()",
        "children()",
        "aggregate(",
        "$total",
        "$index",
        "%resource",
        "'mg'",
        "days",
        "iif(",
        "not()",
        "first()",
        "substring(",
        "matches(",
        "'[a-z'",
        "toInteger()",
        "resolve()",
        "extension(",
        "ofType(",
        "'\\u00'",
        "`x`",
        "/*",
        "//",
        "div",
        "mod",
        "&",
        "in",
        "contains",
        "sort(",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    with_doc(PATIENT, |node| {
        let mut env = Env::new(node, "Patient");
        env.max_steps = 10_000;
        env.today = Some((2024, 1, 1));
        for _ in 0..20_000 {
            let n = (next() % 12) as usize + 1;
            let src: String = (0..n)
                .map(|_| ATOMS[(next() % ATOMS.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(" ");
            if let Ok(e) = parse(&src) {
                let _ = evaluate(&e, &env, &TestModel);
                let _ = evaluate_invariant(&e, &env, &TestModel);
            }
        }
    });
    for s in [
        "(".repeat(5000),
        "-".repeat(5000) + "1",
        "a.".repeat(5000) + "a",
        vec!["1"; 5000].join("|"),
    ] {
        assert!(parse(&s).is_err());
    }
}

/// The deepest accepted expressions evaluate without exhausting a 2 MiB (test-thread) stack,
/// even in a debug build.
#[test]
fn deepest_expressions_evaluate() {
    let n = parser::MAX_DEPTH as usize;
    let shapes = [
        vec!["1"; n - 1].join(" + "),
        format!(
            "{}true{}",
            "(true and ".repeat(n / 2 - 1),
            ")".repeat(n / 2 - 1)
        ),
        format!(
            "{}name{}",
            "name.where(".repeat(n / 2 - 2),
            ".exists())".repeat(n / 2 - 2)
        ),
        format!(
            "{}1{}",
            "iif(true, ".repeat(n / 2 - 2),
            ", 0)".repeat(n / 2 - 2)
        ),
        format!(
            "{}{}",
            "name.select(".repeat(n / 2 - 2),
            "given".to_string() + &")".repeat(n / 2 - 2)
        ),
    ];
    for s in &shapes {
        eprintln!("shape {}", &s[..30]);
        let e = parse(s).unwrap_or_else(|e| panic!("{}: {e}", &s[..40]));
        with_doc(PATIENT, |node| {
            let env = Env::new(node, "Patient");
            let _ = evaluate(&e, &env, &TestModel);
        });
    }
    // just past the limit is rejected
    assert!(parse(&vec!["1"; n + 2].join(" + ")).is_err());
    // parentheses do not deepen the tree, but the parser's recursion is bounded too
    for k in [100, 127, 128, 129, 200, 1000] {
        eprintln!("parens {k}");
        let s = format!("{}1{}", "(".repeat(k), ")".repeat(k));
        let _ = parse(&s);
        let s = format!("{}1{}", "-(".repeat(k), ")".repeat(k));
        let _ = parse(&s);
        let s = format!("{}1{}", "f(".repeat(k), ")".repeat(k));
        let _ = parse(&s);
    }
}

#[test]
#[ignore]
fn stack_probe() {
    let kb: usize = std::env::var("PROBE_KB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    std::thread::Builder::new()
        .stack_size(kb * 1024)
        .spawn(deepest_expressions_evaluate)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn expr_is_send_sync_and_reports_functions() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Expr>();
    let e = parse("name.where(given.matches('^P')).exists() and resolve().is(Patient)").unwrap();
    assert_eq!(
        e.functions(),
        ["exists", "is", "matches", "resolve", "where"]
    );
    assert!(e.depth() >= 3);
    assert_eq!(
        e.source(),
        "name.where(given.matches('^P')).exists() and resolve().is(Patient)"
    );
}
