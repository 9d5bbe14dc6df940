"""The desktop's copy of the server: pull the change feed page by page into a local
SQLite store (one transaction a page) and compare every record with the server's."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.server_harness import PASSWORD, Server, earn, register
from tests.test_server import PDF
from xrewards_desk.domain.model import Role
from xrewards_desk.server.feed import LOADERS
from xrewards_desk.store import models as m
from xrewards_desk.store.search import search
from xrewards_desk.sync.apply import apply_changes


def _busy_day(server: Server) -> None:
    """Something of every kind: customers, orders, a referral, a transfer with evidence,
    a mail case with an attachment, an objection, an abuse case confirmed with claims."""
    register(server, "XR-1", name="Jürgen Müller")
    register(server, "XR-3")
    earn(server, "XR-1", "O-1", "100.00")
    with server.store.session() as s:
        code = s.get(m.AccountRow, "XR-1").referral_code  # type: ignore[union-attr]
    register(server, "XR-2", org="ORG-2", billing="BA-2", referral_code=code,
             addresses=[{"street": "Hauptstraße 1", "postcode": "10115", "city": "Berlin"}])
    shop = server.as_("shop")
    shop.ok({"type": "order_placed", "order": "O-2", "account": "XR-2",
             "placed_at": server.clock.now().isoformat(), "net": "200.00",
             "use_discount": True}, shop=True)
    shop.ok({"type": "order_paid", "order": "O-2"}, shop=True)
    shop.ok({"type": "order_delivered", "order": "O-2"}, shop=True)
    anna, tessa, tomasz = server.as_("anna"), server.as_("tessa"), server.as_("tomasz")
    sha = anna.upload(PDF, "Nachweis.pdf").json()["sha256"]
    case = anna.ok({"type": "create_mail_case", "mail": {
        "message_id": "<x1@kunde.example>", "received_at": "2025-03-03T08:00:00+01:00",
        "received_from": "received", "sender": "xr-1@org-1.example",
        "subject": "Übertrag", "body": "Bitte übertragen",
        "attachments": [{"label": "Nachweis.pdf", "sha256": sha}]}})["created"]
    anna.ok({"type": "note_mail_case", "case": int(case), "text": "called back"})
    transfer = tessa.ok({"type": "request_transfer", "source": "XR-1", "target": "XR-3",
                         "points": 50, "reason": "left_organisation", "evidence": [sha],
                         "case": int(case)})["created"]
    tomasz.ok({"type": "approve_transfer", "request": int(transfer), "version": 1})
    anna.ok({"type": "record_objection", "notice": "XR-1/N1",
             "received_at": "2025-03-04T10:00:00+01:00", "case": int(case)})
    clara = server.as_("clara")
    clara.ok({"type": "note_customer", "account": "XR-2", "text": "watch the referrals"})
    opened = clara.ok({"type": "open_abuse_case", "account": "XR-2", "on_referral": True})
    clara.ok({"type": "confirm_self_referral", "case": opened["created"], "version": 1,
              "reason": "same person"})
    clara.ok({"type": "set_claim_state", "claim": 1, "version": 1, "state": "invoiced"})
    _through_the_gateway(server, int(case))


def _through_the_gateway(server: Server, case: int) -> None:
    """Issue 20: a mail dated by the mailbox (INTERNALDATE), and replies queued by the desk
    and sent through the mail gateway: one sent, one refused for now and then refused for
    good with the server's words, one that may have been sent, one still queued."""
    server.service.add_user("gateway", "Postfach-Anbindung", Role.MAIL_GATEWAY, PASSWORD,
                            "en")
    gateway, anna = server.as_("gateway"), server.as_("anna")
    gateway.ok({"type": "create_mail_case", "mail": {
        "message_id": "<x2@kunde.example>", "received_at": "2025-03-03T08:30:00+01:00",
        "received_from": "internaldate", "sender": "xr-3@org-1.example",
        "subject": "Ohne Datum", "body": "Hallo"}})
    replies = [int(anna.ok({
        "type": "queue_reply", "case": case, "message_id": f"<r{n}@rewards.example>",
        "in_reply_to": "<x1@kunde.example>", "references": ["<x1@kunde.example>"],
        "to": "xr-1@org-1.example", "subject": "Re: Übertrag", "body": f"Antwort {n}"}
        )["created"]) for n in range(4)]
    at = server.clock.now().isoformat()
    steps = {replies[0]: ["sending", "sent"],
             replies[1]: ["sending", "queued", "sending", "refused"],
             replies[2]: ["sending", "unknown"]}
    for reply, states in steps.items():
        for state in states:
            gateway.ok({"type": "set_reply_state", "message": reply, "state": state,
                        "at": at, "detail": f"250 {state}"})


def test_a_synced_store_holds_exactly_what_the_server_holds(server: Server,
                                                            sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    _busy_day(server)
    local = sqlite_backend.new_store()
    try:
        after, pages, seen = "0", 0, {}
        while True:
            page = server.as_("anna").get("/changes", after=after, limit=7).json()
            with local.session() as s:  # one transaction a page
                apply_changes(s.connection(), page["changes"])
            for change in page["changes"]:
                seen[(change["kind"], change["id"])] = None
            after, pages = page["next"], pages + 1
            if not page["more"]:
                break
        assert pages > 5
        kinds = {kind for kind, _ in seen}
        assert {"account", "lot", "entry", "notice", "claim", "discount", "abuse_case",
                "mail_case", "mail_message", "case_note", "customer_note", "objection",
                "transfer_request",
                "evidence", "staff", "order"} <= kinds
        with server.store.session() as theirs, local.session() as ours:
            for kind, key in seen:
                assert LOADERS[kind](ours, key) == LOADERS[kind](theirs, key), (kind, key)
            for model in (m.AccountRow, m.LotRow, m.LedgerEntry, m.LotAllocation, m.NoticeRow,
                          m.NoticeLot, m.ClaimRow, m.OrderRow, m.MailMessage,
                          m.MailAttachment, m.TransferEvidence, m.AbuseCaseAccount,
                          m.DeliveryAddress):
                count = select(func.count()).select_from(model)
                assert ours.scalar(count) == theirs.scalar(count), model.__tablename__
        with local.engine.connect() as conn:  # and the local search index followed
            assert [h.account_id for h in search(conn, "mueller")] == ["XR-1"]
            # orders reach the index too, even when written before their new account
            assert search(conn, "O-2")[0].account_id == "XR-2"
    finally:
        local.close()


#: columns only the server keeps (the engine's counters and working state, secrets)
SERVER_ONLY = {
    "accounts": {"next_lot", "next_entry", "next_notice", "first_order_candidates"},
    "lots": {"transferred"},
    "delivery_addresses": {"id"},
    "evidence_files": {"local_path"},
}


def test_values_are_stored_exactly_as_the_server_stores_them(server: Server,
                                                             sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    """The page is written through the DB-API with the columns' own bind processors: the
    stored text of instants, cents, enums, dates and JSON is byte for byte what the ORM
    wrote on the server (where that is SQLite too)."""
    from sqlalchemy import text

    if server.store.dialect != "sqlite":
        return  # PostgreSQL stores other types; the record comparison above covers it
    _busy_day(server)
    local = sqlite_backend.new_store()
    try:
        after = "0"
        while True:
            page = server.as_("anna").get("/changes", after=after, limit=50).json()
            with local.session() as s:
                apply_changes(s.connection(), page["changes"])
            after = page["next"]
            if not page["more"]:
                break
        compared = 0
        for model in (m.Organisation, m.BillingAccount, m.AccountRow, m.DeliveryAddress,
                      m.DiscountCode, m.OrderRow, m.OrderCancellation, m.LotRow,
                      m.LedgerEntry, m.LotAllocation, m.NoticeRow, m.NoticeLot, m.ClaimRow,
                      m.AbuseCaseRow,
                      m.AbuseCaseAccount, m.MailCase, m.MailMessage, m.MailAttachment,
                      m.CaseNote, m.CustomerNote, m.Objection, m.TransferRequestRow,
                      m.TransferEvidence,
                      m.EvidenceFile):
            table = model.__table__
            columns = [c.name for c in table.columns
                       if c.name not in SERVER_ONLY.get(table.name, set())]
            order = ", ".join(f'"{c}"' for c in columns)
            sql = text(f"SELECT {order} FROM {table.name} ORDER BY {order}")
            with server.store.engine.connect() as theirs, local.engine.connect() as ours:
                mine = ours.execute(sql).all()
                assert mine == theirs.execute(sql).all(), table.name
                compared += len(mine)
        assert compared > 40
    finally:
        local.close()


def test_feed_reads_skip_the_due_scan_until_something_can_fall_due(server: Server,
                                                                   monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each page of the feed runs the expiry first; finding what is due scans every lot
    and account, so it is skipped while the feed has not moved and the clock has not
    reached the next expiry, and runs again (writing the expiry) once it has."""
    from xrewards_desk.server.service import Service

    register(server, "XR-1")
    earn(server, "XR-1", "O-1", "100.00")  # a lot of 100 points, twelve months
    scans: list[object] = []
    scan = Service._due_accounts
    monkeypatch.setattr(Service, "_due_accounts",
                        staticmethod(lambda s, now, limit: scans.append(now) or scan(
                            s, now, limit)))
    anna = server.as_("anna")
    assert anna.get("/changes").status_code == 200
    assert len(scans) == 1  # the writes before moved the feed: scanned once
    with server.store.session() as s:
        lot = s.get(m.LotRow, "XR-1/L1")
        assert lot is not None
        expires = lot.expires_at
    assert server.service._quiet is not None and server.service._quiet[1] == expires
    for _ in range(3):
        assert anna.get("/changes", after=5).status_code == 200
    server.later(days=200)
    assert server.as_("anna").get("/changes").status_code == 200  # signed in again
    assert len(scans) == 1  # nothing written, nothing can have fallen due
    earn(server, "XR-1", "O-2", "50.00")  # a write: the next read scans again
    assert server.as_("anna").get("/changes").status_code == 200
    assert len(scans) >= 2
    scanned = len(scans)
    server.clock.set(expires)  # the first lot's expiry instant: due now
    page = server.as_("anna").get("/changes", after=0, limit=1000).json()
    assert len(scans) > scanned  # scanned, wrote the expiry, scanned again: nothing left
    expiries = [c["data"] for c in page["changes"] if c["kind"] == "entry"
                and c["data"]["type"] == "expiry"]
    assert [(e["source_ref"], e["points"]) for e in expiries] == [("XR-1/L1", -100)]


def test_instants_are_stored_as_the_store_type_stores_them() -> None:
    """The page writer's own conversion of an instant equals what the Instant column
    type and SQLite's DATETIME processor make of it, for any aware instant; a naive one
    is refused as the type refuses it."""
    from datetime import datetime

    import pytest
    from hypothesis import given
    from hypothesis import strategies as st
    from sqlalchemy.dialects import sqlite

    from xrewards_desk.sync.apply import _sqlite_instant

    dialect = sqlite.dialect()
    store_type = m.LedgerEntry.__table__.c.at.type
    process = store_type.dialect_impl(dialect).bind_processor(dialect)

    @given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31),
                        timezones=st.timezones()))
    def same(value: datetime) -> None:
        assert _sqlite_instant(value) == process(value)

    same()
    with pytest.raises(ValueError, match="no time zone"):
        _sqlite_instant(datetime(2025, 3, 3, 9, 0))
    with pytest.raises(ValueError, match="no time zone"):
        process(datetime(2025, 3, 3, 9, 0))


def test_money_is_stored_as_the_store_type_stores_it() -> None:
    """The page writer's own conversion of money (integer cents on SQLite) equals what
    the Money column type makes of any amount; what the type refuses (a fraction of a
    cent, NaN, infinity, a float) it refuses the same way."""
    from decimal import Decimal

    import pytest
    from hypothesis import given
    from hypothesis import strategies as st
    from sqlalchemy.dialects import sqlite

    from xrewards_desk.domain.money import MoneyError
    from xrewards_desk.sync.apply import _sqlite_cents

    dialect = sqlite.dialect()
    store_type = m.OrderRow.__table__.c.net.type
    process = store_type.dialect_impl(dialect).bind_processor(dialect)
    cents = _sqlite_cents(process)

    @given(st.one_of(st.none(), st.decimals(min_value=-10**12, max_value=10**12, places=2),
                     st.decimals(min_value=-10**12, max_value=10**12, places=0),
                     st.integers(-10**12, 10**12).map(lambda c: Decimal(c).scaleb(-2))))
    def same(value: Decimal | None) -> None:
        assert cents(value) == process(value)

    same()
    assert cents(Decimal("-2061.45")) == -206145  # R5: EUR with two places, as cents
    for refused in (Decimal("0.005"), Decimal("NaN"), Decimal("Infinity"), 1.5):
        with pytest.raises(MoneyError):
            process(refused)
        with pytest.raises(MoneyError):
            cents(refused)


def test_records_of_nul_free_text_are_checked_by_every_rule_but_the_nul_walk(
        server: Server) -> None:
    """validation.trusted: the contract model's own schema without ``_no_nul``. For
    every record of a busy day it gives the model's values; for each way a record can be
    malformed it refuses as the model does; only a NUL passes, which JSON text without
    a ``\\u0000`` escape cannot carry (and such text goes through the models)."""
    import json
    from decimal import Decimal

    import pytest
    from pydantic import ValidationError

    from xrewards_desk.contract.records import RECORDS
    from xrewards_desk.sync import validation
    from xrewards_desk.sync.apply import prepare

    _busy_day(server)
    changes = server.changes()
    checked = 0
    for change in changes:
        if change["data"] is None:
            continue
        model = RECORDS[change["kind"]]
        mine = validation.validate(model, change["data"], True)
        theirs = model.model_validate(change["data"])
        assert isinstance(mine, model)
        assert mine.model_dump() == theirs.model_dump(), change["kind"]
        checked += 1
    assert checked > 60
    for model in RECORDS.values():
        assert validation.holds_nul_check(model.__pydantic_core_schema__)
        assert not validation.holds_nul_check(
            validation._without_nul_check(model.__pydantic_core_schema__))

    account = next(c["data"] for c in changes if c["kind"] == "account"
                   and c["data"]["addresses"])
    entry = next(c["data"] for c in changes if c["kind"] == "entry"
                 and c["data"]["allocations"])
    address = account["addresses"][0]
    broken: list[tuple[str, dict[str, object]]] = [
        ("account", {**account, "nickname": "x"}),  # unknown field
        ("account", {**account, "spend": 1.5}),  # a float for money
        ("account", {**account, "spend": "1.005"}),  # a fraction of a cent
        ("account", {**account, "registered_at": "2025-03-03T09:00:00"}),  # naive
        ("account", {**account, "organisation": "ORG/1"}),  # not an id
        ("account", {**account, "status": "sleeping"}),  # not a status
        ("account", {**account, "version": "2"}),  # a string for an int
        ("account", {k: v for k, v in account.items() if k != "email"}),  # missing
        ("account", {**account, "addresses": [{**address, "floor": 3}]}),  # nested
        ("account", {**account, "addresses": [{**address, "country": "Deutschland"}]}),
        ("entry", {**entry, "allocations": [{"lot": entry["allocations"][0]["lot"],
                                             "points": "many"}]}),
        ("entry", {**entry, "points": 10**10}),  # beyond the points range
    ]
    def outcome(check: object, data: object) -> object:
        try:
            return check(data).model_dump()  # type: ignore[operator]
        except ValidationError as exc:
            return sorted((e["type"], e["loc"]) for e in exc.errors())

    refused = 0
    for kind, data in broken:
        model = RECORDS[kind]
        theirs = outcome(model.model_validate, data)
        assert outcome(lambda d, m=model: validation.validate(m, d, True), data) == theirs
        refused += isinstance(theirs, list)
    # every one: the contract's models are strict (issue 18), so 1.5 for money and "2"
    # for a version are refused too
    assert refused == len(broken)
    assert validation.validate(RECORDS["account"], account, True).spend == Decimal(
        account["spend"])

    # a NUL: refused by the model; the trusted check would let it by, so it is never
    # given text with the escape: such a page goes through the models
    named = {**account, "name": "Jürgen\x00Müller"}
    with pytest.raises(ValidationError):
        RECORDS["account"].model_validate(named)
    assert validation.validate(RECORDS["account"], named, True).name == "Jürgen\x00Müller"
    page = json.dumps({"changes": [{"seq": 1, "at": "2025-03-03T08:00:00Z",
                                    "kind": "account", "id": account["id"],
                                    "data": named}]}).encode()
    assert b"\\u0000" in page and not validation.nul_free(page)
    with pytest.raises(ValidationError):
        prepare(json.loads(page)["changes"], nul_free=validation.nul_free(page))
    # an escaped backslash before "u0000" is no NUL, but is treated as one may be
    odd = {**account, "name": "C:\\u0000"}
    text = json.dumps(odd).encode()
    assert not validation.nul_free(text)
    assert RECORDS["account"].model_validate(json.loads(text)).name == "C:\\u0000"


def test_a_page_made_by_the_database_is_the_page_made_from_the_rows(server: Server) -> None:
    """feed.page: on SQLite each change's text is made by the query itself; for every
    page of a busy day, in pages of 1, 7 and 1,000, it is byte for byte the page made
    from the rows through the store's types (feed._page_text, PostgreSQL's way), an
    instant with a fraction of a second included; a change whose instant is stored in
    another form has its page made from the rows."""
    import json
    from datetime import UTC, datetime

    from sqlalchemy import insert, literal_column, update

    from xrewards_desk.server import feed

    _busy_day(server)
    with server.store.engine.begin() as conn:
        conn.execute(insert(feed.CHANGES), [{
            "at": datetime(2025, 3, 3, 7, 0, 0, 123400, tzinfo=UTC), "kind": "staff",
            "record_id": "tessa", "data": None}])
    with server.store.engine.connect() as conn:
        for limit in (1, 7, 1000):
            after, pages = 0, 0
            while True:
                made = feed.page(conn, after, limit)
                assert made == feed._page_text(conn, after, limit), (after, limit)
                page = json.loads(made)
                pages += 1
                if not page["more"]:
                    break
                after = int(page["next"])
            assert pages > 1 or limit == 1000
        last = json.loads(feed.page(conn, 0, 1000))["changes"][-1]
        assert last == {"seq": last["seq"], "at": "2025-03-03T07:00:00.123400Z",
                        "kind": "staff", "id": "tessa", "data": None}
        assert feed.page(conn, 10**9, 5) == b'{"changes":[],"next":"1000000000","more":false}'
    if server.store.engine.dialect.name == "sqlite":  # an instant stored without a fraction
        with server.store.engine.begin() as conn:
            conn.execute(update(feed.CHANGES).where(feed.CHANGES.c.seq == last["seq"])
                         .values(at=literal_column("'2025-03-03 07:00:00'")))
        with server.store.engine.connect() as conn:
            made = feed.page(conn, last["seq"] - 1, 5)
            assert made == feed._page_text(conn, last["seq"] - 1, 5)
            assert json.loads(made)["changes"][0]["at"] == "2025-03-03T07:00:00Z"


def test_folded_addresses_are_kept_bounded_and_forgotten_one_by_one() -> None:
    """The folded address of each account (R22's address signal, keyed as the server
    keys it) is kept while a pull goes on: each one equals the server's folding, at most
    ADDRESS_KEYS are kept (the oldest eighth goes when full), and the pull's end forgets
    every one."""
    from xrewards_desk.store.folding import fold
    from xrewards_desk.sync import apply

    apply.forget()
    kept = apply.ADDRESS_KEYS
    apply.ADDRESS_KEYS = 16
    try:
        addresses = [(f"Hauptstraße {n}", "10115", "Berlin", "DE") for n in range(40)]
        for address in addresses:
            assert apply._address_key(*address) == fold(" ".join(address))
        assert 0 < len(apply._address_keys) <= 16
        assert addresses[-1] in apply._address_keys  # the newest stays
        assert addresses[0] not in apply._address_keys  # the oldest went
        assert apply._address_key("Straße 1", "1", "Köln", "DE") == "strasse 1 1 koln de"
        apply.forget()
        assert apply._address_keys == {}
    finally:
        apply.ADDRESS_KEYS = kept
        apply.forget()


def _sync_all(server: Server, local, limit: int = 50) -> list[list[dict]]:  # type: ignore[no-untyped-def]
    """Every page of the feed applied to `local`, one transaction a page; the pages."""
    pages, after = [], "0"
    while True:
        page = server.as_("anna").get("/changes", after=after, limit=limit).json()
        with local.session() as s:
            apply_changes(s.connection(), page["changes"])
        pages.append(page["changes"])
        after = page["next"]
        if not page["more"]:
            return pages


def _rows(local, table: str, where: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with local.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            f"SELECT * FROM {table} WHERE {where} ORDER BY rowid"))]


def test_a_record_sent_again_unchanged_writes_nothing(server: Server,
                                                      sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    """The whole feed of a busy day applied a second time (one page: each record at its
    last state, as the store holds it): no row of any table is inserted, updated or
    deleted (temporary triggers on every table log each write, and are seen to log one),
    and the store still equals the server's record by record."""
    from sqlalchemy import text

    _busy_day(server)
    local = sqlite_backend.new_store()
    try:
        pages = _sync_all(server, local)
        with local.session() as s:
            conn = s.connection()
            conn.execute(text("CREATE TEMP TABLE writes (what TEXT)"))
            for table in m.Base.metadata.sorted_tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    conn.execute(text(
                        f"CREATE TEMP TRIGGER log_{table.name}_{event.lower()} AFTER {event} "
                        f"ON main.{table.name} BEGIN INSERT INTO writes VALUES "
                        f"('{event} {table.name}'); END"))
            apply_changes(conn, [c for page in pages for c in page])  # each at its last
            written = [w for w, in conn.execute(text("SELECT what FROM writes"))]
            # the log sees a write: the addresses' street set to itself
            conn.execute(text("UPDATE delivery_addresses SET street = street"))
            logged = conn.execute(text("SELECT count(*) FROM writes")).scalar()
            conn.execute(text("DROP TABLE temp.writes"))  # its triggers go with it
        assert written == []
        assert logged == 1  # XR-2's one address (_busy_day)
        with server.store.session() as theirs, local.session() as ours:
            for page in pages:
                for change in page:
                    key = (change["kind"], change["id"])
                    assert LOADERS[key[0]](ours, key[1]) == LOADERS[key[0]](theirs, key[1]), key
    finally:
        local.close()


def test_children_sent_again_changed_are_replaced_exactly(server: Server,
                                                          sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    """A record's children written as upserts (numbered ones: a notice's lot figures) or
    replaced where they changed (an account's addresses): sent again with one child
    fewer, one changed, or one more, the store holds exactly the children sent."""
    import copy

    _busy_day(server)
    local = sqlite_backend.new_store()
    try:
        pages = _sync_all(server, local)
        changes = [c for page in pages for c in page if c["data"] is not None]
        notice = next(c for c in reversed(changes)
                      if c["kind"] == "notice" and len(c["data"]["lots"]) >= 1)
        account = next(c for c in reversed(changes)
                       if c["kind"] == "account" and c["id"] == "XR-2")
        nid, lots = notice["id"], notice["data"]["lots"]
        assert len(account["data"]["addresses"]) == 1

        def send(change: dict, field: str, children: list) -> None:  # type: ignore[type-arg]
            again = copy.deepcopy(change)
            again["data"][field] = children
            with local.session() as s:
                apply_changes(s.connection(), [again])

        extra = dict(lots[0], remaining=lots[0]["remaining"] + 1)
        send(notice, "lots", [*lots, extra])  # one more
        assert _rows(local, "notice_lots", f"notice_id = '{nid}'") == [
            (nid, i, f["lot"], f["remaining"], f["usable_until"])
            for i, f in enumerate([*lots, extra])]
        send(notice, "lots", [])  # none
        assert _rows(local, "notice_lots", f"notice_id = '{nid}'") == []
        send(notice, "lots", lots[:1])  # the first again
        assert _rows(local, "notice_lots", f"notice_id = '{nid}'") == [
            (nid, 0, lots[0]["lot"], lots[0]["remaining"], lots[0]["usable_until"])]

        address = account["data"]["addresses"][0]
        moved = dict(address, street="Torstraße 5")
        send(account, "addresses", [moved, address])  # changed, and one more
        assert [r[2] for r in _rows(local, "delivery_addresses", "account_id = 'XR-2'")] == [
            "Torstraße 5", "Hauptstraße 1"]
        send(account, "addresses", [])
        assert _rows(local, "delivery_addresses", "account_id = 'XR-2'") == []
        send(account, "addresses", [address])
        assert [r[2] for r in _rows(local, "delivery_addresses", "account_id = 'XR-2'")] == [
            "Hauptstraße 1"]
    finally:
        local.close()


def test_rows_changed_in_indexed_columns_or_not_and_new_rows_are_all_written_exactly(
        server: Server, sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    """On SQLite an upsert is written split (apply._Split): new rows inserted, rows whose
    indexed columns are as stored updated in the other columns only, the rest upserted.
    One page holds all three for accounts: a new account, one whose balance-like columns
    changed (no index holds them), one moved to another organisation and given another
    e-mail (indexed: organisation_id, email_key). The store then holds exactly what was
    sent, every index agrees with its table (integrity_check), and lookups through the
    indexes find the moved account where it is now, not where it was."""
    import copy

    from sqlalchemy import text

    _busy_day(server)
    local = sqlite_backend.new_store()
    try:
        pages = _sync_all(server, local)
        changes = [c for page in pages for c in page if c["data"] is not None]
        last = {c["id"]: c for c in changes if c["kind"] == "account"}
        quiet, moved = copy.deepcopy(last["XR-1"]), copy.deepcopy(last["XR-2"])
        organisation = next(c for c in changes if c["kind"] == "organisation"
                            and c["id"] != moved["data"]["organisation"])
        billing = next(c for c in changes if c["kind"] == "billing_account"
                       and c["data"]["organisation"] == organisation["id"])
        quiet["data"]["spend"] = "999.99"  # no index holds it
        quiet["data"]["version"] += 1
        was = moved["data"]["organisation"]
        moved["data"].update(organisation=organisation["id"], billing_account=billing["id"],
                             email="neu@example.org", name="Neu Name")
        fresh = copy.deepcopy(last["XR-1"])
        fresh["id"] = fresh["data"]["id"] = "XR-900"
        fresh["data"].update(email="fresh@example.org", referral_code=None,
                             referred_by=None, addresses=[])
        with local.session() as s:
            apply_changes(s.connection(), [quiet, moved, fresh])
        with local.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
            by_org = {a for a, in conn.execute(text(
                "SELECT id FROM accounts INDEXED BY ix_accounts_organisation_id "
                "WHERE organisation_id = :o"), {"o": organisation["id"]})}
            left = {a for a, in conn.execute(text(
                "SELECT id FROM accounts INDEXED BY ix_accounts_organisation_id "
                "WHERE organisation_id = :o"), {"o": was})}
            by_mail = conn.execute(text(
                "SELECT id FROM accounts INDEXED BY ix_accounts_email_key "
                "WHERE email_key = 'neu@example.org'")).scalars().all()
        assert "XR-2" in by_org and "XR-2" not in left
        assert by_mail == ["XR-2"]
        with local.session() as s:
            rows = {a.id: a for a in s.scalars(select(m.AccountRow).where(
                m.AccountRow.id.in_(["XR-1", "XR-2", "XR-900"])))}
            assert str(rows["XR-1"].spend) == "999.99"
            assert rows["XR-1"].version == quiet["data"]["version"]
            assert (rows["XR-2"].organisation_id, rows["XR-2"].billing_account_id,
                    rows["XR-2"].email, rows["XR-2"].name) == (
                organisation["id"], billing["id"], "neu@example.org", "Neu Name")
            assert rows["XR-900"].email == "fresh@example.org"
        assert [h.account_id for h in search(local.engine.connect(), "Neu Name")] == ["XR-2"]
    finally:
        local.close()
