#!/usr/bin/env python3
"""Make an N-entry member-history Bundle by cloning the entries of a corpus Bundle, giving every
clone a fresh id and urn:uuid fullUrl (references inside a clone group are rewritten to match).

usage: make_bundle.py N OUT.json [SOURCE.json]
"""
import json
import os
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.join(HERE, "..", "..", "shared", "corpus", "uscore_bundle_patient_355.json")


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    source = sys.argv[3] if len(sys.argv) > 3 else DEFAULT_SOURCE
    with open(source) as f:
        src = json.load(f)
    entries = [e for e in src.get("entry", []) if "resource" in e]
    text = json.dumps(entries)
    old_ids = {}
    for e in entries:
        full = e.get("fullUrl")
        if full:
            old_ids[full] = None
    result = []
    rnd = uuid.UUID(int=0x5EED)
    counter = 0
    while len(result) < n:
        mapping = {}
        for full in old_ids:
            counter += 1
            fresh = uuid.uuid5(rnd, str(counter))
            mapping[full] = (f"urn:uuid:{fresh}", str(fresh))
        chunk = text
        for full, (new_full, _) in mapping.items():
            chunk = chunk.replace(json.dumps(full), json.dumps(new_full))
        for e in json.loads(chunk):
            if len(result) >= n:
                break
            full = e.get("fullUrl", "")
            if full.startswith("urn:uuid:"):
                e["resource"]["id"] = full[len("urn:uuid:"):]
            result.append(e)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": result}
    with open(out, "w") as f:
        json.dump(bundle, f, indent=1)


if __name__ == "__main__":
    main()
