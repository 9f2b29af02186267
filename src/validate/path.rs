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
    hidden: Vec<Seg<'a>>,
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

    /// Hide the trailing `.extension[i]` (see [`Path::restore`]).
    pub fn truncate_to_extension_host(&mut self) {
        let mut n = self.segs.len();
        while n > 0 && matches!(self.segs.get(n - 1), Some(Seg::Index(_))) {
            n -= 1;
        }
        self.hidden = self.segs.split_off(n.saturating_sub(1));
    }

    /// Put back what [`Path::truncate_to_extension_host`] hid; `depth` is the length before.
    pub fn restore(&mut self, depth: usize) {
        self.segs.append(&mut self.hidden);
        self.segs.truncate(depth);
    }

    /// The element holding the extension at the end of this path, as a path from its
    /// resource without indexes (`Patient.name` for `...resource/*Patient/1*/.name[0].extension[2]`).
    pub fn extension_host(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        let mut segs = self.segs.iter().rev().peekable();
        // drop `.extension[i]` / `.modifierExtension[i]` itself
        while let Some(Seg::Index(_)) = segs.peek() {
            segs.next();
        }
        segs.next();
        for s in segs {
            match s {
                Seg::Name(n) => names.push(n),
                Seg::Resource(t, _) => {
                    names.push(t);
                    break;
                }
                Seg::Index(_) | Seg::OfType(_) => {}
            }
        }
        names.reverse();
        names.join(".")
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
