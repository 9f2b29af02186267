//! Values: primitive formats (through `primitive`), `fixed[x]` and `pattern[x]`, `maxLength`,
//! `minValue[x]`/`maxValue[x]`.

use super::primitive::{self, JsonKind, Primitive};
use super::structure::from_text;
use super::{Item, Walker, article, xhtml};
use crate::fhirpath::{Decimal, convert_units};
use crate::json::{Node, Value};
use crate::model::{FValue, StructId};
use crate::outcome::Severity;
use std::cmp::Ordering;

/// The JSON kind and text of a primitive JSON value (`None` for objects, arrays and null).
pub(crate) fn primitive_text<'n>(node: &'n Node<'_>) -> Option<(JsonKind, &'n str)> {
    match &node.value {
        Value::String(s) => Some((JsonKind::String, s.as_ref())),
        Value::Number(n) => Some((JsonKind::Number, n)),
        Value::Bool(true) => Some((JsonKind::Bool, "true")),
        Value::Bool(false) => Some((JsonKind::Bool, "false")),
        _ => None,
    }
}

/// Does the data `node` equal (`exact`) or contain (pattern) the value `f`?
pub(crate) fn matches_value(node: &Node<'_>, f: &FValue, exact: bool) -> bool {
    match (f, &node.value) {
        (FValue::String(s), Value::String(d)) => s == d.as_ref(),
        (FValue::Bool(b), Value::Bool(d)) => b == d,
        (FValue::Number(n), Value::Number(d)) => {
            primitive::compare_decimal(n, d) == Some(Ordering::Equal)
        }
        (FValue::Object(fields), Value::Object(members)) => {
            let all_present = fields.iter().all(|(k, fv)| {
                members
                    .iter()
                    .find(|m| m.key == k.as_str())
                    .is_some_and(|m| matches_value(&m.value, fv, exact))
            });
            all_present
                && (!exact
                    || members
                        .iter()
                        .all(|m| fields.iter().any(|(k, _)| m.key == k.as_str())))
        }
        (FValue::Array(fitems), Value::Array(items)) => {
            if exact {
                fitems.len() == items.len()
                    && fitems
                        .iter()
                        .zip(items)
                        .all(|(f, d)| matches_value(d, f, true))
            } else {
                fitems
                    .iter()
                    .all(|f| items.iter().any(|d| matches_value(d, f, false)))
            }
        }
        // a pattern on a repeating element is written as a single value
        (f, Value::Array(items)) if !exact => items.iter().any(|d| matches_value(d, f, false)),
        _ => false,
    }
}

fn display(f: &FValue) -> String {
    match f {
        FValue::String(s) => s.clone(),
        FValue::Number(n) => n.clone(),
        other => other.to_json_text(),
    }
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    /// A primitive element: JSON kind and format, then the profile's value constraints; its
    /// `_name` companion is validated like an Element (id, extension).
    pub(crate) fn primitive(&mut self, sd: StructId, el: u32, p: Primitive, item: Item<'v, 'a>) {
        if let Some(node) = item.value {
            match primitive_text(node) {
                None => {
                    let kind = node.value.kind_name();
                    self.report(Severity::Error, "invalid", node.offset, || {
                        format!(
                            "The value must be a JSON {} for a {}, not {}",
                            match p.json_kind() {
                                JsonKind::Bool => "boolean",
                                JsonKind::Number => "number",
                                JsonKind::String => "string",
                            },
                            p.code(),
                            article(kind)
                        )
                    });
                }
                // the base walk checked the format already
                Some((_, text)) if self.profile_walk => {
                    self.primitive_constraints(sd, el, p, node, text);
                }
                Some((kind, text)) => {
                    let options = primitive::CheckOptions {
                        has_children: item.ext.is_some(),
                        security_checks: self.opts.security_checks,
                        html_in_markdown: self.opts.html_in_markdown,
                        ..primitive::CheckOptions::DEFAULT
                    };
                    let found = primitive::check_with(p, kind, text, &options);
                    let clean = found.is_empty();
                    for issue in found {
                        self.report(issue.severity, issue.code, node.offset, || issue.message);
                    }
                    if clean {
                        self.primitive_constraints(sd, el, p, node, text);
                    }
                    if p == Primitive::Xhtml && kind == JsonKind::String {
                        self.narrative(node, text);
                    }
                }
            }
        }
        if let Some(x) = item.ext
            && self.expect_object(x)
            && let Some(t) = self.set.type_def(p.code())
        {
            self.members(t, 0, x, false);
        }
    }

    /// Attachment data: strict base64 (the primitive check, like Java's, only counts the
    /// alphabet), and the stated size against the decoded size.
    pub(crate) fn attachment(&mut self, node: &'a Node<'a>) {
        let Some(data) = node.get("data").and_then(|d| d.value.as_str()) else {
            return;
        };
        // one pass: the alphabet the lenient primitive check counts, the data characters
        // (padding aside: every 4 carry 3 bytes), the first character not allowed
        let (mut alphabet, mut length, mut illegal) = (0usize, 0usize, None);
        for b in data.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => length += 1,
                b'=' => alphabet += 1,
                b' ' | b'\t' | b'\r' | b'\n' => {}
                other => {
                    if illegal.is_none() {
                        illegal = Some(other);
                    }
                }
            }
        }
        alphabet += length;
        // when the lenient primitive check fails it has said so already
        if alphabet % 4 != 0 {
            return;
        }
        if let Some(other) = illegal {
            self.report(Severity::Error, "invalid", node.offset, || {
                format!("The base64 content in the data element is not valid base64: Illegal base64 character {other:x}")
            });
            return;
        }
        let decoded = length * 3 / 4;
        let stated = node.get("size").and_then(|s| match &s.value {
            Value::Number(n) => n.parse::<u64>().ok(),
            _ => None,
        });
        if let Some(size) = stated
            && size != decoded as u64
        {
            self.report(Severity::Error, "structure", node.offset, || {
                format!(
                    "Stated Attachment Size {size} does not match actual attachment size {decoded}"
                )
            });
        }
    }

    /// Narrative XHTML (txt-1, txt-2 and the parser's own rules), reported at the div.
    fn narrative(&mut self, node: &'a Node<'a>, div: &str) {
        // internal links (`href="#x"`) must resolve within the resource; inside a Bundle
        // they may point at anchors of the Bundle's rendering, which the data does not hold
        let local_ids = (div.contains("=\"#") && self.bundles.is_empty()).then(|| {
            let mut ids = Vec::new();
            if let Some(resource) = self.resources.last() {
                collect_ids(resource.node, &mut ids, 0);
            }
            ids
        });
        let options = xhtml::XhtmlOptions {
            security_checks: self.opts.security_checks,
            local_ids,
            ..xhtml::XhtmlOptions::default()
        };
        for issue in xhtml::check_div(div, &options) {
            self.report_keyed(issue.severity, issue.code, issue.key, node.offset, || {
                issue.message
            });
        }
    }

    fn primitive_constraints(
        &mut self,
        sd: StructId,
        el: u32,
        p: Primitive,
        node: &'a Node<'a>,
        text: &str,
    ) {
        let s = self.set.structure(sd);
        let Some(e) = s.elements.get(el as usize) else {
            return;
        };
        for (f, word) in [(&e.fixed, "fixed"), (&e.pattern, "required")] {
            if let Some(f) = f
                && !matches_value(node, f, true)
            {
                self.report(Severity::Error, "value", node.offset, || {
                    format!(
                        "Value is '{text}' but is {word} to '{}' in the profile {}",
                        display(f),
                        from_text(s)
                    )
                });
            }
        }
        if let Some(max) = e.max_length {
            let len = text.chars().count();
            if len > max as usize {
                self.report(Severity::Error, "invalid", node.offset, || {
                    format!("The value '{text}' exceeds the allowed maximum length of {max} ({len} characters)")
                });
            }
        }
        let temporal = matches!(
            p,
            Primitive::Date | Primitive::DateTime | Primitive::Instant | Primitive::Time
        );
        let compare = |bound: &FValue, sign: f64| -> Option<Ordering> {
            match bound {
                FValue::Number(b) if !temporal => primitive::compare_decimal(text, b),
                FValue::String(b) if temporal => primitive::compare_temporal(text, b),
                // a Duration bound on a date: relative to today (min: today - d, max: today + d)
                FValue::Object(_) if temporal => {
                    let (_, amount, unit) = quantity_of(bound)?;
                    let days = convert_units(amount, unit, "d")?.to_f64();
                    let today = primitive::today_days()?;
                    #[allow(clippy::cast_possible_truncation)]
                    let (y, m, d) = primitive::civil_from_days(today + (sign * days) as i64);
                    let bound = format!("{y:04}-{m:02}-{d:02}");
                    let n = text.len().min(bound.len());
                    let precision = text.get(..n)?;
                    precision.cmp(bound.get(..n)?).into()
                }
                _ => None,
            }
        };
        if let Some(min) = &e.min_value
            && compare(min, -1.0) == Some(Ordering::Less)
        {
            self.report(Severity::Error, "invalid", node.offset, || {
                format!(
                    "The value in the instance ({text}) is less than the specified minimum value ({})",
                    display(min)
                )
            });
        }
        if let Some(max) = &e.max_value
            && compare(max, 1.0) == Some(Ordering::Greater)
        {
            self.report(Severity::Error, "invalid", node.offset, || {
                format!(
                    "The value in the instance ({text}) is greater than the specified maximum value ({})",
                    display(max)
                )
            });
        }
    }

    /// `minValueQuantity`/`maxValueQuantity` on a Quantity, comparing across UCUM units.
    fn quantity_bounds(&mut self, sd: StructId, el: u32, node: &'a Node<'a>) {
        let s = self.set.structure(sd);
        let Some(e) = s.elements.get(el as usize) else {
            return;
        };
        let Some(value) = node.get("value").and_then(|v| match &v.value {
            Value::Number(n) => Decimal::parse(n),
            _ => None,
        }) else {
            return;
        };
        let unit = node
            .get("code")
            .and_then(|c| c.value.as_str())
            .unwrap_or_default();
        for (bound, below) in [(&e.min_value, true), (&e.max_value, false)] {
            let Some((limit, exact_limit, limit_unit)) = bound.as_ref().and_then(quantity_of)
            else {
                continue;
            };
            let Some(converted) = convert_units(value, unit, limit_unit) else {
                continue;
            };
            let out = converted.compare(exact_limit)
                == if below {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
            if out {
                let (word, name) = if below {
                    ("less", "minValue")
                } else {
                    ("greater", "maxValue")
                };
                let raw = node.get("value").and_then(|v| match &v.value {
                    Value::Number(n) => Some(*n),
                    _ => None,
                });
                self.report(Severity::Error, "invalid", node.offset, || {
                    format!(
                        "The value in the instance ({} {unit}) is {word} than the specified {name} ({} {limit_unit}) after UCUM conversion",
                        raw.unwrap_or_default(),
                        display_number(limit)
                    )
                });
            }
        }
    }

    /// `fixed[x]` (exact) and `pattern[x]` (contained) on a complex element.
    pub(crate) fn fixed_and_pattern(&mut self, sd: StructId, el: u32, node: &'a Node<'a>) {
        let s = self.set.structure(sd);
        let Some(e) = s.elements.get(el as usize) else {
            return;
        };
        if let Some(f) = &e.fixed {
            self.fixed_diff(f, node, &from_text(s));
        }
        if e.min_value.is_some() || e.max_value.is_some() {
            self.quantity_bounds(sd, el, node);
        }
        if let Some(f) = &e.pattern
            && !matches_value(node, f, false)
        {
            self.report(Severity::Error, "value", node.offset, || {
                format!(
                    "The pattern {} defined in the profile {} not found",
                    f.to_json_text(),
                    from_text(s)
                )
            });
        }
    }

    /// Report each difference between `node` and fixed value `f`.
    fn fixed_diff(&mut self, f: &FValue, node: &'a Node<'a>, from: &str) {
        match (f, &node.value) {
            (FValue::Object(fields), Value::Object(members)) => {
                for m in members {
                    if !fields.iter().any(|(k, _)| m.key == k.as_str()) {
                        let key = m.key.as_ref();
                        self.path.push(super::path::Seg::Name(key));
                        self.report(Severity::Error, "value", m.key_offset, || {
                            format!("The element {key} is present in the instance but not allowed in the applicable fixed value specified in the profile {from}")
                        });
                        self.path.pop();
                    }
                }
                for (k, fv) in fields {
                    match members.iter().find(|m| m.key == k.as_str()) {
                        Some(m) => {
                            let depth = self.path.len();
                            self.path.push(super::path::Seg::Name(m.key.as_ref()));
                            self.fixed_diff(fv, &m.value, from);
                            self.path.truncate(depth);
                        }
                        None => self.report(Severity::Error, "value", node.offset, || {
                            format!("Missing element '{k}' - required by fixed value assigned in profile {from}")
                        }),
                    }
                }
            }
            _ => {
                if !matches_value(node, f, true) {
                    self.report(Severity::Error, "value", node.offset, || {
                        format!(
                            "Value is {} but is fixed to {} in the profile {from}",
                            node_text(node),
                            f.to_json_text()
                        )
                    });
                }
            }
        }
    }
}

/// Every `id` in a resource (element ids, contained resource ids) and the ids and names
/// anchored in its narratives, for internal hyperlinks.
fn collect_ids(node: &Node<'_>, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match &node.value {
        Value::Object(members) => {
            for m in members {
                match (&*m.key, &m.value.value) {
                    ("id", Value::String(s)) => out.push(s.to_string()),
                    ("div", Value::String(s)) => {
                        let a = xhtml::anchors(s);
                        out.extend(a.ids);
                        out.extend(a.names);
                    }
                    _ => collect_ids(&m.value, out, depth + 1),
                }
            }
        }
        Value::Array(items) => {
            for i in items {
                collect_ids(i, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// `(value, UCUM code)` of a Quantity-like bound, the value as a float (for display) and exact.
fn quantity_of(f: &FValue) -> Option<(f64, Decimal, &str)> {
    let FValue::Object(fields) = f else {
        return None;
    };
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v);
    let (value, exact) = match field("value")? {
        FValue::Number(n) => (n.parse().ok()?, Decimal::parse(n)?),
        _ => return None,
    };
    let code = match field("code")? {
        FValue::String(c) => c.as_str(),
        _ => return None,
    };
    Some((value, exact, code))
}

fn display_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

fn node_text(node: &Node<'_>) -> String {
    match primitive_text(node) {
        Some((_, t)) => format!("'{t}'"),
        None => node.value.kind_name().to_string(),
    }
}
