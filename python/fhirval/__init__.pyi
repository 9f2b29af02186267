import os
from typing import Any, Iterable, List, Optional, Sequence, TypedDict, Union

__version__: str

class Error(Exception):
    """A profile set, package, option or input fhirval cannot use."""

Input = Union[str, bytes, bytearray, memoryview, dict]

class ResourceResult(TypedDict):
    line: int
    resourceType: Optional[str]
    id: Optional[str]
    valid: bool
    outcome: dict

class Validator:
    def __init__(
        self,
        igs: Union[str, "os.PathLike[str]", Sequence[str], None] = None,
        profile_set: Optional[bytes] = None,
        packages_dir: Union[str, "os.PathLike[str]", None] = None,
        mode: str = "standard",
        *,
        profiles: Sequence[str] = ...,
        allow_extension_domains: Sequence[str] = ...,
        capability: Optional[str] = ...,
        no_invariants: bool = ...,
        no_terminology: bool = ...,
        display_issues_are_warnings: bool = ...,
        unchecked_codes_are_warnings: bool = ...,
        check_references_resolve: bool = ...,
        security_checks: bool = ...,
        allow_comments: bool = ...,
        max_input_mb: int = ...,
        max_depth: int = ...,
        max_string_mb: int = ...,
        max_issues: int = ...,
        suppress: Union[str, "os.PathLike[str]", None] = ...,
        no_cache: bool = ...,
    ) -> None: ...
    @classmethod
    def from_profile_set(cls, data: bytes, mode: str = "standard", **options: Any) -> "Validator": ...
    def profile_set(self) -> bytes: ...
    def validate(self, data: Input) -> dict: ...
    def validate_many(self, data: Iterable[Input]) -> List[dict]: ...
    def validate_ndjson(self, data: Union[str, bytes, bytearray, memoryview]) -> List[ResourceResult]: ...
