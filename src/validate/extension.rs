//! Extensions: an extension is validated against the definition its `url` names. An absolute
//! URL whose definition is not loaded is an error unless it is in an allowed domain (as in the
//! Java validator, whose default allows none); relative URLs belong to the enclosing complex
//! extension, whose definition slices them.

use super::{Item, Walker};
use crate::json::Node;
use crate::model::StructId;
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
        if !url.contains(':') || is_cross_version(url) {
            return;
        }
        match set.resolve(url) {
            Some(def) if set.structure(def).type_name == "Extension" => {
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
                    .allowed_extension_domains
                    .iter()
                    .any(|d| url.starts_with(d.as_str()));
                if !allowed {
                    self.report(Severity::Error, "structure", node.offset, || {
                        format!("The extension {url} could not be found so is not allowed here")
                    });
                }
            }
        }
    }
}
