//! Message ids: the stable name of what an issue says, written on every issue of the
//! OperationOutcome as the `http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id`
//! extension, as the HL7 Java validator does. Where the issue is one of the Java validator's
//! messages the id is Java's (its `Messages.properties` key, without the `_one`/`_other`
//! plural suffix, as Java writes it: `Type_Specific_Checks_DT_String_WS`,
//! `Validation_VAL_Profile_Minimum`, `Extension_EXT_Unknown_NotHere`); else it is an id of
//! ours in the same style (listed under "fhirval's own" below). Ids never contain values:
//! every issue with the same message template has the same id.
//!
//! The id is found from the issue, not stored with it: the terminology engine's issues carry
//! Java's id as their [`Issue::key`]; a failed invariant is Java's `INV_FAILED` (its key, as
//! `dom-6`, stays in [`Issue::key`]); every other message is matched against the templates of
//! [`TEMPLATES`] (the messages are Java's texts, or ours, with values in the place of Java's
//! `{0}`). One table, read in order, first match wins, so that a new message needs one line
//! here, and the test over the corpus and the hostile suite (`tests/integration/message_ids.rs`) names any
//! message that falls through to [`FALLBACK`].

use crate::outcome::Issue;

/// The URL of the extension carrying the id.
pub const EXTENSION_URL: &str =
    "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id";

/// Java's id of a failed invariant ("Constraint failed: KEY: 'human'").
pub const INVARIANT: &str = "INV_FAILED";

/// Java's id of the one issue of a clean outcome ("All OK").
pub const ALL_OK: &str = "ALL_OK";

/// The id of a message no template matches (the message-id test fails on any on the corpus
/// and the hostile suite, so it is only reachable by a message added without its template).
pub const FALLBACK: &str = "FHIRVAL_UNCLASSIFIED";

/// The message id of an issue (see the module documentation).
pub fn of(issue: &Issue) -> &str {
    if issue.message.starts_with("Constraint failed: ") {
        return INVARIANT;
    }
    if let Some(key) = issue.key.as_deref() {
        return key;
    }
    of_message(&issue.message)
}

/// The id of a message text by [`TEMPLATES`], [`FALLBACK`] when none matches.
pub fn of_message(message: &str) -> &'static str {
    let first = message.as_bytes().first();
    TEMPLATES
        .iter()
        // the first byte rules most templates out at once
        .filter(|(template, _)| {
            let t = template.as_bytes().first();
            t == Some(&b'*') || t == first
        })
        .find(|(template, _)| matches(template, message))
        .map_or(FALLBACK, |(_, id)| id)
}

/// Does `text` match `template` (`*`: any run of characters)? Without allocating: the text
/// must start with the part before the first `*` and end with the part after the last, and
/// hold the parts between in order (the leftmost place of each is as good as any). Written
/// here rather than with a glob crate: it runs on every issue written, and `*` is all it needs.
fn matches(template: &str, text: &str) -> bool {
    let Some((body, last)) = template.rsplit_once('*') else {
        return text == template;
    };
    let (first, middle) = body.split_once('*').unwrap_or((body, ""));
    let Some(rest) = text.strip_prefix(first) else {
        return false;
    };
    if !rest.ends_with(last) {
        return false;
    }
    // `rest` ends with `last`, so this is a character boundary
    let Some(mut hay) = rest.get(..rest.len() - last.len()) else {
        return false;
    };
    for part in middle.split('*').filter(|p| !p.is_empty()) {
        match hay.find(part).and_then(|at| hay.get(at + part.len()..)) {
            Some(after) => hay = after,
            None => return false,
        }
    }
    true
}

mod templates;
pub use templates::TEMPLATES;

#[cfg(test)]
mod tests;
