#!/usr/bin/env python3
"""Make member-history test data from the FHIR package examples (US Core 6.1.0 and PDex
2.0.0 in ../shared/fhir-packages): N resources, as a `collection` Bundle (urn:uuid fullUrls,
references rewritten to point at the clones) or as NDJSON (one resource per line).

usage: make_bulk.py bundle|ndjson N OUT
"""
import io
import json
import os
import re
import sys
import tarfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGES = os.path.join(HERE, "..", "..", "shared", "fhir-packages")
SOURCES = ["hl7.fhir.us.core-6.1.0.tgz", "hl7.fhir.us.davinci-pdex-2.0.0.tgz"]


def examples():
    out = []
    for name in SOURCES:
        with tarfile.open(os.path.join(PACKAGES, name)) as tar:
            for m in sorted(tar.getmembers(), key=lambda m: m.name):
                if "/example/" not in m.name or not m.name.endswith(".json"):
                    continue
                data = json.load(io.TextIOWrapper(tar.extractfile(m), encoding="utf-8"))
                if data.get("resourceType") in (None, "Bundle") or "id" not in data:
                    continue
                out.append(data)
    return out


def main():
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    base = examples()
    keys = [f'{r["resourceType"]}/{r["id"]}' for r in base]
    text = json.dumps(base)
    # every quoted "Type/id" of an example, replaced in one pass per clone group
    pattern = re.compile("|".join(re.escape(json.dumps(k)) for k in sorted(keys, key=len, reverse=True)))
    resources = []
    group = 0
    seed = uuid.UUID(int=0xF41)
    while len(resources) < n:
        group += 1
        fresh = {k: str(uuid.uuid5(seed, f"{group}/{k}")) for k in keys}
        def target(m):
            k = json.loads(m.group(0))
            u = fresh[k]
            return json.dumps(f"urn:uuid:{u}" if kind == "bundle" else f'{k.split("/")[0]}/{u}')

        chunk = pattern.sub(target, text)
        for r in json.loads(chunk):
            if len(resources) >= n:
                break
            r["id"] = fresh[f'{r["resourceType"]}/{r["id"]}']
            resources.append(r)
    with open(out, "w") as f:
        if kind == "bundle":
            entries = [{"fullUrl": f'urn:uuid:{r["id"]}', "resource": r} for r in resources]
            json.dump({"resourceType": "Bundle", "type": "collection", "entry": entries}, f)
        else:
            for r in resources:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
