"""Search of the desktop's local store (SQLite, FTS5): the query side, no Qt.

One query finds an account by name, e-mail, customer number, organisation, billing
account, referral code, phone or order number, as the agent types. The index is made by
migration 0002 (``search_doc`` and its FTS5 tables) and kept current by its triggers.

Every step is bounded, so a common name among a million accounts answers as fast as a
rare one (ARCHITECTURE.md: ranking every hit of "mueller" takes half a second):

a. exact customer number, e-mail, order number or referral code, through the ordinary
   B-tree indexes: these come first;
b. substring candidates from the trigram index, word by word (AND), with a LIMIT and no
   ORDER BY. Words under three characters, which trigrams cannot see, must start a word:
   two characters through the trigrams of a separator and the word (" kg", "(kg", ...),
   one character by filtering the candidates' documents in Python, streamed and capped;
c. a query without any word of three characters or more: word-prefix matching through
   the unicode61 index (``prefix='1 2'``). "mü" finds "Müller" and "Anna-Lena Müller",
   not "Kammüller": a prefix is matched at the start of a word;
d. only when a–c found nothing: a fuzzy fallback for one wrong, missing, extra or swapped
   letter per word. The word's edit-1 spellings (a few hundred) are looked up in the
   index's vocabulary (``search_terms``, exact B-tree seeks, no scan); the words that
   exist are searched like (b), and each hit is verified in Python against the words of
   its name, organisation and e-mail.

The bounded candidate set is ranked in Python: exact identifier (a) first; then an exact
field above a word prefix above a substring above words spread over fields above fuzzy;
within each, name, customer number, e-mail, referral code and phone above organisation,
billing account and order; ties by customer number.
"""

from __future__ import annotations

import json
import re
import sqlite3
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .db import as_sqlite, sqlite_errors
from .folding import fold, variants

#: no field is longer (an e-mail address is at most 320 characters): longer finds nothing
MAX_QUERY = 320
#: how many FTS candidates are ranked at least (more when `limit` asks for more)
CANDIDATES = 50
#: when words under three characters filter the candidates, at most this many FTS hits
#: are read (streamed, in batches) to find them
FILTER_SCAN = 5000
_BATCH = 250
#: the fuzzy fallback corrects at most this many words, each at most this long
FUZZY_WORDS = 4
FUZZY_MAX_LEN = 40
#: words shorter than this are not corrected (three letters have too many neighbours)
FUZZY_MIN_LEN = 4
MAX_LIMIT = 1000

_LETTERS = "abcdefghijklmnopqrstuvwxyz"

# match kinds, best first
EXACT, PREFIX, SUBSTRING, WORDS, FUZZY = "exact", "prefix", "substring", "words", "fuzzy"
_KIND_ORDER = {EXACT: 0, PREFIX: 1, SUBSTRING: 2, WORDS: 3, FUZZY: 4}

# fields, in rank order within a kind; the first five identify the person
NAME, CUSTOMER_NUMBER, EMAIL, REFERRAL_CODE, PHONE = (
    "name", "customer_number", "email", "referral_code", "phone")
ORGANISATION, BILLING_ACCOUNT, ORDER = "organisation", "billing_account", "order"
_FIELDS = (NAME, CUSTOMER_NUMBER, EMAIL, REFERRAL_CODE, PHONE,
           ORGANISATION, BILLING_ACCOUNT, ORDER)
_FIELD_ORDER = {f: i for i, f in enumerate(_FIELDS)}
#: what the fuzzy fallback may correct (issue: "a name, organisation or e-mail")
_FUZZY_FIELDS = (NAME, ORGANISATION, EMAIL)

# tier-0 look-ups, in the order they rank
_EXACT_FIELDS = (CUSTOMER_NUMBER, EMAIL, ORDER, REFERRAL_CODE)

# search_doc holds the fields as stored beside the document (migration 0002), so that a
# candidate costs one look-up, not five
_ROW = """s.account_id, s.name, s.email, s.phone, s.referral_code, s.organisation,
          s.billing_account, s.doc"""
_EXACT_SQL = f"""
SELECT 0, NULL, {_ROW} FROM search_doc AS s WHERE s.account_id IN (?, ?, ?)
UNION ALL
SELECT 1, NULL, {_ROW} FROM accounts AS a JOIN search_doc AS s ON s.account_id = a.id
 WHERE a.email_key IN (?, ?)
UNION ALL
SELECT 2, r.id, {_ROW} FROM orders AS r JOIN search_doc AS s ON s.account_id = r.account_id
 WHERE r.id IN (?, ?, ?)
UNION ALL
SELECT 3, NULL, {_ROW} FROM accounts AS a JOIN search_doc AS s ON s.account_id = a.id
 WHERE a.referral_code IN (?, ?, ?)
"""
_CANDIDATES_SQL = f"""
SELECT {_ROW} FROM search_doc AS s
 WHERE s.docid IN (SELECT rowid FROM {{fts}} WHERE {{fts}} MATCH ? LIMIT ?)
"""
_BY_DOCID_SQL = f"""
SELECT {_ROW} FROM search_doc AS s WHERE s.docid IN (SELECT value FROM json_each(?))
"""
#: the FTS tables: trigram for substrings, unicode61 for word prefixes
TRIGRAM, PREFIX_INDEX = "search_trigram", "search_prefix"
_TERMS_SQL = "SELECT term FROM search_terms WHERE term IN (SELECT value FROM json_each(?))"

_TOKEN = re.compile(r"[^\W_]+")
#: what may stand before a word in a document (each field's line starts with a newline):
#: a two-character query word is found as the trigram of one of these and the word
_SEPARATORS = (" ", "\n", *string.punctuation, *"’‘‚“”„«»‹›–—·•")


class SearchError(Exception):
    """Search cannot run on this store (no local SQLite index); the message says why."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One account found, as plain values for a table model."""

    account_id: str
    name: str
    email: str
    organisation: str
    #: the field that matched: "customer_number", "email", "order", "referral_code",
    #: "name", "phone", "organisation" or "billing_account"
    matched: str
    #: how: "exact", "prefix" (start of a word), "substring", "words" (the query's words
    #: found in different fields) or "fuzzy" (one letter off)
    how: str
    #: the matched field's value as stored (e.g. the order number)
    value: str
    #: 1 for the best hit
    rank: int


@dataclass
class _Candidate:
    account_id: str
    name: str
    email: str
    organisation: str
    #: (field, value) of every non-empty field in rank order; orders once loaded
    fields: list[tuple[str, str]]
    doc: str = ""
    #: (tier, kind order, field order), smaller is better
    key: tuple[int, int, int] = (9, 9, 9)
    matched: str = ""
    how: str = ""
    value: str = ""

    def offer(self, tier: int, how: str, matched: str, value: str,
              order: int | None = None) -> None:
        """Keep this match if it ranks above the best one so far."""
        place = _FIELD_ORDER[matched] if order is None else order
        key = (tier, _KIND_ORDER[how], place)
        if key < self.key:
            self.key, self.how, self.matched, self.value = key, how, matched, value


@dataclass
class _Query:
    """A query, cleaned and folded the way the index folded the documents."""

    raw: str
    folded: str
    words: list[str] = field(default_factory=list)

    @property
    def long_words(self) -> list[str]:
        """The words the trigram index can see."""
        return [w for w in self.words if len(w) >= 3]


# --------------------------------------------------------------------------- entry point


def search(db: Session | Connection | sqlite3.Connection, text: str,
           limit: int = 50) -> list[Hit]:
    """Accounts matching `text`, best first, at most `limit`.

    `db` is a session or connection on the local SQLite store (a session is flushed
    first, as its own queries would be). An empty query finds nothing; FTS5 syntax in the
    query (quotes, ``*``, ``:``, ``NEAR``, ...) is searched for as text.
    """
    if not isinstance(text, str):
        raise TypeError(f"search text must be a str, not {type(text).__name__}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be an integer from 1 to {MAX_LIMIT}, not {limit!r}")
    query = _parse(text)
    if query is None:
        return []
    conn = _dbapi(db)
    try:
        return _search(conn, query, limit)
    except sqlite_errors("OperationalError") as exc:
        if "no such table" in str(exc):
            raise SearchError("this store has no search index (schema before 0002, or "
                              "not the desktop's SQLite store)") from exc
        raise


def _parse(text: str) -> _Query | None:
    """Clean and fold `text`: lone surrogates dropped, control characters as spaces."""
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = "".join(c if c.isprintable() else " " for c in text).strip()
    if not text or len(text) > MAX_QUERY:
        return None
    folded = fold(text)
    if not folded:
        return None
    return _Query(raw=text, folded=folded, words=folded.split(" "))


def _dbapi(db: Session | Connection | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection under `db`: the queries run on it directly (cheaper than
    SQLAlchemy's statement layer), in the same transaction."""
    if (conn := as_sqlite(db)) is not None:
        return conn
    if isinstance(db, Session):
        if db.autoflush:
            db.flush()
        db = db.connection()
    if isinstance(db, Connection):
        if db.dialect.name != "sqlite":
            raise SearchError(f"search runs on the desktop's SQLite store, not on "
                              f"{db.dialect.name}")
        if (conn := as_sqlite(db.connection.dbapi_connection)) is not None:
            return conn
    raise TypeError(f"search needs a Session or Connection on SQLite, not {type(db).__name__}")


def _search(conn: sqlite3.Connection, query: _Query, limit: int) -> list[Hit]:
    found: dict[str, _Candidate] = {}
    if " " not in query.raw:
        _exact(conn, query.raw, found)
    bound = max(limit, CANDIDATES)
    if query.long_words:
        expression, short = _trigram_expression(query.words)
        _rank(conn, query, _merge(found, _candidates(conn, TRIGRAM, expression, bound, short)))
    else:
        tokens = [t for w in query.words for t in _TOKEN.findall(w)]
        if tokens:
            expression = " AND ".join(f"{_phrase(t)}*" for t in tokens)
            _rank(conn, query,
                  _merge(found, _candidates(conn, PREFIX_INDEX, expression, bound, [])))
    if not found:
        _fuzzy(conn, query, bound, found)
    ranked = sorted(found.values(), key=lambda c: (c.key, c.account_id))[:limit]
    return [Hit(c.account_id, c.name, c.email, c.organisation, c.matched, c.how, c.value,
                rank) for rank, c in enumerate(ranked, start=1)]


def _phrase(word: str) -> str:
    """`word` as an FTS5 string: quoted, so that no character of it is syntax."""
    return '"' + word.replace('"', '""') + '"'


def _trigram_expression(words: Iterable[str]) -> tuple[str, list[re.Pattern[str]]]:
    """The trigram index's expression for `words` (AND), and the patterns it cannot
    check, left to filter the candidates in Python.

    Words of three characters or more are substrings. Shorter words must start a word:
    one of two characters is the OR of its trigrams with every separator (" kg", "(kg",
    …), measured four times cheaper than filtering the documents of "Bergmaier" in Python
    for "KG"; one of one character is left to Python; one without a letter or digit
    ("&") finds nothing and is ignored.
    """
    parts: list[str] = []
    left: list[re.Pattern[str]] = []
    for word in words:
        if len(word) >= 3:
            parts.append(_phrase(word))
        elif not _TOKEN.search(word):
            continue
        elif len(word) == 2:
            parts.append("(" + " OR ".join(_phrase(s + word) for s in _SEPARATORS) + ")")
        else:
            left.append(_word_start(word))
    return " AND ".join(parts), left


def _candidate(row: Sequence[Any]) -> _Candidate:
    """A candidate from a row of ``_ROW``."""
    account_id, name, email, phone, referral, organisation, billing, doc = row
    fields = [(f, v) for f, v in ((NAME, name), (CUSTOMER_NUMBER, account_id), (EMAIL, email),
                                  (REFERRAL_CODE, referral), (PHONE, phone),
                                  (ORGANISATION, organisation), (BILLING_ACCOUNT, billing))
              if v]
    return _Candidate(account_id, name or "", email or "", organisation or "", fields, doc)


# --------------------------------------------------------------------------- a: exact


def _exact(conn: sqlite3.Connection, raw: str, found: dict[str, _Candidate]) -> None:
    """Customer number, e-mail, order number, referral code: equal, ignoring case."""
    spellings = (raw, raw.upper(), raw.lower())
    email_keys = (raw.casefold(), raw.lower())
    params = (*spellings, *email_keys, *spellings, *spellings)
    for row in conn.execute(_EXACT_SQL, params):
        which, order_id, rest = row[0], row[1], row[2:]
        cand = found.get(rest[0]) or found.setdefault(rest[0], _candidate(rest))
        matched = _EXACT_FIELDS[which]
        value = order_id if matched == ORDER else dict(cand.fields).get(matched, "")
        # tier 0, customer number, e-mail, order and referral code in turn
        cand.offer(0, EXACT, matched, value, order=which)


# --------------------------------------------------------------------------- b, c: FTS


def _candidates(conn: sqlite3.Connection, table: str, expression: str, bound: int,
                short: list[re.Pattern[str]]) -> list[_Candidate]:
    """Up to `bound` accounts whose document matches the FTS `expression` (in the index's
    order, unranked) and has a word starting with each `short` pattern.

    Without short words this is one LIMIT query. With them, the FTS hits are streamed
    with their documents and filtered as they come, stopping at `bound` accepted or
    ``FILTER_SCAN`` read, so "Müller KG" costs what its matches cost, not more.
    """
    if not short:
        sql = _CANDIDATES_SQL.format(fts=table)
        return [_candidate(row) for row in conn.execute(sql, (expression, bound))]
    docids: list[int] = []
    cursor = conn.execute(f"SELECT rowid, doc FROM {table} WHERE {table} MATCH ?",
                          (expression,))
    try:
        read = 0
        while len(docids) < bound and read < FILTER_SCAN:
            batch = cursor.fetchmany(_BATCH)
            if not batch:
                break
            read += len(batch)
            docids.extend(d for d, doc in batch if all(p.search(doc) for p in short))
    finally:
        cursor.close()
    if not docids:
        return []
    rows = conn.execute(_BY_DOCID_SQL, (json.dumps(docids[:bound]),))
    return [_candidate(row) for row in rows]


def _merge(found: dict[str, _Candidate], cands: list[_Candidate]) -> list[_Candidate]:
    """Add `cands` to `found` (an account (a) found keeps its entry); the merged
    candidates, to rank."""
    return [found.setdefault(cand.account_id, cand) for cand in cands]


@lru_cache(maxsize=1024)
def _word_start(word: str) -> re.Pattern[str]:
    """`word` at the start of a word (not preceded by a letter or digit)."""
    return re.compile(r"(?<![^\W_])" + re.escape(word))


@lru_cache(maxsize=65536)
def _spellings(value: str) -> tuple[str, ...]:
    """The folded spellings of a field, as the index holds them (cached: names and
    organisations repeat)."""
    return tuple(variants(value))


def _field_kind(query: str, value: str) -> str | None:
    """How `query` (folded) matches one field's value, if it does."""
    best = None
    for spelled in _spellings(value):
        if query in spelled:
            if spelled == query:
                return EXACT
            if best != PREFIX:
                best = PREFIX if _word_start(query).search(spelled) else SUBSTRING
    return best


def _rank(conn: sqlite3.Connection, query: _Query, cands: list[_Candidate]) -> None:
    """Give each candidate its best (kind, field): the whole query in one field, else its
    words spread over the fields. Orders are loaded only for candidates whose document
    holds the whole query while no other field does."""
    pending = []
    for cand in cands:
        if _rank_fields(query, cand):
            continue
        if query.folded in cand.doc:
            pending.append(cand)
        else:
            _rank_words(query, cand)
    if not pending:
        return
    _load_orders(conn, pending)
    for cand in pending:
        if not _rank_fields(query, cand, only=ORDER):
            _rank_words(query, cand)


def _rank_fields(query: _Query, cand: _Candidate, only: str | None = None) -> bool:
    """Offer every field (or only the `only` ones) that holds the whole query."""
    matched = False
    for name, value in cand.fields:
        if only is None or name == only:
            kind = _field_kind(query.folded, value)
            if kind is not None:
                cand.offer(1, kind, name, value)
                matched = True
    return matched


def _rank_words(query: _Query, cand: _Candidate) -> None:
    """The query's words in different fields ("anna gmbh"): labelled by the field of the
    first word (an order's when no other field holds it)."""
    first = query.words[0]
    for name, value in cand.fields:
        if _field_kind(first, value) is not None:
            cand.offer(1, WORDS, name, value)
            return
    cand.offer(1, WORDS, ORDER, "")


def _load_orders(conn: sqlite3.Connection, cands: list[_Candidate]) -> None:
    """Add each candidate's order numbers to its fields."""
    by_id = {c.account_id: c for c in cands}
    marks = ", ".join("?" * len(by_id))
    for account_id, order_id in conn.execute(
            f"SELECT account_id, id FROM orders WHERE account_id IN ({marks}) ORDER BY id",
            list(by_id)):
        by_id[account_id].fields.append((ORDER, order_id))


# --------------------------------------------------------------------------- d: fuzzy


def _fuzzy(conn: sqlite3.Connection, query: _Query, bound: int,
           found: dict[str, _Candidate]) -> None:
    """One letter off per word, in a name, organisation or e-mail.

    Each word of four characters or more (not all digits) that is not a word of the
    index gets the words of the index one letter away (looked up by exact term, so the
    cost is bounded by the word's length, not by the store's size); the candidates of
    those spellings are then verified word by word against the fields.
    """
    tokens = [t for t in _TOKEN.findall(query.folded) if len(t) >= 3]
    if not tokens:
        return
    guesses: dict[str, set[str]] = {}
    corrected = 0
    for token in tokens:
        alternatives = {token}
        if (corrected < FUZZY_WORDS and FUZZY_MIN_LEN <= len(token) <= FUZZY_MAX_LEN
                and not token.isdigit()):
            spellings = _edits(token) | {token}
            terms = {t for (t,) in conn.execute(_TERMS_SQL, (json.dumps(sorted(spellings)),))}
            if token not in terms:
                alternatives |= terms
                corrected += 1
        guesses[token] = alternatives
    if corrected == 0:
        return
    expression = " AND ".join(
        "(" + " OR ".join(_phrase(a) for a in sorted(alts)) + ")"
        for alts in guesses.values())
    short_expression, short = _trigram_expression(
        w for w in _TOKEN.findall(query.folded) if len(w) < 3)
    if short_expression:
        expression = f"{expression} AND {short_expression}"
    for cand in _candidates(conn, TRIGRAM, expression, bound, short):
        where = _verify(tokens, cand)
        if where is not None:
            cand.offer(1, FUZZY, *where)
            found[cand.account_id] = cand


def _verify(tokens: list[str], cand: _Candidate) -> tuple[str, str] | None:
    """The (field, value) of the first corrected word if every token is within one edit
    of (or inside) a word of the name, organisation or e-mail; else None."""
    words: list[tuple[str, str, str]] = []
    for name, value in cand.fields:
        if name in _FUZZY_FIELDS:
            for spelled in _spellings(value):
                words.extend((w, name, value) for w in _TOKEN.findall(spelled))
    where = None
    for token in tokens:
        exact = next(((n, v) for w, n, v in words if token in w), None)
        if exact is not None:
            continue
        near = next(((n, v) for w, n, v in words if _within_one(token, w)), None)
        if near is None:
            return None
        where = where or near
    return where


def _edits(word: str) -> set[str]:
    """Every spelling one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    out.discard(word)
    return out


def _within_one(a: str, b: str) -> bool:
    """Optimal string alignment distance of `a` and `b` at most 1."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:  # one substitution at i, or i and i + 1 swapped
        return a[i + 1:] == b[i + 1:] or (
            a[i:i + 2] == b[i + 1:i - 1 if i else None:-1] and a[i + 2:] == b[i + 2:])
    if la > lb:  # one letter of a is extra
        return a[i + 1:] == b[i:]
    return a[i:] == b[i + 1:]
