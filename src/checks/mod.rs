//! Leaf checkers: each takes a value (a primitive's JSON text, a narrative's XHTML) and answers
//! with issues, in the Java validator's words; none needs the walker, a profile set or the rest
//! of the document, so each is usable alone.
//!
//! - [`primitive`]: the R4 primitive types (JSON kind, regexes, calendar validity of dates and
//!   times, integer ranges, decimals, base64, uri/uuid/oid, code whitespace, HTML in markdown).
//! - [`xhtml`]: narrative XHTML (an emulation of Java's `XhtmlParser`, txt-1/txt-2, the
//!   `XhtmlValidator` rules, allow-lists, the entity table as data).

pub mod primitive;
pub mod xhtml;
