"""The desktop's local search index (SQLite only; on PostgreSQL this revision does nothing).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 06:30:00

Shape:

- ``search_doc(docid, account_id, doc, name, email, phone, referral_code, organisation,
  billing_account)``: one row per account; ``doc`` is
  ``xr_document(name, e-mail, customer number, organisation, billing account, referral
  code, phone, order numbers)``, i.e. every field folded (case, umlauts, ß) in all its
  spellings, one field a line, each line starting with a newline (so that a word at the
  very start is preceded by a separator too: search.py finds two-letter words by the
  trigram of a separator and the two letters). The trigram tokenizer of SQLite 3.40
  cannot remove diacritics, so the folding is done here, once, when the text is written.
  The other columns are the fields as stored, which search ranks and shows: a search
  reads its fifty candidates from this one table instead of five B-tree look-ups each
  in accounts, organisations and billing accounts (measured at 1,000,000 accounts: 0.2
  to 1.1 ms of a search that the bare FTS query answers in 0.1 to 1.5 ms).
- ``search_trigram``: external-content FTS5 over ``search_doc.doc``, trigram tokenizer,
  for substring matching. ``columnsize=0``: nothing ranks with bm25 (ranking every hit is
  what ARCHITECTURE.md measured at half a second), so the per-row sizes are not kept.
- ``search_prefix``: external-content FTS5, unicode61 tokenizer, ``prefix='1 2'``, for
  queries under three characters, which trigrams cannot answer. ``detail=none``: a prefix
  query is one token, never a phrase, so positions would be dead weight.
- ``search_terms``: an fts5vocab table over ``search_prefix``: the distinct words, which
  the fuzzy fallback looks up ("mulller" → "muller", "mueller").
- ``search_source``: a view computing an account's document from the live rows; every
  trigger writes through it, so the document is defined in one place.

Triggers keep ``search_doc`` current: on an account's insert and on changes of the
columns the document reads (not on every update: the engine rewrites accounts rows all
the time), on an order's insert, delete or move, and on renaming an organisation or
billing account. They upsert through the view and rewrite a document only when its text
changed, so an unchanged save costs one ``xr_document`` call and no FTS work. The
standard external-content triggers on ``search_doc`` keep both FTS tables in step.

A later migration that rebuilds ``accounts``, ``orders``, ``organisations`` or
``billing_accounts`` (Alembic's batch mode on SQLite copies and drops the table) drops
their triggers with it: it must create them again (``_triggers()`` below) and refill the
index the way ``upgrade()`` does. Autogenerate does not know these tables (they are not in
``models.py``) and will offer to drop them: leave them out of generated migrations.
"""

from __future__ import annotations

from collections.abc import Callable

from alembic import op

revision = '0002'
down_revision = '0001'

#: the document and the shown fields of each account, from the live rows
_VIEW = """
CREATE VIEW search_source AS
SELECT a.id AS account_id,
       a.organisation_id AS organisation_id,
       a.billing_account_id AS billing_account_id,
       char(10) || xr_document(
           a.name, a.email, a.id, o.name, b.name, a.referral_code, a.phone,
           (SELECT group_concat(r.id, ' ')
              FROM (SELECT id FROM orders WHERE orders.account_id = a.id ORDER BY id) AS r)
       ) AS doc,
       a.name AS name, a.email AS email, a.phone AS phone,
       a.referral_code AS referral_code, o.name AS organisation,
       b.name AS billing_account
  FROM accounts AS a
  LEFT JOIN organisations AS o ON o.id = a.organisation_id
  LEFT JOIN billing_accounts AS b ON b.id = a.billing_account_id
"""

#: search_doc's columns after docid, as the view names them
_COLUMNS = ("account_id", "doc", "name", "email", "phone", "referral_code", "organisation",
            "billing_account")
_SHOWN = _COLUMNS[2:]


def _refresh(where: str) -> str:
    """Upsert the rows of the accounts `where` selects in ``search_source``. A row whose
    values are all unchanged is left alone; the FTS tables are rewritten only when the
    document itself changed (the trigger on search_doc watches ``doc`` only)."""
    columns = ", ".join(_COLUMNS)
    assign = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])
    old = ", ".join(f"search_doc.{c}" for c in _COLUMNS[1:])
    new = ", ".join(f"excluded.{c}" for c in _COLUMNS[1:])
    return (
        f"INSERT INTO search_doc({columns}) "
        f"SELECT {columns} FROM search_source WHERE {where} "
        f"ON CONFLICT(account_id) DO UPDATE SET {assign} "
        f"WHERE ({old}) IS NOT ({new});"
    )


_ACCOUNT_COLUMNS = ("id", "name", "email", "phone", "referral_code", "organisation_id",
                    "billing_account_id")
_ACCOUNT_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _ACCOUNT_COLUMNS)


def _triggers(refresh: Callable[[str], str] = _refresh) -> dict[str, str]:
    """Every trigger of the index, by name. `refresh(where)` is the statement bringing
    the documents of the accounts ``search_source`` `where` selects up to date (a later
    revision, 0017, passes one that only notes them)."""
    fts = ("search_trigram", "search_prefix")
    fts_insert = "".join(
        f"INSERT INTO {t}(rowid, doc) VALUES (NEW.docid, NEW.doc);" for t in fts)
    fts_delete = "".join(
        f"INSERT INTO {t}({t}, rowid, doc) VALUES ('delete', OLD.docid, OLD.doc);"
        for t in fts)
    return {
        # search_doc → both FTS tables (external content: FTS keeps no copy of the text)
        "search_doc_ai": f"AFTER INSERT ON search_doc BEGIN {fts_insert} END",
        "search_doc_ad": f"AFTER DELETE ON search_doc BEGIN {fts_delete} END",
        "search_doc_au": ("AFTER UPDATE OF docid, doc ON search_doc "
                          "WHEN NEW.docid IS NOT OLD.docid OR NEW.doc IS NOT OLD.doc "
                          f"BEGIN {fts_delete} {fts_insert} END"),
        # the records a document is made of → search_doc
        "search_account_ai": ("AFTER INSERT ON accounts "
                              f"BEGIN {refresh('account_id = NEW.id')} END"),
        "search_account_au": (
            f"AFTER UPDATE OF {', '.join(_ACCOUNT_COLUMNS)} ON accounts "
            f"WHEN {_ACCOUNT_CHANGED} BEGIN "
            "DELETE FROM search_doc WHERE account_id = OLD.id AND OLD.id IS NOT NEW.id; "
            f"{refresh('account_id = NEW.id')} END"),
        # with foreign keys on, the ON DELETE CASCADE does this already; this covers
        # connections that have them off
        "search_account_ad": ("AFTER DELETE ON accounts "
                              "BEGIN DELETE FROM search_doc WHERE account_id = OLD.id; END"),
        "search_order_ai": ("AFTER INSERT ON orders "
                            f"BEGIN {refresh('account_id = NEW.account_id')} END"),
        "search_order_ad": ("AFTER DELETE ON orders "
                            f"BEGIN {refresh('account_id = OLD.account_id')} END"),
        "search_order_au": (
            "AFTER UPDATE OF id, account_id ON orders "
            "WHEN NEW.id IS NOT OLD.id OR NEW.account_id IS NOT OLD.account_id BEGIN "
            f"{refresh('account_id = OLD.account_id')} "
            f"{refresh('account_id = NEW.account_id')} END"),
        "search_organisation_au": (
            "AFTER UPDATE OF name ON organisations WHEN NEW.name IS NOT OLD.name "
            f"BEGIN {refresh('organisation_id = NEW.id')} END"),
        "search_billing_account_au": (
            "AFTER UPDATE OF name ON billing_accounts WHEN NEW.name IS NOT OLD.name "
            f"BEGIN {refresh('billing_account_id = NEW.id')} END"),
    }


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    shown = ", ".join(f"{c} TEXT" for c in _SHOWN)
    op.execute(f"""
        CREATE TABLE search_doc (
            docid INTEGER PRIMARY KEY,
            account_id VARCHAR(64) NOT NULL UNIQUE
                REFERENCES accounts(id) ON DELETE CASCADE ON UPDATE CASCADE,
            doc TEXT NOT NULL,
            {shown}
        )""")
    op.execute(_VIEW)
    # Index what is there already (a store made at 0001), in one pass, before the
    # per-row triggers exist; then build both FTS tables from it in one go.
    columns = ", ".join(_COLUMNS)
    op.execute(f"INSERT INTO search_doc({columns}) "
               f"SELECT {columns} FROM search_source ORDER BY account_id")
    op.execute("""
        CREATE VIRTUAL TABLE search_trigram USING fts5(
            doc, content='search_doc', content_rowid='docid',
            tokenize='trigram', columnsize=0)""")
    op.execute("""
        CREATE VIRTUAL TABLE search_prefix USING fts5(
            doc, content='search_doc', content_rowid='docid',
            tokenize='unicode61', prefix='1 2', detail=none, columnsize=0)""")
    op.execute("CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_prefix, 'row')")
    op.execute("INSERT INTO search_trigram(search_trigram) VALUES ('rebuild')")
    op.execute("INSERT INTO search_prefix(search_prefix) VALUES ('rebuild')")
    for name, body in _triggers().items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_terms")
    op.execute("DROP TABLE IF EXISTS search_prefix")
    op.execute("DROP TABLE IF EXISTS search_trigram")
    op.execute("DROP VIEW IF EXISTS search_source")
    op.execute("DROP TABLE IF EXISTS search_doc")
