"""fhirval on Apache Spark: NDJSON files or a column of JSON validated where the data lives.

    from fhirval import spark as fvs
    issues = fvs.validate_ndjson(spark, ["s3://bucket/export/*.ndjson"])
    issues.groupBy("severity").count().show()

The profile set is compiled (or loaded) once on the driver and travels inside the mapped
function as bytes (no ``sparkContext.broadcast``, which Spark Connect and shared clusters do
not have); each Python worker decodes it once and keeps the validator for the tasks that
follow. Validation runs in ``mapInArrow``: an Arrow batch of lines goes to the engine as two
buffers, with the GIL released.

Issue columns: ``file, line, resource_type, id, severity, code, expression, message`` (``file``
and ``line`` null for a column; ``expression`` null when the issue has none). A resource
without issues has no row; ``summary`` counts resources, errors and warnings per profile.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import Error, Validator, _fhirval

__all__ = ["validate_ndjson", "validate_column", "summary", "ISSUE_COLUMNS", "ISSUE_SCHEMA"]

ISSUE_COLUMNS = ["file", "line", "resource_type", "id", "severity", "code", "expression", "message"]
ISSUE_SCHEMA = (
    "file string, line long, resource_type string, id string, severity string, code string, "
    "expression string, message string"
)
SUMMARY_SCHEMA = "profile string, resources long, errors long, warnings long"

# one validator per (set, mode, options) in each Python worker: workers are reused across
# tasks, so the set is decoded once per worker, not once per task or batch
_ENGINES: Dict[str, Any] = {}
_LOCK = threading.Lock()


def _engine(key: str, set_bytes: bytes, mode: str, options: Dict[str, Any]) -> Any:
    with _LOCK:
        e = _ENGINES.get(key)
        if e is None:
            e = _fhirval.Engine.from_profile_set(set_bytes, mode, options)
            _ENGINES[key] = e
        return e


def _shipped(
    igs: Union[str, Sequence[str], None],
    profile_set: Optional[bytes],
    mode: str,
    options: Dict[str, Any],
) -> Tuple[str, bytes]:
    """The set's bytes, checked on the driver (a bad option or set fails here, not in a task),
    and the key workers cache its validator under."""
    v = Validator(igs=igs, profile_set=profile_set, mode=mode, **options)
    set_bytes = profile_set if profile_set is not None else v.profile_set()
    h = hashlib.sha256(set_bytes)
    h.update(repr((mode, sorted(options.items()))).encode())
    return h.hexdigest(), bytes(set_bytes)


def _buffers(values: Any) -> Tuple[bytes, bytes]:
    """An Arrow string/binary array as (data, offsets as little-endian i64): what the engine
    reads, without decoding the text (a line that is not UTF-8 reaches the validator as the
    bytes it is). Arrow's offsets are widened here: pyo3's typed buffers refuse pyarrow's."""
    import numpy as np
    import pyarrow as pa

    t = values.type
    if not (pa.types.is_string(t) or pa.types.is_binary(t)):
        if not (pa.types.is_large_string(t) or pa.types.is_large_binary(t)):
            values = values.cast(pa.binary())  # views and other layouts
    wide = pa.types.is_large_string(values.type) or pa.types.is_large_binary(values.type)
    _, offsets, data = values.buffers()
    if offsets is None:
        return b"", np.zeros(len(values) + 1, dtype="<i8").tobytes()
    n = np.frombuffer(offsets, dtype="<i8" if wide else "<i4")
    n = n[values.offset : values.offset + len(values) + 1].astype("<i8")
    return (b"" if data is None else data.to_pybytes()), n.tobytes()


def validate_ndjson(
    spark: Any,
    paths: Union[str, Sequence[str]],
    igs: Union[str, Sequence[str], None] = None,
    profile_set: Optional[bytes] = None,
    mode: str = "standard",
    **options: Any,
) -> Any:
    """The issues of NDJSON files (one resource per line) as a DataFrame
    (:data:`ISSUE_COLUMNS`); ``line`` is the file line, as the CLI reports it."""
    key, set_bytes = _shipped(igs, profile_set, mode, options)
    lines, bases = _lines(spark, paths)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        engine = _engine(key, set_bytes, mode, options)
        seen: Dict[Tuple[str, int], int] = {}
        for batch in batches:
            files = batch.column(1).to_pylist()
            starts = batch.column(2).to_pylist()
            numbers: List[int] = []
            for f, s in zip(files, starts):
                n = seen.get((f, s), 0)
                seen[(f, s)] = n + 1
                numbers.append(bases.get((f, s), 0) + n + 1)
            data, offsets = _buffers(batch.column(0))
            issues, _ = engine.validate_values(data, offsets, True)
            cols: List[List[Any]] = [[] for _ in ISSUE_COLUMNS]
            for i, rt, rid, sev, code, expr, msg in issues:
                for c, v in zip(cols, (files[i], numbers[i], rt, rid, sev, code, expr, msg)):
                    c.append(v)
            yield pa.RecordBatch.from_arrays(
                [pa.array(c, type=t) for c, t in zip(cols, _ARROW_TYPES)], names=ISSUE_COLUMNS
            )

    return lines.mapInArrow(run, ISSUE_SCHEMA)


def validate_column(
    df: Any,
    column: str,
    igs: Union[str, Sequence[str], None] = None,
    profile_set: Optional[bytes] = None,
    mode: str = "standard",
    **options: Any,
) -> Any:
    """The issues of a column of JSON resources or Bundles (string or binary; nulls skipped)
    as a DataFrame (:data:`ISSUE_COLUMNS`, ``file`` and ``line`` null): each value is one
    input, as a file is to ``fhirval validate``."""
    key, set_bytes = _shipped(igs, profile_set, mode, options)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        engine = _engine(key, set_bytes, mode, options)
        for batch in batches:
            values = batch.column(0).drop_null()
            data, offsets = _buffers(values)
            issues, _ = engine.validate_values(data, offsets, False)
            cols: List[List[Any]] = [[] for _ in ISSUE_COLUMNS]
            for _i, rt, rid, sev, code, expr, msg in issues:
                for c, v in zip(cols, (None, None, rt, rid, sev, code, expr, msg)):
                    c.append(v)
            yield pa.RecordBatch.from_arrays(
                [pa.array(c, type=t) for c, t in zip(cols, _ARROW_TYPES)], names=ISSUE_COLUMNS
            )

    from pyspark.sql import functions as F

    return df.select(F.col(column)).mapInArrow(run, ISSUE_SCHEMA)


def summary(
    spark: Any,
    paths: Union[str, Sequence[str]],
    igs: Union[str, Sequence[str], None] = None,
    profile_set: Optional[bytes] = None,
    mode: str = "standard",
    **options: Any,
) -> Any:
    """Per profile (each declared ``meta.profile``, else the resource type) of the resources
    in NDJSON files: ``profile, resources, errors, warnings`` (errors include fatal issues),
    as the CLI's summary counts them."""
    key, set_bytes = _shipped(igs, profile_set, mode, options)
    lines, _ = _lines(spark, paths, count=False)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        engine = _engine(key, set_bytes, mode, options)
        for batch in batches:
            data, offsets = _buffers(batch.column(0))
            _, resources = engine.validate_values(data, offsets, True)
            profile, ones, errors, warnings = [], [], [], []
            for _i, labels, e, w in resources:
                for label in labels:
                    profile.append(label)
                    ones.append(1)
                    errors.append(e)
                    warnings.append(w)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(profile, pa.string()),
                    pa.array(ones, pa.int64()),
                    pa.array(errors, pa.int64()),
                    pa.array(warnings, pa.int64()),
                ],
                names=["profile", "resources", "errors", "warnings"],
            )

    from pyspark.sql import functions as F

    return (
        lines.mapInArrow(run, SUMMARY_SCHEMA)
        .groupBy("profile")
        .agg(*(F.sum(c).alias(c) for c in ("resources", "errors", "warnings")))
        .orderBy("profile")
    )


def _arrow_types() -> List[Any]:
    try:
        import pyarrow as pa
    except ImportError:  # the plain Python API does not need pyarrow
        return []
    s, i = pa.string(), pa.int64()
    return [s, i, s, s, s, s, s, s]


_ARROW_TYPES = _arrow_types()


def _lines(
    spark: Any, paths: Union[str, Sequence[str]], count: bool = True
) -> Tuple[Any, Dict[Tuple[str, int], int]]:
    """The files' lines (split at ``\\n`` only, as the CLI does; bytes kept as they are) with
    their file and the start of the file block (split) they were read from; and, with
    ``count``, the lines before each block in its file, counted on the cluster (a pass that
    reads the text but validates nothing), so that a line's file line number is the lines
    before its block plus its place in the block."""
    from pyspark.sql import functions as F

    if isinstance(paths, str):
        paths = [paths]
    if not paths:
        raise Error("no NDJSON paths given")
    df = (
        spark.read.option("lineSep", "\n")
        .text(list(paths))
        .select(
            "value",
            F.col("_metadata.file_path").alias("file"),
            F.col("_metadata.file_block_start").alias("start"),
        )
    )
    bases: Dict[Tuple[str, int], int] = {}
    if count:
        blocks = df.groupBy("file", "start").count().collect()
        by_file: Dict[str, List[Tuple[int, int]]] = {}
        for row in blocks:
            by_file.setdefault(row["file"], []).append((row["start"], row["count"]))
        for f, bs in by_file.items():
            before = 0
            for start, n in sorted(bs):
                bases[(f, start)] = before
                before += n
    return df, bases
