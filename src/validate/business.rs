//! Rules that compare a conformance resource with the definitions it builds on, as the Java
//! validator checks them: a SearchParameter against the one it is derived from (and a composite's
//! components; its expression must parse and start from its base types), a CapabilityStatement's search parameters against their definitions. The
//! resources checked against the definition they answer to have their own modules
//! (`questionnaire`: QuestionnaireResponse, `measure`: MeasureReport), and a
//! StructureDefinition's differential is checked against its base in `profile_content`.

use super::Walker;
use super::path::Seg;
use crate::json::Node;
use crate::outcome::Severity;

pub(super) fn str_at<'a>(n: &'a Node<'a>, key: &str) -> Option<&'a str> {
    n.get(key).and_then(|v| v.value.as_str())
}

pub(super) fn array<'a>(n: &'a Node<'a>, key: &str) -> &'a [Node<'a>] {
    n.get(key)
        .and_then(|v| v.value.as_array())
        .unwrap_or_default()
}

/// A definition a resource names by canonical: one of its contained resources (`#id`), or one
/// of the profile set's, parsed from its stored JSON.
pub(super) enum Named<'n> {
    Contained(&'n Node<'n>),
    Loaded(Node<'n>),
}

impl<'n> Named<'n> {
    pub(super) fn node(&self) -> &Node<'n> {
        match self {
            Named::Contained(n) => n,
            Named::Loaded(n) => n,
        }
    }
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    /// The `resource_type` that `canonical` names from resource `node` (see [`Named`]).
    pub(super) fn named_definition<'n>(
        &self,
        arena: &'n crate::json::Arena,
        node: &'n Node<'n>,
        resource_type: &str,
        canonical: &str,
    ) -> Option<Named<'n>>
    where
        'a: 'n,
    {
        if let Some(id) = canonical.strip_prefix('#') {
            return array(node, "contained")
                .iter()
                .find(|c| {
                    str_at(c, "resourceType") == Some(resource_type) && str_at(c, "id") == Some(id)
                })
                .map(Named::Contained);
        }
        let d = self.set.definition(resource_type, canonical)?;
        crate::json::parse(&d.json, arena, &crate::json::Limits::default())
            .ok()
            .map(Named::Loaded)
    }

    pub(crate) fn business_rules(&mut self, node: &'a Node<'a>, rt: &str) {
        match rt {
            "SearchParameter" => self.search_parameter(node),
            "CapabilityStatement" => self.capability_statement(node),
            "QuestionnaireResponse" => self.questionnaire_response(node),
            "MeasureReport" => self.measure_report(node),
            "StructureDefinition" => self.structure_definition(node),
            _ => {}
        }
    }

    fn search_parameter(&mut self, node: &'a Node<'a>) {
        let kind = str_at(node, "type").unwrap_or_default();
        if kind == "composite" && array(node, "component").len() < 2 {
            self.report(Severity::Error, "invalid", node.offset, || {
                "When the SearchParameter has a type of 'composite', then the SearchParameter must define two or more components".to_string()
            });
        }
        self.search_expression(node);
        let Some(from) = str_at(node, "derivedFrom") else {
            return;
        };
        let Some(base) = self.set.search_param(from) else {
            return;
        };
        if !kind.is_empty() && base.kind != kind {
            self.report(Severity::Error, "business-rule", node.offset, || {
                format!(
                    "The type {kind} is different to the type {} ({from}) in the derivedFrom SearchParameter",
                    base.kind
                )
            });
        }
        for b in array(node, "base") {
            if let Some(b) = b.value.as_str()
                && !base.base.iter().any(|x| x == b || x == "Resource")
            {
                self.report(Severity::Error, "business-rule", node.offset, || {
                    format!("The resource type {b} is not listed as a base in the SearchParameter this is derived from ({from})")
                });
            }
        }
    }

    /// The search expression must parse, and the types its paths start from must be among
    /// the parameter's base types (`Organization.name` cannot search Patients).
    fn search_expression(&mut self, node: &'a Node<'a>) {
        let Some(e) = node.get("expression") else {
            return;
        };
        let Some(text) = e.value.as_str() else {
            return;
        };
        let bases: Vec<&str> = array(node, "base")
            .iter()
            .filter_map(|b| b.value.as_str())
            .collect();
        let message = match crate::fhirpath::parse(text) {
            Err(err) => Some(err.message),
            Ok(expr)
                if !bases
                    .iter()
                    .any(|b| matches!(*b, "Resource" | "DomainResource")) =>
            {
                expr.path_roots()
                    .into_iter()
                    .find(|r| r.starts_with(|c: char| c.is_ascii_uppercase()) && !bases.contains(r))
                    .map(|name| {
                        let types: Vec<String> = bases
                            .iter()
                            .map(|b| format!("http://hl7.org/fhir/StructureDefinition/{b}"))
                            .collect();
                        // 1-based character position of the name as a word of the expression
                        let at = text
                            .match_indices(name)
                            .find(|(i, _)| {
                                !text[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '.')
                            })
                            .map_or(0, |(i, _)| text[..i].chars().count() + 1);
                        format!(
                            "Error evaluating FHIRPath expression: The name '{name}' is not valid for any of the possible types: [{}] (@char {at})",
                            types.join(", ")
                        )
                    })
            }
            Ok(_) => None,
        };
        if let Some(m) = message {
            self.path.push(Seg::Name("expression"));
            self.report(Severity::Error, "invalid", e.offset, || {
                format!("Error in search expression '{text}': {m}")
            });
            self.path.pop();
        }
    }

    fn capability_statement(&mut self, node: &'a Node<'a>) {
        for (ri, rest) in array(node, "rest").iter().enumerate() {
            for (ci, res) in array(rest, "resource").iter().enumerate() {
                for (si, sp) in array(res, "searchParam").iter().enumerate() {
                    let (Some(def), Some(kind)) = (str_at(sp, "definition"), str_at(sp, "type"))
                    else {
                        continue;
                    };
                    let Some(d) = self.set.search_param(def) else {
                        continue;
                    };
                    if d.kind == kind {
                        continue;
                    }
                    let depth = self.path.len();
                    for s in [
                        Seg::Name("rest"),
                        Seg::Index(ri),
                        Seg::Name("resource"),
                        Seg::Index(ci),
                        Seg::Name("searchParam"),
                        Seg::Index(si),
                    ] {
                        self.path.push(s);
                    }
                    let label = if d.version.is_empty() {
                        d.url.clone()
                    } else {
                        format!("{}|{}", d.url, d.version)
                    };
                    let expected = d.kind.clone();
                    self.report(Severity::Error, "invalid", sp.offset, || {
                        format!("Type mismatch - SearchParameter '{label}' type is {expected}, but type here is {kind}")
                    });
                    self.path.truncate(depth);
                }
            }
        }
    }
}
