"""The demo's plan: organisations, their people, when each registers and orders, the
planted self-referrals and the orders returned after their points were spent. Pure data
from one random source; nothing here touches the store."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.server.demo.people import (
    BRANCHES_DE,
    CITIES,
    COUNTRIES,
    FANTASY,
    FOREIGN_COMPANY,
    FREEMAIL,
    GERMAN_SPEAKING,
    LEGAL_DE,
    NAMES,
    NATIONALITY,
    STREETS,
    City,
    feminine,
    local_part,
    slug,
)

CENT = Decimal("0.01")

# --------------------------------------------------------------------------- the plan


@dataclass
class Org:
    num: int
    id: str
    name: str
    country: str
    city: City
    domain: str
    email_style: int
    phone: str
    office_ip: str
    joined: datetime
    size: int
    order_scale: float
    billing: list[tuple[str, str]] = field(default_factory=list)
    #: one delivery address per billing account (its site)
    sites: list[dict[str, str]] = field(default_factory=list)
    company_card: str | None = None
    people: list[Customer] = field(default_factory=list)
    emails: set[str] = field(default_factory=set)


#: the planted signals of a first order placed or paid by the referrer (the kinds of
#: :mod:`.abuse_signals`; the plants' other signals are named by their kinds too)
PLACED = "first_order_placed_by_referrer"
PAID = "first_order_paid_by_referrer"


@dataclass
class Plant:
    """A planted self-referral (R22): the invitee is the referrer under another address,
    with the signals (:mod:`.abuse_signals` kinds) it was planted with."""

    index: int
    referrer: Customer
    signals: tuple[str, ...]


@dataclass
class Customer:
    org: Org
    first: str
    last: str
    nationality: str
    email: str
    phone: str
    language: str
    billing: str
    addresses: list[dict[str, str]]
    registered: datetime
    rate: float
    ip: str
    device: str
    card: str
    referral: str = "none"  # none | colleague | partner | ineligible
    plant: Plant | None = None
    founder: bool = False
    id: str = ""
    orders: list[datetime] = field(default_factory=list)
    #: the index of the order that is returned after its points were spent (debt, R15)
    returns: int | None = None
    placed: int = 0
    key: bool = False

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Order:
    id: str
    person: Customer
    net_after: Decimal
    placed: datetime
    paid: bool = False
    delivered: bool = False
    cancelled: Decimal = Decimal("0.00")
    full_cancel: bool = False
    completed: bool = False
    returns: bool = False
    first: bool = False

    @property
    def remaining(self) -> Decimal:
        return self.net_after - self.cancelled


def weighted(rng: random.Random, options: tuple[tuple[Any, float], ...]) -> Any:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, weight in options:
        x -= weight
        if x < 0:
            return value
    return options[-1][0]


def money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class Planner:
    """Organisations, people, their registrations and order times: pure data, one RNG."""

    def __init__(self, rng: random.Random, start: datetime, end: datetime, accounts: int,
                 organisations: int) -> None:
        self.rng = rng
        self.start = start
        self.end = end
        self.accounts = accounts
        self.organisations = organisations
        self.orgs: list[Org] = []
        self.people: list[Customer] = []
        self.plants: list[Plant] = []
        self.names: set[str] = set()
        self.domains: set[str] = set()
        self.ips = [f"{net}.{host}" for net in ("192.0.2", "198.51.100", "203.0.113")
                    for host in range(10, 250)]
        rng.shuffle(self.ips)

    # ---------------------------------------------------------------- helpers
    def hex(self, bits: int) -> str:
        return f"{self.rng.getrandbits(bits):0{bits // 4}x}"

    def instant(self, lo: datetime, hi: datetime) -> datetime:
        """A random instant in [lo, hi), moved into the hours people work (Berlin)."""
        span = max((hi - lo).total_seconds(), 60.0)
        at = lo + timedelta(seconds=self.rng.random() * span)
        return self.working_time(at)

    def working_time(self, at: datetime, weekend: float = 0.06,
                     rng: random.Random | None = None) -> datetime:
        """`at`'s day (or the Monday after, mostly, for a weekend) at an hour people work;
        `rng` where the caller keeps its own randomness apart from the plan's."""
        rng = rng or self.rng
        day = at.astimezone(BERLIN).date()
        if day.weekday() >= 5 and rng.random() > weekend:
            day += timedelta(days=7 - day.weekday())
        hour = min(int(rng.triangular(6.5, 19.5, 10.5)), 21)
        return datetime(day.year, day.month, day.day, hour, rng.randint(0, 59),
                        rng.randint(0, 59), tzinfo=BERLIN)

    def person_name(self, nationality: str) -> tuple[str, str, str]:
        males, females, surnames = NAMES[nationality]
        female = self.rng.random() < 0.42
        first = self.rng.choice(females if female else males)
        last = self.rng.choice(surnames)
        if female:
            last = feminine(nationality, last)
        return first, last, nationality

    def address(self, country: str, city: City) -> dict[str, str]:
        street = self.rng.choice(STREETS[country])
        number = str(self.rng.randint(1, 180))
        if self.rng.random() < 0.15:
            number += self.rng.choice("abc")
        if country in ("FR", "IT"):
            street = f"{number} {street}" if country == "FR" else f"{street} {number}"
        else:
            street = f"{street} {number}"
        return {"street": street, "postcode": city.postcode, "city": city.name,
                "country": country}

    def unique_domain(self, core: str, city: City) -> str:
        tld = ".test" if self.rng.random() < 0.25 else ".example"
        base = slug(core)[:40].strip("-")
        for candidate in (base, f"{base}-{slug(city.name)}", *(f"{base}{n}" for n in
                                                                 range(2, 99))):
            if candidate + tld not in self.domains:
                self.domains.add(candidate + tld)
                return candidate + tld
        raise AssertionError("no free domain")

    # ---------------------------------------------------------------- organisations
    def company(self, country: str, city: City) -> tuple[str, str]:
        """A company name and its core (the name without the legal form, for the domain)."""
        rng = self.rng
        for _ in range(200):
            nationality = NATIONALITY[country]
            surname = rng.choice(NAMES[nationality][2])
            if country in GERMAN_SPEAKING:
                pattern = rng.random()
                legal = weighted(rng, LEGAL_DE)
                if country == "CH" and rng.random() < 0.5:
                    legal = "AG"
                if country == "AT" and legal in ("UG (haftungsbeschränkt)", "e.K."):
                    legal = "GmbH"
                if pattern < 0.5:
                    core = f"{surname} {rng.choice(BRANCHES_DE)}"
                elif pattern < 0.62:
                    core = f"{surname} & Söhne"
                    legal = rng.choice(("KG", "GmbH", "GmbH & Co. KG"))
                elif pattern < 0.75:
                    other = rng.choice(NAMES[nationality][2])
                    if other == surname:
                        continue
                    core = f"{surname} & {other}"
                else:
                    core = f"{rng.choice(FANTASY[country])} {rng.choice(BRANCHES_DE)}"
            else:
                branches, prefixes, forms = FOREIGN_COMPANY[country]
                legal = rng.choice(forms)
                shown = surname[0].upper() + surname[1:]  # "van der Berg" → "Van der Berg"
                if rng.random() < 0.75:
                    core = f"{shown} {rng.choice(branches)}"
                else:
                    core = f"{rng.choice(prefixes)} {shown}"
            name = f"{core} {legal}"
            if name not in self.names:
                self.names.add(name)
                return name, core
        raise AssertionError("no free company name")

    def org_sizes(self, count: int, total: int) -> list[int]:
        rng = self.rng
        sizes = []
        for _ in range(count):
            kind = rng.random()
            if kind < 0.62:
                sizes.append(rng.randint(1, 5))
            elif kind < 0.90:
                sizes.append(rng.randint(6, 14))
            else:
                sizes.append(rng.randint(15, 40))
        while sum(sizes) > total:
            candidates = [i for i, s in enumerate(sizes) if s > 1]
            if not candidates:
                break
            i = rng.choice(candidates)
            sizes[i] -= 1 if sizes[i] < 15 else rng.randint(1, 3)
            sizes[i] = max(sizes[i], 1)
        while sum(sizes) < total:
            i = rng.randrange(len(sizes))
            sizes[i] += 1
        return sizes

    def new_org(self, num: int, joined: datetime, size: int, country: str | None = None,
                name: tuple[str, str] | None = None) -> Org:
        rng = self.rng
        country = country or weighted(rng, COUNTRIES)
        city = rng.choice(CITIES[country])
        org_name, core = name or self.company(country, city)
        org = Org(
            num=num, id=f"ORG-{num:05d}", name=org_name, country=country, city=city,
            domain=self.unique_domain(core, city), email_style=weighted(
                rng, ((0, 0.6), (1, 0.25), (2, 0.1), (3, 0.05))),
            phone=f"{city.phone} {rng.randint(200, 989)}{rng.randint(100, 999)}",
            office_ip=self.ips[num % len(self.ips)], joined=joined, size=size,
            order_scale=min(max(rng.lognormvariate(0, 0.55), 0.35), 4.0),
            company_card=f"pm-{self.hex(48)}" if rng.random() < 0.3 else None)
        german = country in GERMAN_SPEAKING
        org.billing.append((f"BA-{num:05d}-1", "Zentraleinkauf" if german else "Head office"))
        org.sites.append(self.address(country, city))
        if size >= 3 and rng.random() < 0.14:
            site_city = rng.choice(CITIES[country])
            label = rng.choice(("Werk", "Standort", "Niederlassung")) if german else "Plant"
            org.billing.append((f"BA-{num:05d}-2", f"{label} {site_city.name}"))
            org.sites.append(self.address(country, site_city))
        return org

    def email_for(self, org: Org, first: str, last: str) -> str:
        f, l_ = local_part(first), local_part(last)
        local = (f"{f}.{l_}", f"{f[:1]}.{l_}", f"{f}{l_}", f"{l_}.{f[:1]}")[org.email_style]
        candidate = local
        n = 2
        while f"{candidate}@{org.domain}" in org.emails:
            candidate = f"{local}{n}"
            n += 1
        org.emails.add(f"{candidate}@{org.domain}")
        return f"{candidate}@{org.domain}"

    def new_person(self, org: Org, registered: datetime, founder: bool) -> Customer:
        rng = self.rng
        native = NATIONALITY[org.country]
        if rng.random() < 0.85:
            nationality = native
        else:
            nationality = rng.choice(("de", "pl", "it", "fr", "nl", "cz", "at", "dk"))
        first, last, nationality = self.person_name(nationality)
        site = rng.randrange(len(org.billing)) if rng.random() < 0.35 else 0
        addresses = [dict(org.sites[site])]
        if rng.random() < 0.08:
            home = rng.choice(CITIES[org.country])
            addresses.append(self.address(org.country, home))
        if rng.random() < 0.7:
            phone = f"{org.phone}-{rng.randint(10, 899)}"
        else:  # a mobile number
            prefix = {"DE": ("151", "152", "157", "160", "170", "171", "175", "176", "179"),
                      "AT": ("650", "660", "664", "676", "699"), "CH": ("76", "78", "79")}.get(
                org.country, ("6",))
            cc = org.city.phone.split()[0]
            phone = f"{cc} {rng.choice(prefix)} {rng.randint(1000000, 9999999)}"
        language = "de" if org.country in GERMAN_SPEAKING else "en"
        if language == "de" and nationality not in ("de", "at", "ch") and rng.random() < 0.4:
            language = "en"
        # orders a year after the first one: many order now and then, a few monthly
        kind = rng.random()
        if kind < 0.17:
            rate = 0.0  # registered, never ordered
        elif kind < 0.62:
            rate = rng.uniform(0.15, 0.6)
        elif kind < 0.88:
            rate = rng.uniform(0.6, 1.5)
        elif kind < 0.97:
            rate = rng.uniform(1.5, 4.0)
        else:
            rate = rng.uniform(4.0, 9.0)
        key = rate >= 4.0 and rng.random() < 0.25  # a key account: large, frequent orders
        if rng.random() < 0.75:
            ip = org.office_ip
        else:
            ip = f"2001:db8:{self.hex(16)}:{self.hex(16)}::{rng.randint(1, 0xFFFF):x}"
        person = Customer(
            org=org, first=first, last=last, nationality=nationality,
            email=self.email_for(org, first, last), phone=phone, language=language,
            billing=org.billing[site][0], addresses=addresses, registered=registered,
            rate=rate, ip=ip, device=f"dfp-{self.hex(64)}", card=f"pm-{self.hex(48)}",
            founder=founder, key=key)
        org.people.append(person)
        return person

    # ---------------------------------------------------------------- the whole plan
    def plan(self, order_factor: float) -> None:
        rng = self.rng
        plants = max(1, round(self.accounts / 200)) if self.accounts >= 40 else 1
        plant_new_org = [i % 10 in (0, 2, 3, 6, 7, 9) for i in range(plants)]
        regular_orgs = max(1, self.organisations - sum(plant_new_org))
        regular_accounts = self.accounts - plants
        sizes = self.org_sizes(regular_orgs, regular_accounts)
        span = self.end - self.start
        last_join = self.end - timedelta(days=20)
        for i, size in enumerate(sizes):
            if rng.random() < 0.35:
                joined = self.instant(self.start, self.start + min(span / 8, timedelta(days=90)))
            else:
                joined = self.instant(self.start, last_join)
            org = self.new_org(i, joined, size)  # renumbered below in order of joining
            self.orgs.append(org)
            self.new_person(org, joined, founder=True)
            for _ in range(size - 1):
                later = joined + (self.end - joined) * (rng.random() ** 1.7)
                self.new_person(org, self.working_time(min(later, last_join), weekend=0.1),
                                founder=False)
        # referrals planned by kind; the referrer is found when the account registers
        for org in self.orgs:
            for person in org.people:
                x = rng.random()
                if person.founder:
                    person.referral = "partner" if x < 0.09 else "none"
                else:
                    person.referral = ("colleague" if x < 0.32 else
                                       "ineligible" if x < 0.335 else "none")
        for person in self.all_people():
            self._order_times(person, order_factor)
        self._plants(plants, plant_new_org, order_factor)
        self._returns()
        # ids in order of joining and registering, as the shop numbers them
        self.orgs.sort(key=lambda o: (o.joined, o.num))
        for n, org in enumerate(self.orgs, start=1):
            org.num = 10000 + n * 3 + rng.randint(0, 2)
            org.id = f"ORG-{org.num:05d}"
            old = [b[0] for b in org.billing]
            org.billing = [(f"BA-{org.num:05d}-{k + 1}", name)
                           for k, (_old, name) in enumerate(org.billing)]
            renamed = dict(zip(old, (b[0] for b in org.billing), strict=True))
            for person in org.people:
                person.billing = renamed[person.billing]
        self.people = sorted(self.all_people(), key=lambda p: p.registered)
        number = 1_000_000 + rng.randint(1000, 4000)
        for person in self.people:
            number += rng.randint(1, 4)
            person.id = f"XR-{number:07d}"

    def all_people(self) -> list[Customer]:
        return [p for org in self.orgs for p in org.people]

    def _plants(self, count: int, new_org: list[bool], order_factor: float) -> None:
        rng = self.rng
        early = self.start + (self.end - self.start) * 0.45
        # referrers who order early and often, so that they can refer (R17) in time
        candidates = [p for p in self.all_people()
                      if len(p.orders) >= 3 and p.orders[0] < early and not p.founder]
        candidates.sort(key=lambda p: p.registered)
        rng.shuffle(candidates)
        signal_sets = (
            ("email_plus", "same_address", "same_phone", PLACED, PAID),
            ("email_dots", "same_device", "same_ip", PAID),
            ("email_other_domain", "same_address"),
            ("email_lookalike", "same_device"),
            ("email_plus", "same_ip", PLACED),
            ("email_dots", "same_phone"),
            ("email_other_domain", "same_device", PAID),
            ("email_lookalike", "same_address", "same_ip"),
            ("email_plus", "same_phone", PLACED),
            ("email_other_domain", "same_ip", PAID),
        )
        index = 0
        for referrer in candidates:
            if index == count:
                break
            latest = self.end - timedelta(days=220 if index == 0 else
                                          140 if index == 1 else 60)
            # paid and delivered within about two months of the first order
            lo = referrer.orders[0] + timedelta(days=75)
            if lo >= latest:
                continue
            plant = Plant(index, referrer, signal_sets[index % len(signal_sets)])
            registered = self.instant(lo, latest)
            base = referrer.org
            if new_org[index]:
                core = f"{referrer.last} {rng.choice(('Handel', 'Consulting', 'Technik'))}"
                legal = rng.choice(("e.K.", "GbR", "UG (haftungsbeschränkt)")) \
                    if base.country in GERMAN_SPEAKING else FOREIGN_COMPANY[base.country][2][0]
                org = self.new_org(len(self.orgs), registered, 1, base.country,
                                   (f"{core} {legal}", core))
                self.orgs.append(org)
            else:
                org = base
            invitee = self.new_person(org, registered, founder=new_org[index])
            invitee.first, invitee.last = referrer.first, referrer.last
            if index % 3 == 1:
                invitee.first = referrer.first[0] + "."
            invitee.nationality = referrer.nationality
            invitee.language = referrer.language
            invitee.billing = referrer.billing if org is base else invitee.billing
            invitee.rate = rng.uniform(0.5, 1.5)
            invitee.referral = "plant"
            invitee.plant = plant
            local, _, domain = referrer.email.partition("@")
            signals = plant.signals
            if "email_plus" in signals:
                email = f"{local}+{rng.choice(('2', 'xp', 'bonus', 'neu'))}@{domain}"
            elif "email_dots" in signals:
                head, _, tail = local.partition(".")
                email = f"{'.'.join(head)}.{tail or head}@{domain}"
            elif "email_other_domain" in signals:
                email = f"{local}@{rng.choice(FREEMAIL)}"
            else:
                swapped = (local.replace("m", "rn", 1) if "m" in local else
                           local.replace("l", "1", 1) if "l" in local else local + "1")
                email = f"{swapped}@{domain}"
            invitee.email = email
            if "same_address" in signals:
                invitee.addresses = [dict(referrer.addresses[0])]
            if "same_phone" in signals:
                invitee.phone = referrer.phone
            if "same_device" in signals:
                invitee.device = referrer.device
            if "same_ip" in signals:
                invitee.ip = referrer.ip
            self.plants.append(plant)
            self._order_times(invitee, order_factor)
            index += 1

    def _order_times(self, person: Customer, factor: float) -> None:
        rng = self.rng
        if person.plant is not None:
            first = person.registered + timedelta(days=rng.uniform(2, 12))
            person.orders.append(self.working_time(first))
            at = first
        elif person.rate <= 0:
            return
        else:
            at = person.registered + timedelta(days=rng.uniform(3, 70))
            if at < self.end:
                person.orders.append(self.working_time(at))
        rate = person.rate * factor
        while True:
            at = at + timedelta(days=rng.expovariate(rate / 365.0))
            if at >= self.end:
                break
            person.orders.append(self.working_time(at))
        person.orders.sort()

    def _returns(self) -> None:
        """Some accounts return a large order after spending its points: debt (R15)."""
        rng = self.rng
        window = self.end - timedelta(days=130)
        referrers = {id(plant.referrer) for plant in self.plants}
        candidates = [p for p in self.all_people()
                      if p.plant is None and id(p) not in referrers and len(p.orders) >= 2
                      and any(t >= window for t in p.orders[1:])]
        candidates.sort(key=lambda p: p.registered)
        for person in rng.sample(candidates, min(len(candidates),
                                                 max(1, self.accounts // 110))):
            late = [i for i, t in enumerate(person.orders) if t >= window and i >= 1]
            person.returns = rng.choice(late)
            # few orders after the return, so that the debt is still open
            person.orders = person.orders[: person.returns + 1 + rng.randint(0, 1)]


