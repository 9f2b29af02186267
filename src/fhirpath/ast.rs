//! The compiled expression tree.

use super::datetime::DateTime;
use super::decimal::Decimal;

/// A type specifier: `Quantity`, `FHIR.Patient`, `System.String`.
#[derive(Debug, Clone)]
pub(crate) struct TypeSpec {
    /// `Some("FHIR")` / `Some("System")` when qualified.
    pub ns: Option<Box<str>>,
    pub name: Box<str>,
}

#[derive(Debug, Clone)]
pub(crate) enum Lit {
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    Str(Box<str>),
    Date(DateTime),
    DateTime(DateTime),
    Time(DateTime),
    Quantity(Decimal, Box<str>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Mul,
    Div,
    IntDiv,
    Mod,
    Add,
    Sub,
    Concat,
    Union,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    Equiv,
    NotEquiv,
    In,
    Contains,
    And,
    Or,
    Xor,
    Implies,
}

#[derive(Debug, Clone)]
pub(crate) enum Var {
    Resource,
    RootResource,
    Context,
    /// A constant string (`%ucum`, `%sct`, `%loinc`, `%vs-…`, `%ext-…`).
    Const(Box<str>),
}

#[derive(Debug, Clone)]
pub(crate) enum Ast {
    Empty,
    Lit(Lit),
    This,
    Index,
    Total,
    Var(Var),
    /// An identifier in term position: a type-name filter (`Patient`) or a child of `$this`.
    Ident(Box<str>),
    /// `base.name`
    Member(Box<Ast>, Box<str>),
    /// A function call; `base` is `None` when invoked on `$this`.
    Call {
        base: Option<Box<Ast>>,
        func: Func,
        args: Vec<Ast>,
    },
    Indexer(Box<Ast>, Box<Ast>),
    Neg(Box<Ast>),
    Bin(BinOp, Box<Ast>, Box<Ast>),
    Is(Box<Ast>, TypeSpec),
    As(Box<Ast>, TypeSpec),
}

/// Regex argument: precompiled when the pattern is a string literal.
#[derive(Debug, Clone)]
pub(crate) struct RegexArg {
    pub pre: Option<regex::Regex>,
}

#[derive(Debug, Clone)]
pub(crate) enum Func {
    // existence
    Empty,
    Exists,
    All,
    AllTrue,
    AnyTrue,
    AllFalse,
    AnyFalse,
    SubsetOf,
    SupersetOf,
    Count,
    Distinct,
    IsDistinct,
    // filtering / projection
    Where,
    Select,
    Repeat,
    OfType(TypeSpec),
    // subsetting
    Single,
    First,
    Last,
    Tail,
    Skip,
    Take,
    Intersect,
    Exclude,
    // combining
    Union,
    Combine,
    // conversion
    Iif,
    ToBoolean,
    ConvertsToBoolean,
    ToInteger,
    ConvertsToInteger,
    ToDecimal,
    ConvertsToDecimal,
    ToStringF,
    ConvertsToString,
    ToDate,
    ConvertsToDate,
    ToDateTime,
    ConvertsToDateTime,
    ToTime,
    ConvertsToTime,
    ToQuantity,
    ConvertsToQuantity,
    // strings
    IndexOf,
    Substring,
    StartsWith,
    EndsWith,
    Contains,
    Upper,
    Lower,
    Replace,
    Matches(RegexArg),
    MatchesFull(RegexArg),
    ReplaceMatches(RegexArg),
    Length,
    ToChars,
    Trim,
    Split,
    Join,
    Encode,
    Decode,
    Escape,
    Unescape,
    // math
    Abs,
    Ceiling,
    Exp,
    Floor,
    Ln,
    Log,
    Power,
    Round,
    Sqrt,
    Truncate,
    // tree
    Children,
    Descendants,
    // utility
    Trace,
    Now,
    Today,
    TimeOfDay,
    Not,
    Aggregate,
    Sort,
    LowBoundary,
    HighBoundary,
    Precision,
    Comparable,
    // types
    Is(TypeSpec),
    As(TypeSpec),
    Type,
    // FHIR
    Extension,
    HasValue,
    GetValue,
    Resolve,
    MemberOf,
    ConformsTo,
    HtmlChecks,
}

impl Func {
    /// Looks a function up by name: (function, min args, max args). Type-specifier
    /// functions (`is`, `as`, `ofType`) and regex functions are completed by the parser.
    pub(crate) fn lookup(name: &str) -> Option<(Func, usize, usize)> {
        use Func::*;
        let none = RegexArg { pre: None };
        let r = match name {
            "empty" => (Empty, 0, 0),
            "exists" => (Exists, 0, 1),
            "all" => (All, 1, 1),
            "allTrue" => (AllTrue, 0, 0),
            "anyTrue" => (AnyTrue, 0, 0),
            "allFalse" => (AllFalse, 0, 0),
            "anyFalse" => (AnyFalse, 0, 0),
            "subsetOf" => (SubsetOf, 1, 1),
            "supersetOf" => (SupersetOf, 1, 1),
            "count" => (Count, 0, 0),
            "distinct" => (Distinct, 0, 0),
            "isDistinct" => (IsDistinct, 0, 0),
            "where" => (Where, 1, 1),
            "select" => (Select, 1, 1),
            "repeat" => (Repeat, 1, 1),
            "single" => (Single, 0, 0),
            "first" => (First, 0, 0),
            "last" => (Last, 0, 0),
            "tail" => (Tail, 0, 0),
            "skip" => (Skip, 1, 1),
            "take" => (Take, 1, 1),
            "intersect" => (Intersect, 1, 1),
            "exclude" => (Exclude, 1, 1),
            "union" => (Union, 1, 1),
            "combine" => (Combine, 1, 1),
            "iif" => (Iif, 2, 3),
            "toBoolean" => (ToBoolean, 0, 0),
            "convertsToBoolean" => (ConvertsToBoolean, 0, 0),
            "toInteger" => (ToInteger, 0, 0),
            "convertsToInteger" => (ConvertsToInteger, 0, 0),
            "toDecimal" => (ToDecimal, 0, 0),
            "convertsToDecimal" => (ConvertsToDecimal, 0, 0),
            "toString" => (ToStringF, 0, 0),
            "convertsToString" => (ConvertsToString, 0, 0),
            "toDate" => (ToDate, 0, 0),
            "convertsToDate" => (ConvertsToDate, 0, 0),
            "toDateTime" => (ToDateTime, 0, 0),
            "convertsToDateTime" => (ConvertsToDateTime, 0, 0),
            "toTime" => (ToTime, 0, 0),
            "convertsToTime" => (ConvertsToTime, 0, 0),
            "toQuantity" => (ToQuantity, 0, 1),
            "convertsToQuantity" => (ConvertsToQuantity, 0, 1),
            "indexOf" => (IndexOf, 1, 1),
            "substring" => (Substring, 1, 2),
            "startsWith" => (StartsWith, 1, 1),
            "endsWith" => (EndsWith, 1, 1),
            "contains" => (Contains, 1, 1),
            "upper" => (Upper, 0, 0),
            "lower" => (Lower, 0, 0),
            "replace" => (Replace, 2, 2),
            "matches" => (Matches(none), 1, 1),
            "matchesFull" => (MatchesFull(none), 1, 1),
            "replaceMatches" => (ReplaceMatches(none), 2, 2),
            "length" => (Length, 0, 0),
            "toChars" => (ToChars, 0, 0),
            "trim" => (Trim, 0, 0),
            "split" => (Split, 1, 1),
            "join" => (Join, 0, 1),
            "encode" => (Encode, 1, 1),
            "decode" => (Decode, 1, 1),
            "escape" => (Escape, 1, 1),
            "unescape" => (Unescape, 1, 1),
            "abs" => (Abs, 0, 0),
            "ceiling" => (Ceiling, 0, 0),
            "exp" => (Exp, 0, 0),
            "floor" => (Floor, 0, 0),
            "ln" => (Ln, 0, 0),
            "log" => (Log, 1, 1),
            "power" => (Power, 1, 1),
            "round" => (Round, 0, 1),
            "sqrt" => (Sqrt, 0, 0),
            "truncate" => (Truncate, 0, 0),
            "children" => (Children, 0, 0),
            "descendants" => (Descendants, 0, 0),
            "trace" => (Trace, 1, 2),
            "now" => (Now, 0, 0),
            "today" => (Today, 0, 0),
            "timeOfDay" => (TimeOfDay, 0, 0),
            "not" => (Not, 0, 0),
            "aggregate" => (Aggregate, 1, 2),
            "sort" => (Sort, 0, 8),
            "lowBoundary" => (LowBoundary, 0, 1),
            "highBoundary" => (HighBoundary, 0, 1),
            "precision" => (Precision, 0, 0),
            "comparable" => (Comparable, 1, 1),
            "type" => (Type, 0, 0),
            "extension" => (Extension, 1, 1),
            "hasValue" => (HasValue, 0, 0),
            "getValue" => (GetValue, 0, 0),
            "resolve" => (Resolve, 0, 0),
            "memberOf" => (MemberOf, 1, 1),
            "conformsTo" => (ConformsTo, 1, 1),
            "htmlChecks" | "htmlchecks" => (HtmlChecks, 0, 0),
            _ => return None,
        };
        Some(r)
    }

    /// The function's name as written in FHIRPath.
    pub(crate) fn name(&self) -> &'static str {
        use Func::*;
        match self {
            Empty => "empty",
            Exists => "exists",
            All => "all",
            AllTrue => "allTrue",
            AnyTrue => "anyTrue",
            AllFalse => "allFalse",
            AnyFalse => "anyFalse",
            SubsetOf => "subsetOf",
            SupersetOf => "supersetOf",
            Count => "count",
            Distinct => "distinct",
            IsDistinct => "isDistinct",
            Where => "where",
            Select => "select",
            Repeat => "repeat",
            Single => "single",
            First => "first",
            Last => "last",
            Tail => "tail",
            Skip => "skip",
            Take => "take",
            Intersect => "intersect",
            Exclude => "exclude",
            Union => "union",
            Combine => "combine",
            Iif => "iif",
            ToBoolean => "toBoolean",
            ConvertsToBoolean => "convertsToBoolean",
            ToInteger => "toInteger",
            ConvertsToInteger => "convertsToInteger",
            ToDecimal => "toDecimal",
            ConvertsToDecimal => "convertsToDecimal",
            ToStringF => "toString",
            ConvertsToString => "convertsToString",
            ToDate => "toDate",
            ConvertsToDate => "convertsToDate",
            ToDateTime => "toDateTime",
            ConvertsToDateTime => "convertsToDateTime",
            ToTime => "toTime",
            ConvertsToTime => "convertsToTime",
            ToQuantity => "toQuantity",
            ConvertsToQuantity => "convertsToQuantity",
            IndexOf => "indexOf",
            Substring => "substring",
            StartsWith => "startsWith",
            EndsWith => "endsWith",
            Contains => "contains",
            Upper => "upper",
            Lower => "lower",
            Replace => "replace",
            Matches(_) => "matches",
            MatchesFull(_) => "matchesFull",
            ReplaceMatches(_) => "replaceMatches",
            Length => "length",
            ToChars => "toChars",
            Trim => "trim",
            Split => "split",
            Join => "join",
            Encode => "encode",
            Decode => "decode",
            Escape => "escape",
            Unescape => "unescape",
            Abs => "abs",
            Ceiling => "ceiling",
            Exp => "exp",
            Floor => "floor",
            Ln => "ln",
            Log => "log",
            Power => "power",
            Round => "round",
            Sqrt => "sqrt",
            Truncate => "truncate",
            Children => "children",
            Descendants => "descendants",
            Trace => "trace",
            Now => "now",
            Today => "today",
            TimeOfDay => "timeOfDay",
            Not => "not",
            Aggregate => "aggregate",
            Sort => "sort",
            LowBoundary => "lowBoundary",
            HighBoundary => "highBoundary",
            Precision => "precision",
            Comparable => "comparable",
            Type => "type",
            Extension => "extension",
            HasValue => "hasValue",
            GetValue => "getValue",
            Resolve => "resolve",
            MemberOf => "memberOf",
            ConformsTo => "conformsTo",
            HtmlChecks => "htmlChecks",
            OfType(_) => "ofType",
            Is(_) => "is",
            As(_) => "as",
        }
    }
}

impl Ast {
    /// Calls `f` on every function call in the tree.
    pub(crate) fn visit_calls(&self, f: &mut dyn FnMut(&Func)) {
        match self {
            Ast::Call { base, func, args } => {
                f(func);
                if let Some(b) = base {
                    b.visit_calls(f);
                }
                for a in args {
                    a.visit_calls(f);
                }
            }
            Ast::Member(b, _) | Ast::Neg(b) | Ast::Is(b, _) | Ast::As(b, _) => b.visit_calls(f),
            Ast::Indexer(a, b) | Ast::Bin(_, a, b) => {
                a.visit_calls(f);
                b.visit_calls(f);
            }
            Ast::Empty
            | Ast::Lit(_)
            | Ast::This
            | Ast::Index
            | Ast::Total
            | Ast::Var(_)
            | Ast::Ident(_) => {}
        }
    }
}

impl Ast {
    /// See [`super::Expr::path_roots`]: the leftmost identifier of each `|`-separated term.
    pub(crate) fn path_roots<'s>(&'s self, out: &mut Vec<&'s str>) {
        match self {
            Ast::Ident(name) => out.push(name),
            Ast::Bin(BinOp::Union, l, r) => {
                l.path_roots(out);
                r.path_roots(out);
            }
            Ast::Member(base, _)
            | Ast::Indexer(base, _)
            | Ast::Is(base, _)
            | Ast::As(base, _)
            | Ast::Call {
                base: Some(base), ..
            } => base.path_roots(out),
            _ => {}
        }
    }
}
