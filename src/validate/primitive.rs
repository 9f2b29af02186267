//! TEMPORARY placeholder until the real module lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive { Boolean, Integer, Integer64, String, Decimal, Uri, Url, Canonical, Base64Binary, Instant, Date, DateTime, Time, Code, Oid, Id, Markdown, UnsignedInt, PositiveInt, Uuid, Xhtml }
#[derive(Debug, Clone, Copy, PartialEq, Eq)] pub enum JsonKind { Bool, Number, String }
#[derive(Debug, Clone, Copy, PartialEq, Eq)] pub enum Severity { Error, Warning, Information }
#[derive(Debug, Clone, PartialEq)] pub struct PrimitiveIssue { pub severity: Severity, pub code: &'static str, pub message: String }
impl Primitive {
    pub fn from_code(code: &str) -> Option<Primitive> { use Primitive::*; Some(match code { "boolean"=>Boolean,"integer"=>Integer,"string"=>String,"decimal"=>Decimal,"uri"=>Uri,"url"=>Url,"canonical"=>Canonical,"base64Binary"=>Base64Binary,"instant"=>Instant,"date"=>Date,"dateTime"=>DateTime,"time"=>Time,"code"=>Code,"oid"=>Oid,"id"=>Id,"markdown"=>Markdown,"unsignedInt"=>UnsignedInt,"positiveInt"=>PositiveInt,"uuid"=>Uuid,"xhtml"=>Xhtml, _=>return None }) }
    pub fn code(self) -> &'static str { "string" }
    pub fn json_kind(self) -> JsonKind { match self { Primitive::Boolean => JsonKind::Bool, Primitive::Integer|Primitive::Decimal|Primitive::UnsignedInt|Primitive::PositiveInt => JsonKind::Number, _ => JsonKind::String } }
}
pub fn check(p: Primitive, kind: JsonKind, _text: &str) -> Option<PrimitiveIssue> { if p.json_kind()!=kind { Some(PrimitiveIssue{severity:Severity::Error, code:"invalid", message:"wrong kind".into()}) } else { None } }
pub fn compare_decimal(a:&str,b:&str)->Option<std::cmp::Ordering>{ a.parse::<f64>().ok()?.partial_cmp(&b.parse::<f64>().ok()?) }
pub fn compare_temporal(a:&str,b:&str)->Option<std::cmp::Ordering>{ Some(a.cmp(b)) }
