"""fhirval.spark in a real local[2] session: the issues DataFrame for generated NDJSON files is
the CLI's issues for the same files (file line, resource, severity, code, expression, message),
with files split into several blocks so that line numbers cross partitions; a column of JSON;
the summary as the CLI's. Skipped without pyspark unless FHIRVAL_REQUIRE_SPARK=1 (CI sets it)."""

import json
import os
import sys
from collections import Counter

import pytest

from conftest import CORPUS, cli, make_bulk

if os.environ.get("FHIRVAL_REQUIRE_SPARK") != "1":
    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")

import fhirval  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[2]")
        .appName("fhirval-test")
        # small blocks: a 2 MB file is read as several splits, across both workers
        .config("spark.sql.files.maxPartitionBytes", str(256 * 1024))
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("bulk")
    a = make_bulk(300, d / "a.ndjson")
    b = d / "b.ndjson"
    b.write_bytes(
        b"{\"resourceType\": \"Patient\", \"id\": \"p\", \"gender\": \"x\"}\r\n\n   \n{oops\n"
        + b"{\"resourceType\": \"Patient\", \"name\": [{\"family\": \"\xff\"}]}\n"
        + (d / "a.ndjson").read_bytes()[:200_000].rsplit(b"\n", 1)[0]
    )
    return [a, b]


def cli_rows(files, *args):
    """The CLI's issues for the files, as the DataFrame's rows (file as its basename)."""
    out, _ = cli("validate", "--format", "ndjson", *args, *files)
    rows = []
    for rec in map(json.loads, out.splitlines()):
        for i in rec["outcome"]["issue"]:
            if i["details"]["text"] == "All OK":
                continue
            assert i["extension"][0]["valueInteger"] == rec["line"]
            rows.append((os.path.basename(rec["file"]), rec["line"], rec["resourceType"], rec["id"],
                         i["severity"], i["code"], (i.get("expression") or [None])[0], i["details"]["text"]))
    return rows


def df_rows(df):
    assert df.columns == ["file", "line", "resource_type", "id", "severity", "code", "expression", "message"]
    return [(os.path.basename(r.file) if r.file else None, *r[1:]) for r in df.collect()]


def test_ndjson_issues_are_the_clis(spark, files):
    from fhirval import spark as fvs

    df = fvs.validate_ndjson(spark, [str(f) for f in files])
    got = df_rows(df)
    expected = cli_rows(files)
    assert len(expected) > 300
    assert Counter(got) == Counter(expected)
    # in order within each line, as the CLI lists them
    by_line = lambda rows: {k: [r for r in rows if r[:2] == k] for k in {r[:2] for r in rows}}
    assert by_line(sorted(got, key=lambda r: r[:2])) == by_line(expected)
    assert df.rdd.getNumPartitions() >= 4
    assert ("b.ndjson", 4, None, None, "fatal") == got[[r[:2] for r in got].index(("b.ndjson", 4))][:5]


def test_ndjson_pdex_mode_and_a_compiled_set(spark, files):
    from fhirval import spark as fvs

    data = fhirval.Validator(mode="pdex").profile_set()
    df = fvs.validate_ndjson(spark, str(files[0]), profile_set=data, mode="pdex", max_issues=3)
    assert Counter(df_rows(df)) == Counter(cli_rows(files[:1], "--mode", "pdex", "--max-issues", "3"))


def test_column(spark):
    from fhirval import spark as fvs

    paths = sorted(CORPUS.glob("*.json"))[:3]
    texts = [p.read_text("utf-8") for p in paths] + ["", None, '{"resourceType": "Patient", "gender": 1}']
    df = spark.createDataFrame([(t,) for t in texts], "json string")
    got = df_rows(fvs.validate_column(df, "json"))
    v = fhirval.Validator()
    expected = []
    for t in texts:
        if t is None:
            continue
        rt = json.loads(t).get("resourceType") if t else None
        rid = json.loads(t).get("id") if t else None
        for i in v.validate(t)["issue"]:
            if i["details"]["text"] != "All OK":
                expected.append((None, None, rt, rid, i["severity"], i["code"],
                                 (i.get("expression") or [None])[0], i["details"]["text"]))
    assert Counter(got) == Counter(expected)
    assert (None, None, None, None, "fatal", "invalid", None, "Error parsing JSON: empty input") in got


def test_summary_is_the_clis(spark, files):
    from fhirval import spark as fvs

    got = {r.profile: (r.resources, r.errors, r.warnings) for r in fvs.summary(spark, [str(f) for f in files]).collect()}
    _, err = cli("validate", "--format", "json", *files)
    expected = {}
    for line in err.splitlines()[1:]:
        label, counts = line.strip().rsplit(": ", 1)
        n = [int(x.split()[0]) for x in counts.split(", ")]
        expected[label] = tuple(n)
    assert got == expected
    assert got["(not JSON)"][0] == 2


def test_bad_options_fail_on_the_driver(spark, files):
    from fhirval import spark as fvs

    with pytest.raises(fhirval.Error, match="unknown option"):
        fvs.validate_ndjson(spark, str(files[0]), profile="x")
    with pytest.raises(fhirval.Error, match="no NDJSON paths"):
        fvs.validate_ndjson(spark, [])
