"""Which files the program keeps as evidence, judged by their bytes, never their names.

PDF, PNG, JPEG and e-mail messages (RFC 5322, as saved .eml files), at most 20 MiB. The
name a file arrived under is kept only as a label. Server and desktop use the same test.
"""

from __future__ import annotations

import re

MAX_BYTES = 20 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
EMAIL = "message/rfc822"
ACCEPTED = (PDF, PNG, JPEG, EMAIL)
LABELS = {PDF: "PDF", PNG: "PNG image", JPEG: "JPEG image", EMAIL: "e-mail message"}

_HEADER = re.compile(rb"^[!-9;-~]+:[ \t]?")
_CONTINUATION = re.compile(rb"^[ \t]+\S")
_MAIL_NEEDS = (b"from",)
_MAIL_ONE_OF = (b"date", b"received", b"message-id")


def _looks_like_mail(data: bytes) -> bool:
    head = data[:65536]
    match = re.search(rb"\r?\n\r?\n", head)
    if match is None:
        return False
    lines = re.split(rb"\r?\n", head[:match.start()])
    names = set()
    for i, line in enumerate(lines):
        if _HEADER.match(line):
            names.add(line.split(b":", 1)[0].strip().lower())
        elif i == 0 or not _CONTINUATION.match(line):
            return False
    return all(n in names for n in _MAIL_NEEDS) and any(n in names for n in _MAIL_ONE_OF)


def sniff(data: bytes) -> str | None:
    """The media type of `data` from its first bytes, or None if it is none we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if _looks_like_mail(data):
        return EMAIL
    return None


def refusal(data: bytes, label: str, language: str = "en") -> str | None:
    """Why `data` cannot be kept as evidence, in plain words (English, or German with
    ``language="de"``); None if it can."""
    german = language == "de"
    if len(data) > MAX_BYTES:
        size = f"{len(data) / 2**20:.1f}"
        if german:
            return (f"{label} ist {size.replace('.', ',')} MiB groß; Nachweise dürfen "
                    f"höchstens {MAX_BYTES // 2**20} MiB groß sein.")
        return (f"{label} is {size} MiB; evidence files may be at most "
                f"{MAX_BYTES // 2**20} MiB.")
    if not data:
        return f"{label} ist leer." if german else f"{label} is empty."
    if sniff(data) is None:
        if german:
            return (f"{label} ist weder PDF noch PNG, JPEG oder E-Mail (nach dem Inhalt "
                    "beurteilt, nicht nach dem Namen) und kann nicht als Nachweis "
                    "aufbewahrt werden.")
        return (f"{label} is not a PDF, PNG, JPEG or e-mail message (judged by its "
                "content, not its name), so it cannot be kept as evidence.")
    return None
