"""Folding text for search: case, umlauts and ß (no Qt, no SQLAlchemy).

SQLite's trigram tokenizer (3.40) has no ``remove_diacritics``, so the store folds the
text it indexes itself, and folds each query the same way. ``register`` installs the
functions the search triggers call on a SQLite connection.
"""

from __future__ import annotations

import sqlite3
import unicodedata

_UMLAUT_TO_BASE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_UMLAUT_TO_E = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _strip_marks(text: str) -> str:
    if text.isascii():  # ASCII decomposes to itself and holds no combining mark
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case, ä/ö/ü to a/o/u, ß to ss, other accents dropped, spaces collapsed:
    the form a query takes."""
    lowered = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUT_TO_BASE)
    return " ".join(_strip_marks(lowered).split())


def variants(text: str) -> list[str]:
    """Every folded spelling `text` should be found by: "Müller" by "muller" and
    "mueller", and "Mueller" by "muller" too."""
    lowered = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    found = [fold(lowered)]
    spelled_out = _strip_marks(lowered.translate(_UMLAUT_TO_E))
    if spelled_out not in found:
        found.append(spelled_out)
    contracted = fold(spelled_out.replace("ae", "a").replace("oe", "o").replace("ue", "u"))
    if contracted not in found:
        found.append(contracted)
    return found


def document(*fields: object) -> str:
    """The indexed text of one account: each non-empty field in all its spellings, one
    field a line."""
    lines = []
    for field in fields:
        if field is None:
            continue
        text = str(field).strip()
        if text:
            lines.append(" ".join(variants(text)))
    return "\n".join(lines)


def register(connection: sqlite3.Connection) -> None:
    """Install ``xr_fold(text)`` and ``xr_document(field, ...)`` on a SQLite connection."""
    connection.create_function("xr_fold", 1, lambda t: None if t is None else fold(t),
                               deterministic=True)
    connection.create_function("xr_document", -1, document, deterministic=True)
