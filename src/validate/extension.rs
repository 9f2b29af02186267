//! Extensions: an extension is validated against the definition its `url` names. An absolute
//! URL whose definition is not loaded is an error unless it is in an allowed domain (as in the
//! Java validator, whose default allows none); relative URLs belong to the enclosing complex
//! extension, whose definition slices them.

use super::{Item, Walker};
use crate::json::Node;
use crate::model::{Context, StructId};
use crate::outcome::Severity;

/// `http://hl7.org/fhir/5.0/StructureDefinition/extension-DeviceRequest.doNotPerform`: a
/// cross-version extension, defined by the specification for every element of another FHIR
/// version; the Java validator accepts them without a loaded definition.
fn is_cross_version(url: &str) -> bool {
    url.strip_prefix("http://hl7.org/fhir/")
        .and_then(|rest| rest.split_once("/StructureDefinition/extension-"))
        .is_some_and(|(version, _)| {
            !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    pub(crate) fn extension(&mut self, sd: StructId, el: u32, node: &'a Node<'a>) {
        let set = self.set;
        let Some(e) = set.structure(sd).elements.get(el as usize) else {
            return;
        };
        // a slice that names a loaded definition as its type profile is checked through it
        if e.types
            .iter()
            .flat_map(|t| t.profiles.iter())
            .any(|p| set.resolve(p).is_some())
        {
            return;
        }
        let Some(url) = node.get("url").and_then(|u| u.value.as_str()) else {
            return; // Extension.url is required: the cardinality rule reports it
        };
        // relative URLs belong to the enclosing extension's definition; a profile walk
        // relies on the base walk having checked each extension against its definition
        if !url.contains(':') || is_cross_version(url) || self.profile_walk {
            return;
        }
        match set.resolve(url) {
            Some(def) if set.structure(def).type_name == "Extension" => {
                self.check_context(sd, el, def, url, node);
                let modifier_def = set
                    .structure(def)
                    .elements
                    .first()
                    .is_some_and(|root| root.is_modifier);
                let as_modifier = e.name == "modifierExtension";
                if modifier_def != as_modifier {
                    self.report(Severity::Error, "structure", node.offset, || {
                        if modifier_def {
                            format!("The Extension '{url}' must not be used as an extension (it's a modifierExtension)")
                        } else {
                            format!("The Extension '{url}' must not be used as a modifierExtension (it's a regular extension)")
                        }
                    });
                }
                if !self.value_type_allowed(def, url, node) {
                    return;
                }
                let item = Item {
                    value: Some(node),
                    ext: None,
                    type_code: None,
                    offset: node.offset,
                };
                self.element(def, 0, item);
            }
            Some(_) => self.report(Severity::Error, "structure", node.offset, || {
                format!("The URL {url} does not name an extension definition")
            }),
            None => {
                let allowed = self
                    .opts
                    .allow_extension_domains
                    .iter()
                    .any(|d| url.starts_with(d.as_str()));
                if allowed || is_known_without_definition(url) {
                    return;
                }
                match set.substitute_for(url) {
                    // the version the IG asked for may define it
                    Some((used, asked)) => {
                        self.report(Severity::Warning, "structure", node.offset, || {
                            format!("The extension {url} could not be found in {used}; the IG depends on {asked}, which is not available here")
                        });
                    }
                    None => self.report(Severity::Error, "structure", node.offset, || {
                        format!("The extension {url} could not be found so is not allowed here")
                    }),
                }
            }
        }
    }
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    /// The type of the element whose `extension` child is `el`.
    fn host_type(&self, sd: StructId, el: u32) -> &'v str {
        let s = self.set.structure(sd);
        let parent = s
            .elements
            .iter()
            .enumerate()
            .find(|(_, e)| e.children.contains(&el));
        match parent {
            Some((0, _)) | None => s.type_name.as_str(),
            Some((_, p)) => match p.types.as_slice() {
                [t] => t.code.as_str(),
                _ => "Element",
            },
        }
    }

    /// The `value[x]` type of an extension against its definition's allowed types (reported
    /// at the extension, as Java does); false when it is not allowed.
    fn value_type_allowed(&mut self, def: StructId, url: &str, node: &'a Node<'a>) -> bool {
        let s = self.set.structure(def);
        let Some(root) = s.elements.first() else {
            return true;
        };
        let Some(value_el) = root
            .children
            .iter()
            .filter_map(|c| s.elements.get(*c as usize))
            .find(|e| e.name == "value[x]")
        else {
            return true;
        };
        if value_el.max == 0 || value_el.types.is_empty() {
            return true; // a complex extension: cardinality reports a value
        }
        let Some(found) = node.value.as_object().and_then(|members| {
            members.iter().find_map(|m| {
                let rest = m.key.strip_prefix("value")?;
                let mut chars = rest.chars();
                let first = chars.next()?;
                first.is_ascii_uppercase().then(|| {
                    let lower = format!("{}{}", first.to_ascii_lowercase(), chars.as_str());
                    match self.set.type_def(&lower) {
                        Some(_) => lower,
                        None => rest.to_string(),
                    }
                })
            })
        }) else {
            return true;
        };
        if value_el.types.iter().any(|t| t.code == found) {
            return true;
        }
        let allowed: Vec<&str> = value_el.types.iter().map(|t| t.code.as_str()).collect();
        self.report(Severity::Error, "structure", node.offset, || {
            format!(
                "The Extension '{url}' definition allows for the types [{}] but found type {found}",
                allowed.join(", ")
            )
        });
        false
    }

    /// R5's `CanonicalResource` in R4 terms: a resource type with `url` and `version`.
    fn is_canonical_resource(&self, type_name: &str) -> bool {
        let Some(id) = self.set.type_def(type_name) else {
            return false;
        };
        let s = self.set.structure(id);
        let has = |name: &str| {
            s.elements.first().is_some_and(|root| {
                root.children
                    .iter()
                    .any(|c| s.elements.get(*c as usize).is_some_and(|e| e.name == name))
            })
        };
        s.kind == crate::model::Kind::Resource && has("url") && has("version")
    }

    /// `type`, its base type, and so on up to `Base`.
    fn type_and_ancestors(&self, type_name: &'v str) -> Vec<&'v str> {
        let mut out = vec![type_name];
        let mut current = self.set.type_def(type_name);
        while let Some(id) = current {
            if out.len() > 16 {
                break;
            }
            let base = self
                .set
                .structure(id)
                .base_definition
                .as_deref()
                .and_then(|b| self.set.resolve(b));
            current = base;
            if let Some(b) = base {
                out.push(self.set.structure(b).type_name.as_str());
            }
        }
        out
    }

    /// An extension may only be used where its definition's `context` allows.
    fn check_context(
        &mut self,
        sd: StructId,
        el: u32,
        def: StructId,
        url: &str,
        node: &'a Node<'a>,
    ) {
        let contexts = &self.set.structure(def).contexts;
        if contexts.is_empty() {
            return;
        }
        let host_type = self.host_type(sd, el);
        let host_path = self.path.extension_host();
        let types = self.type_and_ancestors(host_type);
        let allowed = contexts.iter().any(|c| match c {
            Context::FhirPath(_) => true,
            Context::Extension(_) => host_type == "Extension",
            Context::Element(e) => {
                let e = e.replace("[x]", "");
                e == "Element"
                    || e == "Base"
                    || types.contains(&e.as_str())
                    || (matches!(e.as_str(), "CanonicalResource" | "MetadataResource")
                        && self.is_canonical_resource(host_type))
                    || e == host_path
                    || e.split_once('.').is_some_and(|(head, rest)| {
                        host_path.ends_with(&format!(".{rest}"))
                            && (host_path.starts_with(&format!("{head}."))
                                || self.set.type_def(head).is_some())
                    })
            }
        });
        if !allowed {
            let list: Vec<String> = contexts
                .iter()
                .map(|c| match c {
                    Context::Element(e) => format!("e:{e}"),
                    Context::Extension(e) => format!("x:{e}"),
                    Context::FhirPath(e) => format!("p:{e}"),
                })
                .collect();
            // reported at the element holding the extension, as Java does
            let depth = self.path.len();
            self.path.truncate_to_extension_host();
            self.report(Severity::Error, "structure", node.offset, || {
                format!(
                    "The extension {url} is not allowed to be used at this point (this element is [{host_type}, {host_path}]; allowed = {})",
                    list.join("; ")
                )
            });
            self.path.restore(depth);
        }
    }
}

/// Extensions the Java validator knows without a definition (its `isKnownExtension`): the IG
/// publisher's example metadata that US Core 4.0.0 and 5.0.1 write on every example
/// (`meta.extension` `instance-name`, `instance-description`; no package defines these URLs —
/// the extensions pack later published them as `resource-instance-name` and
/// `resource-instance-description`, with other constraints). Accepted like an allowed domain.
fn is_known_without_definition(url: &str) -> bool {
    const KNOWN: &[&str] = &[
        "http://hl7.org/fhir/StructureDefinition/instance-name",
        "http://hl7.org/fhir/StructureDefinition/instance-description",
    ];
    KNOWN.contains(&url)
}
