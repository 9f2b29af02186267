//! Element locations: a stack of segments kept while walking, formatted into the Java
//! validator's FHIRPath form (`Bundle.entry[3].resource/*Patient/p1*/.name[0]`) only when an
//! issue is reported.

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

    /// The path as text: pieces pushed onto one buffer (the formatting machinery showed in
    /// profiles, as every issue renders its path).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(96);
        for (i, s) in self.segs.iter().enumerate() {
            match s {
                Seg::Name(n) => {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(n);
                }
                Seg::Index(k) => {
                    out.push('[');
                    push_decimal(&mut out, *k);
                    out.push(']');
                }
                Seg::OfType(t) => {
                    out.push_str(".ofType(");
                    out.push_str(t);
                    out.push(')');
                }
                Seg::Resource(t, id) => {
                    out.push_str("/*");
                    out.push_str(t);
                    out.push('/');
                    out.push_str(id.unwrap_or("null"));
                    out.push_str("*/");
                }
            }
        }
        out
    }
}

/// `n` in decimal, appended.
fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    for d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(*d));
    }
}
