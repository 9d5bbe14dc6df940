"""Mails from the rewards@ mailbox: parsed from their saved bytes (:mod:`.parse`) and
turned into e-mail cases through the outbox (:mod:`.importer`). No Qt here: the desktop
and the headless ``xrewards-desk cases import`` (:mod:`.cli`) share it."""

from __future__ import annotations

from .parse import MAX_MAIL_BYTES, MalformedMail, ParsedAttachment, ParsedMail, parse_eml

__all__ = ["MAX_MAIL_BYTES", "MalformedMail", "ParsedAttachment", "ParsedMail", "parse_eml"]
