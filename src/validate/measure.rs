//! A MeasureReport checked against its Measure, as the Java validator's MeasureValidator does:
//! the Measure is found by `MeasureReport.measure` (a `#id` contained resource, or a canonical
//! among the loaded definitions); the report's groups, their populations and stratifiers must
//! match the Measure's by code (each one defined in the Measure must be reported), and the
//! group's `measureScore` must follow the Measure's scoring (none for `cohort` scoring or a
//! `data-collection` report; required for `proportion`, `ratio` and `continuous-variable`, and
//! between 0 and 1 for `proportion`). Messages are the Java validator's where its test outcomes
//! show them (the `cohort` score, stratifier codes); the others are worded after them.

use super::Walker;
use super::business::{Named, array, str_at};
use super::path::Seg;
use crate::json::{Node, Value};
use crate::outcome::Severity;

/// Does `cc` (a CodeableConcept) have a coding with the system and code of one of `def`'s?
fn codes_match(cc: Option<&Node<'_>>, def: Option<&Node<'_>>) -> bool {
    let (Some(cc), Some(def)) = (cc, def) else {
        return false;
    };
    let theirs = array(def, "coding");
    let ours = array(cc, "coding");
    let by_coding = theirs.iter().any(|t| {
        ours.iter().any(|o| {
            str_at(o, "system") == str_at(t, "system") && str_at(o, "code") == str_at(t, "code")
        })
    });
    by_coding
        || (theirs.is_empty()
            && ours.is_empty()
            && str_at(cc, "text").is_some()
            && str_at(cc, "text") == str_at(def, "text"))
}

/// A report's `code`: a CodeableConcept, or the first of several (`MeasureReport.group.stratifier.code`
/// repeats).
fn code<'n>(n: &'n Node<'n>) -> Option<&'n Node<'n>> {
    let c = n.get("code")?;
    match c.value.as_array() {
        Some(list) => list.first(),
        None => Some(c),
    }
}

/// A CodeableConcept as the Java validator shows it in messages: its text, else its first
/// coding's display or code; empty when there is none.
fn display(cc: Option<&Node<'_>>) -> String {
    let Some(cc) = cc else {
        return String::new();
    };
    if let Some(t) = str_at(cc, "text") {
        return t.to_string();
    }
    array(cc, "coding")
        .first()
        .and_then(|c| str_at(c, "display").or(str_at(c, "code")))
        .unwrap_or_default()
        .to_string()
}

/// The Measure's scoring code (`Measure.scoring.coding.code`).
fn scoring<'n>(measure: &'n Node<'n>) -> Option<&'n str> {
    let cc = measure.get("scoring")?;
    array(cc, "coding").iter().find_map(|c| str_at(c, "code"))
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    pub(crate) fn measure_report(&mut self, node: &'a Node<'a>) {
        let Some(m) = node.get("measure") else {
            self.report(Severity::Information, "required", node.offset, || {
                "No Measure is identified, so no validation can be performed against the Measure"
                    .to_string()
            });
            return;
        };
        let Some(canonical) = m.value.as_str() else {
            return;
        };
        let arena = crate::json::Arena::new();
        let named = self.named_definition(&arena, node, "Measure", canonical);
        let Some(measure) = named.as_ref().map(Named::node) else {
            self.report(Severity::Warning, "required", m.offset, || {
                format!("The Measure '{canonical}' could not be resolved, so no validation can be performed against the Measure")
            });
            return;
        };
        let scoring = scoring(measure).unwrap_or_default();
        let data_collection = str_at(node, "type") == Some("data-collection");
        let defined = array(measure, "group");
        let reported = array(node, "group");
        if let ([g], [def]) = (reported, defined) {
            // a single group may be anonymous; codes, when both have one, must agree
            self.path.push(Seg::Name("group"));
            self.path.push(Seg::Index(0));
            if g.get("code").is_some()
                && def.get("code").is_some()
                && !codes_match(g.get("code"), def.get("code"))
            {
                let (ours, theirs) = (display(g.get("code")), display(def.get("code")));
                self.report(Severity::Error, "business-rule", g.offset, || {
                    format!("The code for this group ({ours}) does not match the code in the Measure ({theirs})")
                });
            }
            self.measure_group(def, g, scoring, data_collection);
            self.path.pop();
            self.path.pop();
            return;
        }
        let mut seen: Vec<usize> = Vec::new();
        for (i, g) in reported.iter().enumerate() {
            self.path.push(Seg::Name("group"));
            self.path.push(Seg::Index(i));
            match defined
                .iter()
                .position(|d| d.get("code").is_some() && codes_match(g.get("code"), d.get("code")))
            {
                None => self.report(Severity::Error, "business-rule", g.offset, || {
                    "The code for this group has no match in the Measure definition".to_string()
                }),
                Some(k) if seen.contains(&k) => {
                    self.report(Severity::Error, "business-rule", g.offset, || {
                        "The code for this group is duplicated with another group".to_string()
                    })
                }
                Some(k) => {
                    seen.push(k);
                    if let Some(def) = defined.get(k) {
                        self.measure_group(def, g, scoring, data_collection);
                    }
                }
            }
            self.path.pop();
            self.path.pop();
        }
        if !data_collection {
            for (k, def) in defined.iter().enumerate() {
                if !seen.contains(&k) {
                    let code = display(def.get("code"));
                    self.report(Severity::Error, "business-rule", node.offset, || {
                        format!("The MeasureReport does not include a group for the group with code '{code}'")
                    });
                }
            }
        }
    }

    /// A reported group against its definition; the path is at the group.
    fn measure_group(
        &mut self,
        def: &Node<'_>,
        group: &'a Node<'a>,
        scoring: &str,
        data_collection: bool,
    ) {
        self.measure_parts(def, group, "population");
        self.measure_score(group, scoring, data_collection);
        self.measure_parts(def, group, "stratifier");
    }

    /// The group's populations or stratifiers against the Measure group's, by code.
    fn measure_parts(&mut self, def: &Node<'_>, group: &'a Node<'a>, key: &'static str) {
        let defined = array(def, key);
        let mut seen: Vec<usize> = Vec::new();
        for (i, part) in array(group, key).iter().enumerate() {
            self.path.push(Seg::Name(key));
            self.path.push(Seg::Index(i));
            match defined
                .iter()
                .position(|d| d.get("code").is_some() && codes_match(code(part), d.get("code")))
            {
                None => self.report(Severity::Error, "business-rule", part.offset, || {
                    format!("Group should have a code that matches the group {key} definition in the measure")
                }),
                Some(k) if seen.contains(&k) => {
                    self.report(Severity::Error, "business-rule", part.offset, || {
                        format!("The code for this {key} is duplicated with another {key}")
                    })
                }
                Some(k) => seen.push(k),
            }
            self.path.pop();
            self.path.pop();
        }
        for (k, d) in defined.iter().enumerate() {
            let observation = array(d.get("code").unwrap_or(d), "coding").iter().any(|c| {
                str_at(c, "system")
                    == Some("http://terminology.hl7.org/CodeSystem/measure-population")
                    && str_at(c, "code") == Some("measure-observation")
            });
            if seen.contains(&k) || (key == "population" && observation) {
                continue;
            }
            let code = display(d.get("code"));
            let id = str_at(d, "id").unwrap_or_default();
            self.report(Severity::Error, "business-rule", group.offset, || {
                format!("The MeasureReport does not include a {key} for the {key} with code '{code}' (id = '{id}')")
            });
        }
    }

    /// `group.measureScore` against the Measure's scoring; the path is at the group.
    fn measure_score(&mut self, group: &'a Node<'a>, scoring: &str, data_collection: bool) {
        let score = group.get("measureScore");
        let banned = if data_collection {
            Some("No measureScore when the type of the report is 'data-collection'".to_string())
        } else if scoring == "cohort" {
            Some(format!(
                "No measureScore when the scoring of the message is '{scoring}'"
            ))
        } else {
            None
        };
        if let Some(message) = banned {
            if let Some(s) = score {
                self.path.push(Seg::Name("measureScore"));
                self.report(Severity::Error, "business-rule", s.offset, || message);
                self.path.pop();
            }
            return;
        }
        if !matches!(scoring, "proportion" | "ratio" | "continuous-variable") {
            return;
        }
        let Some(s) = score else {
            self.report(Severity::Error, "required", group.offset, || {
                format!("A measureScore is required when the Measure.scoring = '{scoring}'")
            });
            return;
        };
        self.path.push(Seg::Name("measureScore"));
        match s.get("value") {
            None => self.report(Severity::Error, "required", s.offset, || {
                format!("A value is required when the Measure.scoring = '{scoring}'")
            }),
            Some(v) if scoring == "proportion" => {
                if let Value::Number(t) = &v.value
                    && let Ok(x) = t.parse::<f64>()
                    && !(0.0..=1.0).contains(&x)
                {
                    self.path.push(Seg::Name("value"));
                    self.report(Severity::Error, "required", v.offset, || {
                        "The value of the measureScore must be between 0 and 1".to_string()
                    });
                    self.path.pop();
                }
                for unit in ["unit", "system", "code"] {
                    if let Some(u) = s.get(unit) {
                        self.path.push(Seg::Name(unit));
                        self.report(Severity::Error, "business-rule", u.offset, || {
                            "A measureScore for this Measure Scoring ('proportion') should not have units".to_string()
                        });
                        self.path.pop();
                    }
                }
            }
            Some(_) => {}
        }
        self.path.pop();
    }
}
