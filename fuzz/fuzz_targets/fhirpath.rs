//! (d) FHIRPath: the input's first line is an expression, the rest a JSON resource; the
//! expression is parsed and evaluated (as a plain expression and as an invariant) on the
//! resource with a step budget. No panic, no hang, no stack overflow.
#![no_main]

use fhirval::fhirpath::{self, ChildType, Env, Model, ResolveContext};
use fhirval::json::{self, Limits, Node};
use libfuzzer_sys::fuzz_target;

struct Stub;
impl Model for Stub {
    fn child_type(&self, _parent: &str, _key: &str) -> Option<ChildType<'_>> {
        None
    }
    fn is_type(&self, ty: &str, base: &str) -> bool {
        ty == base || base == "Resource" || base == "Element"
    }
    fn resolve<'a>(&self, _r: &str, ctx: &ResolveContext<'a>) -> Option<&'a Node<'a>> {
        Some(ctx.root_resource)
    }
    fn member_of(&self, _item: &Node<'_>, _ty: &str, vs: &str) -> Option<bool> {
        (vs.len() % 3 != 0).then_some(vs.len() % 2 == 0)
    }
    fn conforms_to(&self, _n: &Node<'_>, _ty: &str, profile: &str) -> Option<bool> {
        (!profile.is_empty()).then_some(true)
    }
    fn html_checks(&self, div: &str) -> bool {
        !div.contains("<script")
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (expr, doc) = text
        .split_once('\n')
        .unwrap_or((text, "{\"resourceType\":\"Patient\"}"));
    let Ok(e) = fhirpath::parse(expr) else {
        return;
    };
    let _ = e.functions();
    let arena = json::Arena::new();
    let Ok(root) = json::parse(doc, &arena, &Limits::default()) else {
        return;
    };
    let rt = root
        .get("resourceType")
        .and_then(|n| n.value.as_str())
        .unwrap_or("Resource");
    let mut env = Env::new(&root, rt);
    env.max_steps = 200_000;
    env.today = Some((2024, 2, 29));
    env.now = Some("2024-02-29T12:00:00.000+14:00");
    let _ = fhirpath::evaluate(&e, &env, &Stub);
    let _ = fhirpath::evaluate_invariant(&e, &env, &Stub);
    env.strict = true;
    let _ = fhirpath::evaluate(&e, &env, &Stub);
});
