//! A QuestionnaireResponse checked against its Questionnaire, as the Java validator's
//! QuestionnaireValidator does: the Questionnaire is found by `QuestionnaireResponse.questionnaire`
//! (a `#id` contained resource, or a canonical among the loaded definitions); each answered item's
//! linkId must exist at that place in the Questionnaire and come in its order, required items
//! must be answered (a warning while `in-progress`), items not enabled by their `enableWhen` must
//! not be answered, answers must have the item's type, only repeating items take several answers
//! or occurrences, `choice` answers must be among the item's coded `answerOption`s, and item text
//! must match the Questionnaire's.
//!
//! `enableWhen` looks the question's answers up anywhere in the response (the Java validator
//! prefers the nearest repetition of the enclosing group; they differ only for a question inside
//! a repeating group that is answered differently in each repetition).

use super::Walker;
use super::business::{Named, array, str_at};
use super::path::Seg;
use crate::json::{Node, Value};
use crate::outcome::Severity;
use rustc_hash::FxHashMap;

/// The answer types an item type takes (`value[x]` type names), as the Java validator maps
/// them (`text` answers are strings, `url` answers `uri`, choices codes or simple values).
fn answer_types(item_type: &str) -> Option<&'static [&'static str]> {
    Some(match item_type {
        "boolean" => &["boolean"],
        "decimal" => &["decimal"],
        "integer" => &["integer"],
        "date" => &["date"],
        "dateTime" => &["dateTime"],
        "time" => &["time"],
        "string" | "text" => &["string"],
        "url" => &["uri"],
        "attachment" => &["Attachment"],
        "reference" => &["Reference"],
        "quantity" => &["Quantity"],
        "choice" | "open-choice" => &["Coding", "date", "time", "integer", "string"],
        _ => return None,
    })
}

fn flag(n: &Node<'_>, key: &str) -> bool {
    matches!(n.get(key).map(|v| &v.value), Some(Value::Bool(true)))
}

/// The `value[x]` (or `answer[x]`) member of an object: (type name, value).
fn choice<'n>(n: &'n Node<'_>, prefix: &str) -> Option<(&'n str, &'n Node<'n>)> {
    n.value.as_object()?.iter().find_map(|m| {
        let t = m.key.strip_prefix(prefix)?;
        t.starts_with(|c: char| c.is_ascii_uppercase())
            .then_some((t, &m.value))
    })
}

/// The type named by a `value[x]` suffix: `Coding` → `Coding`, `DateTime` → `dateTime`.
fn type_name(suffix: &str) -> &str {
    const TYPES: &[&str] = &[
        "boolean",
        "decimal",
        "integer",
        "date",
        "dateTime",
        "time",
        "string",
        "uri",
        "Attachment",
        "Coding",
        "Quantity",
        "Reference",
    ];
    TYPES
        .iter()
        .copied()
        .find(|t| t.eq_ignore_ascii_case(suffix))
        .unwrap_or(suffix)
}

/// An item anywhere in the Questionnaire by linkId.
fn find_item<'n>(items: &'n [Node<'n>], link_id: &str) -> Option<&'n Node<'n>> {
    items.iter().find_map(|i| {
        if str_at(i, "linkId") == Some(link_id) {
            Some(i)
        } else {
            find_item(array(i, "item"), link_id)
        }
    })
}

/// What one response's checks share.
struct Response<'a, 'q> {
    /// Every answer in the response, by its item's linkId (for `enableWhen`).
    answers: FxHashMap<&'a str, Vec<&'a Node<'a>>>,
    in_progress: bool,
    /// The Questionnaire's top-level items (to find misplaced items).
    root: &'q [Node<'q>],
}

fn collect_answers<'a>(items: &'a [Node<'a>], out: &mut FxHashMap<&'a str, Vec<&'a Node<'a>>>) {
    for item in items {
        let answers = array(item, "answer");
        if let Some(link) = str_at(item, "linkId") {
            out.entry(link).or_default().extend(answers.iter());
        }
        for a in answers {
            collect_answers(array(a, "item"), out);
        }
        collect_answers(array(item, "item"), out);
    }
}

fn number(n: &Node<'_>) -> Option<f64> {
    match &n.value {
        Value::Number(t) => t.parse().ok(),
        _ => None,
    }
}

/// Compare an answer with an `enableWhen` value of the same type: `Some(ordering)`, or `None`
/// when they cannot be compared.
fn compare(kind: &str, answer: &Node<'_>, expected: &Node<'_>) -> Option<std::cmp::Ordering> {
    match kind {
        "Coding" => {
            let code = str_at(expected, "code");
            let system = str_at(expected, "system");
            let same = str_at(answer, "code") == code
                && (system.is_none() || str_at(answer, "system") == system);
            Some(if same {
                std::cmp::Ordering::Equal
            } else {
                std::cmp::Ordering::Less
            })
        }
        "Quantity" => number(answer.get("value")?)?.partial_cmp(&number(expected.get("value")?)?),
        "Boolean" => match (&answer.value, &expected.value) {
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            _ => None,
        },
        "Decimal" | "Integer" => number(answer)?.partial_cmp(&number(expected)?),
        "Reference" => (str_at(answer, "reference")? == str_at(expected, "reference")?)
            .then_some(std::cmp::Ordering::Equal)
            .or(Some(std::cmp::Ordering::Less)),
        _ => Some(answer.value.as_str()?.cmp(expected.value.as_str()?)),
    }
}

/// Does one `enableWhen` condition hold?
fn condition(r: &Response<'_, '_>, ew: &Node<'_>) -> bool {
    let answers = str_at(ew, "question")
        .and_then(|q| r.answers.get(q))
        .map(Vec::as_slice)
        .unwrap_or_default();
    let op = str_at(ew, "operator").unwrap_or_default();
    let Some((kind, expected)) = choice(ew, "answer") else {
        return false;
    };
    if op == "exists" {
        let wanted = matches!(expected.value, Value::Bool(true));
        return answers.is_empty() != wanted;
    }
    answers.iter().any(|a| {
        let Some((akind, value)) = choice(a, "value") else {
            return false;
        };
        if akind != kind {
            return false;
        }
        let Some(ord) = compare(kind, value, expected) else {
            return false;
        };
        match op {
            "=" => ord.is_eq(),
            "!=" => ord.is_ne(),
            ">" => ord.is_gt(),
            "<" => ord.is_lt(),
            ">=" => ord.is_ge(),
            "<=" => ord.is_le(),
            _ => false,
        }
    })
}

/// Is a Questionnaire item enabled (no `enableWhen`, or its conditions hold: all of them unless
/// `enableBehavior` is `any`)?
fn enabled(r: &Response<'_, '_>, qi: &Node<'_>) -> bool {
    let conditions = array(qi, "enableWhen");
    if conditions.is_empty() {
        return true;
    }
    if str_at(qi, "enableBehavior") == Some("any") {
        conditions.iter().any(|c| condition(r, c))
    } else {
        conditions.iter().all(|c| condition(r, c))
    }
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    pub(crate) fn questionnaire_response(&mut self, node: &'a Node<'a>) {
        let Some(q) = node.get("questionnaire") else {
            self.report(Severity::Information, "required", node.offset, || {
                "No questionnaire is identified, so no validation can be performed against the base questionnaire".to_string()
            });
            return;
        };
        let Some(canonical) = q.value.as_str() else {
            return;
        };
        let arena = crate::json::Arena::new();
        let named = self.named_definition(&arena, node, "Questionnaire", canonical);
        let Some(questionnaire) = named.as_ref().map(Named::node) else {
            let example = canonical.starts_with("http://example.org")
                || canonical.starts_with("https://example.org");
            let severity = if example {
                Severity::Information
            } else {
                Severity::Warning
            };
            self.report(severity, "required", q.offset, || {
                format!("The questionnaire '{canonical}' could not be resolved, so no validation can be performed against the base questionnaire")
            });
            return;
        };
        let mut answers = FxHashMap::default();
        collect_answers(array(node, "item"), &mut answers);
        let r = Response {
            answers,
            in_progress: str_at(node, "status") == Some("in-progress"),
            root: array(questionnaire, "item"),
        };
        self.qr_items(&r, r.root, node);
    }

    /// The items of `parent` (the response, a group item or an answer) against the
    /// Questionnaire items `qitems` defined at that place; the path is at `parent`.
    fn qr_items(&mut self, r: &Response<'a, '_>, qitems: &[Node<'_>], parent: &'a Node<'a>) {
        // the response items matching each Questionnaire item: (index in parent, item)
        let mut matched: Vec<Vec<(usize, &'a Node<'a>)>> = vec![Vec::new(); qitems.len()];
        let mut last = 0;
        for (i, item) in array(parent, "item").iter().enumerate() {
            let Some(link) = str_at(item, "linkId").filter(|l| !l.is_empty()) else {
                self.report(Severity::Error, "required", item.offset, || {
                    "No LinkId, so can't be validated".to_string()
                });
                continue;
            };
            match qitems
                .iter()
                .position(|q| str_at(q, "linkId") == Some(link))
            {
                Some(k) => {
                    if k < last {
                        self.report(Severity::Error, "structure", item.offset, || {
                            "Structural Error: items are out of order".to_string()
                        });
                    }
                    last = k;
                    let answered = item.get("answer").is_some() || item.get("item").is_some();
                    if answered && let Some(m) = matched.get_mut(k) {
                        m.push((i, item));
                    }
                }
                None => {
                    match find_item(r.root, link) {
                        Some(qi) => {
                            self.report(Severity::Error, "structure", item.offset, || {
                            format!("Structural Error: item with linkid {link} is in the wrong place")
                        });
                            self.path.push(Seg::Name("item"));
                            self.path.push(Seg::Index(i));
                            self.qr_item(r, qi, item);
                            self.path.pop();
                            self.path.pop();
                        }
                        None => self.report(Severity::Error, "not-found", item.offset, || {
                            format!("LinkId '{link}' not found in questionnaire")
                        }),
                    }
                }
            }
        }
        for (qi, found) in qitems.iter().zip(&matched) {
            let link = str_at(qi, "linkId").unwrap_or_default();
            let on = enabled(r, qi);
            if found.is_empty() {
                if on && flag(qi, "required") {
                    let severity = if r.in_progress {
                        Severity::Warning
                    } else {
                        Severity::Error
                    };
                    self.report(severity, "required", parent.offset, || {
                        format!("No response answer found for required item '{link}'")
                    });
                }
                continue;
            }
            if found.len() > 1
                && !flag(qi, "repeats")
                && let Some((_, second)) = found.get(1)
            {
                self.report(Severity::Error, "invalid", second.offset, || {
                    format!("Only one response item with this linkId allowed - {link}")
                });
            }
            for (i, item) in found {
                self.path.push(Seg::Name("item"));
                self.path.push(Seg::Index(*i));
                if !on {
                    self.report(Severity::Error, "invalid", item.offset, || {
                        format!(
                            "Item has answer, even though it is not enabled (item id = '{link}')"
                        )
                    });
                }
                self.qr_item(r, qi, item);
                self.path.pop();
                self.path.pop();
            }
        }
    }

    /// One response item against its Questionnaire item; the path is at the item.
    fn qr_item(&mut self, r: &Response<'a, '_>, qi: &Node<'_>, item: &'a Node<'a>) {
        let link = str_at(qi, "linkId").unwrap_or_default();
        if let Some(text) = str_at(item, "text")
            && !text.is_empty()
            && str_at(qi, "text") != Some(text)
        {
            self.report(Severity::Error, "invalid", item.offset, || {
                format!(
                    "If text exists, it must match the questionnaire definition for linkId {link}"
                )
            });
        }
        let kind = str_at(qi, "type");
        let answers = array(item, "answer");
        let required = flag(qi, "required") && kind != Some("group");
        if required && answers.is_empty() && (r.in_progress || enabled(r, qi)) {
            let severity = if r.in_progress {
                Severity::Warning
            } else {
                Severity::Error
            };
            self.report(severity, "required", item.offset, || {
                format!("No response answer found for required item '{link}'")
            });
        }
        if let Some(second) = answers.get(1)
            && !flag(qi, "repeats")
        {
            self.report(Severity::Error, "invalid", second.offset, || {
                "Only one response answer item with this linkId allowed".to_string()
            });
        }
        for (j, answer) in answers.iter().enumerate() {
            if kind == Some("group") {
                self.report(Severity::Error, "structure", answer.offset, || {
                    "Items of type group should not have answers".to_string()
                });
                continue;
            }
            self.path.push(Seg::Name("answer"));
            self.path.push(Seg::Index(j));
            if let Some(kind) = kind {
                self.qr_answer(qi, kind, answer);
            }
            self.qr_items(r, array(qi, "item"), answer);
            self.path.pop();
            self.path.pop();
        }
        let has_items = !array(item, "item").is_empty();
        match kind {
            None => self.report(Severity::Error, "required", item.offset, || {
                format!("Definition for item {link} does not contain a type")
            }),
            Some("group") => self.qr_items(r, array(qi, "item"), item),
            Some("display") if has_items => {
                self.report(Severity::Error, "structure", item.offset, || {
                    format!("Items not of type DISPLAY should not have items - linkId {link}")
                })
            }
            Some("display") => {}
            Some(_) if has_items => self.report(Severity::Error, "structure", item.offset, || {
                "Items not of type group should not have items outside answers (use answer.item not .item)".to_string()
            }),
            Some(_) => {}
        }
    }

    /// An answer's value against the item type (and a `choice` item's coded options); the
    /// path is at the answer.
    fn qr_answer(&mut self, qi: &Node<'_>, kind: &str, answer: &'a Node<'a>) {
        let (Some(allowed), Some((suffix, value))) = (answer_types(kind), choice(answer, "value"))
        else {
            return;
        };
        let found = type_name(suffix);
        let depth = self.path.len();
        self.path.push(Seg::Name("value"));
        self.path.push(Seg::OfType(found));
        if !allowed.contains(&found) {
            let list = allowed.join(", ");
            self.report(
                Severity::Error,
                "structure",
                value.offset,
                || match allowed {
                    [one] => format!("Answer value must be of type {one}"),
                    _ => format!("Answer value must be one of the types {list}"),
                },
            );
        } else if kind == "choice" && found == "Coding" {
            let options = array(qi, "answerOption");
            if !options.is_empty() {
                let codings: Vec<&Node<'_>> = options
                    .iter()
                    .filter_map(|o| o.get("valueCoding"))
                    .collect();
                let (system, code) = (str_at(value, "system"), str_at(value, "code"));
                if codings.is_empty() {
                    self.report(Severity::Error, "structure", value.offset, || {
                        "Option list has no option values of type coding".to_string()
                    });
                } else if !codings
                    .iter()
                    .any(|c| str_at(c, "system") == system && str_at(c, "code") == code)
                {
                    self.report(Severity::Error, "structure", value.offset, || {
                        format!(
                            "The code {}::{} is not a valid option",
                            system.unwrap_or("null"),
                            code.unwrap_or("null")
                        )
                    });
                }
            }
        }
        self.path.truncate(depth);
    }
}
