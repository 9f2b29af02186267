"""The Python API against the CLI: the same OperationOutcome, byte for byte once written in the
CLI's key order (json.dumps keeps the order json.loads read), on the corpus and the hostile
suite; NDJSON per resource, the per-line issue cap; errors; the GIL released."""

import json
import threading
import time

import pytest

import fhirval
from conftest import CORPUS, HOSTILE, cli, hostile_cases, make_bulk

CORPUS_FILES = sorted(CORPUS.glob("*.json"))


def pretty(doc):
    """The CLI's `--format json` text: serde_json's pretty printer, as Python writes it."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("mode", ["standard", "pdex"])
def test_corpus_same_as_cli(validator, mode):
    assert len(CORPUS_FILES) >= 5
    v = validator if mode == "standard" else fhirval.Validator(mode="pdex")
    for f in CORPUS_FILES:
        expected, _ = cli("validate", "--format", "json", "--mode", mode, f)
        got = v.validate(f.read_bytes())
        assert pretty(got) == expected, f.name
        # text and dict inputs give the same outcome as bytes (a dict is re-written compactly,
        # so only its issues' places may differ: compare without them)
        assert v.validate(f.read_text("utf-8")) == got
    # a Bundle as a dict: same issues, located in the compact text json.dumps writes
    d = json.loads(CORPUS_FILES[0].read_text("utf-8"))
    strip = lambda oo: [{k: x for k, x in i.items() if k != "extension"} for i in oo["issue"]]
    assert strip(v.validate(d)) == strip(v.validate(CORPUS_FILES[0].read_bytes()))


# the CLI flags of the hostile suite's options (the byte limits have no MiB equivalent there)
FLAGS = {"maxIssues": "max_issues", "allowComments": "allow_comments",
         "securityChecks": "security_checks", "maxDepth": "max_depth"}


def test_hostile_same_as_cli(validator):
    cases = [c for c in hostile_cases() if set(c.get("options") or {}) <= set(FLAGS)]
    assert len(cases) >= 250
    groups = {}
    for c in cases:
        groups.setdefault(json.dumps(c.get("options") or {}, sort_keys=True), []).append(c)
    checked = 0
    for key, group in groups.items():
        opts = {FLAGS[k]: val for k, val in json.loads(key).items()}
        v = fhirval.Validator(**opts) if opts else validator
        args = []
        for k, val in opts.items():
            flag = "--" + k.replace("_", "-")
            args += [flag] if val is True else [flag, val]
        files = [HOSTILE / c["file"] for c in group]
        # two inputs or more: a Bundle of outcomes, each tagged with its file
        out, _ = cli("validate", "--format", "json", *args, *files, *files[:1])
        entries = json.loads(out)["entry"]
        for c, f, e in zip(group, files, entries):
            oo = e["resource"]
            oo.pop("extension")
            got = v.validate(f.read_bytes())
            assert json.dumps(got, ensure_ascii=False) == json.dumps(oo, ensure_ascii=False), c["file"]
            checked += 1
    assert checked == len(cases)


def test_validate_many_is_validate_each(validator):
    inputs = [f.read_bytes() for f in CORPUS_FILES[:3]] + ["", {"resourceType": "Patient", "gender": "x"}]
    many = validator.validate_many(inputs)
    assert many == [validator.validate(i) for i in inputs]
    assert many[3]["issue"][0]["details"]["text"] == "Error parsing JSON: empty input"


def ndjson_records(text):
    return [json.loads(l) for l in text.splitlines()]


def test_ndjson_per_resource_same_as_cli(validator, tmp_path):
    f = make_bulk(400, tmp_path / "bulk.ndjson")
    # hostile lines after the generated ones: blank, CRLF, not JSON, not UTF-8, too deep
    with open(f, "ab") as out:
        out.write(b"\n  \n{\"resourceType\": \"Patient\", \"gender\": \"x\"}\r\n{oops\n")
        out.write(b"{\"resourceType\": \"Patient\", \"name\": [{\"family\": \"\xff\"}]}\n")
        out.write(b"[" * 5000 + b"\n{\"resourceType\": \"Basic\", \"id\": 7}")
    data = f.read_bytes()
    got = validator.validate_ndjson(data)
    expected, _ = cli("validate", "--format", "ndjson", f)
    records = ndjson_records(expected)
    assert len(got) == len(records) == 405
    for g, r in zip(got, records):
        assert r.pop("file") == str(f)
        assert json.dumps(g, ensure_ascii=False) == json.dumps(r, ensure_ascii=False)
    lines = data.split(b"\n")
    assert [g["line"] for g in got[-5:]] == [403, 404, 405, 406, 407]
    assert got[-4]["resourceType"] is None and not got[-4]["valid"]  # {oops
    assert got[-1]["resourceType"] == "Basic" and got[-1]["id"] is None
    assert len(lines) == 407
    # the flat outcome of the file is the resources' issues, in order
    flat, _ = cli("validate", "--format", "json", f)
    issues = [i for g in got for i in g["outcome"]["issue"] if i["details"]["text"] != "All OK"]
    assert json.loads(flat)["issue"] == issues
    assert all(i["extension"][0]["valueInteger"] == g["line"] for g in got for i in g["outcome"]["issue"]
               if "valueInteger" in i["extension"][0])
    # every issue carries its message id
    assert all(i["extension"][-1]["url"].endswith("operationoutcome-message-id")
               for g in got for i in g["outcome"]["issue"])


def test_ndjson_issue_cap_is_per_line(tmp_path):
    """max_issues caps each resource (line); the file reports every line's issues."""
    bad = json.dumps({"resourceType": "Patient", "gender": "x", "birthDate": "x", "active": "x", "foo": 1})
    text = "\n".join([bad] * 50) + "\n"
    f = tmp_path / "capped.ndjson"
    f.write_text(text)
    v = fhirval.Validator(max_issues=2)
    got = v.validate_ndjson(text)
    assert len(got) == 50
    for g in got:
        issues = g["outcome"]["issue"]
        assert len(issues) == 3
        assert issues[-1]["code"] == "too-costly"
        assert issues[-1]["details"]["text"] == "Too many issues: only the first 2 are reported"
    flat, _ = cli("validate", "--format", "json", "--max-issues", "2", f)
    assert len(json.loads(flat)["issue"]) == 150
    uncapped = fhirval.Validator().validate_ndjson(text)
    assert all(len(g["outcome"]["issue"]) > 3 for g in uncapped)


def test_profile_set_round_trip(validator):
    data = validator.profile_set()
    assert data[:9] == b"FHIRVALPS"
    again = fhirval.Validator.from_profile_set(data)
    assert again.validate(CORPUS_FILES[0].read_bytes()) == validator.validate(CORPUS_FILES[0].read_bytes())
    assert fhirval.Validator(profile_set=data).profile_set() == data


def test_options(validator, tmp_path):
    p = {"resourceType": "Patient", "gender": "x"}
    codes = lambda oo: [(i["severity"], i["code"]) for i in oo["issue"]]
    assert ("error", "code-invalid") in codes(validator.validate(p))
    assert ("error", "code-invalid") not in codes(fhirval.Validator(no_terminology=True).validate(p))
    assert ("warning", "invariant") not in codes(fhirval.Validator(no_invariants=True).validate(p))
    us_core = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
    with_profile = fhirval.Validator(profiles=[us_core]).validate({"resourceType": "Patient"})
    assert any("identifier" in i.get("expression", [""])[0] or "identifier" in i["details"]["text"]
               for i in with_profile["issue"] if i["severity"] == "error")
    s = tmp_path / "suppress.tsv"
    s.write_text("dom-6\t*\n")
    assert ("warning", "invariant") not in codes(fhirval.Validator(suppress=str(s)).validate(p))
    # by the Java message id: exactly those issues go
    s.write_text("Terminology_TX_NoValid_16\n")
    every = codes(validator.validate(p))
    by_id = codes(fhirval.Validator(suppress=str(s)).validate(p))
    assert by_id == [c for c in every if c != ("error", "code-invalid")]
    assert len(by_id) == len(every) - 1


def test_option_names_are_the_cli_flags_in_snake_case():
    # the names and their checks are the library's (src/options.rs, Options::from_host)
    with pytest.raises(fhirval.Error) as e:
        fhirval.Validator(noInvariants=True)
    assert str(e.value) == (
        "invalid options: unknown option 'noInvariants' (options: allow_extension_domains, "
        "max_issues, security_checks, allow_comments, mode, capability, no_invariants, "
        "no_terminology, display_issues_are_warnings, unchecked_codes_are_warnings, "
        "check_references_resolve, max_input_mb, max_depth, max_string_mb, profiles, suppress, "
        "no_cache)")
    with pytest.raises(fhirval.Error, match="unknown option 'max_input_bytes'"):
        fhirval.Validator(max_input_bytes=10)
    with pytest.raises(fhirval.Error, match="^invalid options: max_input_mb 0: must be a whole number from 1 to"):
        fhirval.Validator(max_input_mb=0)
    with pytest.raises(fhirval.Error, match="no_terminology 'yes': invalid type: string"):
        fhirval.Validator(no_terminology="yes")
    with pytest.raises(fhirval.Error, match="option capability: TypeError: object is not an option value"):
        fhirval.Validator(capability=object())
    # MiB become the library's bytes: a larger input is a fatal issue naming the limit
    v = fhirval.Validator(max_input_mb=1, no_invariants=True, allow_extension_domains=("http://x.org/",))
    big = '{"resourceType": "Basic", "id": "%s"}' % ("x" * (1 << 20))
    assert "exceeds limit of 1048576 bytes" in v.validate(big)["issue"][0]["details"]["text"]


def test_errors(validator):
    with pytest.raises(fhirval.Error, match="unknown option 'profile'"):
        fhirval.Validator(profile="x")
    with pytest.raises(fhirval.Error, match="mode 'fast'"):
        fhirval.Validator(mode="fast")
    with pytest.raises(fhirval.Error, match="no such profile"):
        fhirval.Validator(profiles=["http://example.org/nothing"])
    with pytest.raises(fhirval.Error, match="missing FHIRVALPS header"):
        fhirval.Validator.from_profile_set(b"not a set")
    with pytest.raises(fhirval.Error, match="max_issues"):
        fhirval.Validator(max_issues=0)
    with pytest.raises(fhirval.Error, match="max_depth"):
        fhirval.Validator(max_depth="deep")
    with pytest.raises(fhirval.Error):
        fhirval.Validator(igs=["no.such.package#9.9.9"])
    for bad in (3, None, [1], object()):
        with pytest.raises(fhirval.Error, match="not a FHIR resource"):
            validator.validate(bad)
        with pytest.raises(TypeError):
            validator.validate(bad)
    with pytest.raises(fhirval.Error, match="list of inputs"):
        validator.validate_many("{}")
    with pytest.raises(fhirval.Error, match="not JSON"):
        validator.validate({"x": object()})
    # bad JSON text is an outcome, not an exception
    oo = validator.validate(b"\xff{")
    assert oo["issue"][0]["severity"] == "fatal"
    assert validator.validate("\ud800")["issue"][0]["severity"] == "fatal"


def test_gil_released_while_validating(validator, tmp_path):
    """A thread validating leaves the interpreter to the others: the main thread keeps running
    through the call (with the GIL held, it would stall for the whole call). Progress is counted
    in 20 ms slices of the call, so a loaded machine's scheduling gaps do not decide it."""
    big = make_bulk(2000, tmp_path / "big.ndjson").read_bytes()
    span = {}

    def work():
        span["start"] = time.perf_counter()
        validator.validate_ndjson(big)
        span["end"] = time.perf_counter()

    th = threading.Thread(target=work)
    seen = []
    th.start()
    while th.is_alive():
        seen.append(time.perf_counter())
    th.join()
    slices = max(1, int((span["end"] - span["start"]) / 0.02))
    active = {int((t - span["start"]) / 0.02) for t in seen if span["start"] <= t <= span["end"]}
    assert span["end"] - span["start"] > 0.2, "the call is too short to tell"
    assert len(active) >= 0.3 * slices, (len(active), slices)
