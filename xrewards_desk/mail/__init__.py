"""Mails from the rewards@ mailbox: parsed from their saved bytes (:mod:`.parse`) and
turned into e-mail cases through the outbox (:mod:`.importer`). No Qt here: the desktop
and the headless ``xrewards-desk cases import`` (:mod:`.cli`) share it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .parse import MAX_MAIL_BYTES, MalformedMail, ParsedAttachment, ParsedMail, parse_eml

__all__ = ["MAX_MAIL_BYTES", "MalformedMail", "ParsedAttachment", "ParsedMail", "parse_eml"]


def __getattr__(name: str) -> Any:
    """The parser's names, imported when first asked for: the command line and the
    desktop import this package (for its CLI) long before a mail arrives (issue 23)."""
    if name in __all__:
        from . import parse

        return getattr(parse, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
