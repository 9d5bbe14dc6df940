"""Errors the API answers with: a code, a sentence, and the HTTP status the code maps to."""

from __future__ import annotations

from typing import Any

from ..contract.common import Problem, status_for
from ..domain.refusals import Refusal


class ApiError(Exception):
    """An expected refusal: the person gets `message`; nothing was written."""

    def __init__(self, code: str, message: str, message_de: str | None = None, *,
                 http_status: int | None = None, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_de = message_de
        self.status = http_status if http_status is not None else status_for(code)
        self.details = details

    @classmethod
    def from_refusal(cls, refusal: Refusal) -> ApiError:
        error = cls(refusal.code.value, refusal.message_en, refusal.message_de)
        error.details = {k: v if isinstance(v, (str, int, float, bool)) or v is None
                         else str(v) for k, v in refusal.details.items()}
        return error

    def problem(self) -> Problem:
        return Problem(code=self.code, message=self.message, message_de=self.message_de,
                       details=self.details)


def unknown(kind: str, key: object, kind_de: str) -> ApiError:
    """An id in the body that names nothing (409: the command refers to a missing record)."""
    return ApiError(f"unknown_{kind}", f"There is no {kind.replace('_', ' ')} {key}.",
                    f"{kind_de} {key} gibt es nicht.", id=str(key))
