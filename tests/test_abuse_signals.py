"""Signs of a self-referral (R22, T6): the pure scoring per kind, present and absent, each
worked out by hand; colleagues of one organisation (T2.4); and over real HTTP, the signals
written as the shop's events arrive, carried by the change feed with their evidence, and
ranked by the compliance queue."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from tests.server_harness import Server, earn, register
from xrewards_desk.server import abuse_signals as sig
from xrewards_desk.server.abuse_signals import Address, FirstOrder, Party, Signal, score
from xrewards_desk.store import models as m

OFFICE = Address("Hauptstraße 5", "10115", "Berlin")
REFERRER = Party(
    id="XR-1", name="Max Mustermann", email="max.mustermann@firma.example",
    organisation="ORG-1", billing_account="BA-1", phone="+49 171 2345678",
    addresses=(OFFICE,), payment_fingerprints=("pm-r",), signup_ip="192.0.2.10",
    device_fingerprint="dfp-r")
#: an honest invitee: another organisation, nothing in common with the referrer
HONEST = Party(
    id="XR-2", name="Erika Beispiel", email="erika.beispiel@andere.example",
    organisation="ORG-2", billing_account="BA-2", phone="+49 30 9876543",
    addresses=(Address("Lindenweg 2", "80331", "München"),), payment_fingerprints=("pm-i",),
    signup_ip="198.51.100.7", device_fingerprint="dfp-i")


def kinds(invitee: Party, referrer: Party = REFERRER,
          first: FirstOrder | None = None) -> list[str]:
    return [s.kind for s in score(referrer, invitee, first)]


def only(invitee: Party, referrer: Party = REFERRER,
         first: FirstOrder | None = None) -> Signal:
    found = score(referrer, invitee, first)
    assert len(found) == 1, found
    return found[0]


def test_an_honest_referral_has_no_signal() -> None:
    assert score(REFERRER, HONEST, None) == []
    assert score(REFERRER, HONEST, FirstOrder("XO-1", placed_by="XR-2", paid_by="XR-2")) == []


# --------------------------------------------------------------------------- e-mail


def test_same_email() -> None:
    assert only(replace(HONEST, email="MAX.Mustermann@firma.example")) == Signal(
        "same_email", 40, "invitee and referrer both registered with the e-mail "
        "MAX.Mustermann@firma.example")


def test_email_plus() -> None:
    assert only(replace(HONEST, email="max.mustermann+xp@firma.example")) == Signal(
        "email_plus", 35, "invitee e-mail max.mustermann+xp@firma.example is referrer's "
        "max.mustermann@firma.example with a +tag")
    # both tagged alike, one mailbox
    assert kinds(replace(HONEST, email="max.mustermann+b@firma.example"),
                 replace(REFERRER, email="max.mustermann+a@firma.example")) == ["email_plus"]
    # absent: another mailbox with a tag
    assert kinds(replace(HONEST, email="maxi.mustermann+xp@firma.example")) == []


def test_email_dots() -> None:
    assert only(replace(HONEST, email="m.a.x.mustermann@firma.example")) == Signal(
        "email_dots", 35, "invitee e-mail m.a.x.mustermann@firma.example is referrer's "
        "max.mustermann@firma.example with its dots moved")
    # absent: the dots moved, but at another domain (and no other sign)
    assert kinds(replace(HONEST, email="m.a.x.mustermann@andere.example")) == []


def test_email_lookalike() -> None:
    assert only(replace(HONEST, email="rnax.mustermann@firma.example")) == Signal(
        "email_lookalike", 30, "invitee e-mail rnax.mustermann@firma.example is referrer's "
        "max.mustermann@firma.example with look-alike letters")
    assert kinds(replace(HONEST, email="max.mustermann1@firma.example")) == ["email_lookalike"]
    assert kinds(replace(HONEST, email="max.rnusterrnann@firma.example")) == [
        "email_lookalike"]
    # absent: a namesake colleague's address (the shop numbers them from 2)
    assert kinds(replace(HONEST, email="max.mustermann2@firma.example")) == []


def test_email_other_domain() -> None:
    assert only(replace(HONEST, email="max.mustermann@freemail.example")) == Signal(
        "email_other_domain", 20, "invitee e-mail max.mustermann@freemail.example is "
        "referrer's max.mustermann@firma.example at another domain")
    # absent: a generic mailbox at two companies, and another local part
    for generic in ("info", "office", "einkauf", "buchhaltung", "kontakt", "service", "mail",
                    "admin", "post"):
        assert kinds(replace(HONEST, email=f"{generic}@andere.example"),
                     replace(REFERRER, email=f"{generic.upper()}@firma.example")) == [], generic
    assert kinds(replace(HONEST, email="max.muster@freemail.example")) == []


# --------------------------------------------------------------------------- the person


def test_same_name() -> None:
    referrer = replace(REFERRER, name="Jürgen Müller-Weiß")
    assert only(replace(HONEST, name="  MUELLER-WEISS,   juergen "), referrer) == Signal(
        "same_name", 20, "invitee name   MUELLER-WEISS,   juergen  is referrer's "
        "Jürgen Müller-Weiß")
    assert kinds(replace(HONEST, name="Weiß Müller Jürgen"), referrer) == ["same_name"]
    # absent: another vowel, or the initial only
    assert kinds(replace(HONEST, name="Jürgen Möller-Weiß"), referrer) == []
    assert kinds(replace(HONEST, name="J. Müller-Weiß"), referrer) == []


def test_same_address() -> None:
    moved = Address("HAUPTSTR. 5", "10115", "berlin")
    assert only(replace(HONEST, addresses=(HONEST.addresses[0], moved))) == Signal(
        "same_address", 25, "invitee delivery address HAUPTSTR. 5, 10115 berlin is "
        "referrer's Hauptstraße 5, 10115 Berlin")
    assert kinds(replace(HONEST, addresses=(Address("Haupt strasse 5", "10115", "Berlin"),))
                 ) == ["same_address"]
    # absent: another house number, another city, another country
    assert kinds(replace(HONEST, addresses=(Address("Hauptstraße 7", "10115", "Berlin"),))
                 ) == []
    assert kinds(replace(HONEST, addresses=(Address("Hauptstraße 5", "10115", "Berlin",
                                                    "AT"),))) == []


def test_same_phone() -> None:
    assert only(replace(HONEST, phone="0171 2345678")) == Signal(
        "same_phone", 20, "invitee phone 0171 2345678 is referrer's +49 171 2345678")
    assert kinds(replace(HONEST, phone="0049 (0)171 / 234 56 78")) == ["same_phone"]
    assert kinds(replace(HONEST, phone="+49 171 2345678")) == ["same_phone"]
    # absent: one digit off, or an Austrian number with the same digits
    assert kinds(replace(HONEST, phone="0171 2345679")) == []
    assert kinds(replace(HONEST, phone="+43 171 2345678")) == []
    assert kinds(replace(HONEST, phone=None), replace(REFERRER, phone=None)) == []


def test_same_billing_account_only_across_organisations() -> None:
    assert only(replace(HONEST, billing_account="BA-1")) == Signal(
        "same_billing_account", 15, "invitee's billing account BA-1 is referrer's BA-1, "
        "though invitee is in organisation ORG-2 and referrer in ORG-1")
    # T2.4: colleagues of one organisation share its billing account: no sign
    assert kinds(replace(HONEST, organisation="ORG-1", billing_account="BA-1")) == []
    assert kinds(replace(HONEST, billing_account="BA-3")) == []


def test_same_payment() -> None:
    assert only(replace(HONEST, payment_fingerprints=("pm-i", "pm-r"))) == Signal(
        "same_payment", 30, "invitee paid with payment fingerprint pm-r, which the referrer "
        "paid with too")
    assert kinds(replace(HONEST, payment_fingerprints=("pm-x",))) == []
    assert kinds(replace(HONEST, payment_fingerprints=())) == []


def test_same_ip() -> None:
    assert only(replace(HONEST, signup_ip="192.0.2.10")) == Signal(
        "same_ip", 15, "invitee signed up from IP 192.0.2.10, as the referrer did "
        "(192.0.2.10)")
    assert kinds(replace(HONEST, signup_ip="2001:0db8:0000::0001"),
                 replace(REFERRER, signup_ip="2001:db8::1")) == ["same_ip"]
    assert kinds(replace(HONEST, signup_ip="192.0.2.11")) == []
    assert kinds(replace(HONEST, signup_ip=None), replace(REFERRER, signup_ip=None)) == []


def test_same_device() -> None:
    assert only(replace(HONEST, device_fingerprint="dfp-r")) == Signal(
        "same_device", 30, "invitee signed up on device dfp-r, as the referrer did")
    assert kinds(replace(HONEST, device_fingerprint="dfp-x")) == []
    assert kinds(replace(HONEST, device_fingerprint=None),
                 replace(REFERRER, device_fingerprint=None)) == []


def test_first_order_placed_or_paid_by_the_referrer() -> None:
    placed = FirstOrder("XO-2025-000017", placed_by="XR-1", paid_by=None)
    assert only(HONEST, first=placed) == Signal(
        "first_order_placed_by_referrer", 40,
        "invitee's first order XO-2025-000017 was placed by the referrer XR-1")
    paid = FirstOrder("XO-2025-000017", placed_by="XR-2", paid_by="XR-1")
    assert only(HONEST, first=paid) == Signal(
        "first_order_paid_by_referrer", 40,
        "invitee's first order XO-2025-000017 was paid by the referrer XR-1")
    # absent: placed and paid by the invitee, by a third account, or not known
    assert kinds(HONEST, first=FirstOrder("XO-1", placed_by="XR-9", paid_by="XR-9")) == []
    assert kinds(HONEST, first=FirstOrder("XO-1")) == []


# --------------------------------------------------------------------------- colleagues


def test_colleagues_share_their_workplace_without_a_sign() -> None:
    """T2.4: a colleague of one organisation, on one billing account, at the office's
    address, from the office's network, with the company card: no signal from that."""
    colleague = replace(HONEST, organisation="ORG-1", billing_account="BA-1",
                        addresses=(Address("Hauptstr. 5", "10115", "Berlin"),),
                        signup_ip="192.0.2.10", payment_fingerprints=("pm-r",))
    assert score(REFERRER, colleague, None) == []
    # in another organisation, the same facts are signs
    stranger = replace(colleague, organisation="ORG-2", billing_account="BA-2")
    assert kinds(stranger) == ["same_payment", "same_address", "same_ip"]
    # between colleagues, alongside a personal sign (the same device), they count too
    same_device = replace(colleague, device_fingerprint="dfp-r")
    assert kinds(same_device) == ["same_device", "same_payment", "same_address", "same_ip"]


def test_a_planted_self_referral_scores_the_sum_of_its_signals() -> None:
    invitee = replace(HONEST, name="Max Mustermann", email="max.mustermann+bonus@firma.example",
                      phone="0171 2345678", payment_fingerprints=("pm-r",))
    first = FirstOrder("XO-1", placed_by="XR-1", paid_by="XR-1")
    found = score(REFERRER, invitee, first)
    assert [(s.kind, s.weight) for s in found] == [
        ("email_plus", 35), ("first_order_placed_by_referrer", 40),
        ("first_order_paid_by_referrer", 40), ("same_payment", 30), ("same_name", 20),
        ("same_phone", 20)]
    assert sig.total(found) == 185


# --------------------------------------------------------------------------- over HTTP


def _signals_in_feed(server: Server) -> dict[str, dict[str, Any] | None]:
    """The last state of every abuse_signal record in the feed, by id."""
    last: dict[str, dict[str, Any] | None] = {}
    for change in server.changes("clara"):
        if change["kind"] == "abuse_signal":
            last[change["id"]] = change["data"]
    return last


def _self_referral(server: Server) -> None:
    """XR-1 (ORG-1) refers XR-2, itself under a look-alike e-mail in a one-person company
    of its own, with its phone and device; XR-3, a colleague at the same office, is an
    honest referral."""
    shop = server.as_("shop")
    office = {"street": "Hauptstraße 5", "postcode": "10115", "city": "Berlin"}
    register(server, "XR-1", name="Max Mustermann", email="max.mustermann@firma.example",
             phone="+49 171 2345678", device_fingerprint="dfp-max", signup_ip="192.0.2.10",
             addresses=[office])
    shop.ok({"type": "order_placed", "order": "O-1", "account": "XR-1",
             "placed_at": server.clock.now().isoformat(), "net": "100.00",
             "payment_fingerprint": "pm-max"}, shop=True)
    shop.ok({"type": "order_paid", "order": "O-1"}, shop=True)
    shop.ok({"type": "order_delivered", "order": "O-1"}, shop=True)  # XR-1 may refer (R17)
    with server.store.session() as s:
        code = s.get(m.AccountRow, "XR-1").referral_code  # type: ignore[union-attr]
    register(server, "XR-2", org="ORG-2", billing="BA-2", name="M. Mustermann",
             email="rnax.mustermann@firma.example", phone="0171 2345678",
             device_fingerprint="dfp-max", signup_ip="198.51.100.7", referral_code=code)
    register(server, "XR-3", name="Erika Beispiel", email="erika.beispiel@firma.example",
             phone="+49 30 1234567-12", device_fingerprint="dfp-erika",
             signup_ip="192.0.2.10", addresses=[office], referral_code=code)
    earn(server, "XR-3", "O-3", "80.00")


def test_signals_reach_the_feed_with_their_evidence_and_rank_the_pair_first(
        server: Server) -> None:
    _self_referral(server)
    at_registration = {d["kind"]: d for d in _signals_in_feed(server).values() if d}
    assert {k: (d["referrer"], d["invitee"], d["weight"]) for k, d in
            at_registration.items()} == {
        "email_lookalike": ("XR-1", "XR-2", 30), "same_device": ("XR-1", "XR-2", 30),
        "same_phone": ("XR-1", "XR-2", 20)}
    assert at_registration["email_lookalike"]["evidence"] == (
        "invitee e-mail rnax.mustermann@firma.example is referrer's "
        "max.mustermann@firma.example with look-alike letters")
    assert at_registration["same_phone"]["evidence"] == (
        "invitee phone 0171 2345678 is referrer's +49 171 2345678")

    # the invitee's first order, placed and paid by the referrer with the referrer's card
    shop = server.as_("shop")
    placed = shop.ok({"type": "order_placed", "order": "O-2", "account": "XR-2",
                      "placed_at": server.clock.now().isoformat(), "net": "200.00",
                      "use_discount": True, "placed_by": "XR-1"}, shop=True)
    assert "abuse_signal" in {t["kind"] for t in placed["touched"]}
    shop.ok({"type": "order_paid", "order": "O-2", "paid_by": "XR-1",
             "payment_fingerprint": "pm-max"}, shop=True)
    shop.ok({"type": "order_delivered", "order": "O-2"}, shop=True)

    feed = {d["kind"]: d for d in _signals_in_feed(server).values() if d}
    assert {k: d["weight"] for k, d in feed.items()} == {
        "email_lookalike": 30, "same_device": 30, "same_phone": 20,
        "first_order_placed_by_referrer": 40, "first_order_paid_by_referrer": 40,
        "same_payment": 30}
    assert feed["first_order_paid_by_referrer"]["evidence"] == (
        "invitee's first order O-2 was paid by the referrer XR-1")
    assert feed["same_payment"]["evidence"] == (
        "invitee paid with payment fingerprint pm-max, which the referrer paid with too")
    assert all(d["invitee"] == "XR-2" for d in feed.values())  # XR-3 has none

    queue = server.as_("clara").get("/abuse/referrals", min_score=0, limit=10)
    assert queue.status_code == 200, queue.text
    body = queue.json()
    assert body["total"] == 2 and body["min_score"] == 0
    first, second = body["referrals"]
    assert (first["referrer"]["id"], first["invitee"]["id"], first["score"]) == (
        "XR-1", "XR-2", 190)
    assert first["referrer"]["name"] == "Max Mustermann"
    assert first["invitee"]["name"] == "M. Mustermann"
    assert [(s["kind"], s["weight"]) for s in first["signals"]] == [
        ("first_order_paid_by_referrer", 40), ("first_order_placed_by_referrer", 40),
        ("email_lookalike", 30), ("same_device", 30), ("same_payment", 30),
        ("same_phone", 20)]
    assert first["case_open"] is False and first["open_cases"] == []
    # the honest colleague scores 0 (T2.4: office, office network, organisation, billing)
    assert (second["invitee"]["id"], second["score"], second["signals"]) == ("XR-3", 0, [])
    # by default only referrals with a sign, highest first
    default = server.as_("tessa").get("/abuse/referrals").json()
    assert [r["invitee"]["id"] for r in default["referrals"]] == ["XR-2"]
    assert server.as_("clara").get("/abuse/referrals", min_score=191).json() == {
        "min_score": 191, "total": 0, "referrals": []}

    # a case on the referral shows in the queue
    server.as_("clara").ok({"type": "open_abuse_case", "account": "XR-2",
                            "on_referral": True})
    again = server.as_("clara").get("/abuse/referrals").json()["referrals"][0]
    assert again["case_open"] is True and again["open_cases"] == ["AC-00001"]


@pytest.mark.parametrize("who", ["anna", "shop"])
def test_the_queue_is_for_compliance_and_team_leads(server: Server, who: str) -> None:
    answer = server.as_(who).get("/abuse/referrals")
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"


def test_signals_no_longer_true_are_deleted_and_the_feed_says_so(server: Server) -> None:
    _self_referral(server)
    shop = server.as_("shop")
    shop.ok({"type": "order_placed", "order": "O-2", "account": "XR-2",
             "placed_at": server.clock.now().isoformat(), "net": "200.00",
             "placed_by": "XR-1"}, shop=True)
    with server.store.session() as s:
        placed = s.scalars(select(m.AbuseSignal.id).where(
            m.AbuseSignal.kind == "first_order_placed_by_referrer")).one()
    # R18: cancelled in full before completion, O-2 is no first order; O-4 is, placed by
    # the invitee itself
    shop.ok({"type": "order_cancelled", "order": "O-2"}, shop=True)
    earn(server, "XR-2", "O-4", "50.00")
    feed = _signals_in_feed(server)
    assert feed[str(placed)] is None  # deleted, as the feed tells every desktop
    assert sorted(d["kind"] for d in feed.values() if d) == [
        "email_lookalike", "same_device", "same_phone"]
    with server.store.session() as s:
        assert sorted(s.scalars(select(m.AbuseSignal.kind))) == [
            "email_lookalike", "same_device", "same_phone"]
        # what the handlers kept is what scoring the whole store again says
        savepoint = s.begin_nested()
        for invitee in ("XR-2", "XR-3"):
            assert sig.rescore(s, invitee, server.clock.now()).changed == ()
        savepoint.rollback()
