"""Whole workflows over real HTTP, each worked out by hand from RULES.md: e-mail cases and
their threads, objections (in time, late, goodwill), adjustments that need a second
team lead, an abuse case on a referral with its exact preview, claims, closing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.server_harness import Server, earn, register
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.store import models as m


def mail(message_id: str, received: str, sender: str = "xr-1@org-1.example",
         **extra: object) -> dict[str, object]:
    return {"message_id": message_id, "received_at": received, "received_from": "received",
            "sender": sender, "subject": "Meine X-Points", "body": "Guten Tag ...", **extra}


def test_mails_join_their_case_and_a_message_id_never_makes_a_second_one(
        server: Server) -> None:
    register(server, "XR-1")
    anna = server.as_("anna")
    first = anna.ok({"type": "create_mail_case",
                     "mail": mail("<a1@kunde.example>", "2025-03-03T08:00:00+01:00")})
    case = first["created"]
    with server.store.session() as s:  # the sender's e-mail matched the customer
        row = s.get(m.MailCase, int(case))
        assert row is not None and row.account_id == "XR-1"
    reply = anna.ok({"type": "create_mail_case", "mail": mail(
        "<a2@kunde.example>", "2025-03-04T08:00:00+01:00",
        in_reply_to="<a1@kunde.example>", references=["<a1@kunde.example>"])})
    assert reply["created"] == case
    again = anna.ok({"type": "create_mail_case",
                     "mail": mail("<a1@kunde.example>", "2025-03-03T08:00:00+01:00")})
    assert again["created"] == case and again["touched"] == []
    anna.ok({"type": "record_reply_sent", "case": int(case),
             "message_id": "<r1@rewards.example>", "sent_at": "2025-03-04T09:00:00+01:00",
             "to": "xr-1@org-1.example", "subject": "Re: Meine X-Points", "body": "..."})
    with server.store.session() as s:
        row = s.get(m.MailCase, int(case))
        assert row is not None and row.status is m.MailCaseStatus.WAITING
        assert len(s.scalars(select(m.MailMessage).where(
            m.MailMessage.case_id == int(case))).all()) == 3
        assert len(s.scalars(select(m.MailCase)).all()) == 1


def test_objections_in_time_late_and_as_goodwill(server: Server) -> None:
    register(server, "XR-1")
    earn(server, "XR-1", "O-1", "100.00")  # credit notice XR-1/N1 sent 03.03.2025 09:00
    anna, tessa, tomasz = server.as_("anna"), server.as_("tessa"), server.as_("tomasz")

    # R25: the deadline is 03.04.2025, end of day, Berlin
    in_time = anna.ok({"type": "record_objection", "notice": "XR-1/N1",
                       "received_at": "2025-04-03T23:59:00+02:00"})
    assert "in time" in in_time["message"] and "03.04.2025" in in_time["message"]
    upheld = anna.ok({"type": "uphold_objection", "objection": int(in_time["created"]),
                      "version": 1, "points": 50, "reason": "order was bigger"})
    assert len(upheld["entries"]) == 1
    with server.store.session() as s:
        entry = s.get(m.LedgerEntry, upheld["entries"][0])
        assert entry is not None and (entry.type.value, entry.points) == ("adjustment", 50)
        assert entry.source_kind.value == "objection"  # it cites the objection (R25)
        assert s.get(m.Objection, 1).status is m.ObjectionStatus.UPHELD  # type: ignore[union-attr]

    late = anna.ok({"type": "record_objection", "notice": "XR-1/N1",
                    "received_at": "2025-04-04T00:00:00+02:00"})
    assert "late" in late["message"]
    refused = anna.command({"type": "uphold_objection", "objection": int(late["created"]),
                            "version": 1, "points": 50, "reason": "r"})
    assert refused.status_code == 409 and refused.json()["code"] == "objection_late"
    anna.ok({"type": "answer_objection_late", "objection": int(late["created"]),
             "version": 1, "reason": "received after the deadline"})

    another = anna.ok({"type": "record_objection", "notice": "XR-1/N1",
                       "received_at": "2025-04-10T10:00:00+02:00"})
    asked = tessa.ok({"type": "grant_goodwill", "objection": int(another["created"]),
                      "version": 1, "points": 40, "reason": "loyal customer"})
    assert asked["pending_approval"] is True  # R26: every goodwill adjustment
    request = int(asked["created"])
    own = tessa.command({"type": "approve_adjustment", "request": request, "version": 1})
    assert own.status_code == 409 and own.json()["code"] == "four_eyes"
    done = tomasz.ok({"type": "approve_adjustment", "request": request, "version": 1})
    assert len(done["entries"]) == 1
    with server.store.session() as s:
        objection = s.get(m.Objection, int(another["created"]))
        assert objection is not None and objection.status is m.ObjectionStatus.GOODWILL
        balance = sum(s.scalars(select(m.LotRow.remaining)).all())
    assert balance == 100 + 50 + 40


def test_a_large_adjustment_waits_for_a_second_team_lead(server: Server) -> None:
    register(server, "XR-1")
    tessa, tomasz = server.as_("tessa"), server.as_("tomasz")
    asked = tessa.ok({"type": "request_adjustment", "account": "XR-1", "points": 20000,
                      "reason": "migration from the old program"})
    assert asked["pending_approval"] and asked["entries"] == []  # R26: above 10,000
    request = int(asked["created"])
    assert tessa.command({"type": "approve_adjustment", "request": request,
                          "version": 1}).json()["code"] == "four_eyes"
    assert server.as_("anna").command({"type": "approve_adjustment", "request": request,
                                       "version": 1}).status_code == 403
    no_reason = tomasz.command({"type": "reject_adjustment", "request": request,
                                "version": 1})
    assert no_reason.status_code == 409 and no_reason.json()["code"] == "reason_required"
    tomasz.ok({"type": "approve_adjustment", "request": request, "version": 1})
    with server.store.session() as s:
        row = s.get(m.AdjustmentRequest, request)
        assert row is not None and row.status is m.RequestStatus.APPROVED
        assert row.decided_by == "tomasz" and row.entry_id == "XR-1/E1"


def test_small_adjustments_add_up_and_the_one_past_10000_waits(server: Server) -> None:
    """R26 (amended): adjustments applied without approval count together over 720
    hours per account, by their size; the one that takes the sum past 10,000 waits, an
    approved one does not count, and the sum is per account."""
    register(server, "XR-1")
    register(server, "XR-3")
    earn(server, "XR-1", "O-1", "5000.00")  # 5,000 points to take from
    tomasz = server.as_("tomasz")

    def adjust(account: str, points: int) -> dict[str, object]:
        return server.as_("anna").ok({"type": "request_adjustment", "account": account,
                                      "points": points, "reason": "correction"})

    assert adjust("XR-1", 6000)["pending_approval"] is False  # sum 6,000
    assert adjust("XR-1", -3000)["pending_approval"] is False  # 9,000
    waits = adjust("XR-1", 2000)  # 11,000: more than 10,000
    assert waits["pending_approval"] is True and waits["entries"] == []
    assert adjust("XR-3", 2000)["pending_approval"] is False  # another account: 2,000
    assert adjust("XR-1", 1000)["pending_approval"] is False  # 10,000 is not more
    # approved, the 2,000 does not count either: 10,000 + 1 waits, whatever the approval
    tomasz.ok({"type": "approve_adjustment", "request": int(waits["created"]),
               "version": 1})
    assert adjust("XR-1", 1)["pending_approval"] is True
    # 720 hours later none of them counts any more (all were applied at one instant)
    server.clock.advance(timedelta(hours=720))
    assert adjust("XR-1", 10000)["pending_approval"] is False  # 10,000 alone


def test_a_providers_notice_runs_to_a_months_end_and_the_feed_carries_the_termination(
        server: Server) -> None:
    """R23 (rewritten): a notice given on 06.12.2026 takes effect at the end of 31.01.2027
    (06.12. + 28 days = 03.01.2027, that month's end); the account stays active and
    earns until then, becomes terminated at the start of 01.02.2027 (written by the
    server as time passes, carried by the change feed), redeems through 30.04.2027, and a
    second notice while one runs is invalid_state."""
    server.clock.set(datetime(2026, 12, 6, 10, 0, tzinfo=BERLIN))
    register(server, "XR-1")
    earn(server, "XR-1", "O-1", "300.00")  # 300 points (bronze, R7)
    tessa = server.as_("tessa")
    with server.store.session() as s:
        version = s.get(m.AccountRow, "XR-1").version  # type: ignore[union-attr]
    given = tessa.ok({"type": "terminate_account", "account": "XR-1", "version": version,
                      "reason": "programme restructured"})
    assert "31.01.2027" in given["message"] and "30.04.2027" in given["message"]
    with server.store.session() as s:
        row = s.get(m.AccountRow, "XR-1")
        assert row is not None and row.status.value == "active"
        version = row.version
    again = tessa.command({"type": "terminate_account", "account": "XR-1",
                           "version": version, "reason": "twice"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    # still active on the effective date: an order completing then earns (R23)
    server.clock.set(datetime(2027, 1, 31, 23, 0, tzinfo=BERLIN))
    earn(server, "XR-1", "O-2", "100.00")
    server.clock.set(datetime(2027, 2, 1, 0, 0, tzinfo=BERLIN))
    server.service.advance_all()
    with server.store.session() as s:
        row = s.get(m.AccountRow, "XR-1")
        assert row is not None and row.status.value == "terminated"
        assert row.status_at == datetime(2027, 2, 1, 0, 0, tzinfo=BERLIN)
        assert sum(s.scalars(select(m.LotRow.remaining)).all()) == 400
    last = [c for c in server.changes()
            if c["kind"] == "account" and c["data"]["id"] == "XR-1"][-1]
    assert last["data"]["status"] == "terminated"
    assert last["data"]["notice_at"].startswith("2026-12-06")
    # nothing is earned once terminated; the 400 points go at the start of 01.05.2027
    earn(server, "XR-1", "O-3", "100.00")
    server.clock.set(datetime(2027, 4, 30, 23, 59, tzinfo=BERLIN))
    server.service.advance_all()
    with server.store.session() as s:
        assert sum(s.scalars(select(m.LotRow.remaining)).all()) == 400
    server.clock.set(datetime(2027, 5, 1, 0, 0, tzinfo=BERLIN))
    server.service.advance_all()
    with server.store.session() as s:
        assert sum(s.scalars(select(m.LotRow.remaining)).all()) == 0
        kinds = [e.type.value for e in s.scalars(select(m.LedgerEntry).where(
            m.LedgerEntry.account_id == "XR-1").order_by(m.LedgerEntry.seq))]
    assert kinds == ["earn", "earn", "expiry", "expiry"]


def test_a_self_referral_case_blocks_transfers_previews_exactly_and_confirms(
        server: Server) -> None:
    register(server, "XR-1")
    register(server, "XR-3")  # a colleague of XR-1 (ORG-1, BA-1)
    earn(server, "XR-1", "O-1", "100.00")  # L1: 100 points; now XR-1 may refer (R17)
    with server.store.session() as s:
        code = s.get(m.AccountRow, "XR-1").referral_code  # type: ignore[union-attr]
    register(server, "XR-2", org="ORG-2", billing="BA-2", referral_code=code)
    shop = server.as_("shop")
    # XR-2's first order, 200.00 with the 10 % code: discount 20.00 (R18), so 180 points
    shop.ok({"type": "order_placed", "order": "O-2", "account": "XR-2",
             "placed_at": server.clock.now().isoformat(), "net": "200.00",
             "use_discount": True}, shop=True)
    shop.ok({"type": "order_paid", "order": "O-2"}, shop=True)
    shop.ok({"type": "order_delivered", "order": "O-2"}, shop=True)
    # R19: XR-1 (bronze) gets 5,000 bonus points in lot L2; then redeems 1,000 on O-3,
    # oldest first (R13): all 100 of L1, then 900 of L2
    shop.ok({"type": "order_placed", "order": "O-3", "account": "XR-1",
             "placed_at": server.clock.now().isoformat(), "net": "50.00", "redeem": 1000},
            shop=True)

    clara = server.as_("clara")
    opened = clara.ok({"type": "open_abuse_case", "account": "XR-2", "on_referral": True})
    case = opened["created"]
    blocked = server.as_("tessa").command({
        "type": "request_transfer", "source": "XR-1", "target": "XR-3", "points": 10,
        "reason": "other", "justification": "test"})
    assert blocked.status_code == 409 and blocked.json()["code"] == "abuse_case_open"  # R21

    preview = clara.get(f"/abuse-cases/{case}/preview").json()
    # R22: what is left of the bonus lot (5,000 - 900 = 4,100) is void; the 900 redeemed
    # points are a claim of 9.00 EUR against the referrer; the used discount, 20.00 EUR
    # against the invitee
    assert [(v["account"], v["lot"], v["points"]) for v in preview["voided"]] == [
        ("XR-1", "XR-1/L2", 4100)]
    assert sorted((c["account"], c["amount"]) for c in preview["claims"]) == [
        ("XR-1", "9.00"), ("XR-2", "20.00")]
    assert preview["discount_voided"] is False  # used, so claimed, not voided (R22)
    with server.store.session() as s:  # a preview writes nothing
        assert s.get(m.AbuseCaseRow, case).status is m.CaseStatus.OPEN  # type: ignore[union-attr]
        assert s.scalars(select(m.ClaimRow)).all() == []

    done = clara.ok({"type": "confirm_self_referral", "case": case,
                     "version": preview["version"], "reason": "same person, same device"})
    with server.store.session() as s:
        entries = {e: s.get(m.LedgerEntry, e) for e in done["entries"]}
        claims = sorted((c.account_id, c.amount) for c in s.scalars(select(m.ClaimRow)))
        row = s.get(m.AbuseCaseRow, case)
        assert row is not None and row.status is m.CaseStatus.CONFIRMED
        assert row.decided_by == "clara"
    assert [(e.account_id, e.type.value, e.points) for e in entries.values()
            if e is not None and e.type.value == "void"] == [("XR-1", "void", -4100)]
    assert claims == [("XR-1", Decimal("9.00")), ("XR-2", Decimal("20.00"))]

    # the claims are followed up: open -> invoiced -> paid; no step back
    clara.ok({"type": "set_claim_state", "claim": 1, "version": 1, "state": "invoiced"})
    back = clara.command({"type": "set_claim_state", "claim": 1, "version": 2,
                          "state": "open"})
    assert back.status_code == 422 or back.json()["code"] == "invalid_state"
    server.as_("tessa").ok({"type": "set_claim_state", "claim": 1, "version": 2,
                            "state": "paid"})


def test_closing_on_request_terminating_and_ending_the_program(server: Server) -> None:
    register(server, "XR-1")
    register(server, "XR-2")
    earn(server, "XR-1", "O-1", "100.00")
    anna, tessa = server.as_("anna"), server.as_("tessa")
    with server.store.session() as s:
        version = s.get(m.AccountRow, "XR-1").version  # type: ignore[union-attr]
    anna.ok({"type": "close_account", "account": "XR-1", "version": version,
             "reason": "customer asked by mail"})
    with server.store.session() as s:  # R23: closed, the 100 points forfeited
        acc = s.get(m.AccountRow, "XR-1")
        assert acc is not None and acc.status.value == "closed"
        assert [(e.type.value, e.points) for e in s.scalars(select(m.LedgerEntry).where(
            m.LedgerEntry.account_id == "XR-1").order_by(m.LedgerEntry.seq))] == [
            ("earn", 100), ("forfeit", -100)]
        version2 = s.get(m.AccountRow, "XR-2").version  # type: ignore[union-attr]
    # R26: no adjustment of a closed account; the refusal names the account's status
    closed = anna.command({"type": "request_adjustment", "account": "XR-1", "points": 5,
                           "reason": "r"})
    assert closed.status_code == 409 and closed.json()["code"] == "account_not_active"
    assert closed.json()["details"]["status"] == "closed"
    assert anna.command({"type": "terminate_account", "account": "XR-2",
                         "version": version2, "reason": "r"}).status_code == 403
    tessa.ok({"type": "terminate_account", "account": "XR-2", "version": version2,
              "reason": "notice given"})
    tessa.ok({"type": "end_program", "version": 1, "reason": "the program ends"})
    with server.store.session() as s:
        program = s.get(m.ProgramRow, 1)
        assert program is not None and program.ended_at == datetime(2025, 3, 3, 9,
                                                                     tzinfo=BERLIN)


def test_an_agents_suspicion_reaches_compliance_through_the_feed(server: Server) -> None:
    register(server, "XR-1")
    anna = server.as_("anna")
    case = anna.ok({"type": "create_mail_case",
                    "mail": mail("<s1@kunde.example>", "2025-03-03T08:00:00+01:00")})
    anna.ok({"type": "report_suspicion", "account": "XR-1", "case": int(case["created"]),
             "text": "the invitee writes from the referrer's address"})
    found = [c["data"] for c in server.changes("clara") if c["kind"] == "suspicion"]
    assert [(f["account"], f["reported_by"]) for f in found] == [("XR-1", "anna")]
    notes = [c["data"]["text"] for c in server.changes("clara") if c["kind"] == "case_note"]
    assert notes and "referrer's address" in notes[0]


def test_an_objection_to_changed_terms_ends_participation_only_in_time(
        server: Server) -> None:
    register(server, "XR-1")
    register(server, "XR-2")
    earn(server, "XR-1", "O-1", "100.00")
    anna = server.as_("anna")
    # R28: the change notice went out on 01.02.2025; within one month means through
    # 01.03.2025, so an objection received on 02.03.2025 is late and changes nothing
    late = anna.command({"type": "object_to_terms", "account": "XR-2",
                         "change_sent": "2025-02-01T10:00:00+01:00",
                         "received_at": "2025-03-02T10:00:00+01:00"})
    assert late.status_code == 409 and late.json()["code"] == "objection_late"
    done = anna.ok({"type": "object_to_terms", "account": "XR-1",
                    "change_sent": "2025-02-01T10:00:00+01:00",
                    "received_at": "2025-03-01T23:00:00+01:00"})
    with server.store.session() as s:
        acc = s.get(m.AccountRow, "XR-1")
        assert acc is not None and acc.status.value == "closed"  # as closing (R23)
        objection = s.get(m.Objection, int(done["created"]))
        assert objection is not None and objection.kind is m.ObjectionKind.TERMS
        forfeit = [e.points for e in s.scalars(select(m.LedgerEntry).where(
            m.LedgerEntry.type == "forfeit"))]
    assert forfeit == [-100]
