from typing import Any, List, Optional, Sequence, Union

ISSUE_COLUMNS: List[str]
ISSUE_SCHEMA: str
SUMMARY_SCHEMA: str

def validate_ndjson(
    spark: Any,
    paths: Union[str, Sequence[str]],
    igs: Union[str, Sequence[str], None] = None,
    profile_set: Optional[bytes] = None,
    mode: str = "standard",
    **options: Any,
) -> Any: ...
def validate_column(
    df: Any,
    column: str,
    igs: Union[str, Sequence[str], None] = None,
    profile_set: Optional[bytes] = None,
    mode: str = "standard",
    **options: Any,
) -> Any: ...
def summary(
    spark: Any,
    paths: Union[str, Sequence[str]],
    igs: Union[str, Sequence[str], None] = None,
    profile_set: Optional[bytes] = None,
    mode: str = "standard",
    **options: Any,
) -> Any: ...
