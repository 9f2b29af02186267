"""fhirval: an offline FHIR R4 profile validator (Rust), for Python.

    import fhirval
    v = fhirval.Validator()                       # the default set (the newest PDex), as the CLI
    outcome = v.validate(open("bundle.json", "rb").read())
    results = v.validate_ndjson(open("Patient.ndjson", "rb").read())

``validate`` returns the OperationOutcome exactly as ``fhirval validate --format json`` writes
it (a dict, keys in the same order); validation releases the GIL, so threads validate in
parallel. Spark helpers: :mod:`fhirval.spark`.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, List, Optional, Sequence, Union

from . import _fhirval
from ._fhirval import Error

__all__ = ["Validator", "Error", "__version__"]
__version__: str = _fhirval.__version__


class _InputError(Error, TypeError):
    """An input that is not a FHIR JSON text, bytes or dict (both fhirval.Error and TypeError)."""


def _bytes(data: Any) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        # a lone surrogate cannot be UTF-8: kept as its (invalid) bytes, which the validator
        # reports as invalid UTF-8 rather than this call failing
        return data.encode("utf-8", "surrogatepass")
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, dict):
        try:
            return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
        except (TypeError, ValueError) as e:
            raise _InputError(f"the dict is not JSON: {e}") from None
    raise _InputError(
        f"not a FHIR resource: a {type(data).__name__} (give JSON as str, bytes or a dict)"
    )


class Validator:
    """A compiled profile set and options, ready to validate.

    ``igs``: what the CLI's ``--ig`` takes (package ``NAME#VERSION``, ``.tgz``, directory, JSON
    conformance resource, compiled set file); none = the default set. ``profile_set``: a
    compiled set's bytes instead. ``packages_dir``: the CLI's ``--packages``. ``mode``:
    ``"standard"`` or ``"pdex"``. ``options``: the CLI's validate flags in snake case
    (``no_invariants=True``, ``max_issues=100``, ``suppress="file.tsv"``, ``profiles=[...]``,
    ``allow_extension_domains=[...]``, ...); an unknown one is an error.
    """

    __slots__ = ("_engine",)

    def __init__(
        self,
        igs: Union[str, Sequence[str], None] = None,
        profile_set: Optional[bytes] = None,
        packages_dir: Union[str, "os.PathLike[str]", None] = None,
        mode: str = "standard",
        **options: Any,
    ) -> None:
        if profile_set is not None:
            if igs:
                raise Error("give igs or profile_set, not both")
            self._engine = _fhirval.Engine.from_profile_set(_bytes_of_set(profile_set), mode, options)
            return
        if isinstance(igs, (str, os.PathLike)):
            igs = [os.fspath(igs)]
        specs = [os.fspath(s) for s in (igs or [])]
        pdir = None if packages_dir is None else os.fspath(packages_dir)
        self._engine = _fhirval.Engine.load(specs, pdir, mode, options)

    @classmethod
    def from_profile_set(cls, data: bytes, mode: str = "standard", **options: Any) -> "Validator":
        """A validator over a compiled profile set (``fhirval compile`` output)."""
        return cls(profile_set=data, mode=mode, **options)

    def profile_set(self) -> bytes:
        """The compiled set, in the ``fhirval compile`` format (ship it to workers)."""
        return self._engine.profile_set()

    def validate(self, data: Union[str, bytes, dict]) -> dict:
        """One resource or Bundle → its OperationOutcome."""
        return json.loads(self._engine.validate(_bytes(data)))

    def validate_many(self, data: Iterable[Union[str, bytes, dict]]) -> List[dict]:
        """Several resources → one OperationOutcome each, in order."""
        if isinstance(data, (str, bytes, bytearray, memoryview, dict)):
            raise _InputError("validate_many takes a list of inputs; use validate for one")
        return json.loads(self._engine.validate_many([_bytes(d) for d in data]))

    def validate_ndjson(self, data: Union[str, bytes]) -> List[dict]:
        """NDJSON (one resource per line) → one result per non-blank line:
        ``{"line", "resourceType", "id", "valid", "outcome"}``, issues located by file line,
        ``max_issues`` applying to each line."""
        if isinstance(data, dict):
            raise _InputError("NDJSON is text or bytes, not a dict")
        return json.loads(self._engine.validate_ndjson(_bytes(data)))


def _bytes_of_set(data: Any) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise _InputError(f"a profile set is bytes, not a {type(data).__name__}")
