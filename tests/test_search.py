"""Local search (issue, item 5): folding, typos, prefixes, ranking, an index that stays
current, hostile input, and a store upgraded from revision 0001.

Real SQLite files, rows written through the ORM models. Every expected result below is
worked out from the rows each test writes: names, e-mails and organisations are chosen so
that exactly the accounts named contain (or do not contain) the query's text.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import cast

import pytest
from alembic import command
from alembic.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, Table, insert, inspect, text
from sqlalchemy.orm import Session

from xrewards_desk.domain.model import Status
from xrewards_desk.store.db import MIGRATIONS, Store, make_engine, sqlite_url
from xrewards_desk.store.models import AccountRow, BillingAccount, OrderRow, Organisation
from xrewards_desk.store.search import Hit, SearchError, search

REGISTERED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store migrated to the newest schema; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("search") / "template.sqlite"
    Store.open(sqlite_url(path)).close()
    return path


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "store.sqlite"
    shutil.copyfile(template, path)
    s = Store.open(sqlite_url(path))
    yield s
    s.close()


def organisation(session: Session, org_id: str, name: str,
                 billing: dict[str, str] | None = None) -> None:
    """An organisation and its billing accounts (id → name; by default one, named like
    the organisation's id with "-B")."""
    session.add(Organisation(id=org_id, name=name))
    session.flush()
    for billing_id, billing_name in (billing or {f"{org_id}-B": "Zentrale"}).items():
        session.add(BillingAccount(id=billing_id, organisation_id=org_id, name=billing_name))
    session.flush()


def account(session: Session, account_id: str, name: str, email: str, org_id: str,
            billing_id: str | None = None, *, referral_code: str | None = None,
            phone: str | None = None, orders: tuple[str, ...] = ()) -> None:
    """An account with today's models; in a store at an older schema (a downgrade test
    writes while there is no index), only the columns that schema has."""
    values = dict(
        id=account_id, organisation_id=org_id, billing_account_id=billing_id or f"{org_id}-B",
        name=name, email=email, email_key=email.casefold(), phone=phone,
        referral_code=referral_code, registered_at=REGISTERED, status=Status.ACTIVE,
        spend=Decimal("0.00"), claims_total=Decimal("0.00"))
    table = cast(Table, AccountRow.__table__)
    present = {c["name"] for c in inspect(session.connection()).get_columns("accounts")}
    if all(c.name in present for c in table.columns):
        session.add(AccountRow(**values))
    else:
        older = Table("accounts", MetaData(),
                      *(c._copy() for c in table.columns if c.name in present))
        session.execute(insert(older).values(**values, version=1))
    session.flush()
    for order_id in orders:
        add_order(session, order_id, account_id)


def add_order(session: Session, order_id: str, account_id: str) -> None:
    session.add(OrderRow(id=order_id, account_id=account_id, placed_at=REGISTERED,
                         net=Decimal("49.90"), discount=Decimal("0.00"),
                         cancelled=Decimal("0.00"), spend_added=Decimal("0.00")))
    session.flush()


def hits(store: Store, query: str, limit: int = 50) -> list[Hit]:
    with store.engine.connect() as conn:
        return search(conn, query, limit)


def ids(store: Store, query: str, limit: int = 50) -> list[str]:
    return [h.account_id for h in hits(store, query, limit)]


# --------------------------------------------------------------------------- folding


def test_every_spelling_of_mueller_finds_the_organisation_mueller_gmbh(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Müller GmbH")
        organisation(s, "ORG-2", "Schmidt AG")
        account(s, "XR-0000001", "Jana Brandt", "jana.brandt@example.org", "ORG-1")
        account(s, "XR-0000002", "Karla Weber", "karla.weber@example.org", "ORG-2")
    for query in ("mueller", "müller", "Muller GmbH", "MÜLLER", "Müller GmbH", "MUELLER GMBH"):
        found = hits(store, query)
        assert [h.account_id for h in found] == ["XR-0000001"], query
        assert (found[0].matched, found[0].organisation) == ("organisation", "Müller GmbH")
    # the whole name of the organisation is an exact field; a word of it a word prefix
    assert hits(store, "muller gmbh")[0].how == "exact"
    assert hits(store, "MÜLLER")[0].how == "prefix"


def test_a_name_spelled_with_ue_is_found_by_the_umlaut_and_ranking_by_kind_then_field(
        store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Müller GmbH")
        organisation(s, "ORG-2", "Privatkunden")
        # the organisation's account has the lower customer number: only the field puts
        # the name first
        account(s, "XR-0000001", "Jana Brandt", "jana.brandt@example.org", "ORG-1")
        account(s, "XR-0000002", "Anna Mueller", "anna.m@example.org", "ORG-2")
        account(s, "XR-0000003", "Petra Kammüller", "petra.k@example.org", "ORG-2")
    # a word prefix in the organisation ranks above a substring in the name
    for query in ("müller", "muller", "Mueller"):
        found = hits(store, query)
        assert [(h.account_id, h.matched, h.how) for h in found] == [
            ("XR-0000002", "name", "prefix"),
            ("XR-0000001", "organisation", "prefix"),
            ("XR-0000003", "name", "substring"),
        ], query
        assert [h.rank for h in found] == [1, 2, 3]


def test_sharp_s_and_ss_find_each_other(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Kanzlei Weiß", {"BA-1": "Filiale Hauptstraße"})
        organisation(s, "ORG-2", "Privatkunden")
        account(s, "XR-0000001", "Hans Großmann", "h.g@example.org", "ORG-1", "BA-1")
        account(s, "XR-0000002", "Tom Strasse", "tom.s@example.org", "ORG-2")
    assert ids(store, "grossmann") == ["XR-0000001"]
    assert ids(store, "Großmann") == ["XR-0000001"]
    assert ids(store, "weiss") == ["XR-0000001"]
    assert [(h.account_id, h.matched) for h in hits(store, "Hauptstrasse")] == [
        ("XR-0000001", "billing_account")]
    # "strasse" starts Tom's surname (a word prefix) and sits inside "hauptstrasse"
    for query in ("Straße", "strasse", "STRASSE"):
        assert [(h.account_id, h.matched, h.how) for h in hits(store, query)] == [
            ("XR-0000002", "name", "prefix"),
            ("XR-0000001", "billing_account", "substring"),
        ], query


# --------------------------------------------------------------------------- typos


@pytest.fixture
def typo_store(store: Store) -> Store:
    with store.session() as s:
        organisation(s, "ORG-1", "Privatkunden")
        account(s, "XR-0000001", "Karl Müller", "karl.m@example.org", "ORG-1")
        account(s, "XR-0000002", "Erika Schulz", "erika.schulz77@posteo.de", "ORG-1")
        account(s, "XR-0000003", "Petra Lindner", "petra.l@example.org", "ORG-1")
    return store


@pytest.mark.parametrize("query", ["Mülller", "Mller", "Mxller", "Mülelr", "Muler"])
def test_one_wrong_missing_extra_or_swapped_letter_still_finds_the_name(
        typo_store: Store, query: str) -> None:
    found = hits(typo_store, query)
    assert [(h.account_id, h.matched, h.how) for h in found] == [
        ("XR-0000001", "name", "fuzzy")]


@pytest.mark.parametrize("query", ["erika.schulz77@postea.de", "erika.schlz77@posteo.de",
                                   "ERIKA.SCHULZ77@POSTO.DE"])
def test_an_e_mail_with_one_letter_wrong_is_found(typo_store: Store, query: str) -> None:
    found = hits(typo_store, query)
    assert [(h.account_id, h.matched, h.how) for h in found] == [
        ("XR-0000002", "email", "fuzzy")]


def test_a_swapped_letter_in_one_word_of_two(typo_store: Store) -> None:
    assert [(h.account_id, h.how) for h in hits(typo_store, "Erika Schluz")] == [
        ("XR-0000002", "fuzzy")]


def test_the_fuzzy_fallback_stays_within_one_letter_and_only_runs_when_nothing_else_did(
        typo_store: Store) -> None:
    assert ids(typo_store, "Mxllxr") == []          # two letters wrong
    assert ids(typo_store, "Lindnerei") == []       # three letters extra
    assert hits(typo_store, "Müller")[0].how == "prefix"   # found as typed: no fuzzing


# --------------------------------------------------------------------------- prefixes


def test_one_and_two_letters_match_the_start_of_a_word(store: Store) -> None:
    """Decision: a query under three letters matches the start of a word, so "mü" finds
    "Müller" and "Anna-Lena Mühlbauer" (a hyphen starts a word) but not "Kammüller"."""
    with store.session() as s:
        organisation(s, "ORG-1", "Schmidt AG")
        account(s, "XR-0000001", "Petra Kammüller", "petra.k@example.org", "ORG-1")
        account(s, "XR-0000002", "Karl Müller", "karl.m@example.org", "ORG-1")
        account(s, "XR-0000003", "Anna-Lena Mühlbauer", "a.l@example.org", "ORG-1")
    for query in ("mü", "MU", "Mü"):
        found = hits(store, query)
        assert [h.account_id for h in found] == ["XR-0000002", "XR-0000003"], query
        assert {h.how for h in found} == {"prefix"}
    # "m" also starts the word "m" of karl.m@…; Petra's fields have no word starting with m
    assert ids(store, "m") == ["XR-0000002", "XR-0000003"]
    # three letters: substring, so Kammüller is found too, after the word prefix
    # ("Mühlbauer" folds to "muhlbauer" and "muehlbauer": no "mul" in it)
    assert [(h.account_id, h.how) for h in hits(store, "mül")] == [
        ("XR-0000002", "prefix"), ("XR-0000001", "substring")]


def test_short_words_of_a_longer_query_filter_as_word_prefixes(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Privatkunden", {"ORG-1-B": "Privat"})
        account(s, "XR-0000001", "Hanna Meier", "h.n@example.org", "ORG-1")
        account(s, "XR-0000002", "Anna Schulz", "a.s@example.org", "ORG-1")
        account(s, "XR-0000003", "Anna Mueller", "a.x@example.org", "ORG-1")
    # "anna" is in all three; only two have a word starting with "m"
    assert [(h.account_id, h.how) for h in hits(store, "anna m")] == [
        ("XR-0000003", "prefix"), ("XR-0000001", "substring")]
    # the words in different fields: "schulz" in the name, "privat" in the organisation
    found = hits(store, "schulz privat")
    assert [(h.account_id, h.how, h.matched) for h in found] == [
        ("XR-0000002", "words", "name")]


def test_two_letter_words_must_start_a_word_even_the_first_of_the_document(
        store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Bergmaier KG")
        organisation(s, "ORG-2", "Bergmaier GmbH")
        organisation(s, "ORG-3", "Privatkunden")
        account(s, "XR-0000001", "Jana Brandt", "jana@example.org", "ORG-1")
        account(s, "XR-0000002", "Otto Kranz", "otto@example.org", "ORG-2")
        account(s, "XR-0000003", "Li Wang", "wang@example.org", "ORG-3")
        account(s, "XR-0000004", "Oliver Wang", "o.wang@example.org", "ORG-3")
    assert ids(store, "Bergmaier KG") == ["XR-0000001"]
    assert ids(store, "kg bergmaier") == ["XR-0000001"]
    # "li" starts the first word of Li Wang's document; in "oliver" it starts no word
    assert ids(store, "wang li") == ["XR-0000003"]
    assert ids(store, "wang ol") == ["XR-0000004"]
    # "&" has no letter: ignored, not an error
    assert ids(store, "bergmaier & kg") == ["XR-0000001"]


# --------------------------------------------------------------------------- ranking


def test_an_exact_customer_number_e_mail_or_order_number_comes_first(store: Store) -> None:
    """55 accounts, written first (so the trigram index lists them first), contain the
    target's customer number, e-mail and order number as substrings; the target is
    still first, found through the ordinary indexes, not among the 50 FTS candidates."""
    with store.session() as s:
        organisation(s, "ORG-1", "Privatkunden")
        for i in range(55):
            account(s, f"XR-{100 + i:07d}", f"Kopie {i}", f"m{i:02d}ina@example.de", "ORG-1",
                    referral_code=f"XR-0000009{i:02d}", orders=(f"WO-7{i:02d}",))
        account(s, "XR-0000009", "Ina Roth", "ina@example.de", "ORG-1", orders=("WO-7",))
    for query, matched, value in (("xr-0000009", "customer_number", "XR-0000009"),
                                  ("INA@EXAMPLE.DE", "email", "ina@example.de"),
                                  ("wo-7", "order", "WO-7")):
        found = hits(store, query)
        assert (found[0].account_id, found[0].matched, found[0].how, found[0].value) == (
            "XR-0000009", matched, "exact", value), query
        assert len(found) == 50
        assert all(h.account_id != "XR-0000009" for h in found[1:])
        assert {h.how for h in found[1:]} <= {"prefix", "substring"}
    assert ids(store, "ina@example.de", limit=3) == ["XR-0000009", "XR-0000100", "XR-0000101"]


def test_a_referral_code_is_an_exact_match(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Privatkunden")
        account(s, "XR-0000001", "Ina Roth", "ina@example.de", "ORG-1",
                referral_code="K7QX2M9A")
    found = hits(store, "k7qx2m9a")
    assert [(h.account_id, h.matched, h.how) for h in found] == [
        ("XR-0000001", "referral_code", "exact")]


# --------------------------------------------------------------------------- staying current


def test_the_index_follows_every_change_of_what_it_holds(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Müller GmbH", {"BA-1": "Zentrale", "BA-2": "Filiale Köln"})
        organisation(s, "ORG-2", "Privatkunden", {"BA-3": "Privat"})
        account(s, "XR-0000001", "Lotte Brandt", "lotte@example.de", "ORG-1", "BA-1")
        account(s, "XR-0000002", "Otto Kranz", "otto@example.de", "ORG-2", "BA-3")
    assert ids(store, "Brandt") == ["XR-0000001"]

    with store.session() as s:
        s.get(AccountRow, "XR-0000001").name = "Lotte Wagner"  # type: ignore[union-attr]
    assert (ids(store, "Brandt"), ids(store, "Wagner")) == ([], ["XR-0000001"])

    with store.session() as s:
        row = s.get(AccountRow, "XR-0000001")
        assert row is not None
        row.email, row.email_key = "l.wagner@example.org", "l.wagner@example.org"
    assert ids(store, "lotte@example") == []
    assert ids(store, "l.wagner@example.org") == ["XR-0000001"]

    with store.session() as s:
        add_order(s, "WO-4711", "XR-0000001")
    assert [(h.account_id, h.matched) for h in hits(store, "wo-4711")] == [
        ("XR-0000001", "order")]
    assert ids(store, "4711") == ["XR-0000001"]            # the trigram index has it too

    with store.session() as s:
        s.get(OrderRow, "WO-4711").account_id = "XR-0000002"  # type: ignore[union-attr]
    assert ids(store, "4711") == ["XR-0000002"]

    with store.session() as s:
        s.delete(s.get(OrderRow, "WO-4711"))
    assert ids(store, "4711") == []

    with store.session() as s:
        s.get(Organisation, "ORG-1").name = "Schulz KG"  # type: ignore[union-attr]
    assert (ids(store, "Müller GmbH"), ids(store, "Schulz KG")) == ([], ["XR-0000001"])

    with store.session() as s:
        s.get(AccountRow, "XR-0000001").billing_account_id = "BA-2"  # type: ignore[union-attr]
    assert (ids(store, "Zentrale"), ids(store, "Filiale Köln")) == ([], ["XR-0000001"])

    with store.session() as s:
        s.get(BillingAccount, "BA-2").name = "Filiale Bonn"  # type: ignore[union-attr]
    assert (ids(store, "Köln"), ids(store, "Bonn")) == ([], ["XR-0000001"])

    with store.session() as s:
        s.get(AccountRow, "XR-0000001").organisation_id = "ORG-2"  # type: ignore[union-attr]
    assert (ids(store, "Schulz KG"), ids(store, "Privatkunden")) == (
        [], ["XR-0000001", "XR-0000002"])

    with store.session() as s:
        s.delete(s.get(AccountRow, "XR-0000001"))
    assert ids(store, "Wagner") == []
    with store.engine.begin() as conn:
        assert conn.execute(text("SELECT account_id FROM search_doc")).all() == [
            ("XR-0000002",)]
    _fts_intact(store)  # the FTS tables agree with their content table, row for row


def test_saves_that_do_not_change_the_text_do_not_rewrite_the_index(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Müller GmbH", {"BA-1": "Zentrale", "BA-2": "Zentrale"})
        account(s, "XR-0000001", "Lotte Brandt", "lotte@example.de", "ORG-1", "BA-1")

    def fts_data() -> list[tuple[object, ...]]:
        """Both FTS tables' stored pages (written at each commit that changed them)."""
        with store.engine.connect() as conn:
            return [tuple(r) for t in ("search_trigram", "search_prefix") for r in
                    conn.execute(text(f"SELECT id, block FROM {t}_data ORDER BY id"))]

    before = fts_data()
    with store.engine.begin() as conn:
        # what the engine does all day: its own columns, and the version
        conn.execute(text("UPDATE accounts SET spend = spend + 1250, next_lot = 2, "
                          "version = version + 1"))
    with store.engine.begin() as conn:
        # the searched columns named but unchanged
        conn.execute(text("UPDATE accounts SET name = name, email = email"))
        conn.execute(text("UPDATE organisations SET name = 'Müller GmbH'"))
    with store.engine.begin() as conn:
        # another billing account of the same name: the row is computed, found equal,
        # and not written at all
        conn.execute(text("CREATE TEMP TABLE writes (n INTEGER)"))
        conn.execute(text("CREATE TEMP TRIGGER count_writes AFTER UPDATE ON search_doc "
                          "BEGIN INSERT INTO writes VALUES (1); END"))
        conn.execute(text("UPDATE accounts SET billing_account_id = 'BA-2'"))
        assert conn.execute(text("SELECT count(*) FROM writes")).scalar() == 0
        conn.execute(text("DROP TRIGGER temp.count_writes"))
    with store.session() as s:
        # a change of case only: the folded document stays the same, the shown name not
        s.get(AccountRow, "XR-0000001").name = "LOTTE BRANDT"  # type: ignore[union-attr]
    assert fts_data() == before
    assert [(h.account_id, h.name) for h in hits(store, "brandt")] == [
        ("XR-0000001", "LOTTE BRANDT")]

    with store.session() as s:
        s.get(AccountRow, "XR-0000001").phone = "+49 171 5550123"  # type: ignore[union-attr]
    assert fts_data() != before
    assert [(h.account_id, h.matched) for h in hits(store, "5550123")] == [
        ("XR-0000001", "phone")]


def test_a_session_sees_what_it_has_not_flushed_yet(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Privatkunden")
        s.add(AccountRow(id="XR-0000001", organisation_id="ORG-1",
                         billing_account_id="ORG-1-B", name="Gustav Ölmann",
                         email="g@example.org", email_key="g@example.org",
                         registered_at=REGISTERED, status=Status.ACTIVE,
                         spend=Decimal("0.00"), claims_total=Decimal("0.00")))
        assert [h.account_id for h in search(s, "oelmann")] == ["XR-0000001"]


# --------------------------------------------------------------------------- hostile input


HOSTILE = ['"', '""', "'", "*", "mü*", ":", "doc:müller", "-", "-müller", "(", ")",
           "(müller", "^müller", "NEAR", "NEAR(müller gmbh)", "müller NEAR gmbh", "AND",
           "OR", "NOT", "müller AND", "a OR b", "müller NOT gmbh", "\\", "%", "_", "{doc}:x",
           "\x00", "mül\x00ler", "\ud800müller", "ü" * 400, "'; DROP TABLE accounts; --",
           "+", "müller + gmbh", "[", "]", "€", "😀", "\u200b", "x" * 321, '"""', "***",
           ":::", "^^^", "NEAR/2", "a*b", "mü ller*", "ab*", '"mü"']


@pytest.mark.parametrize("query", HOSTILE)
def test_fts_syntax_and_odd_characters_never_raise(store: Store, query: str) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Müller GmbH")
        account(s, "XR-0000001", "Jana Brandt", "jana.brandt@example.org", "ORG-1")
    assert isinstance(hits(store, query), list)
    assert ids(store, "Müller GmbH") == ["XR-0000001"]      # and nothing was harmed


@pytest.fixture(scope="module")
def module_store(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("fuzz") / "store.sqlite"
    shutil.copyfile(template, path)
    store = Store.open(sqlite_url(path))
    with store.session() as s:
        organisation(s, "ORG-1", "Müller (Köln) GmbH & Co. KG")
        account(s, "XR-0000001", 'Tom "Tommy" O\'Neil-Weiß', "tom+x@example.org", "ORG-1",
                referral_code="K7QX2M9A", phone="+49 171 5550123", orders=("WO-1",))
    yield store
    store.close()


_ODD = [*'"*:-()^+{}[]\\/.,;\'&|~@ \t\n\x00äöüßÄÖÜẞmülerNEARANDOTkg', "\ud800", "😀"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(st.sampled_from(_ODD) | st.characters(), max_size=30),
       limit=st.integers(1, 60))
def test_any_text_gives_a_list_of_hits_never_an_error(module_store: Store, query: str,
                                                       limit: int) -> None:
    found = hits(module_store, query, limit)
    assert len(found) <= limit
    assert [h.rank for h in found] == list(range(1, len(found) + 1))


def test_syntax_characters_are_searched_for_as_text(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Müller (Köln) GmbH")
        organisation(s, "ORG-2", "Privatkunden")
        account(s, "XR-0000001", 'Tom "Tommy" O\'Neil', "tom@example.org", "ORG-2")
        account(s, "XR-0000002", "Jana Brandt", "jana@example.org", "ORG-1")
        account(s, "XR-0000003", "Ute AND-Kern", "ute@example.org", "ORG-2")
    assert ids(store, '"Tommy"') == ["XR-0000001"]
    assert ids(store, "o'neil") == ["XR-0000001"]
    assert ids(store, "(köln)") == ["XR-0000002"]
    assert ids(store, "and-kern") == ["XR-0000003"]
    assert ids(store, "NEAR") == []


def test_empty_and_bad_input(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Müller GmbH")
        account(s, "XR-0000001", "Jana Brandt", "jana.brandt@example.org", "ORG-1")
    for query in ("", "   ", "\t\n", "\u00a0"):
        assert hits(store, query) == []
    with store.engine.connect() as conn:
        with pytest.raises(TypeError, match="must be a str"):
            search(conn, None)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="limit"):
            search(conn, "müller", limit=0)
        with pytest.raises(ValueError, match="limit"):
            search(conn, "müller", limit=True)
        assert len(search(conn, "müller", limit=1)) == 1


# --------------------------------------------------------------------------- migration


def _at_0001(path: Path) -> None:
    """A store made by an older program: schema 0001, no search index, with rows. The
    rows are written with today's models, then the store is taken down to 0001 (which
    drops the index and the columns added since), so the helpers need not know every
    older schema."""
    engine = make_engine(sqlite_url(path))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with Session(engine) as s, s.begin():
        organisation(s, "ORG-1", "Müller GmbH")
        account(s, "XR-0000001", "Jana Brandt", "jana.brandt@example.org", "ORG-1",
                orders=("WO-1001",))
        account(s, "XR-0000002", "Anna Großmann", "anna@example.org", "ORG-1")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
        assert conn.execute(text(
            "SELECT name FROM sqlite_master WHERE name LIKE 'search%'")).all() == []
    engine.dispose()


def test_upgrading_a_0001_store_indexes_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _at_0001(path)
    store = Store.open(sqlite_url(path))
    try:
        assert store.upgraded_from == "0001"
        assert ids(store, "Müller GmbH") == ["XR-0000001", "XR-0000002"]
        assert ids(store, "grossmann") == ["XR-0000002"]
        assert ids(store, "wo-1001") == ["XR-0000001"]
        assert ids(store, "gr") == ["XR-0000002"]
        assert ids(store, "Brnadt") == ["XR-0000001"]
        # and the triggers work on the upgraded store
        with store.session() as s:
            account(s, "XR-0000003", "Olaf Weiß", "olaf@example.org", "ORG-1")
        assert ids(store, "weiss") == ["XR-0000003"]
    finally:
        store.close()


def test_a_store_without_the_index_says_so(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _at_0001(path)
    engine = make_engine(sqlite_url(path))
    try:
        with engine.connect() as conn, pytest.raises(SearchError, match="no search index"):
            search(conn, "müller")
    finally:
        engine.dispose()


def test_downgrade_removes_the_index_and_upgrade_builds_it_again(store: Store) -> None:
    with store.session() as s:
        organisation(s, "ORG-1", "Müller GmbH")
        account(s, "XR-0000001", "Jana Brandt", "jana.brandt@example.org", "ORG-1")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
        left = conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'search%'"))
        assert left.all() == []
    with store.session() as s:  # written while there is no index
        account(s, "XR-0000002", "Otto Kranz", "otto@example.org", "ORG-1")
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert ids(store, "Müller GmbH") == ["XR-0000001", "XR-0000002"]
    assert ids(store, "kranz") == ["XR-0000002"]


# --------------------------------------------------------------------------- bulk fill


def _fill(s: Session) -> None:
    organisation(s, "ORG-1", "Müller GmbH")
    organisation(s, "ORG-2", "Weiß & Söhne", {"BA-2": "Einkauf Nord", "BA-3": "Lager"})
    account(s, "XR-0000001", "Jana Brandt", "jana.brandt@example.org", "ORG-1",
            orders=("WO-1001", "WO-1002"))
    account(s, "XR-0000002", "Anna Großmann", "anna@example.org", "ORG-2", "BA-2",
            referral_code="ANNA-7", phone="+49 30 555")
    account(s, "XR-0000003", "Olaf Mueller", "olaf@example.org", "ORG-2", "BA-3")
    add_order(s, "WO-1003", "XR-0000003")
    s.get(Organisation, "ORG-2").name = "Weiss und Soehne"  # type: ignore[union-attr]
    s.get(AccountRow, "XR-0000001").name = "Jana Brandt-Kühn"  # type: ignore[union-attr]


BULK_QUERIES = ("müller", "mueller", "kuehn", "weiss", "soehne", "gr", "anna-7", "wo-1003",
                "wo-1001", "xr-0000002", "nord", "555", "Brnadt", "olaf@example.org")


def _fts_intact(store: Store) -> None:
    """FTS5's integrity check of both tables against search_doc (raises if not)."""
    with store.engine.connect() as conn:
        for fts in ("search_trigram", "search_prefix"):
            conn.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')"))


def _doc_rows(store: Store) -> list[tuple[object, ...]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT account_id, doc, name, email, phone, referral_code, organisation, "
            "billing_account FROM search_doc ORDER BY account_id"))]


def test_suspended_triggers_leave_the_index_alone_until_it_is_rebuilt(
        store: Store, template: Path, tmp_path: Path) -> None:
    """Migration 0004: while search_suspended holds its row nothing is indexed; the
    rebuild then gives exactly the index the triggers give, and they work again."""
    from xrewards_desk.sync import search_index

    shutil.copyfile(template, tmp_path / "by-triggers.sqlite")
    by_triggers = Store.open(sqlite_url(tmp_path / "by-triggers.sqlite"))
    try:
        with by_triggers.session() as s:
            _fill(s)
        with store.session() as s:
            assert search_index.suspend(s.connection(), REGISTERED)
            _fill(s)
        assert _doc_rows(store) == []
        assert all(ids(store, q) == [] for q in BULK_QUERIES)
        with store.session() as s:
            assert search_index.rebuild(s.connection())
            assert not search_index.rebuild(s.connection())  # nothing pending any more
        assert _doc_rows(store) == _doc_rows(by_triggers)
        for query in BULK_QUERIES:
            assert hits(store, query) == hits(by_triggers, query), query
        assert ids(store, "soehne") == ["XR-0000002", "XR-0000003"]
        with store.session() as s:  # the triggers index again
            account(s, "XR-0000004", "Otto Kranz", "otto@example.org", "ORG-1")
            add_order(s, "WO-1004", "XR-0000002")
        assert ids(store, "kranz") == ["XR-0000004"]
        assert ids(store, "wo-1004") == ["XR-0000002"]
        # an FTS integrity check: each table agrees with search_doc
        _fts_intact(store)
    finally:
        by_triggers.close()


def test_a_rebuild_after_deletes_and_renames_while_suspended(store: Store) -> None:
    """Rows indexed before, then deleted, moved or renamed while suspended: the rebuild
    drops and rewrites their documents (docids included), with no stale FTS entry."""
    from xrewards_desk.sync import search_index

    with store.session() as s:
        _fill(s)
    with store.session() as s:
        search_index.suspend(s.connection(), REGISTERED)
        s.execute(text("DELETE FROM orders WHERE id = 'WO-1003'"))
        s.execute(text("DELETE FROM accounts WHERE id = 'XR-0000003'"))
        s.execute(text("UPDATE orders SET account_id = 'XR-0000002' WHERE id = 'WO-1002'"))
        s.get(Organisation, "ORG-1").name = "Schmidt AG"  # type: ignore[union-attr]
    assert ids(store, "schmidt") == []  # behind until the rebuild
    with store.session() as s:
        search_index.rebuild(s.connection())
    assert ids(store, "olaf") == []
    assert ids(store, "wo-1003") == []
    assert ids(store, "wo-1002") == ["XR-0000002"]
    assert ids(store, "schmidt") == ["XR-0000001"]
    assert ids(store, "müller") == []
    _fts_intact(store)


def test_downgrading_0004_with_the_index_behind_rebuilds_it(store: Store) -> None:
    from xrewards_desk.sync import search_index

    with store.session() as s:
        search_index.suspend(s.connection(), REGISTERED)
        _fill(s)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
        assert conn.execute(text(
            "SELECT name FROM sqlite_master WHERE name = 'search_suspended'")).all() == []
    assert ids(store, "mueller") == ["XR-0000003", "XR-0000001"]  # name, then organisation
    assert ids(store, "soehne") == ["XR-0000002", "XR-0000003"]
    with store.session() as s:  # 0002's triggers again, unconditional
        account(s, "XR-0000004", "Otto Kranz", "otto@example.org", "ORG-1")
    assert ids(store, "kranz") == ["XR-0000004"]
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert ids(store, "kranz") == ["XR-0000004"]


# --------------------------------------------------------------------------- deferred


def _deferred_state(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        return (conn.execute(text("SELECT count(*) FROM search_deferred")).scalar_one(),
                conn.execute(text("SELECT count(*) FROM search_dirty")).scalar_one())


def _moves(s: Session) -> None:
    """Deletes, a move and renames of what _fill indexed."""
    s.execute(text("DELETE FROM orders WHERE id = 'WO-1003'"))
    s.execute(text("DELETE FROM accounts WHERE id = 'XR-0000003'"))
    s.execute(text("UPDATE orders SET account_id = 'XR-0000002' WHERE id = 'WO-1002'"))
    s.get(Organisation, "ORG-1").name = "Schmidt AG"  # type: ignore[union-attr]
    s.get(BillingAccount, "BA-3").name = "Zentrallager"  # type: ignore[union-attr]
    s.get(AccountRow, "XR-0000002").phone = "+49 40 777"  # type: ignore[union-attr]
    account(s, "XR-0000005", "Petra Vogel", "petra@example.org", "ORG-2", "BA-3",
            orders=("WO-2001",))


def test_deferred_documents_are_written_at_catch_up_as_the_triggers_write_them(
        store: Store, template: Path, tmp_path: Path) -> None:
    """Migration 0017: while search_deferred holds its row the triggers only note the
    accounts; catch_up then writes exactly the documents the triggers write row by row,
    for inserts, deletes, a moved order and renamed organisations and billing accounts,
    and leaves neither the row nor a noted account behind."""
    from xrewards_desk.sync import search_index

    shutil.copyfile(template, tmp_path / "by-triggers.sqlite")
    by_triggers = Store.open(sqlite_url(tmp_path / "by-triggers.sqlite"))
    try:
        with by_triggers.session() as s:
            _fill(s)
        with by_triggers.session() as s:
            _moves(s)
        with store.session() as s:
            conn = s.connection()
            assert search_index.defer(conn)
            _fill(s)
            s.flush()
            # noted, not written: nothing is searchable yet
            assert conn.execute(text("SELECT count(*) FROM search_doc")).scalar_one() == 0
            assert conn.execute(text("SELECT count(*) FROM search_dirty")).scalar_one() == 3
            assert search_index.catch_up(conn) == 3
            assert search_index.catch_up(conn) == 0  # nothing deferred any more
        assert _deferred_state(store) == (0, 0)
        assert ids(store, "soehne") == ["XR-0000002", "XR-0000003"]
        with store.session() as s:
            conn = s.connection()
            assert search_index.defer(conn)
            _moves(s)
            s.flush()
            assert [h.account_id for h in search(s, "schmidt")] == []  # behind until then
            # a deleted account's document goes at once
            assert [h.account_id for h in search(s, "olaf")] == []
            search_index.catch_up(conn)
        assert _deferred_state(store) == (0, 0)
        assert _doc_rows(store) == _doc_rows(by_triggers)
        for query in (*BULK_QUERIES, "schmidt", "zentrallager", "vogel", "wo-2001", "777"):
            assert hits(store, query) == hits(by_triggers, query), query
        assert ids(store, "wo-1002") == ["XR-0000002"]
        assert ids(store, "zentrallager") == ["XR-0000005"]
        _fts_intact(store)
        with store.session() as s:  # not deferred: the triggers write row by row again
            add_order(s, "WO-3001", "XR-0000005")
        assert ids(store, "wo-3001") == ["XR-0000005"]
    finally:
        by_triggers.close()


def test_a_deferral_rolled_back_leaves_the_index_as_it_was(store: Store) -> None:
    """The row and the noted accounts live in the caller's transaction: a failure before
    catch_up rolls them back with the rows, so a committed store never holds them."""
    from xrewards_desk.sync import search_index

    with store.session() as s:
        _fill(s)
    before = _doc_rows(store)
    with pytest.raises(RuntimeError), store.session() as s:
        assert search_index.defer(s.connection())
        add_order(s, "WO-4001", "XR-0000001")
        s.flush()
        raise RuntimeError("the page failed")
    assert _deferred_state(store) == (0, 0)
    assert _doc_rows(store) == before
    with store.session() as s:
        add_order(s, "WO-4001", "XR-0000001")
    assert ids(store, "wo-4001") == ["XR-0000001"]


def test_no_deferral_while_the_triggers_are_suspended(store: Store) -> None:
    """A fill rebuilds everything at its end: deferring inside it would note nothing."""
    from xrewards_desk.sync import search_index

    with store.session() as s:
        conn = s.connection()
        assert search_index.suspend(conn, REGISTERED)
        assert not search_index.defer(conn)
        _fill(s)
        s.flush()
        assert search_index.catch_up(conn) == 0
        assert search_index.rebuild(conn)
    assert _deferred_state(store) == (0, 0)
    assert ids(store, "wo-1003") == ["XR-0000003"]


def test_downgrading_0017_gives_back_0004s_triggers(store: Store) -> None:
    from xrewards_desk.sync import search_index

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0016")
        assert conn.execute(text("SELECT name FROM sqlite_master WHERE name IN "
                                 "('search_deferred', 'search_dirty')")).all() == []
        assert not search_index.defer(conn)  # a store before 0017 cannot
    with store.session() as s:  # 0004's triggers: row by row
        _fill(s)
    assert ids(store, "soehne") == ["XR-0000002", "XR-0000003"]
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with store.session() as s:
        assert search_index.defer(s.connection())
        add_order(s, "WO-5001", "XR-0000002")
        s.flush()
        assert search_index.catch_up(s.connection()) == 1
    assert ids(store, "wo-5001") == ["XR-0000002"]
