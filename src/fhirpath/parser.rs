//! Recursive-descent / precedence-climbing parser producing the expression tree.
//!
//! The tree depth is bounded by [`MAX_DEPTH`] (deeper expressions are a
//! [`ParseError`]), which also bounds the evaluator's recursion.

use super::ParseError;
use super::ast::{Ast, BinOp, Func, Lit, TypeSpec, Var};
use super::datetime::DateTime;
use super::decimal::Decimal;
use super::lexer::{Tok, Token, tokenize};

/// Maximum nesting depth of the expression tree.
pub const MAX_DEPTH: u32 = 64;

const CALENDAR_UNITS: [&str; 16] = [
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "minute",
    "minutes",
    "second",
    "seconds",
    "millisecond",
    "milliseconds",
];

struct Parser {
    toks: Vec<Token>,
    i: usize,
}

fn err(message: impl Into<String>, position: usize) -> ParseError {
    ParseError {
        message: message.into(),
        position,
    }
}

pub(crate) fn parse(src: &str) -> Result<(Ast, u32), ParseError> {
    let toks = tokenize(src)?;
    let mut p = Parser { toks, i: 0 };
    let (ast, depth) = p.expr(0, 0)?;
    let t = p.peek();
    if t.tok != Tok::Eof {
        return Err(err(format!("unexpected {}", describe(&t.tok)), t.pos));
    }
    Ok((ast, depth))
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) | Tok::DelimIdent(s) => format!("identifier '{s}'"),
        Tok::Str(_) => "string".into(),
        Tok::Num(s, _) => format!("number '{s}'"),
        Tok::DateTime(s) => format!("'@{s}'"),
        Tok::Dollar(s) => format!("'${s}'"),
        Tok::Percent(s) => format!("'%{s}'"),
        Tok::Punct(p) => format!("'{p}'"),
        Tok::Eof => "end of expression".into(),
    }
}

/// Binary operator at the current token: (op, precedence, right-assoc).
fn binop(t: &Tok) -> Option<(BinOp, u8)> {
    let r = match t {
        Tok::Punct(p) => match *p {
            "*" => (BinOp::Mul, 10),
            "/" => (BinOp::Div, 10),
            "+" => (BinOp::Add, 9),
            "-" => (BinOp::Sub, 9),
            "&" => (BinOp::Concat, 9),
            "|" => (BinOp::Union, 7),
            "<" => (BinOp::Lt, 6),
            ">" => (BinOp::Gt, 6),
            "<=" => (BinOp::Le, 6),
            ">=" => (BinOp::Ge, 6),
            "=" => (BinOp::Eq, 5),
            "!=" => (BinOp::Ne, 5),
            "~" => (BinOp::Equiv, 5),
            "!~" => (BinOp::NotEquiv, 5),
            _ => return None,
        },
        Tok::Ident(s) => match s.as_str() {
            "div" => (BinOp::IntDiv, 10),
            "mod" => (BinOp::Mod, 10),
            "in" => (BinOp::In, 4),
            "contains" => (BinOp::Contains, 4),
            "and" => (BinOp::And, 3),
            "or" => (BinOp::Or, 2),
            "xor" => (BinOp::Xor, 2),
            "implies" => (BinOp::Implies, 1),
            _ => return None,
        },
        _ => return None,
    };
    Some(r)
}

const TYPE_PREC: u8 = 8;

impl Parser {
    fn peek(&self) -> Token {
        self.toks.get(self.i).cloned().unwrap_or(Token {
            tok: Tok::Eof,
            pos: 0,
        })
    }

    fn peek_tok(&self) -> &Tok {
        self.toks.get(self.i).map(|t| &t.tok).unwrap_or(&Tok::Eof)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.i).map(|t| t.pos).unwrap_or(0)
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek_tok(), Tok::Punct(q) if *q == p)
    }

    fn expect(&mut self, p: &str) -> Result<(), ParseError> {
        if self.is_punct(p) {
            self.i += 1;
            Ok(())
        } else {
            let t = self.peek();
            Err(err(
                format!("expected '{p}' but found {}", describe(&t.tok)),
                t.pos,
            ))
        }
    }

    /// Checks a tree depth (or, scaled, the parser's own recursion depth).
    fn check_depth(&self, d: u32) -> Result<u32, ParseError> {
        if d > MAX_DEPTH {
            Err(err("expression nested too deeply", self.pos()))
        } else {
            Ok(d)
        }
    }

    /// Bounds the parser's own recursion (a few frames per nesting level).
    fn check_rec(&self, depth: u32) -> Result<(), ParseError> {
        if depth > 4 * MAX_DEPTH {
            Err(err("expression nested too deeply", self.pos()))
        } else {
            Ok(())
        }
    }

    /// Precedence climbing. `depth` is the recursion depth of the parser itself.
    fn expr(&mut self, min_prec: u8, depth: u32) -> Result<(Ast, u32), ParseError> {
        self.check_rec(depth)?;
        let (mut left, mut ld) = self.unary(depth + 1)?;
        loop {
            let t = self.peek();
            // type operators
            if let Tok::Ident(s) = &t.tok
                && (s == "is" || s == "as")
                && TYPE_PREC >= min_prec
            {
                self.i += 1;
                let ts = self.type_spec()?;
                ld = self.check_depth(ld + 1)?;
                left = if s == "is" {
                    Ast::Is(Box::new(left), ts)
                } else {
                    Ast::As(Box::new(left), ts)
                };
                continue;
            }
            let Some((op, prec)) = binop(&t.tok) else {
                break;
            };
            if prec < min_prec {
                break;
            }
            self.i += 1;
            let next_min = if op == BinOp::Implies { prec } else { prec + 1 };
            let (right, rd) = self.expr(next_min, depth + 1)?;
            ld = self.check_depth(ld.max(rd) + 1)?;
            left = Ast::Bin(op, Box::new(left), Box::new(right));
        }
        Ok((left, ld))
    }

    fn unary(&mut self, depth: u32) -> Result<(Ast, u32), ParseError> {
        self.check_rec(depth)?;
        if self.is_punct("-") || self.is_punct("+") {
            let neg = self.is_punct("-");
            self.i += 1;
            let (inner, d) = self.unary(depth + 1)?;
            if !neg {
                return Ok((inner, d));
            }
            let folded = match inner {
                Ast::Lit(Lit::Int(v)) => Ast::Lit(Lit::Int(v.wrapping_neg())),
                Ast::Lit(Lit::Dec(v)) => Ast::Lit(Lit::Dec(v.negated())),
                Ast::Lit(Lit::Quantity(v, u)) => Ast::Lit(Lit::Quantity(v.negated(), u)),
                other => Ast::Neg(Box::new(other)),
            };
            let d = self.check_depth(d + 1)?;
            return Ok((folded, d));
        }
        self.postfix(depth + 1)
    }

    fn postfix(&mut self, depth: u32) -> Result<(Ast, u32), ParseError> {
        let (mut node, mut d) = self.term(depth)?;
        loop {
            if self.is_punct(".") {
                self.i += 1;
                let t = self.bump();
                let name = match t.tok {
                    Tok::Ident(s) | Tok::DelimIdent(s) => s,
                    other => {
                        return Err(err(
                            format!(
                                "expected an identifier after '.', found {}",
                                describe(&other)
                            ),
                            t.pos,
                        ));
                    }
                };
                if self.is_punct("(") {
                    let (call, cd) = self.call(Some(node), d, &name, t.pos, depth)?;
                    node = call;
                    d = cd;
                } else {
                    d = self.check_depth(d + 1)?;
                    node = Ast::Member(Box::new(node), name.into());
                }
            } else if self.is_punct("[") {
                self.i += 1;
                let (idx, id) = self.expr(0, depth + 1)?;
                self.expect("]")?;
                d = self.check_depth(d.max(id) + 1)?;
                node = Ast::Indexer(Box::new(node), Box::new(idx));
            } else {
                break;
            }
        }
        Ok((node, d))
    }

    fn type_spec(&mut self) -> Result<TypeSpec, ParseError> {
        let t = self.bump();
        let first = match t.tok {
            Tok::Ident(s) | Tok::DelimIdent(s) => s,
            other => {
                return Err(err(
                    format!("expected a type name, found {}", describe(&other)),
                    t.pos,
                ));
            }
        };
        if self.is_punct(".")
            && let Some(Tok::Ident(s) | Tok::DelimIdent(s)) =
                self.toks.get(self.i + 1).map(|t| &t.tok)
            && (first == "FHIR" || first == "System")
        {
            let name = s.clone();
            self.i += 2;
            return Ok(TypeSpec {
                ns: Some(first.into()),
                name: name.into(),
            });
        }
        Ok(TypeSpec {
            ns: None,
            name: first.into(),
        })
    }

    fn call(
        &mut self,
        base: Option<Ast>,
        base_depth: u32,
        name: &str,
        pos: usize,
        depth: u32,
    ) -> Result<(Ast, u32), ParseError> {
        self.expect("(")?;
        // type-specifier functions
        if matches!(name, "is" | "as" | "ofType") {
            let ts = self.type_spec()?;
            self.expect(")")?;
            let func = match name {
                "is" => Func::Is(ts),
                "as" => Func::As(ts),
                _ => Func::OfType(ts),
            };
            let d = self.check_depth(base_depth + 1)?;
            return Ok((
                Ast::Call {
                    base: base.map(Box::new),
                    func,
                    args: Vec::new(),
                },
                d,
            ));
        }
        let Some((mut func, min, max)) = Func::lookup(name) else {
            return Err(err(format!("unknown function '{name}'"), pos));
        };
        let mut args = Vec::new();
        let mut d = base_depth;
        if !self.is_punct(")") {
            loop {
                let (a, ad) = self.expr(0, depth + 1)?;
                d = d.max(ad);
                args.push(a);
                if self.is_punct(",") {
                    self.i += 1;
                    continue;
                }
                break;
            }
        }
        self.expect(")")?;
        if args.len() < min || args.len() > max {
            return Err(err(
                format!(
                    "function '{name}' takes {min}..{max} arguments, got {}",
                    args.len()
                ),
                pos,
            ));
        }
        // precompile literal regexes
        let lit_pattern = match args.first() {
            Some(Ast::Lit(Lit::Str(s))) => Some(s.to_string()),
            _ => None,
        };
        let full = matches!(func, Func::MatchesFull(_));
        if let Func::Matches(r) | Func::MatchesFull(r) | Func::ReplaceMatches(r) = &mut func
            && let Some(p) = lit_pattern
        {
            r.pre = Some(compile_regex(&p, full).map_err(|e| err(e, pos))?);
        }
        let d = self.check_depth(d + 1)?;
        Ok((
            Ast::Call {
                base: base.map(Box::new),
                func,
                args,
            },
            d,
        ))
    }

    fn term(&mut self, depth: u32) -> Result<(Ast, u32), ParseError> {
        self.check_rec(depth)?;
        let t = self.bump();
        let ast = match t.tok {
            Tok::Num(text, is_dec) => {
                let value = if is_dec {
                    Lit::Dec(Decimal::parse(&text).ok_or_else(|| err("invalid number", t.pos))?)
                } else {
                    match text.parse::<i64>() {
                        Ok(v) => Lit::Int(v),
                        Err(_) => Lit::Dec(
                            Decimal::parse(&text).ok_or_else(|| err("invalid number", t.pos))?,
                        ),
                    }
                };
                // quantity literal
                let unit = match self.peek_tok() {
                    Tok::Str(u) => Some(u.clone()),
                    Tok::Ident(u) if CALENDAR_UNITS.contains(&u.as_str()) => Some(u.clone()),
                    _ => None,
                };
                match unit {
                    Some(u) => {
                        self.i += 1;
                        let v = match value {
                            Lit::Int(i) => Decimal::from_i64(i),
                            Lit::Dec(d) => d,
                            _ => Decimal::from_i64(0),
                        };
                        Ast::Lit(Lit::Quantity(v, u.into()))
                    }
                    None => Ast::Lit(value),
                }
            }
            Tok::Str(s) => Ast::Lit(Lit::Str(s.into())),
            Tok::DateTime(s) => Ast::Lit(
                parse_datetime_literal(&s)
                    .ok_or_else(|| err(format!("invalid date/time literal '@{s}'"), t.pos))?,
            ),
            Tok::Ident(name) => {
                if self.is_punct("(") {
                    return self.call(None, 0, &name, t.pos, depth);
                }
                match name.as_str() {
                    "true" => Ast::Lit(Lit::Bool(true)),
                    "false" => Ast::Lit(Lit::Bool(false)),
                    _ => Ast::Ident(name.into()),
                }
            }
            Tok::DelimIdent(name) => Ast::Ident(name.into()),
            Tok::Dollar(name) => match name.as_str() {
                "this" => Ast::This,
                "index" => Ast::Index,
                "total" => Ast::Total,
                _ => return Err(err(format!("unknown special variable '${name}'"), t.pos)),
            },
            Tok::Percent(name) => Ast::Var(
                variable(&name)
                    .ok_or_else(|| err(format!("unknown environment variable '%{name}'"), t.pos))?,
            ),
            Tok::Punct("(") => {
                let (inner, d) = self.expr(0, depth + 1)?;
                self.expect(")")?;
                return Ok((inner, d));
            }
            Tok::Punct("{") => {
                self.expect("}")?;
                Ast::Empty
            }
            other => return Err(err(format!("unexpected {}", describe(&other)), t.pos)),
        };
        Ok((ast, 1))
    }
}

fn variable(name: &str) -> Option<Var> {
    Some(match name {
        "resource" => Var::Resource,
        "rootResource" => Var::RootResource,
        "context" => Var::Context,
        "ucum" => Var::Const("http://unitsofmeasure.org".into()),
        "sct" => Var::Const("http://snomed.info/sct".into()),
        "loinc" => Var::Const("http://loinc.org".into()),
        _ => {
            if let Some(v) = name.strip_prefix("vs-") {
                Var::Const(format!("http://hl7.org/fhir/ValueSet/{v}").into())
            } else if let Some(e) = name.strip_prefix("ext-") {
                Var::Const(format!("http://hl7.org/fhir/StructureDefinition/{e}").into())
            } else {
                return None;
            }
        }
    })
}

fn parse_datetime_literal(s: &str) -> Option<Lit> {
    if let Some(t) = s.strip_prefix('T') {
        return DateTime::parse_time(t).map(Lit::Time);
    }
    if s.contains('T') {
        return DateTime::parse_datetime(s, true).map(Lit::DateTime);
    }
    DateTime::parse_date(s).map(Lit::Date)
}

/// Compiles a FHIRPath regex (single-line mode: `.` matches new lines).
pub(crate) fn compile_regex(pattern: &str, full: bool) -> Result<regex::Regex, String> {
    let p = if full {
        format!("(?s)^(?:{pattern})$")
    } else {
        format!("(?s){pattern}")
    };
    regex::RegexBuilder::new(&p)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 20)
        .build()
        .map_err(|e| format!("invalid regular expression '{pattern}': {e}"))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn ok(s: &str) {
        if let Err(e) = parse(s).map(|(a, _)| a) {
            panic!("{s}: {e:?}");
        }
    }

    #[test]
    fn parses() {
        ok("hasValue() or (children().count() > id.count())");
        ok("Patient.name.where(given = 'Jim').count() = 1");
        ok("@2015-02-04T14:34:28.123Z.is(DateTime)");
        ok("4 days.convertsToQuantity()");
        ok("(1 | 2 | 3).aggregate($this + $total, 0)");
        ok("%`vs-administrative-gender`");
        ok("Patient.is(FHIR.`Patient`)");
        ok("value.ofType(Quantity).system");
        ok("insurance.select (focal = true).count() < 2");
        ok("2 + 2 /* c */ // d");
    }

    #[test]
    fn rejects() {
        assert!(parse("2 + 2 /").is_err());
        assert!(parse("2 + 2 /* not finished").is_err());
        assert!(parse("foo(").is_err());
        assert!(parse("name.nosuchfunction()").is_err());
        assert!(parse("'abc").is_err());
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep).is_err());
        let long = vec!["1"; 10_000].join(" + ");
        assert!(parse(&long).is_err());
        let path = vec!["a"; 10_000].join(".");
        assert!(parse(&path).is_err());
        let neg = format!("{}1", "-".repeat(10_000));
        assert!(parse(&neg).is_err());
        ok(&vec!["1"; 60].join(" + "));
    }
}
