//! Element locations: a stack of segments kept while walking, formatted into the Java
//! validator's FHIRPath form (`Bundle.entry[3].resource/*Patient/p1*/.name[0]`) only when an
//! issue is reported.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    /// `.name` (the first segment is the root type, written without a dot).
    Name(&'a str),
    /// `[i]` after a repeating element.
    Index(usize),
    /// `.value.ofType(Quantity)` for a choice element (`Name` carries the base name).
    OfType(&'a str),
    /// `/*Patient/p1*/` after a nested resource.
    Resource(&'a str, Option<&'a str>),
}

#[derive(Debug, Default)]
pub struct Path<'a> {
    segs: Vec<Seg<'a>>,
}

impl<'a> Path<'a> {
    pub fn push(&mut self, s: Seg<'a>) {
        self.segs.push(s);
    }
    pub fn pop(&mut self) {
        self.segs.pop();
    }
    pub fn len(&self) -> usize {
        self.segs.len()
    }
    pub fn truncate(&mut self, n: usize) {
        self.segs.truncate(n);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.segs.iter().enumerate() {
            match s {
                Seg::Name(n) => {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(n);
                }
                Seg::Index(k) => {
                    let _ = write!(out, "[{k}]");
                }
                Seg::OfType(t) => {
                    let _ = write!(out, ".ofType({t})");
                }
                Seg::Resource(t, id) => {
                    let _ = write!(out, "/*{t}/{}*/", id.unwrap_or("null"));
                }
            }
        }
        out
    }
}
