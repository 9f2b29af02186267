//! A small regular expression matcher for `regex` value set filters: whole-string match,
//! linear time (Thompson NFA simulation, no backtracking), bounded pattern and program size.
//!
//! Supported: literals, `.`, classes (`[a-z]`, `[^...]`), `\d \w \s \D \W \S`, escaped
//! characters, groups `(...)` / `(?:...)`, `|`, `* + ?`, `{n}`, `{n,}`, `{n,m}` (a lazy `?`
//! suffix is accepted and ignored), `^` / `$` (the match is always of the whole string).
//! Anything else is an error, and the filter is reported as not supported.

/// Why a pattern is not supported (the filter is then reported as not supported offline, with
/// this text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RegexError {
    #[error("regex too long")]
    TooLong,
    #[error("regex nested too deeply")]
    TooDeep,
    #[error("regex too large")]
    TooLarge,
    #[error("bad {{n,m}} repetition")]
    BadRepetition,
    #[error("repetition count out of range")]
    CountOutOfRange,
    #[error("unsupported escape \\{0}")]
    Escape(char),
    #[error("unsupported escape \\{0} in a class")]
    ClassEscape(char),
    #[error("trailing backslash")]
    TrailingBackslash,
    #[error("unterminated [class]")]
    UnterminatedClass,
    #[error("unexpected end")]
    UnexpectedEnd,
    #[error("bad range in [class]")]
    BadRange,
    #[error("unsupported group syntax (?")]
    GroupSyntax,
    #[error("missing )")]
    MissingParen,
    #[error("unbalanced )")]
    Unbalanced,
    #[error("nothing to repeat before '{0}'")]
    NothingToRepeat(char),
}

const MAX_PATTERN: usize = 1000;
const MAX_PROGRAM: usize = 20_000;
const MAX_DEPTH: usize = 64;
const MAX_REPEAT: u32 = 1000;

#[derive(Debug)]
pub(crate) struct Regex {
    prog: Vec<Inst>,
}

#[derive(Debug)]
enum Inst {
    Char(char),
    Any,
    Class(Class),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

#[derive(Clone, Debug)]
struct Class {
    ranges: Vec<(char, char)>,
    negated: bool,
}

impl Class {
    fn matches(&self, c: char) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= c && c <= b) != self.negated
    }
}

#[derive(Debug)]
enum Node {
    Empty,
    Char(char),
    Any,
    Class(Class),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    depth: usize,
}

fn digit() -> Vec<(char, char)> {
    vec![('0', '9')]
}
fn word() -> Vec<(char, char)> {
    vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]
}
fn space() -> Vec<(char, char)> {
    vec![(' ', ' '), ('\t', '\r')]
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn alt(&mut self) -> Result<Node, RegexError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(RegexError::TooDeep);
        }
        let mut alts = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.i += 1;
            alts.push(self.concat()?);
        }
        self.depth -= 1;
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn concat(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(Node::Concat(items))
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start || self.i - start > 6 {
            return None;
        }
        self.s[start..self.i]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    fn quantified(&mut self, mut atom: Node) -> Result<Node, RegexError> {
        loop {
            let (min, max) = match self.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                Some('{') => {
                    self.i += 1;
                    let min = self.number().ok_or(RegexError::BadRepetition)?;
                    let max = if self.peek() == Some(',') {
                        self.i += 1;
                        if self.peek() == Some('}') {
                            None
                        } else {
                            Some(self.number().ok_or(RegexError::BadRepetition)?)
                        }
                    } else {
                        Some(min)
                    };
                    if self.peek() != Some('}') {
                        return Err(RegexError::BadRepetition);
                    }
                    if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
                        return Err(RegexError::CountOutOfRange);
                    }
                    (min, max)
                }
                _ => return Ok(atom),
            };
            self.i += 1;
            if self.peek() == Some('?') {
                self.i += 1; // lazy: same set of matches for a whole-string match
            }
            atom = Node::Repeat(Box::new(atom), min, max);
        }
    }

    fn escape(&mut self) -> Result<Node, RegexError> {
        let c = self.peek().ok_or(RegexError::TrailingBackslash)?;
        self.i += 1;
        let class = |ranges, negated| Node::Class(Class { ranges, negated });
        Ok(match c {
            'd' => class(digit(), false),
            'D' => class(digit(), true),
            'w' => class(word(), false),
            'W' => class(word(), true),
            's' => class(space(), false),
            'S' => class(space(), true),
            'n' => Node::Char('\n'),
            't' => Node::Char('\t'),
            'r' => Node::Char('\r'),
            c if c.is_ascii_alphanumeric() => return Err(RegexError::Escape(c)),
            c => Node::Char(c),
        })
    }

    fn class(&mut self) -> Result<Node, RegexError> {
        let mut negated = false;
        if self.peek() == Some('^') {
            negated = true;
            self.i += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or(RegexError::UnterminatedClass)?;
            self.i += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' {
                let e = self.peek().ok_or(RegexError::UnterminatedClass)?;
                self.i += 1;
                match e {
                    'd' => {
                        ranges.extend(digit());
                        continue;
                    }
                    'w' => {
                        ranges.extend(word());
                        continue;
                    }
                    's' => {
                        ranges.extend(space());
                        continue;
                    }
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    e if e.is_ascii_alphanumeric() => {
                        return Err(RegexError::ClassEscape(e));
                    }
                    e => e,
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.s.get(self.i + 1).is_some_and(|&n| n != ']') {
                self.i += 1;
                let mut hi = self.peek().ok_or(RegexError::UnterminatedClass)?;
                self.i += 1;
                if hi == '\\' {
                    hi = self.peek().ok_or(RegexError::UnterminatedClass)?;
                    self.i += 1;
                }
                if hi < lo {
                    return Err(RegexError::BadRange);
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(Node::Class(Class { ranges, negated }))
    }

    fn atom(&mut self) -> Result<Node, RegexError> {
        let c = self.peek().ok_or(RegexError::UnexpectedEnd)?;
        self.i += 1;
        match c {
            '(' => {
                if self.peek() == Some('?') {
                    if self.s.get(self.i + 1) == Some(&':') {
                        self.i += 2;
                    } else {
                        return Err(RegexError::GroupSyntax);
                    }
                }
                let n = self.alt()?;
                if self.peek() != Some(')') {
                    return Err(RegexError::MissingParen);
                }
                self.i += 1;
                Ok(n)
            }
            '[' => self.class(),
            '.' => Ok(Node::Any),
            '\\' => self.escape(),
            '^' | '$' => Ok(Node::Empty),
            '*' | '+' | '?' | '{' => Err(RegexError::NothingToRepeat(c)),
            c => Ok(Node::Char(c)),
        }
    }
}

fn compile(n: &Node, prog: &mut Vec<Inst>) -> Result<(), RegexError> {
    if prog.len() > MAX_PROGRAM {
        return Err(RegexError::TooLarge);
    }
    match n {
        Node::Empty => {}
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Class(c) => prog.push(Inst::Class(c.clone())),
        Node::Concat(v) => {
            for x in v {
                compile(x, prog)?;
            }
        }
        Node::Alt(v) => {
            let mut jumps = Vec::new();
            for (k, x) in v.iter().enumerate() {
                if k + 1 < v.len() {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    compile(x, prog)?;
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    let here = prog.len();
                    if let Some(Inst::Split(_, b)) = prog.get_mut(split) {
                        *b = here;
                    }
                } else {
                    compile(x, prog)?;
                }
            }
            let end = prog.len();
            for j in jumps {
                if let Some(Inst::Jmp(t)) = prog.get_mut(j) {
                    *t = end;
                }
            }
        }
        Node::Repeat(x, min, max) => {
            for _ in 0..*min {
                compile(x, prog)?;
            }
            match max {
                None => {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    compile(x, prog)?;
                    prog.push(Inst::Jmp(split));
                    let end = prog.len();
                    if let Some(Inst::Split(_, b)) = prog.get_mut(split) {
                        *b = end;
                    }
                }
                Some(m) => {
                    let mut splits = Vec::new();
                    for _ in *min..*m {
                        let split = prog.len();
                        splits.push(split);
                        prog.push(Inst::Split(split + 1, 0));
                        compile(x, prog)?;
                        if prog.len() > MAX_PROGRAM {
                            return Err(RegexError::TooLarge);
                        }
                    }
                    let end = prog.len();
                    for s in splits {
                        if let Some(Inst::Split(_, b)) = prog.get_mut(s) {
                            *b = end;
                        }
                    }
                }
            }
        }
    }
    if prog.len() > MAX_PROGRAM {
        return Err(RegexError::TooLarge);
    }
    Ok(())
}

impl Regex {
    pub(crate) fn new(pattern: &str) -> Result<Regex, RegexError> {
        if pattern.len() > MAX_PATTERN {
            return Err(RegexError::TooLong);
        }
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser {
            s: &chars,
            i: 0,
            depth: 0,
        };
        let node = p.alt()?;
        if p.i != chars.len() {
            return Err(RegexError::Unbalanced);
        }
        let mut prog = Vec::new();
        compile(&node, &mut prog)?;
        prog.push(Inst::Match);
        Ok(Regex { prog })
    }

    fn add(&self, list: &mut Vec<usize>, pc: usize, generation: usize, mark: &mut [usize]) {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            match mark.get_mut(pc) {
                Some(m) if *m != generation => *m = generation,
                _ => continue,
            }
            match self.prog.get(pc) {
                Some(Inst::Split(a, b)) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Some(Inst::Jmp(a)) => stack.push(*a),
                Some(_) => list.push(pc),
                None => {}
            }
        }
    }

    /// Does the regex match the whole of `s`?
    pub(crate) fn is_match(&self, s: &str) -> bool {
        let mut mark = vec![usize::MAX; self.prog.len()];
        let mut cur = Vec::new();
        let mut next = Vec::new();
        let mut generation = 0;
        self.add(&mut cur, 0, generation, &mut mark);
        for c in s.chars() {
            generation += 1;
            next.clear();
            for &pc in &cur {
                let hit = match self.prog.get(pc) {
                    Some(Inst::Char(x)) => *x == c,
                    Some(Inst::Any) => true,
                    Some(Inst::Class(cl)) => cl.matches(c),
                    _ => false,
                };
                if hit {
                    self.add(&mut next, pc + 1, generation, &mut mark);
                }
            }
            std::mem::swap(&mut cur, &mut next);
            if cur.is_empty() {
                return false;
            }
        }
        cur.iter()
            .any(|&pc| matches!(self.prog.get(pc), Some(Inst::Match)))
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, s: &str) -> bool {
        Regex::new(p).map(|r| r.is_match(s)).unwrap_or(false)
    }

    #[test]
    fn basics() {
        assert!(m("[A-Z]{3}", "USA"));
        assert!(!m("[A-Z]{3}", "US"));
        assert!(!m("[A-Z]{3}", "USAA"));
        assert!(m("[0-9]{3}", "840"));
        assert!(m("^a(b|c)*d$", "abcbd"));
        assert!(!m("a(b|c)*d", "abxd"));
        assert!(m("\\d+\\.\\d{1,2}", "12.5"));
        assert!(m("(?:ab)+", "ababab"));
        assert!(m("[^a-c]x?", "d"));
        assert!(m("(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
        assert!(!m("(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(m("a.c", "a-c"));
        assert!(m("x|", ""));
        assert!(Regex::new("(a").is_err());
        assert!(Regex::new("a{2,1}").is_err());
        assert!(Regex::new("*a").is_err());
        assert!(Regex::new("a{1000}{1000}").is_err());
        assert!(Regex::new("\\p{L}").is_err());
    }
}
