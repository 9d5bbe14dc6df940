"""What every answer of the API shares: refusals as problems with a code and a plain
message, and how each code maps to an HTTP status (ARCHITECTURE.md, "Refusals over HTTP").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetPydanticSchema,
    Strict,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import core_schema as cs

API = "/v1"

# The models are strict (Model's config): a value of another JSON type than the field's is
# refused, never converted (``true`` is no point, ``"25"`` and ``10.0`` are no integer,
# ``"1"`` is no case number). The contract's conversions that JSON needs are the types
# below, each taking an instance (Python) or a string of exactly one form (the wire).

#: RFC 3339's date-time: a date, "T", a time with seconds, and an offset ("Z" or ±hh:mm)
INSTANT_PATTERN = (r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?"
                   r"([Zz]|[+-]\d{2}:\d{2})$")
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
#: EUR as text: up to 12 digits before the point and up to 2 after
MONEY_PATTERN = r"^-?\d{1,12}(\.\d{1,2})?$"


def _instance_or_text(instance: cs.CoreSchema, pattern: str, parsed: cs.CoreSchema,
                      error: str, message: str) -> GetPydanticSchema:
    """An instance of the type as it is, or a string of `pattern` parsed by `parsed`;
    anything else (a number, a bool, another form of string) one error, `message`."""
    schema = cs.union_schema(
        [instance, cs.chain_schema([cs.str_schema(strict=True, pattern=pattern), parsed])],
        mode="left_to_right", custom_error_type=error, custom_error_message=message)
    return GetPydanticSchema(lambda _type, _handler: schema)


#: An instant on the wire: RFC 3339 with its offset ("2026-12-06T09:00:00+01:00"); a
#: naive time, a bare date, a number of seconds or another format is refused.
Instant = Annotated[datetime, _instance_or_text(
    cs.datetime_schema(strict=True, tz_constraint="aware"), INSTANT_PATTERN,
    cs.datetime_schema(strict=False, tz_constraint="aware"), "instant",
    "Input should be an instant in RFC 3339 with its offset, e.g. "
    "2026-12-06T09:00:00+01:00"), WithJsonSchema({"type": "string", "format": "date-time"})]
#: A calendar day on the wire: "2026-12-06".
Day = Annotated[date, _instance_or_text(
    cs.date_schema(strict=True), DAY_PATTERN, cs.date_schema(strict=False), "day",
    "Input should be a day as YYYY-MM-DD"),
    WithJsonSchema({"type": "string", "format": "date"})]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


_MONEY_DECIMAL = cs.decimal_schema(max_digits=14, decimal_places=2, allow_inf_nan=False)
_MONEY = cs.union_schema(
    [cs.chain_schema([cs.is_instance_schema(Decimal), _MONEY_DECIMAL]),
     cs.chain_schema([cs.str_schema(strict=True, pattern=MONEY_PATTERN),
                      cs.decimal_schema(strict=False, max_digits=14, decimal_places=2)])],
    mode="left_to_right", custom_error_type="money",
    custom_error_message="Input should be an amount of EUR as a string with at most two "
                         "decimals, e.g. \"12.50\"",
    serialization=cs.plain_serializer_function_ser_schema(_money, when_used="json"))
#: EUR on the wire: a string with up to two decimals ("12.50"), never a JSON number.
Money = Annotated[Decimal, GetPydanticSchema(lambda _type, _handler: _MONEY),
                  WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN})]


#: A field of an enum (``Annotated[SomeEnum, NAMED]``): its member, or its value as the
#: wire has it (a string of the enum's values; nothing else is converted).
NAMED = Strict(False)

Points = Annotated[int, Field(ge=-10**9, le=10**9)]
#: the integer id of a record people create (a case, an objection, a request, a claim)
Key = Annotated[int, Field(ge=1, le=2**31 - 1)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\s/]([^/]*[^\s/])?$")]
#: An engine record's id: an account id, then "/L3", "/E12" or "/N4".
RecordId = Annotated[str, Field(min_length=1, max_length=80)]
Text = Annotated[str, Field(max_length=20_000)]
ShortText = Annotated[str, Field(max_length=255)]


def _has_nul(value: Any) -> bool:
    """Whether a string in `value` holds a NUL: `value` itself, or at any depth a key or
    value of a dict or an item of a list or tuple (anything else holds none). Walked
    with a stack, strings checked where they are met: a call per container, not per
    value (every contract model runs this on its input, 0.7 instead of 1.2 us for a
    registration's fields)."""
    if isinstance(value, str):
        return "\x00" in value
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in node:
                if isinstance(key, str):
                    if "\x00" in key:
                        return True
                elif isinstance(key, tuple):
                    stack.append(key)
            items: Iterable[Any] = node.values()
        elif isinstance(node, (list, tuple)):
            items = node
        else:
            continue
        for item in items:
            if isinstance(item, str):
                if "\x00" in item:
                    return True
            elif isinstance(item, (dict, list, tuple)):
                stack.append(item)
    return False


class Model(BaseModel):
    """Every contract model: unknown fields are refused, values are strict (of the
    field's own JSON type; instants, days, money and named values as the types above
    take them), and no text may hold a NUL character (no database keeps one faithfully)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False,
                              strict=True)

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
#: no such address in the API (404), or an address that does not take the method (405)
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
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
    NOT_FOUND: 404,
    METHOD_NOT_ALLOWED: 405,
    TOO_MANY_ATTEMPTS: 429,
    BUSY: 429,
}


def status_for(code: str) -> int:
    """409 for every refusal of a rule or a state (RULES.md's codes, `not_team_lead` and
    `four_eyes` included, and `stale_version`), unless the code is listed above."""
    return STATUS_FOR_CODE.get(code, 409)
