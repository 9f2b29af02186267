#!/usr/bin/env python3
"""Generates the hostile-input suite: tests/hostile/gen/*.json and tests/hostile/gen.json (the
manifest: per input, the options, the issues it must yield and a time bound). The hand-written
inputs are in tests/hostile/hand/ with their manifest tests/hostile/hand.json.

    python3 scripts/gen_hostile.py           # (re)write the generated inputs and manifest
    python3 scripts/gen_hostile.py --check   # fail if the committed files are not up to date

Both suites run natively (tests/integration/hostile.rs, `cargo test --release --test integration hostile::`) and through
the wasm build in Node (tests/js/hostile.test.mjs). A manifest entry:

    {"file": "gen/x.json", "about": "...", "options": {...}, "expect": [ISSUE...],
     "valid": true|false (optional: no error/fatal issue at all), "ms": time bound}

ISSUE = {"severity": "fatal", "code": "invalid" (optional), "text": "substring of the message",
         "expression": "exact expression" (optional)}: some issue of the OperationOutcome must
match it. Options: maxIssues, allowComments, securityChecks, mode (both builds); maxInputBytes,
maxDepth, maxStringBytes (native only: the npm package keeps the defaults; Node skips those cases).
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "hostile" / "gen"
MANIFEST = ROOT / "tests" / "hostile" / "gen.json"

cases = []  # (name, bytes, entry)


def issue(severity, text, code=None, expression=None):
    i = {"severity": severity}
    if code:
        i["code"] = code
    i["text"] = text
    if expression is not None:
        i["expression"] = expression
    return i


def fatal_json(text):
    return issue("fatal", "Error parsing JSON: " + text, "invalid")


def add(name, data, about, expect, options=None, valid=None, ms=5000):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    e = {"file": f"gen/{name}.json", "about": about}
    if options:
        e["options"] = options
    e["expect"] = expect
    if valid is not None:
        e["valid"] = valid
    e["ms"] = ms
    cases.append((name, data, e))


PATIENT = '{"resourceType": "Patient", "id": "p1", %s}'
obs = '{"resourceType": "Observation", "id": "o", "status": "final", "code": {"text": "x"}, %s}'
OK = [issue("information", "All OK")]
# a resource without narrative: the one warning a clean resource gets
DOM6 = [issue("warning", "Constraint failed: dom-6", "invariant")]


def patient(body):
    return PATIENT % body


# --- 1. empty, whitespace, BOM --------------------------------------------------------------
add("empty", b"", "an empty file", [fatal_json("empty input")])
for i, ws in enumerate([b" ", b"\n\n", b"\t\r\n ", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"]):
    add(f"whitespace-{i}", ws, f"only white space / a BOM: {ws!r}", [fatal_json("empty input")])
add("bom-patient", b"\xef\xbb\xbf" + patient('"gender": "male"').encode(),
    "a UTF-8 BOM before a valid resource: parsed fine", DOM6, valid=True)
add("bom-twice", b"\xef\xbb\xbf\xef\xbb\xbf{}", "two BOMs: the second is content",
    [fatal_json("expected a JSON value but found '\ufeff'")])
add("bom-utf16le", b"\xff\xfe{\x00}\x00", "a UTF-16 LE file", [fatal_json("invalid UTF-8: unexpected byte 0xFF")])
add("bom-utf16be", b"\xfe\xff\x00{\x00}", "a UTF-16 BE file", [fatal_json("invalid UTF-8: unexpected byte 0xFE")])

# --- 2. invalid UTF-8 at various places -----------------------------------------------------
bad_utf8 = {
    "ff": b"\xff", "c3-28": b"\xc3\x28", "overlong-slash": b"\xc0\xaf", "overlong-nul": b"\xc0\x80",
    "surrogate-d800": b"\xed\xa0\x80", "f5": b"\xf5\x80\x80\x80", "lone-cont": b"\x80",
    "e2-82": b"\xe2\x82(", "f4-90": b"\xf4\x90\x80\x80", "fe": b"\xfe",
}
for k, b in bad_utf8.items():
    data = b'{"resourceType": "Patient", "name": [{"family": "X' + b + b'"}]}'
    first = b[0] if k not in ("overlong-slash", "overlong-nul") else b[0]
    add(f"utf8-{k}", data, f"invalid UTF-8 ({k}) in a string value",
        [fatal_json(f"invalid UTF-8: unexpected byte 0x{first:02X}")])
add("utf8-in-key", b'{"resourceType": "Patient", "na\xffme": []}', "invalid UTF-8 in a key",
    [fatal_json("invalid UTF-8: unexpected byte 0xFF")])
add("utf8-truncated-end", b'{"resourceType": "Patient"}\xe2\x82', "a truncated multi-byte sequence at the end",
    [fatal_json("invalid UTF-8: truncated multi-byte sequence at end of input")])
add("utf8-latin1", '{"resourceType": "Patient", "name": [{"family": "Müller"}]}'.encode("latin-1"),
    "a Latin-1 file", [fatal_json("invalid UTF-8: unexpected byte 0xFC")])

# --- 3. comments and trailing commas: a clear error (and accepted with allowComments) --------
comments = {
    "line": '{"resourceType": "Patient", // a comment\n "active": true}',
    "block": '{"resourceType": "Patient", /* a comment */ "active": true}',
    "leading": '// head\n{"resourceType": "Patient", "active": true}',
    "trailing": '{"resourceType": "Patient", "active": true}\n// tail',
    "before-colon": '{"resourceType" /* c */: "Patient", "active": true}',
}
for k, text in comments.items():
    add(f"comment-{k}", text, f"a {k} comment", [fatal_json("comments are not allowed in JSON")])
    add(f"comment-{k}-allowed", text, f"a {k} comment with allowComments", DOM6,
        options={"allowComments": True}, valid=True)
add("comment-unterminated-allowed", '{"resourceType": "Patient" /* c', "an unterminated comment, even with allowComments",
    [issue("fatal", "Error parsing JSON:")], options={"allowComments": True})
add("trailing-comma-object", '{"resourceType": "Patient", "active": true,}', "a trailing comma in an object",
    [fatal_json("trailing comma before '}' is not allowed")])
add("trailing-comma-array", patient('"name": [{"family": "X"},]'), "a trailing comma in an array",
    [fatal_json("trailing comma before ']' is not allowed")])
add("trailing-comma-nested", patient('"name": [{"given": ["a", "b",]}]'), "a trailing comma in a nested array",
    [fatal_json("trailing comma before ']' is not allowed")])
add("double-comma", patient('"active": true,, "gender": "male"'), "two commas",
    [fatal_json("expected a double-quoted object key but found ','")])

# --- 4. other JSON syntax the Java validator rejects -----------------------------------------
syntax = [
    ("single-quotes", "{'resourceType': 'Patient'}", "single quotes are not allowed; strings must use double quotes"),
    ("single-quoted-value", '{"resourceType": \'Patient\'}', "single quotes are not allowed; strings must use double quotes"),
    ("unquoted-key", '{resourceType: "Patient"}', "unquoted object key 'resourceType'; keys must be double-quoted strings"),
    ("nan", patient('"multipleBirthInteger": NaN'), "NaN and Infinity are not valid JSON numbers"),
    ("infinity", patient('"multipleBirthInteger": Infinity'), "NaN and Infinity are not valid JSON numbers"),
    ("minus-infinity", patient('"multipleBirthInteger": -Infinity'), "NaN and Infinity are not valid JSON numbers"),
    ("leading-zero", patient('"multipleBirthInteger": 007'), "invalid number: leading zeros are not allowed"),
    ("leading-plus", patient('"multipleBirthInteger": +1'), "invalid number: a leading '+' is not allowed"),
    ("leading-dot", patient('"multipleBirthInteger": .5'), "invalid number: expected a digit before the decimal point"),
    ("trailing-dot", patient('"multipleBirthInteger": 1.'), "invalid number: expected a digit after the decimal point"),
    ("bare-exponent", patient('"multipleBirthInteger": 1e'), "invalid number: expected a digit in the exponent"),
    ("hex-number", patient('"multipleBirthInteger": 0x1F'), "expected ',' or '}' after object member but found 'x'"),
    ("minus-alone", patient('"multipleBirthInteger": -'), "invalid number: expected a digit after '-'"),
    ("python-true", patient('"active": True'), "invalid literal 'True'; JSON literals are lowercase true, false and null"),
    ("python-none", patient('"active": None'), "invalid literal 'None'; JSON literals are lowercase true, false and null"),
    ("undefined", patient('"active": undefined'), "unexpected token 'undefined'"),
    ("bare-word", patient('"gender": male'), "unexpected token 'male'"),
    ("missing-colon", '{"resourceType" "Patient"}', "expected ':' after object key but found '\"'"),
    ("missing-comma", '{"resourceType": "Patient" "active": true}', "expected ',' or '}' after object member but found '\"'"),
    ("missing-comma-array", patient('"name": [{"family": "a"} {"family": "b"}]'), "expected ',' or ']' after array element but found '{'"),
    ("number-key", '{1: "Patient"}', "expected a double-quoted object key but found '1'"),
    ("unterminated-object", '{"resourceType": "Patient"', "unterminated object: missing '}'"),
    ("unterminated-array", '{"resourceType": "Patient", "name": [{"family": "a"}', "unterminated array: missing ']'"),
    ("unterminated-string", '{"resourceType": "Patient', "unterminated string: missing '\"'"),
    ("unterminated-escape", '{"resourceType": "Patient\\', "unterminated string: missing '\"'"),
    ("only-open-brace", "{", "unterminated object: missing '}'"),
    ("only-close-brace", "}", "expected a JSON value but found '}'"),
    ("two-documents", '{"resourceType": "Patient"}\n{"resourceType": "Patient"}', "unexpected '{' after the JSON value (trailing content)"),
    ("trailing-garbage", '{"resourceType": "Patient"} x', "unexpected 'x' after the JSON value (trailing content)"),
    ("nul-after", '{"resourceType": "Patient"}\u0000', "unexpected character U+0000 after the JSON value (trailing content)"),
    ("bad-escape-x", patient('"gender": "ma\\x6Ce"'), "invalid escape sequence '\\x'"),
    ("bad-escape-quote", patient('"gender": "ma\\\'le"'), "invalid escape sequence '\\\\''"),
    ("bad-escape-U", patient('"gender": "\\U0041"'), "invalid escape sequence '\\U'"),
    ("bad-u-short", patient('"gender": "\\u12"'), "invalid \\u escape: expected 4 hex digits"),
    ("bad-u-nonhex", patient('"gender": "\\uZZZZ"'), "invalid \\u escape: expected 4 hex digits"),
    ("bad-u-after-high", patient('"gender": "\\ud800\\u12"'), "invalid \\u escape: expected 4 hex digits"),
    ("javascript-regex", patient('"gender": /male/'), "comments are not allowed in JSON"),
    ("array-in-key", '{["a"]: 1}', "expected a double-quoted object key but found '['"),
]
for name, text, msg in syntax:
    add(f"syntax-{name}", text, f"JSON syntax: {name}", [fatal_json(msg)])

# control characters inside strings: every one of U+0000..U+001F
for c in range(0x20):
    data = b'{"resourceType": "Patient", "gender": "ma' + bytes([c]) + b'le"}'
    add(f"control-{c:02x}", data, f"unescaped U+{c:04X} in a string",
        [fatal_json(f"unescaped control character U+{c:04X} in string")])

# --- 5. nesting depth (no stack overflow) -----------------------------------------------------
add("deep-arrays-100000", "[" * 100000, "100,000 nested arrays (unterminated)", [fatal_json("nesting depth exceeds 256")])
add("deep-arrays-100000-closed", "[" * 100000 + "]" * 100000, "100,000 nested arrays, closed", [fatal_json("nesting depth exceeds 256")])
add("deep-objects-100000", '{"a":' * 100000 + "1" + "}" * 100000, "100,000 nested objects", [fatal_json("nesting depth exceeds 256")])
add("deep-mixed-50000", '[{"a":' * 50000, "50,000 array-object pairs", [fatal_json("nesting depth exceeds 256")])
add("deep-257", "[" * 257 + "]" * 257, "257 nested arrays: one too many", [fatal_json("nesting depth exceeds 256")])
add("deep-256", "[" * 256 + "]" * 256, "256 nested arrays: parsed, then not a resource",
    [issue("fatal", "A resource must be a JSON object, not array", "structure")])
ext = '{"url": "http://example.org/e", "extension": [%s]}'
inner = '{"url": "http://example.org/e", "valueString": "x"}'
for _ in range(200):
    inner = ext % inner
add("deep-extensions-200", patient('"extension": [%s]' % inner), "extensions nested 200 deep (400 JSON levels)",
    [fatal_json("nesting depth exceeds 256")])
inner = '{"url": "http://example.org/e", "valueString": "x"}'
for _ in range(100):
    inner = ext % inner
add("deep-extensions-100", patient('"extension": [%s]' % inner), "extensions nested 100 deep (within the limit)",
    [issue("error", "The extension http://example.org/e could not be found so is not allowed here", "structure")])
inner = '{"url": "http://example.org/e", "valueString": "x"}'
for _ in range(495):
    inner = ext % inner
add("deep-extensions-495-depth-1000", patient('"extension": [%s]' % inner),
    "extensions nested 495 deep (992 JSON levels) with maxDepth 1000, the CLI's ceiling: no stack overflow in a 2 MiB thread",
    [issue("error", "The extension http://example.org/e could not be found so is not allowed here", "structure")],
    options={"maxDepth": 1000})
add("deep-option-8", patient('"name": [{"given": [[["x"]]]}]'), "a depth limit of 4 (native option)",
    [fatal_json("nesting depth exceeds 4")], options={"maxDepth": 4})
bundle = '{"resourceType": "Patient", "id": "p"}'
for i in range(90):
    bundle = '{"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "urn:uuid:%08d-0000-4000-8000-000000000000", "resource": %s}]}' % (i, bundle)
add("nested-bundles-90", bundle, "Bundles nested 90 deep (270 JSON levels)", [fatal_json("nesting depth exceeds 256")])
bundle = '{"resourceType": "Patient", "id": "p"}'
for i in range(40):
    bundle = '{"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "urn:uuid:%08d-0000-4000-8000-000000000000", "resource": %s}]}' % (i, bundle)
add("nested-bundles-40", bundle, "Bundles nested 40 deep (160 JSON levels)", DOM6, valid=True)
contained = '{"resourceType": "Patient", "id": "c"}'
for i in range(50):
    contained = '{"resourceType": "Patient", "id": "c%d", "contained": [%s]}' % (i, contained)
add("nested-contained-50", contained, "contained resources nested 50 deep",
    [issue("error", "Constraint failed: dom-3", "invariant")])

# --- 6. sizes and counts --------------------------------------------------------------------
add("size-limit", patient('"gender": "male"'), "input larger than maxInputBytes (native option)",
    [fatal_json("input size 57 bytes exceeds limit of 32 bytes")], options={"maxInputBytes": 32})
add("string-limit", patient('"gender": "%s"' % ("m" * 100)), "a string longer than maxStringBytes (native option)",
    [fatal_json("string exceeds limit of 64 bytes")], options={"maxStringBytes": 64})
add("key-limit", patient('"%s": 1' % ("k" * 100)), "a key longer than maxStringBytes (native option)",
    [fatal_json("string exceeds limit of 64 bytes")], options={"maxStringBytes": 64})
add("long-string-1mb", patient('"name": [{"family": "%s"}]' % ("x" * (1 << 20))), "a 1 MiB string value",
    DOM6, valid=True)
add("long-key-100k", patient('"%s": 1' % ("k" * 100000)), "a 100,000-character unknown key",
    [issue("error", "Unrecognized property 'kkkk", "structure")])
add("long-id-65", patient('"gender": "male"').replace('"p1"', '"%s"' % ("a" * 65)), "an id of 65 characters",
    [issue("error", "Invalid Resource id: Too long (65 chars)")])
add("long-id-100k", patient('"gender": "male"').replace('"p1"', '"%s"' % ("a" * 100000)), "an id of 100,000 characters",
    [issue("error", "Invalid Resource id: Too long (100,000 chars)")])
many = ", ".join(f'"x{i}": {i}' for i in range(12000))
add("issues-12000", patient(many), "12,000 unknown properties: capped at maxIssues (10,000) with a summary",
    [issue("error", "Too many issues: only the first 10000 are reported", "too-costly"),
     issue("error", "Unrecognized property 'x0'", "structure")], ms=10000)
add("issues-max-5", patient(", ".join(f'"x{i}": {i}' for i in range(50))), "50 unknown properties with maxIssues 5",
    [issue("error", "Too many issues: only the first 5 are reported", "too-costly")], options={"maxIssues": 5})
names = ", ".join('{"family": "F%d", "given": ["G%d"]}' % (i, i) for i in range(20000))
add("names-20000", patient('"name": [%s]' % names), "a Patient with 20,000 names", DOM6, valid=True, ms=10000)
entries = ", ".join(
    '{"fullUrl": "urn:uuid:%08x-0000-4000-8000-000000000000", "resource": {"resourceType": "Observation", "id": "o%d", '
    '"status": "final", "code": {"text": "x"}, "subject": {"reference": "urn:uuid:%08x-0000-4000-8000-000000000000"}}}'
    % (i, i, (i + 1) % 3000) for i in range(3000))
add("bundle-3000-refs", '{"resourceType": "Bundle", "type": "collection", "entry": [%s]}' % entries,
    "a Bundle of 3,000 entries, each referencing the next",
    [issue("error", "Invalid Resource target type. Found Observation", expression="Bundle.entry[2999].resource/*Observation/o2999*/.subject")], ms=10000)
dup = ", ".join(
    '{"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000000", "resource": {"resourceType": "Basic", "id": "b%d", '
    '"code": {"text": "x"}}}' % i for i in range(2000))
add("bundle-2000-same-fullurl", '{"resourceType": "Bundle", "type": "collection", "entry": [%s]}' % dup,
    "2,000 entries with the same fullUrl", [issue("error", "Constraint failed: bdl-7", expression="Bundle")], ms=10000)
cont = ", ".join(
    '{"resourceType": "Observation", "id": "o%d", "status": "final", "code": {"text": "x"}, "hasMember": [{"reference": "#o%d"}]}'
    % (i, (i + 1) % 6000) for i in range(6000))
add("contained-6000-refs", obs % ('"contained": [%s], "hasMember": [{"reference": "#o0"}]' % cont),
    "6,000 contained resources referencing each other by #id: validated in linear time", DOM6, ms=2000)
wide = ", ".join('{"url": "http://example.org/e%d", "valueString": "v"}' % i for i in range(5000))
add("extensions-5000", patient('"extension": [%s]' % wide), "5,000 unknown extensions",
    [issue("error", "The extension http://example.org/e0 could not be found so is not allowed here", "structure", "Patient.extension[0]")], ms=10000)

# --- 7. duplicate keys ------------------------------------------------------------------------
add("dup-resourcetype", '{"resourceType": "Patient", "resourceType": "Observation"}', "resourceType twice",
    [issue("error", "Duplicate property 'resourceType'")])
add("dup-id", '{"resourceType": "Patient", "id": "a", "id": "b"}', "id twice", [issue("error", "Duplicate property 'id'")])
add("dup-gender", patient('"gender": "male", "gender": "female"'), "gender twice", [issue("error", "Duplicate property 'gender'")])
add("dup-nested", patient('"name": [{"family": "a", "family": "b"}]'), "a duplicate inside a name",
    [issue("error", "Duplicate property 'family'", expression="Patient.name[0]")])
add("dup-1000", patient(", ".join('"active": true' for _ in range(1000))), "the same key 1,000 times",
    [issue("error", "Duplicate property 'active'")])
add("dup-escaped", patient('"gender": "male", "gend\\u0065r": "female"'), "a duplicate spelt with an escape",
    [issue("error", "Duplicate property 'gender'")])

# --- 8. nulls, empties, wrong JSON kinds ------------------------------------------------------
add("null-root", "null", "null as the document", [issue("fatal", "A resource must be a JSON object, not null", "structure")])
for k, v in [("array", "[]"), ("string", '"Patient"'), ("number", "42"), ("boolean", "true")]:
    add(f"root-{k}", v, f"a {k} as the document", [issue("fatal", f"A resource must be a JSON object, not {k}", "structure")])
add("root-empty-object", "{}", "an empty object", [issue("fatal", "Unable to find resourceType property", "structure")])
for k, v in [("null", "null"), ("number", "1"), ("array", '["Patient"]'), ("object", '{"a": 1}')]:
    add(f"resourcetype-{k}", '{"resourceType": %s}' % v, f"resourceType as a {k}",
        [issue("fatal", "Unable to find resourceType property")])
for t in ["Foo", "patient", "", "Patient ", "Element", "\u0000"]:
    name = {"": "empty", "Patient ": "trailing-space", "\u0000": "nul"}.get(t, t)
    add(f"resourcetype-unknown-{name}", json.dumps({"resourceType": t}), f"resourceType {t!r}",
        [issue("fatal", "Unknown resource type '%s'" % t)])
add("null-gender", patient('"gender": null'), "null for a primitive",
    [issue("error", "The property gender must be a primitive value, not a Null", "invalid", "Patient.gender")])
add("null-name", patient('"name": null'), "null for an array",
    [issue("error", "The property name must be a JSON Array, not a Null", "invalid", "Patient.name")])
add("null-in-name-array", patient('"name": [null]'), "null inside an array of complex values",
    [issue("error", "The property name contains a null that has no extension", "structure", "Patient.name[0]")])
add("null-given-unaligned", patient('"name": [{"given": ["a", null]}]'), "null in a primitive array without _given",
    [issue("error", "The property given contains a null that has no extension")])
add("null-given-aligned", patient('"name": [{"given": ["a", null], "_given": [null, {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier", "valueCode": "BR"}]}]}]'),
    "null in a primitive array aligned with _given: fine", DOM6, valid=True)
add("empty-array", patient('"name": []'), "an empty array",
    [issue("error", "Array cannot be empty - the property name should not be present if it has no values")])
add("empty-object", patient('"name": [{}]'), "an empty object", [issue("error", "Object must have some content")])
add("empty-string", patient('"gender": ""'), "an empty string", [issue("error", "value cannot be empty", "invalid", "Patient.gender")])
kinds = [
    ("active-string", '"active": "true"', "Error parsing JSON: the primitive value must be a boolean"),
    ("active-number", '"active": 1', "Error parsing JSON: the primitive value must be a boolean"),
    ("birthdate-number", '"birthDate": 19700101', "Error parsing JSON: the primitive value must be a string"),
    ("multiplebirth-string", '"multipleBirthInteger": "2"', "Error parsing JSON: the primitive value must be a number"),
    ("name-object", '"name": {"family": "x"}', "The property name must be a JSON Array, not an Object"),
    ("gender-array", '"gender": ["female"]', "The property gender must be a single value, not an Array"),
    ("name-string", '"name": ["x"]', "This property must be an Object, not a String"),
    ("meta-array", '"meta": [{}]', "The property meta must be a single value, not an Array"),
]
for name, body, msg in kinds:
    add(f"kind-{name}", patient(body), f"the wrong JSON kind: {name}", [issue("error", msg)])

# --- 9. numbers beyond f64/i64, decimal precision ---------------------------------------------
numbers = [
    ("decimal-1e400", '"valueQuantity": {"value": 1e400}', None),
    ("decimal-1e-400", '"valueQuantity": {"value": 1E-400}', None),
    ("decimal-40-digits", '"valueQuantity": {"value": 1234567890123456789012345678901234567890}', None),
    ("decimal-precision", '"valueQuantity": {"value": 0.1000000000000000000000000000000000001}', None),
    ("decimal-negative-zero", '"valueQuantity": {"value": -0}', None),
    ("decimal-string", '"valueQuantity": {"value": "1.5"}', "Error parsing JSON: the primitive value must be a number"),
    ("integer-i64-overflow", '"valueInteger": 9223372036854775808', "integer"),
    ("integer-2-31", '"valueInteger": 2147483648', "integer"),
    ("integer-minus-2-31-minus-1", '"valueInteger": -2147483649', "integer"),
    ("integer-fraction", '"valueInteger": 1.5', "integer"),
    ("integer-exponent", '"valueInteger": 1e3', "integer"),
    ("integer-huge", '"valueInteger": %s' % ("9" * 400), "integer"),
]
for name, body, msg in numbers:
    if msg is None:
        add(f"number-{name}", obs % body, f"a number kept as text: {name}", DOM6 + ([issue("warning", "is outside the range of commonly/reasonably supported decimals")] if "digits" in name or "precision" in name else []), valid=True)
    elif msg == "integer":
        value = body.split(": ", 1)[1]
        add(f"number-{name}", obs % body, f"an integer out of range: {name}",
            [issue("error", f"The value '{value}' is not a valid integer", "invalid", "Observation.value.ofType(integer)")])
    else:
        add(f"number-{name}", obs % body, f"a number out of range: {name}", [issue("error", msg)])
add("number-unsignedint-negative", patient('"multipleBirthInteger": -1, "photo": [{"size": -1}]'),
    "a negative unsignedInt", [issue("error", "value is less than permitted minimum value of 0", expression="Patient.photo[0].size")])

# --- 10. strings: surrogates, odd characters, markup ------------------------------------------
strings = [
    ("lone-high-surrogate", "\\ud800", None),
    ("lone-low-surrogate", "\\udc00", None),
    ("reversed-pair", "\\udc00\\ud800", None),
    ("high-then-letter", "\\ud800A", None),
    ("valid-pair", "\\ud83d\\ude00", None),
    ("nul-escape", "\\u0000", "This content includes the character [0] (hex value)"),
    ("bidi-override", "\u202eevil", "unterminated bi-di control characters (see CVE-2021-42574)"),
    ("zero-width", "a\u200bb", None),
    ("emoji", "\U0001F600", None),
]
for name, s, msg in strings:
    body = '"name": [{"family": "%s"}]' % s
    if msg is None:
        add(f"string-{name}", patient(body), f"a string with {name}: parsed (a lone surrogate becomes U+FFFD)",
            DOM6, valid=True)
    else:
        add(f"string-{name}", patient(body), f"a string with {name}", [issue("warning", msg, expression="Patient.name[0].family")])
add("string-script", patient('"name": [{"family": "<script>alert(1)</script>"}]'), "HTML in a string",
    [issue("information", "looks like embedded HTML tags")])
add("string-script-security", patient('"name": [{"family": "<script>alert(1)</script>"}]'),
    "HTML in a string with securityChecks", [issue("error", "looks like embedded HTML tags")], options={"securityChecks": True})
add("string-leading-space-code", patient('"gender": " male"'), "a code with a leading space",
    [issue("error", "The code ' male' is not valid (whitespace rules)", "invalid", "Patient.gender")])

# --- 11. keys --------------------------------------------------------------------------------
add("key-empty", patient('"": 1'), "an empty key", [issue("error", "Unrecognized property ''")])
add("key-nul", patient('"\\u0000": 1'), "a NUL key", [issue("error", "Unrecognized property '\u0000'")])
add("key-underscore-only", patient('"_": {}'), "a key '_'", [issue("error", "Unrecognized property '_'")])
add("key-companion-orphan", patient('"_gender": {"extension": [{"url": "http://example.org/e", "valueString": "x"}]}'),
    "a _companion without a value",
    [issue("error", "The extension http://example.org/e could not be found so is not allowed here", "structure", "Patient.gender.extension[0]")])
add("key-companion-string", patient('"gender": "male", "_gender": "x"'), "a _companion that is not an object",
    [issue("error", "This property must be an Object, not a String", expression="Patient.gender")])
add("key-choice-unknown", obs % '"valueFoo": 1', "an unknown choice type", [issue("error", "Unrecognized property 'valueFoo'", "structure", "Observation")])
add("key-choice-two", obs % '"valueString": "a", "valueBoolean": true', "two choices of one element",
    [issue("error", "Observation.value[x]: max allowed = 1, but found 2", "structure")])
add("key-case", patient('"Gender": "male"'), "a key in the wrong case", [issue("error", "Unrecognized property 'Gender'")])
add("key-proto", patient('"__proto__": {"polluted": true}, "constructor": {"prototype": {}}'),
    "prototype-pollution keys", [issue("error", "Unrecognized property '__proto__'")])

# --- 12. dates, ids, references ---------------------------------------------------------------
for name, d in [("feb-30", "2020-02-30"), ("month-13", "2020-13-01"), ("year-0", "0000-01-01"),
                ("year-5-digits", "99999-01-01"), ("iso-week", "2020-W01"), ("slashes", "2020/01/01"),
                ("time", "2020-01-01T10:00:00Z"), ("huge", "2" * 10000)]:
    add(f"date-{name}", patient('"birthDate": "%s"' % d), f"birthDate {d[:30]}", [issue("error", "Not a valid date format: '" + ("Invalid date/time format: \"" if name == "feb-30" else "") + d[:40], "invalid", "Patient.birthDate")])
for name, i in [("slash", "a/b"), ("space", "a b"), ("unicode", "é"), ("empty", "")]:
    add(f"id-{name}", '{"resourceType": "Patient", "id": "%s"}' % i, f"id {i!r}", [issue("error", f"Invalid Resource id: Invalid Characters ('{i}')", "invalid", "Patient.id")])
add("reference-traversal", obs % '"subject": {"reference": "Patient/../../etc/passwd"}',
    "a reference with ../ is never followed",
    [issue("error", "The reference 'Patient/../../etc/passwd' names an unknown resource type 'etc'")])
for name, ref in [("file", "file:///etc/passwd"), ("http", "http://169.254.169.254/latest/meta-data/Patient/1"),
                  ("unreachable", "http://10.255.255.1/fhir/Patient/1")]:
    add(f"reference-{name}", obs % ('"subject": {"reference": "%s"}' % ref),
        f"an absolute reference is never fetched: {ref}", DOM6, valid=True, ms=2000)

# --- 13. narrative (XHTML in a JSON string) ---------------------------------------------------
def narrative(div):
    return patient('"text": {"status": "generated", "div": %s}' % json.dumps(div))


X = '<div xmlns="http://www.w3.org/1999/xhtml">%s</div>'
add("xhtml-deep-10000", narrative(X % ("<b>" * 10000 + "x" + "</b>" * 10000)), "XHTML nested 10,000 deep",
    [issue("error", "Elements of type b cannot contain other elements of type b (at div/b)", "structure", "Patient.text.div")], ms=5000)
add("xhtml-deep-100000", narrative(X % ("<b>" * 100000 + "x" + "</b>" * 100000)), "XHTML nested 100,000 deep",
    [issue("error", "Elements of type b cannot contain other elements of type b", "structure", "Patient.text.div")], ms=5000)
add("xhtml-unclosed-10000", narrative(X % ("<span>" * 10000)), "10,000 unclosed XHTML elements",
    [issue("error", 'Error parsing XHTML: Malformed XHTML: Found "</div>" expecting "</span>"', "invalid", "Patient.text.div")], ms=5000)
add("xhtml-script", narrative(X % "<script>alert(1)</script>"), "a script element in the narrative",
    [issue("error", "Invalid element name in the XHTML ('script')", "invalid", "Patient.text.div")])
add("xhtml-onclick", narrative(X % '<p onclick="alert(1)">x</p>'), "an event attribute in the narrative",
    [issue("error", "Invalid attribute name in the XHTML ('onclick' on 'p')", "invalid", "Patient.text.div")])
add("xhtml-doctype-entities", narrative('<!DOCTYPE div [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + X % "&b;&b;&b;"),
    "a DOCTYPE with entities (billion laughs): not expanded",
    [issue("error", "Error parsing XHTML: Unable to Parse HTML - does not start with tag", "invalid", "Patient.text.div")])
add("xhtml-unknown-entity", narrative(X % "&bogus;"), "an unknown entity", [issue("error", "Error parsing XHTML: unable to parse character reference 'bogus'", "invalid", "Patient.text.div")])
add("xhtml-no-namespace", narrative("<div>x</div>"), "narrative without the XHTML namespace",
    [issue("error", "Wrong namespace on the XHTML ('null', should be 'http://www.w3.org/1999/xhtml')", "invalid", "Patient.text.div")])
add("xhtml-not-xml", narrative(X % "<p>unclosed"), "narrative that is not well-formed",
    [issue("error", "Error parsing XHTML: Malformed XHTML", "invalid", "Patient.text.div")])
add("xhtml-attrs-10000", narrative(X % ("<p " + " ".join(f'a{i}="x"' for i in range(10000)) + ">x</p>")),
    "10,000 attributes", [issue("error", "Invalid attribute name in the XHTML ('a0' on 'p')", "invalid", "Patient.text.div")], ms=5000)


def main():
    check = "--check" in sys.argv
    manifest = [e for _, _, e in cases]
    names = [n for n, _, _ in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    if check:
        stale = []
        if not MANIFEST.exists() or MANIFEST.read_text() != text:
            stale.append(str(MANIFEST))
        for n, data, _ in cases:
            p = OUT / f"{n}.json"
            if not p.exists() or p.read_bytes() != data:
                stale.append(str(p))
        on_disk = {p.name for p in OUT.glob("*.json")} if OUT.exists() else set()
        stale += sorted(on_disk - {f"{n}.json" for n in names})
        if stale:
            print("gen_hostile: out of date (run python3 scripts/gen_hostile.py):", *stale[:10], sep="\n  ")
            sys.exit(1)
        print(f"gen_hostile: {len(cases)} generated cases up to date")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for p in OUT.glob("*.json"):
        p.unlink()
    for n, data, _ in cases:
        (OUT / f"{n}.json").write_bytes(data)
    MANIFEST.write_text(text)
    print(f"gen_hostile: wrote {len(cases)} cases, {sum(len(d) for _, d, _ in cases)} bytes")


if __name__ == "__main__":
    main()
