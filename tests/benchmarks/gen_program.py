"""A generated program for the sync benchmark: a server store of N accounts with two
years of history and its change feed, written in bulk. Not part of CI.

    .venv/bin/python tests/benchmarks/gen_program.py --accounts 100000 --data-dir DIR
    .venv/bin/xrewards-desk serve --db DIR/server.sqlite --data-dir DIR   # then serve it

Identifiers are given as a shop gives them: customer numbers in the order of
registration, organisations in the order of founding, order numbers by the day placed.
The store is made by ``Store.open`` (every migration), the staff (anna, ben, tessa, tomasz,
clara, shop; one password, printed) through the server's own ``Service.add_user``; the
rest with raw ``executemany`` on the sqlite3 connection in one transaction, the search
index's triggers suspended meanwhile (migration 0004) and the index rebuilt at the end.

What is in it (seeded, relative to today): organisations of 1 to 9 accounts with one or
two billing accounts and German names (the lists of ``bench_search.py``); each account
registered within the last two years with an address, a phone, a referral code, sign-up
IP and device, about one in six through a colleague's referral (with the invitee's
discount code, used on the first order while valid); 0 to 7 orders (mean about 2.6),
placed, paid and delivered over days (7 % cancelled in full before completion, each
cancellation kept as the server keeps it, a discount code it used coming back, R18; 2 %
still open),
each completed one credited at the tier held before it (R7, R8: floor(base × rate)),
with its lot (usable twelve months, R9), ``earn`` entry and ``credit`` notice stating the
balance and every lot held; one order in five with enough points paying with points
(``redemption`` entries drawing lots oldest first, R13); every lot that expired by now
with points left expired at its instant (``expiry`` entry and notice, R10), so nothing is
due when the server starts; one e-mail case per 100 accounts with one to three mails and
a note, and an objection to a notice on one case in five.

The change feed holds what the reference server would have appended: each record's whole
state after each step (an account after its registration and after each completed order,
an order when placed, paid, completed or cancelled, each lot whenever its remaining
points change, ...), in the order of time over all accounts (so a page holds many
accounts, as a real feed does). Each change's ``data`` is the JSON its contract model
dumps (``model_dump(mode="json")``), every field of it as the server's feed writes it; a
sample of every kind (``--check N`` per kind, all with ``--check 0``) is validated against
its contract model, compared with that model's own dump, and compared with what the
server's feed loaders (ORM and Core) read back from the tables; as many of each kind's
earlier states are compared with their model's dump too.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import (
    BILLING,
    CITIES,
    DOMAINS,
    FIRST_NAMES,
    LEGAL,
    TRADES,
    _cumulative,
    email_local,
    referral_code,
    weighted_surnames,
)

from xrewards_desk.domain.calendar import lot_expiry, usable_until
from xrewards_desk.store import folding
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.store.folding import fold

SEED = 20261122
PASSWORD = "bench-program-password"
STAFF = (("anna", "agent", "Anna Becker"), ("ben", "agent", "Ben Schuster"),
         ("tessa", "team_lead", "Tessa Lindqvist"), ("tomasz", "team_lead", "Tomasz Nowak"),
         ("clara", "compliance", "Clara Dupont"), ("shop", "service", "Shop-System"))
CENT = Decimal("0.01")
STREETS = ("Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schulstraße", "Mühlenweg",
           "Lindenallee", "Am Markt", "Kirchplatz", "Industriestraße", "Großer Ring")
SUBJECTS = ("Punkte fehlen nach Bestellung", "Frage zu meinem Punktestand",
            "Verfall von X-Points", "Übertragung an Kollegin", "Rabattcode funktioniert nicht")

KINDS = ("organisation", "billing_account", "account", "discount", "order", "lot", "entry",
         "notice", "mail_case", "mail_message", "case_note", "objection")


# --------------------------------------------------------------------------- formats


def wire(t: datetime) -> str:
    """An instant as the contract dumps it (UTC, "Z")."""
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def stored(t: datetime) -> str:
    """An instant as the store keeps it on SQLite (SQLAlchemy's DATETIME, UTC)."""
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")


def money(d: Decimal) -> str:
    return f"{d:.2f}"


def cents(d: Decimal) -> int:
    return int(d / CENT)


# --------------------------------------------------------------------------- accounts


@dataclass
class Lot:
    id: str
    seq: int
    credited_at: datetime
    usable_until: date
    expires_at: datetime
    points: int
    source_ref: str
    remaining: int = 0
    redeemed: int = 0

    def record(self, account: str) -> dict[str, Any]:
        return {"id": self.id, "account": account, "seq": self.seq,
                "credited_at": wire(self.credited_at),
                "usable_until": self.usable_until.isoformat(),
                "expires_at": wire(self.expires_at), "points": self.points,
                "remaining": self.remaining, "source_kind": "order",
                "source_ref": self.source_ref, "root": self.id, "parent": None,
                "redeemed": self.redeemed, "void_claimant": None}


@dataclass
class Order:
    id: str
    placed_at: datetime
    net: Decimal
    paid_at: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    discount: Decimal = Decimal("0.00")
    cancelled: Decimal = Decimal("0.00")
    redeemed: int = 0
    credited: int = 0
    spend_added: Decimal = Decimal("0.00")
    cancel_at: datetime | None = None
    earning: bool = False
    rate: int = 0
    lot_id: str | None = None
    redemption: list[list[Any]] = field(default_factory=list)
    #: each cancellation as the server keeps it (migration 0012): when, EUR, in full
    cancellations: list[tuple[datetime, Decimal, bool]] = field(default_factory=list)

    def record(self, account: str) -> dict[str, Any]:
        """Every field of the contract's Order, in its order, as the feed dumps it."""
        return {"id": self.id, "account": account, "placed_at": wire(self.placed_at),
                "placed_by": None, "paid_by": None, "payment_fingerprint": None,
                "net": money(self.net), "discount": money(self.discount),
                "cancelled": money(self.cancelled),
                "cancellations": [{"at": wire(at), "amount": money(amount), "in_full": full}
                                  for at, amount, full in self.cancellations],
                "redeemed": self.redeemed,
                "redemption": [{"lot": lot, "points": points}
                               for lot, points in self.redemption],
                "paid_at": self.paid_at and wire(self.paid_at),
                "delivered_at": self.delivered_at and wire(self.delivered_at),
                "completed_at": self.completed_at and wire(self.completed_at),
                "earning": self.earning, "rate": self.rate, "credited": self.credited,
                "lot": self.lot_id, "spend_added": money(self.spend_added),
                "bonus_account": None, "bonus_lot": None, "bonus_credited": 0}


class Program:
    """The rows of every table and the change feed, built in memory, then written."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.start = now - timedelta(days=730)
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        #: (stored instant, tiebreak, kind, record id, data as JSON)
        self.changes: list[tuple[str, int, str, str, str]] = []
        self.n = 0
        self.order_no = 0
        self.case_no = 0
        self.message_no = 0
        self.note_no = 0
        self.objection_no = 0
        self.registered: list[tuple[str, datetime]] = []
        surnames, weights = weighted_surnames(self.rng)
        self._surnames, self._cum = surnames, list(_cumulative(weights))

    def change(self, at: datetime, kind: str, key: str, data: dict[str, Any]) -> None:
        self.n += 1
        self.changes.append((stored(at), self.n, kind, key, json.dumps(data)))

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._cum)[0]

    def moment(self, after: datetime, days: float) -> datetime:
        return after + timedelta(seconds=int(self.rng.uniform(0.01, days) * 86400))

    # ----------------------------------------------------------------- organisations
    def plan(self, accounts: int, seed: int) -> list[tuple[int, datetime,
                                                           list[tuple[int, datetime]]]]:
        """Who registers when, before anything else is drawn: organisations of 1 to 9
        accounts, each founded within the two years and its accounts registered after
        that; then numbered as a shop numbers them, organisations by founding and
        customer numbers by registration. Returns (organisation number, founded, [(customer
        number, registered)]) per organisation."""
        rng = random.Random(seed ^ 0x5EED)
        drafts: list[tuple[datetime, list[datetime]]] = []
        left = accounts
        while left:
            founded = self.start + timedelta(seconds=int(rng.uniform(0.01, 700) * 86400))
            span = max(1.0, (self.now - founded).days - 1)
            size = min(left, rng.randint(1, 9))
            drafts.append((founded, [founded + timedelta(
                seconds=int(rng.uniform(0.01, span) * 86400)) for _ in range(size)]))
            left -= size
        by_time = sorted((when, o, m) for o, (_, members) in enumerate(drafts)
                         for m, when in enumerate(members))
        numbers = {(o, m): n for n, (_, o, m) in enumerate(by_time, 1)}
        founding = sorted(range(len(drafts)), key=lambda o: drafts[o][0])
        org_numbers = {o: n for n, o in enumerate(founding, 1)}
        return [(org_numbers[o], founded, [(numbers[(o, m)], when)
                                           for m, when in enumerate(members)])
                for o, (founded, members) in enumerate(drafts)]

    def organisation(self, number: int, founded: datetime,
                     members: list[tuple[int, datetime]]) -> None:
        rng = self.rng
        org_id = f"ORG-{number:07d}"
        city = rng.choice(CITIES)
        boss = self.surname()
        style = rng.random()
        if style < 0.45:
            name = f"{boss} {rng.choice(LEGAL)}"
        elif style < 0.75:
            name = f"{rng.choice(TRADES)} {boss}"
        elif style < 0.9:
            name = f"{boss} & {self.surname()} {rng.choice(LEGAL)}"
        else:
            name = f"{rng.choice(TRADES)} {city}"
        self.rows["organisations"].append((org_id, name))
        self.change(founded, "organisation", org_id, {"id": org_id, "name": name})
        billing = []
        for b in range(1, rng.choice((1, 1, 1, 2)) + 1):
            billing_id = f"BA-{number:07d}-{b}"
            label = rng.choice(BILLING).format(city=rng.choice(CITIES), n=rng.randint(1, 999))
            billing.append(billing_id)
            self.rows["billing_accounts"].append((billing_id, org_id, label))
            self.change(founded, "billing_account", billing_id,
                        {"id": billing_id, "organisation": org_id, "name": label})
        for account_number, registered in members:
            self.account(account_number, registered, org_id, rng.choice(billing), boss,
                         number, city)

    # ----------------------------------------------------------------- one account
    def account(self, number: int, registered: datetime, org_id: str, billing_id: str,
                boss: str, org_no: int, city: str) -> None:
        rng = self.rng
        account_id = f"XR-{number:07d}"
        first = rng.choice(FIRST_NAMES)
        last = boss if rng.random() < 0.25 else self.surname()
        if rng.random() < 0.5:
            email = f"{email_local(first, last)}{rng.randint(1, 9999)}@{rng.choice(DOMAINS)}"
        else:
            domain = email_local("", boss).strip(".") + "-" + str(org_no)
            email = f"{email_local(first[0], last)}@{domain}.de"
        referred_by = None
        if self.registered and rng.random() < 0.17:
            candidate, when = rng.choice(self.registered[-2000:])
            if when < registered:
                referred_by = candidate
        self.registered.append((account_id, registered))
        address = {"street": f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
                   "postcode": f"{rng.randint(1067, 99998):05d}", "city": city,
                   "country": "DE"}
        state: dict[str, Any] = {
            "id": account_id, "organisation": org_id, "billing_account": billing_id,
            "name": f"{first} {last}", "email": email,
            "phone": f"+49 1{rng.randint(50, 79)} {rng.randint(1_000_000, 99_999_999)}",
            "language": "de" if rng.random() < 0.9 else "en", "addresses": [address],
            "registered_at": wire(registered), "status": "active", "status_at": None,
            "referral_code": f"XP-{referral_code(number)}", "referred_by": referred_by,
            "referral_void": False,
            "signup_ip": f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "device_fingerprint": f"dfp-{rng.getrandbits(64):016x}", "spend": "0.00",
            "debt": 0, "claims": "0.00", "has_completed_order": False, "first_order": None,
            "notice_at": None, "unapproved_adjustments": [], "version": 1}
        self.change(registered, "account", account_id, dict(state))
        discount: dict[str, Any] | None = None
        if referred_by is not None:
            discount = {"account": account_id, "code": f"R10-{account_id}",
                        "registered_at": wire(registered),
                        "valid_until": usable_until(registered).isoformat(),
                        "used_on": None, "voided": False}
            self.change(registered, "discount", account_id, dict(discount))
        discount_ends = lot_expiry(registered)

        # the orders, and each step of each, in the order of time
        orders: list[Order] = []
        steps: list[tuple[datetime, int, str, Order]] = []
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 7))):
            self.order_no += 1
            placed = self.moment(registered, max(0.5, (self.now - registered).days))
            net = (Decimal(rng.randint(2_000, 600_000)) * CENT) if rng.random() < 0.9 \
                else Decimal(rng.randint(600_000, 4_000_000)) * CENT
            # numbered by the day placed, as a shop numbers them
            order = Order(f"WO-{placed:%Y%m%d}-{self.order_no:07d}", placed, net)
            orders.append(order)
            steps.append((placed, 0, "placed", order))
            fate = rng.random()
            paid = self.moment(placed, 2)
            done = self.moment(paid, 5)
            if fate < 0.07:
                order.cancel_at = self.moment(placed, 1)
                if order.cancel_at < self.now:
                    steps.append((order.cancel_at, 1, "cancelled", order))
            elif fate < 0.09 or done >= self.now:
                if paid < self.now:
                    steps.append((paid, 1, "paid", order))
            else:
                steps.append((paid, 1, "paid", order))
                steps.append((done, 2, "completed", order))
        steps.sort(key=lambda s: (s[0], s[1]))

        lots: list[Lot] = []
        sent: list[tuple[str, datetime]] = []  # the notices, with when each was sent
        counters = {"lot": 0, "entry": 0, "notice": 0}
        spend = Decimal("0.00")

        def balance(at: datetime) -> int:
            return sum(x.remaining for x in lots if x.expires_at > at)

        def figures(at: datetime) -> list[dict[str, Any]]:
            return [{"lot": x.id, "remaining": x.remaining,
                     "usable_until": x.usable_until.isoformat()}
                    for x in lots if x.remaining > 0 and x.expires_at > at]

        def entry(at: datetime, kind: str, points: int, ref: str,
                  allocations: list[tuple[str, int]]) -> str:
            counters["entry"] += 1
            seq = counters["entry"]
            entry_id = f"{account_id}/E{seq}"
            source = "expiry" if kind == "expiry" else "order"
            self.rows["ledger_entries"].append(
                (entry_id, account_id, seq, stored(at), kind, points, source, ref, ""))
            for i, (lot_id, pts) in enumerate(allocations):
                self.rows["lot_allocations"].append((entry_id, i, lot_id, pts))
            self.change(at, "entry", entry_id, {
                "id": entry_id, "account": account_id, "seq": seq, "at": wire(at),
                "type": kind, "points": points, "source_kind": source, "source_ref": ref,
                "note": "", "allocations": [{"lot": lot_id, "points": pts}
                                            for lot_id, pts in allocations]})
            return entry_id

        def notice(at: datetime, kind: str, entry_id: str, points: int) -> None:
            counters["notice"] += 1
            seq = counters["notice"]
            notice_id = f"{account_id}/N{seq}"
            lots_now = figures(at)
            held = balance(at)
            sent.append((notice_id, at))
            self.rows["notices"].append(
                (notice_id, account_id, seq, kind, stored(at), entry_id, points, held))
            for i, f in enumerate(lots_now):
                self.rows["notice_lots"].append(
                    (notice_id, i, f["lot"], f["remaining"], f["usable_until"]))
            self.change(at, "notice", notice_id, {
                "id": notice_id, "account": account_id, "seq": seq, "kind": kind,
                "sent_at": wire(at), "entry": entry_id, "points": points,
                "balance": held, "lots": lots_now})

        def expire(until: datetime) -> None:
            """R10: each lot that expired by `until` with points left, at its instant."""
            for lot in sorted((x for x in lots if x.remaining and x.expires_at <= until),
                              key=lambda x: (x.expires_at, x.seq)):
                left = lot.remaining
                lot.remaining = 0
                self.change(lot.expires_at, "lot", lot.id, lot.record(account_id))
                made = entry(lot.expires_at, "expiry", -left, lot.id, [(lot.id, left)])
                notice(lot.expires_at, "expiry", made, -left)

        for at, _, step, order in steps:
            expire(at)
            if step == "placed":
                if discount is not None and discount["used_on"] is None \
                        and at < discount_ends:
                    order.discount = (order.net / 10).quantize(CENT)
                    discount["used_on"] = order.id
                    self.change(at, "discount", account_id, dict(discount))
                held = balance(at)
                if held >= 500 and order.cancel_at is None and rng.random() < 0.2:
                    limit = int((order.net - order.discount) * 100)
                    want = min(held, limit, rng.randint(500, max(500, held)))
                    taken: list[tuple[str, int]] = []
                    for lot in sorted((x for x in lots if x.remaining and x.expires_at > at),
                                      key=lambda x: (x.credited_at, x.seq)):
                        if want == 0:
                            break
                        part = min(lot.remaining, want)
                        lot.remaining -= part
                        lot.redeemed += part
                        want -= part
                        taken.append((lot.id, part))
                        self.change(at, "lot", lot.id, lot.record(account_id))
                    order.redeemed = sum(p for _, p in taken)
                    order.redemption = [[lot_id, p] for lot_id, p in taken]
                    entry(at, "redemption", -order.redeemed, order.id, taken)
                self.change(at, "order", order.id, order.record(account_id))
            elif step == "paid":
                order.paid_at = at
                self.change(at, "order", order.id, order.record(account_id))
            elif step == "cancelled":
                order.cancelled = order.net - order.discount
                order.cancellations.append((at, order.cancelled, True))
                self.change(at, "order", order.id, order.record(account_id))
                if discount is not None and discount["used_on"] == order.id:
                    discount["used_on"] = None  # R18: cancelled in full, the code comes back
                    self.change(at, "discount", account_id, dict(discount))
            else:  # completed: credited at the tier held before (R7, R8)
                order.delivered_at = order.completed_at = at
                base = max(Decimal("0.00"),
                           order.net - order.discount - Decimal(order.redeemed) * CENT)
                rate = 1 if spend < 20_000 else 2 if spend < 70_000 else 3
                points = int((base * rate).to_integral_value(rounding=ROUND_DOWN))
                spend += base
                order.spend_added = base
                order.credited = points
                order.earning = True
                order.rate = rate
                lot = None
                if points:  # the order's record names the lot its credit made
                    counters["lot"] += 1
                    lot = Lot(f"{account_id}/L{counters['lot']}", counters["lot"], at,
                              usable_until(at), lot_expiry(at), points, order.id,
                              remaining=points)
                    lots.append(lot)
                    order.lot_id = lot.id
                self.change(at, "order", order.id, order.record(account_id))
                if lot is not None:
                    self.change(at, "lot", lot.id, lot.record(account_id))
                    made = entry(at, "earn", points, order.id, [(lot.id, points)])
                    notice(at, "credit", made, points)
                state["spend"] = money(spend)
                if not state["has_completed_order"]:
                    state["has_completed_order"] = True
                    if referred_by is not None:
                        state["first_order"] = order.id
                state["version"] += 1
                self.change(at, "account", account_id, dict(state))
        expire(self.now)

        s = state
        self.rows["accounts"].append((
            account_id, org_id, billing_id, s["name"], s["email"], s["email"].casefold(),
            s["phone"], s["language"], stored(registered), "active", None,
            s["referral_code"], referred_by, 0, s["signup_ip"], s["device_fingerprint"],
            cents(spend), 0, 0, counters["lot"] + 1, counters["entry"] + 1,
            counters["notice"] + 1, int(s["has_completed_order"]), s["first_order"], "[]",
            None, "[]", s["version"]))
        self.rows["delivery_addresses"].append((
            account_id, address["street"], address["postcode"], address["city"],
            address["country"],
            fold(f"{address['street']} {address['postcode']} {address['city']} "
                 f"{address['country']}")))
        if discount is not None:
            self.rows["discount_codes"].append((
                account_id, discount["code"], stored(registered), discount["valid_until"],
                discount["used_on"], 0))
        for o in orders:
            self.rows["orders"].append((
                o.id, account_id, stored(o.placed_at), None, None, None, cents(o.net),
                cents(o.discount), cents(o.cancelled), o.redeemed, json.dumps(o.redemption),
                o.paid_at and stored(o.paid_at), o.delivered_at and stored(o.delivered_at),
                o.completed_at and stored(o.completed_at), int(o.earning),
                o.rate, o.credited, o.lot_id, cents(o.spend_added), None, None, 0))
            for seq, (at, amount, full) in enumerate(o.cancellations, 1):
                self.rows["order_cancellations"].append(
                    (o.id, seq, stored(at), cents(amount), int(full)))
        for x in lots:
            self.rows["lots"].append((
                x.id, account_id, x.seq, stored(x.credited_at), x.usable_until.isoformat(),
                stored(x.expires_at), x.points, x.remaining, "order", x.source_ref, x.id,
                None, x.redeemed, "[]", None))
        if self.rng.random() < 0.01:
            self.mail_case(account_id, s, registered, sent)

    # ----------------------------------------------------------------- the desk's work
    def mail_case(self, account_id: str, state: dict[str, Any], registered: datetime,
                  sent: list[tuple[str, datetime]]) -> None:
        rng = self.rng
        self.case_no += 1
        case = self.case_no
        opened = self.moment(registered, max(1.0, (self.now - registered).days - 1))
        subject = rng.choice(SUBJECTS)
        status = rng.choice(("new", "open", "waiting", "closed"))
        record = {"id": case, "subject": subject, "status": "new", "account": None,
                  "assigned_to": None, "opened_at": wire(opened), "version": 1}
        self.change(opened, "mail_case", str(case), dict(record))
        at = opened
        first_mid = None
        for n in range(rng.randint(1, 3)):
            self.message_no += 1
            outgoing = n % 2 == 1
            mid = f"<{self.message_no}.{case}@{'x-points' if outgoing else 'kunde'}.example>"
            references = [first_mid] if first_mid else []
            sender = "rewards@x-points.example" if outgoing else state["email"]
            body = (f"Guten Tag,\n\nzu meinem X-Konto {account_id}: {subject.lower()}.\n\n"
                    f"Mit freundlichen Grüßen\n{state['name']}")
            message = {"id": self.message_no, "case": case, "message_id": mid,
                       "in_reply_to": first_mid, "references": references,
                       "outgoing": outgoing, "received_at": wire(at),
                       "received_from": "received", "channel": "email", "sender": sender,
                       "subject": subject if n == 0 else f"Re: {subject}", "body": body,
                       "attachments": [], "send_state": None, "send_detail": "",
                       "send_attempts": 0, "send_at": None, "queued_at": None, "to": None}
            self.rows["mail_messages"].append((
                self.message_no, case, mid, first_mid, json.dumps(references), int(outgoing),
                stored(at), "received", sender, message["subject"], body))
            self.change(at, "mail_message", str(self.message_no), message)
            first_mid = first_mid or mid
            at = self.moment(at, 2)
        record.update(status=status, account=account_id, assigned_to="anna", version=2)
        self.change(at, "mail_case", str(case), dict(record))
        self.rows["mail_cases"].append((case, subject, status, account_id, "anna",
                                        stored(opened), 2))
        self.note_no += 1
        text = "Kunde zurückgerufen, Punktestand erklärt."
        self.rows["case_notes"].append((self.note_no, case, stored(at), "anna", text))
        self.change(at, "case_note", str(self.note_no), {
            "id": self.note_no, "case": case, "at": wire(at), "author": "anna", "text": text})
        if sent and rng.random() < 0.2:
            notice_id, when = sent[-1]
            received = self.moment(when, 40)
            if received >= self.now:
                return
            self.objection_no += 1
            deadline = (when + timedelta(days=31)).date().isoformat()
            record = {"id": self.objection_no, "kind": "notice", "account": account_id,
                      "case": case, "notice": notice_id, "received_at": wire(received),
                      "deadline": deadline, "status": "recorded", "recorded_by": "anna",
                      "decided_by": None, "decided_at": None, "reason": "", "version": 1}
            self.rows["objections"].append((
                self.objection_no, "notice", account_id, case, notice_id, stored(received),
                deadline, "recorded", "anna", None, None, "", 1))
            self.change(max(received, at), "objection", str(self.objection_no), record)


# --------------------------------------------------------------------------- writing

INSERTS = {
    "organisations": "id, name",
    "billing_accounts": "id, organisation_id, name",
    "accounts": "id, organisation_id, billing_account_id, name, email, email_key, phone, "
                "language, registered_at, status, status_at, referral_code, referred_by, "
                "referral_void, signup_ip, device_fingerprint, spend, debt, claims_total, "
                "next_lot, next_entry, next_notice, has_completed_order, first_order, "
                "first_order_candidates, notice_at, unapproved_adjustments, version",
    "delivery_addresses": "account_id, street, postcode, city, country, key",
    "discount_codes": "account_id, code, registered_at, valid_until, used_on, voided",
    "orders": "id, account_id, placed_at, placed_by, paid_by, payment_fingerprint, net, "
              "discount, cancelled, redeemed, redemption, paid_at, delivered_at, "
              "completed_at, earning, rate, credited, lot_id, spend_added, bonus_account, "
              "bonus_lot, bonus_credited",
    "order_cancellations": "order_id, seq, at, amount, in_full",
    "lots": "id, account_id, seq, credited_at, usable_until, expires_at, points, remaining, "
            "source_kind, source_ref, root, parent, redeemed, transferred, void_claimant",
    "ledger_entries": "id, account_id, seq, at, type, points, source_kind, source_ref, note",
    "lot_allocations": "entry_id, seq, lot_id, points",
    "notices": "id, account_id, seq, kind, sent_at, entry_id, points, balance",
    "notice_lots": "notice_id, seq, lot_id, remaining, usable_until",
    "mail_cases": "id, subject, status, account_id, assigned_to, opened_at, version",
    "mail_messages": "id, case_id, message_id, in_reply_to, \"references\", outgoing, "
                     "received_at, received_from, sender, subject, body",
    "case_notes": "id, case_id, at, author, text",
    "objections": "id, kind, account_id, case_id, notice_id, received_at, deadline, status, "
                  "recorded_by, decided_by, decided_at, reason, version",
}


def generate(folder: Path, accounts: int, seed: int = SEED, check: int = 200,
             password: str = PASSWORD, say: Any = print) -> dict[str, Any]:
    """Make ``folder/server.sqlite`` (replacing one there) with `accounts` accounts;
    returns what was made and how long each step took (also kept in program.json)."""
    from xrewards_desk.clock import SystemClock
    from xrewards_desk.domain.model import Role
    from xrewards_desk.server.service import Service

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "server.sqlite"
    for old in folder.glob("server.sqlite*"):
        old.unlink()
    (folder / "program.json").unlink(missing_ok=True)
    times: dict[str, float] = {}
    started = step = time.perf_counter()
    store = Store.open(sqlite_url(path))
    service = Service(store, SystemClock(), folder)
    for name, role, display in STAFF:
        service.add_user(name, display, Role(role), password, "de")
    now = datetime.now(UTC).replace(microsecond=0)
    store.close()
    times["schema and staff"] = time.perf_counter() - step

    step = time.perf_counter()
    program = Program(seed, now)
    for number, founded, members in program.plan(accounts, seed):
        program.organisation(number, founded, members)
    program.changes.sort()
    times["history in memory"] = time.perf_counter() - step

    step = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    folding.register(conn)  # the triggers name its functions, even while suspended
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -500000")
    conn.execute("BEGIN")
    # the search index's triggers off while the rows go in (migration 0004)
    conn.execute("INSERT INTO search_suspended(id, since) VALUES (1, ?)", (now.isoformat(),))
    counts: dict[str, int] = {}
    for table, columns in INSERTS.items():
        rows = program.rows.get(table, [])
        marks = ", ".join("?" * len(columns.split(", ")))
        conn.executemany(f"INSERT INTO {table}({columns}) VALUES ({marks})", rows)
        counts[table] = len(rows)
    conn.executemany("INSERT INTO changes(at, kind, record_id, data) VALUES (?, ?, ?, ?)",
                     ((at, kind, key, data) for at, _, kind, key, data in program.changes))
    counts["changes"] = len(program.changes)
    conn.execute("COMMIT")
    times["rows and feed written"] = time.perf_counter() - step
    by_kind: dict[str, int] = defaultdict(int)
    last: dict[tuple[str, str], str] = {}
    every: dict[str, list[int]] = defaultdict(list)
    for i, (_, _, kind, key, data) in enumerate(program.changes):
        by_kind[kind] += 1
        last[(kind, key)] = data
        every[kind].append(i)
    # a sample of every state (not only each record's last) for the shape check
    pick = random.Random(seed + 1)
    states = {kind: [program.changes[i][4] for i in (
        found if check == 0 or len(found) <= check else pick.sample(found, check))]
        for kind, found in every.items()}
    del program, every

    step = time.perf_counter()
    store = Store.open(sqlite_url(path))
    try:
        from xrewards_desk.sync import search_index

        with store.engine.begin() as sa_conn:
            search_index.rebuild(sa_conn)
        times["search index rebuilt"] = time.perf_counter() - step
        step = time.perf_counter()
        checked = _check(store, last, states, check, now, random.Random(seed))
        times["checked"] = time.perf_counter() - step
    finally:
        store.close()
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    times["total"] = time.perf_counter() - started
    info = {"accounts": accounts, "seed": seed, "generated_at": now.isoformat(),
            "today": now.date().isoformat(), "password": password,
            "rows": counts, "changes": dict(sorted(by_kind.items())), "checked": checked,
            "seconds": {k: round(v, 1) for k, v in times.items()},
            "bytes": path.stat().st_size}
    (folder / "program.json").write_text(json.dumps(info, indent=2))
    return info


def _check(store: Store, last: dict[tuple[str, str], str], states: dict[str, list[str]],
           per_kind: int, now: datetime, rng: random.Random) -> int:
    """Sampled (or every, with 0) record's last change: valid for its contract model,
    equal to that model's own dump, and equal to what the server's feed reads back from
    the tables (through the ORM, and through Core where the feed flushes that kind so).
    A sample of every change of each kind (any state, not only the last): equal to its
    model's own dump, so each has every field the server's feed writes, and no other.
    And nothing is due to expire: the server starts with no work."""
    from sqlalchemy import func, select

    from xrewards_desk.contract.records import RECORDS
    from xrewards_desk.server.feed import CORE_LOADERS, LOADERS
    from xrewards_desk.store import models as m

    n = 0
    for kind, sampled in sorted(states.items()):
        for raw in sampled:
            data = json.loads(raw)
            assert RECORDS[kind].model_validate(data).model_dump(mode="json") == data, (
                kind, data)
            n += 1
    keys: dict[str, list[str]] = defaultdict(list)
    for kind, key in last:
        keys[kind].append(key)
    with store.session() as s:
        for kind, all_keys in sorted(keys.items()):
            sample = all_keys if per_kind == 0 or len(all_keys) <= per_kind \
                else rng.sample(all_keys, per_kind)
            core = CORE_LOADERS.get(kind)
            for key in sample:
                data = json.loads(last[(kind, key)])
                record = RECORDS[kind].model_validate(data)
                assert record.model_dump(mode="json") == data, (kind, key)
                assert LOADERS[kind](s, key) == record, (kind, key)
                if core is not None:
                    assert core(s.connection(), key) == record, (kind, key)
                n += 1
            s.expunge_all()
        due = s.scalar(select(func.count()).select_from(m.LotRow).where(
            m.LotRow.remaining > 0, m.LotRow.expires_at <= now))
        assert due == 0, f"{due} lots are due to expire"
    return n


def ensure(folder: Path, accounts: int, seed: int = SEED, say: Any = print) -> dict[str, Any]:
    """The program in `folder`, generated today with these settings, or made now. Under
    an exclusive lock on ``folder/.lock``: a second benchmark started on the same folder
    waits for the first one's program instead of generating it again over it."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        info_path = folder / "program.json"
        if info_path.exists() and (folder / "server.sqlite").exists():
            info: dict[str, Any] = json.loads(info_path.read_text())
            if (info.get("accounts"), info.get("seed"), info.get("today")) == (
                    accounts, seed, datetime.now(UTC).date().isoformat()):
                say(f"reusing the program of {accounts:,} accounts in {folder}")
                return info
        say(f"generating a program of {accounts:,} accounts in {folder} ...")
        return generate(folder, accounts, seed, say=say)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, required=True,
                        help="the server's folder: server.sqlite and program.json")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", type=int, default=200,
                        help="records checked per kind (0: every record)")
    args = parser.parse_args()
    info = generate(args.data_dir, args.accounts, args.seed, args.check)
    print(json.dumps({k: v for k, v in info.items() if k != "password"}, indent=2))
    print(f"serve it: xrewards-desk serve --db {args.data_dir / 'server.sqlite'} "
          f"--data-dir {args.data_dir}; sign in as anna / {info['password']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
