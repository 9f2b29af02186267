#!/usr/bin/env python3
"""Seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*), from the FHIR packages and
the member-history corpus in ../shared, and from the hostile-input suite (tests/hostile/).

    python3 scripts/fuzz_seeds.py        # (re)writes the seed-* files; keeps found inputs

Deterministic: the same packages give the same seeds. The corpora in git are these seeds plus
what fuzzing found, minimised (scripts/fuzz.sh --cmin).
"""
import gzip
import hashlib
import io
import json
import os
import struct
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PACKAGES = SHARED / "fhir-packages"
CORPUS = ROOT / "fuzz" / "corpus"

EXAMPLE_PACKAGES = [
    "hl7.fhir.us.core-6.1.0.tgz",
    "hl7.fhir.us.davinci-pdex-2.1.1.tgz",
    "hl7.fhir.us.carin-bb-1.2.0.tgz",
    "hl7.fhir.us.davinci-pas-2.0.1.tgz",
]
SD_PACKAGES = ["hl7.fhir.us.core-6.1.0.tgz", "hl7.fhir.us.davinci-pdex-2.1.1.tgz"]


def members(pkg):
    with tarfile.open(PACKAGES / pkg) as t:
        for m in sorted(t.getmembers(), key=lambda m: m.name):
            if m.isfile() and m.name.endswith(".json"):
                yield m.name, t.extractfile(m).read()


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    h = hashlib.sha1(data).hexdigest()[:12]
    (d / f"seed-{name[:40]}-{h}").write_bytes(data)


def clear_seeds():
    for d in CORPUS.glob("*"):
        for f in d.glob("seed-*"):
            f.unlink()


def examples():
    out = []
    for pkg in EXAMPLE_PACKAGES:
        for name, data in members(pkg):
            base = name.split("/")[-1]
            if ("example" in name.split("/")[-2] or base.startswith(("Patient-", "Bundle-"))) \
                    and len(data) <= 16384 and not base.startswith("StructureDefinition-"):
                out.append((base[:-5], data))
    return out[::2]  # every other one: ~180 resources


def seeds_validate():
    ex = examples()
    for name, data in ex:
        write("validate_mutated", name, data)
    for name, data in ex[::4]:
        write("validate_bytes", name, data)
    for f in ["pdex_bundle_patient_999.json", "pdex_everything_response.json"]:
        p = SHARED / "corpus" / f
        if p.exists():
            write("validate_mutated", f[:-5], p.read_bytes())
    for sub in ["gen", "hand"]:
        hostile = ROOT / "tests" / "hostile" / sub
        for p in sorted(hostile.glob("*.json")):
            if p.stat().st_size <= 65536:
                write("validate_bytes", "hostile-" + p.stem, p.read_bytes())


def seeds_sd():
    n = 0
    for pkg in SD_PACKAGES:
        for name, data in members(pkg):
            base = name.split("/")[-1]
            if base.startswith("StructureDefinition-") and len(data) <= 24000:
                write("structure_definition", base[20:-5], data)
                n += 1
                if n % 3 == 0:  # differential-only: snapshot generated at compile time
                    sd = json.loads(data)
                    sd.pop("snapshot", None)
                    write("structure_definition", "diff-" + base[20:-5], json.dumps(sd))


def seeds_terminology():
    """ValueSets and CodeSystems (compiled by the same target: expansion, filters, regex)."""
    n = 0
    for pkg in ["hl7.fhir.us.core-6.1.0.tgz", "hl7.fhir.us.davinci-pdex-2.1.1.tgz"]:
        for name, data in members(pkg):
            base = name.split("/")[-1]
            if base.startswith(("ValueSet-", "CodeSystem-")) and len(data) <= 16384:
                n += 1
                if n % 2 == 0:
                    write("structure_definition", base[:-5], data)
    regex_vs = {
        "resourceType": "ValueSet", "url": "http://fuzz/vs", "status": "active",
        "compose": {"include": [{"system": "http://fuzz/cs", "filter": [
            {"property": "code", "op": "regex", "value": "(a|aa)*b"},
            {"property": "concept", "op": "is-a", "value": "x"}]}],
            "exclude": [{"valueSet": ["http://fuzz/vs"]}]}}
    cs = {"resourceType": "CodeSystem", "url": "http://fuzz/cs", "status": "active", "content": "complete",
          "concept": [{"code": "x", "concept": [{"code": "aab"}, {"code": "y", "concept": [{"code": "x"}]}]}]}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": regex_vs}, {"resource": cs}]}
    write("structure_definition", "regex-valueset", json.dumps(bundle))


def seeds_fhirpath():
    exprs = set()
    for name, data in members("hl7.fhir.r4.core-4.0.1.tgz"):
        if "StructureDefinition-" not in name:
            continue
        sd = json.loads(data)
        for e in sd.get("snapshot", {}).get("element", []):
            for c in e.get("constraint", []):
                x = c.get("expression")
                if x and "\n" not in x:
                    exprs.add(x)
    docs = [d for _, d in examples()[:40]]
    extra = [
        "Patient.name.where(given.exists()).family.first() & ' ' + 1.toString()",
        "(1 | 2 | 3).aggregate($this + $total, 0) = 6",
        "today() + 1 year > now()",
        "'abc'.matches('^(a|b)*c$') and 'x'.replaceMatches('(x)+', '$1$1')",
        "repeat(children()).count() < 1000",
        "descendants().ofType(Coding).where(system.startsWith('http')).code.distinct()",
        "1.5 'mg' + 2 'g' < 3 'kg'",
        "@2020-01-01T10:00:00.000+01:00 = @2020-01-01T09:00:00Z",
        "iif(id.exists(), id.length(), 0) > 64",
        "%resource.contained.where(('#'+id in %resource.descendants().reference).not()).empty()",
    ]
    for i, x in enumerate(sorted(exprs) + extra):
        write("fhirpath", f"expr{i}", x + "\n" + docs[i % len(docs)].decode())


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def encoded_entries(entries):
    """The structured format of fuzz_targets/package_tgz.rs: [kind][name len][name][len:2][data]."""
    out = b""
    for kind, name, data in entries:
        data = data[:65535]
        out += bytes([kind, len(name)]) + name + struct.pack("<H", len(data)) + data
    return out


def seeds_package():
    manifest = json.dumps({"name": "fuzz.pkg", "version": "1.0.0",
                           "dependencies": {"hl7.fhir.r4.core": "4.0.1"}}).encode()
    sd = None
    for name, data in members("hl7.fhir.us.core-6.1.0.tgz"):
        if name.endswith("StructureDefinition-us-core-sex.json"):
            sd = data
    sd = sd or b'{"resourceType":"StructureDefinition"}'
    patient = b'{"resourceType":"Patient","id":"p"}'
    good = [("package/package.json", manifest), ("package/StructureDefinition-x.json", sd),
            ("package/example/Patient-p.json", patient)]
    raw = tar_bytes(good)
    write("package_tgz", "good-tgz", b"\x00" + gzip.compress(raw, mtime=0))
    write("package_tgz", "good-tar", b"\x00" + raw)
    write("package_tgz", "truncated-tgz", b"\x00" + gzip.compress(raw, mtime=0)[:300])
    write("package_tgz", "bomb", b"\x00" + gzip.compress(b"\x00" * (8 << 20), mtime=0))
    # structured: kind even = under package/, odd = raw name; kind>>5 picks the entry type
    enc = [(0, b"package.json", manifest), (0, b"StructureDefinition-x.json", sd),
           (0, b"example/Patient-p.json", patient)]
    write("package_tgz", "entries-tar", b"\x01" + encoded_entries(enc))
    write("package_tgz", "entries-tgz", b"\x02" + encoded_entries(enc))
    hostile = enc + [(1, b"../../etc/passwd", b"x"), (1, b"/abs.json", patient),
                     (1, b"C:\\x.json", patient), (0, b"..\\..\\x.json", patient),
                     (0, b"package.json", b"{}"), (0xa0, b"dir", b""), (0xc0, b"link", b"")]
    write("package_tgz", "entries-hostile", b"\x02" + encoded_entries(hostile))


def seeds_profile_set():
    # mode 0: (offset, value) patches over a valid set; mode 1: a body after the header
    write("profile_set", "no-patch", b"\x00")
    write("profile_set", "patches", b"\x00" + bytes([16, 0, 0, 0xff, 200, 1, 0, 0x7f, 7, 7, 0, 0x80]))
    write("profile_set", "empty-body", b"\x01")


def main():
    clear_seeds()
    seeds_profile_set()
    seeds_validate()
    seeds_sd()
    seeds_terminology()
    seeds_fhirpath()
    seeds_package()
    for d in sorted(CORPUS.iterdir()):
        files = list(d.iterdir())
        print(f"{d.name}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
