//! Member-history mode (PDex): each entry is also checked against what a PDex server promises
//! for its type, derived from the loaded server CapabilityStatement (data, not a table here).
//! Where several profiles are promised for a type (Observation, Condition, DiagnosticReport,
//! Device, ...), the ones that apply are chosen by their identifying elements (`code`,
//! `category`: fixed and pattern values, required slices, bindings): a profile applies when
//! those elements of the resource conform to it.

use super::Walker;
use crate::json::Node;
use crate::model::Capability;
use crate::outcome::Severity;

/// The PDex server CapabilityStatement to use: the named one, else the newest PDex server
/// statement loaded (`pdex-server-6-1` in the 2.1 build, `pdex-server` before).
pub(crate) fn pick<'v>(caps: &'v [Capability], named: Option<&str>) -> Option<&'v Capability> {
    if let Some(url) = named {
        let (u, v) = crate::canonical::split(url);
        return caps
            .iter()
            .rev()
            .find(|c| c.url == u && v.is_none_or(|v| c.version == v));
    }
    const PREFIX: &str = "http://hl7.org/fhir/us/davinci-pdex/CapabilityStatement/";
    ["pdex-server-6-1", "pdex-server"].iter().find_map(|name| {
        caps.iter()
            .rev()
            .find(|c| c.url.strip_prefix(PREFIX) == Some(*name))
    })
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    /// The profiles member-history mode adds for a top-level resource or Bundle entry.
    pub(crate) fn member_profiles(&mut self, node: &'a Node<'a>, rt: &'a str) -> Vec<&'v str> {
        let Some(cap) = self.capability else {
            return Vec::new();
        };
        let promised = cap.profiles_for(rt);
        match promised {
            [] => Vec::new(),
            [one] => vec![one.as_str()],
            many => {
                let mut chosen = Vec::new();
                for p in many {
                    let Some(id) = self.set.resolve(p) else {
                        continue;
                    };
                    if self.set.structure(id).type_name == rt && self.applies(id, node) {
                        chosen.push(p.as_str());
                    }
                }
                let all: Vec<&str> = many.iter().map(String::as_str).collect();
                let cap_url = cap.url.as_str();
                if chosen.is_empty() {
                    self.report(Severity::Information, "informational", node.offset, || {
                        format!(
                            "Member-history mode: none of the profiles {cap_url} promises for {rt} applies to this resource by its code/category ({})",
                            all.join(", ")
                        )
                    });
                } else {
                    let list = chosen.join(", ");
                    let (n, m) = (chosen.len(), all.len());
                    self.report(Severity::Information, "informational", node.offset, || {
                        format!(
                            "Member-history mode: validated against {list} ({n} of the {m} profiles {cap_url} promises for {rt} apply by code/category)"
                        )
                    });
                }
                chosen
            }
        }
    }

    /// Does the profile's identification (its `code` and `category` constraints) fit this
    /// resource? Only those elements are checked.
    fn applies(&mut self, profile: crate::model::StructId, node: &'a Node<'a>) -> bool {
        self.conforms(|w| w.members_of(profile, 0, node, true, Some(&["code", "category"])))
    }
}
