"""What every answer of the API shares: refusals as problems with a code and a plain
message, and how each code maps to an HTTP status (ARCHITECTURE.md, "Refusals over HTTP").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer, model_validator

API = "/v1"

#: An instant on the wire: ISO 8601 with its offset; a naive time is refused.
Instant = AwareDatetime
#: EUR on the wire: a string with two decimals ("12.50"), never a JSON float.
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2),
                  PlainSerializer(lambda d: f"{d:.2f}", return_type=str, when_used="json")]
Points = Annotated[int, Field(ge=-10**9, le=10**9)]
#: the integer id of a record people create (a case, an objection, a request, a claim)
Key = Annotated[int, Field(ge=1, le=2**31 - 1)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\s/]([^/]*[^\s/])?$")]
#: An engine record's id: an account id, then "/L3", "/E12" or "/N4".
RecordId = Annotated[str, Field(min_length=1, max_length=80)]
Text = Annotated[str, Field(max_length=20_000)]
ShortText = Annotated[str, Field(max_length=255)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


class Model(BaseModel):
    """Every contract model: unknown fields are refused, values are not coerced loosely,
    and no text may hold a NUL character (no database keeps one faithfully)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text must not contain NUL characters")
        return data


class Problem(Model):
    """A refusal or an error: a stable code, a sentence for a person, and details."""

    code: str
    message: str
    message_de: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


# The application's own codes, beside RULES.md's (ARCHITECTURE.md).
STALE_VERSION = "stale_version"
UNKNOWN_CASE = "unknown_case"
UNKNOWN_RECORD = "unknown_record"
MALFORMED = "malformed"
UNAUTHENTICATED = "unauthenticated"
FORBIDDEN = "forbidden"
IDEMPOTENCY_MISMATCH = "idempotency_key_reused"
IDEMPOTENCY_REQUIRED = "idempotency_key_required"
UNSUPPORTED_FILE = "unsupported_file"
FILE_TOO_LARGE = "file_too_large"
#: a request body over the server's limit (refused before it is read further)
TOO_LARGE = "too_large"
TOO_MANY_ATTEMPTS = "too_many_attempts"
#: every password check the server runs at once is taken: try again after Retry-After
BUSY = "busy"
#: an objection in a case one of whose mails has no receipt time yet (R25 counts from it)
RECEIPT_UNKNOWN = "receipt_unknown"

STATUS_FOR_CODE: dict[str, int] = {
    MALFORMED: 422,
    IDEMPOTENCY_MISMATCH: 422,
    IDEMPOTENCY_REQUIRED: 400,
    UNSUPPORTED_FILE: 422,
    FILE_TOO_LARGE: 413,
    TOO_LARGE: 413,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    UNKNOWN_RECORD: 404,
    TOO_MANY_ATTEMPTS: 429,
    BUSY: 429,
}


def status_for(code: str) -> int:
    """409 for every refusal of a rule or a state (RULES.md's codes, `not_team_lead` and
    `four_eyes` included, and `stale_version`), unless the code is listed above."""
    return STATUS_FOR_CODE.get(code, 409)
