"""The demo program (``xrewards-desk serve --demo``): about two years of a B2B rewards
program, generated through the server's own paths relative to the clock's today.

Everything is made the way real use makes it: the shop's events as the ``service`` role and
the staff's commands as staff, each through :data:`~.handlers.HANDLERS` with a
:class:`~.handlers.Ctx`, its change-feed records and its audit record, in arrival order,
with the clock moved from event to event (a :class:`~xrewards_desk.clock.SettableClock`
swapped into the service). Expiries are written as :meth:`Service.advance_all` writes them,
a minute into each day, as the server's periodic job does. So balances, lots expiring within 30
days and open objection windows are alive on the day the demo is built.

Speed (about 40 s for the full demo on a 2-core machine): the handlers run in one
transaction per simulated month, the order events without a savepoint (their handlers
write nothing before the engine accepts), the rest with one. The feed's records are read
back through prepared Core statements instead of the ORM (:class:`_FastFeed`), and the
audit chain is extended in memory (:class:`_AuditChain`); both rows are appended, in
order, before the transaction commits. They are exactly what :class:`~.feed.Feed` and
:func:`~xrewards_desk.store.audit.append` write: ``exact=True`` uses those two (and the
service's own ``advance_all``) instead, and the tests compare the two builds.

Determinism: one seed, ``random.Random`` only, no dict or set order of unordered things.
The same seed and the same ``today`` give the same records, referral codes included (the
handlers draw them from the context's random source, seeded here).
"""

from __future__ import annotations

import gc
import heapq
import json
import logging
import random
import re
import struct
import time as _time
import unicodedata
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from xrewards_desk.store import audit
from xrewards_desk.store import models as m
from xrewards_desk.store.read.objections import NoticeFacts, notice_facts

from ..clock import SettableClock
from ..contract import records as r
from ..contract.common import Model
from ..domain import actions
from ..domain.calendar import BERLIN, add_months, berlin_date, end_of_day_exclusive
from ..domain.model import (
    Actor,
    CaseStatus,
    EntryType,
    NoticeKind,
    Role,
    Status,
    ending_instant,
)
from ..domain.money import discounted, max_points_for
from ..domain.refusals import Refusal
from ..store.ledger import unapproved_adjustments
from . import demo_passwords, security
from .errors import ApiError
from .feed import LOADERS, Feed
from .handlers import HANDLERS, Ctx, check_role
from .service import COMMAND, SHOP_EVENT, Person, Service, _subject_of

log = logging.getLogger(__name__)

DEMO_SEED = 20240801
DEMO_ACCOUNTS = 2000
DEMO_ORGANISATIONS = 300
#: how far back the history starts (months before today)
HISTORY_MONTHS = 26
#: the audit action that marks a store as holding the demo (its detail: seed, day, counts)
MARKER = "demo_built"
CENT = Decimal("0.01")

# --------------------------------------------------------------------------- people, staff


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: Role
    display_name: str
    #: None where a user of that name existed before the demo (its password is unchanged)
    password: str | None
    language: str = "de"


#: the demo's staff: one or more per role of R27, two team leads among them
STAFF: tuple[tuple[str, str, Role, str], ...] = (
    ("anna", "Anna Becker", Role.AGENT, "de"),
    ("ben", "Ben Schuster", Role.AGENT, "en"),
    ("tessa", "Tessa Lindqvist", Role.TEAM_LEAD, "de"),
    ("tomasz", "Tomasz Wiśniewski", Role.TEAM_LEAD, "en"),
    ("clara", "Clara Dupont", Role.COMPLIANCE, "de"),
    ("shop", "Shop-System (Demo)", Role.SERVICE, "de"),
)


def demo_users(passwords: Mapping[str, str]) -> tuple[DemoUser, ...]:
    """The demo's users with their passwords (random for each build, kept in the data
    folder: demo_passwords.py); None for a name `passwords` lacks (a user who existed
    before the demo keeps the password they had)."""
    return tuple(DemoUser(name, role, display, passwords.get(name), language)
                 for name, display, role, language in STAFF)


@dataclass
class DemoInfo:
    """What the demo holds: its users and passwords, and counts of what was generated."""

    seed: int
    today: date | None
    users: tuple[DemoUser, ...]
    counts: dict[str, int] = field(default_factory=dict)
    #: True when this call built the demo, False when it was found in the store
    built: bool = False
    seconds: float | None = None
    #: accounts found in a store that does not hold the demo (nothing was added then)
    foreign_accounts: int = 0
    #: the planted self-referrals: (referrer, invitee, the signal kinds planted)
    plants: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    #: the file the users' passwords are kept in (mode 0600; demo_passwords.py)
    passwords_file: Path | None = None

    def password(self, name: str) -> str | None:
        for user in self.users:
            if user.name == name:
                return user.password
        raise KeyError(name)

    def banner(self, show_passwords: bool = False) -> str:
        """What the demo holds and who can sign in; the passwords only where
        `show_passwords` (serve prints them to a terminal, never to a log), else where
        they are kept."""
        if self.foreign_accounts:
            return (f"This store already holds {self.foreign_accounts:,} accounts that the "
                    "demo did not make; nothing was added. Start with an empty --data-dir "
                    "for the demo program.")
        c = self.counts
        day = self.today.strftime("%d.%m.%Y") if self.today else "?"
        how = (f"built in {self.seconds:.0f} s" if self.built and self.seconds is not None
               else "built before, reused")
        lines = [
            f"Demo program ready (as of {day}, seed {self.seed}, {how}): "
            f"{c.get('accounts', 0):,} accounts in {c.get('organisations', 0):,} "
            f"organisations, {c.get('orders', 0):,} orders, "
            f"{c.get('referrals', 0):,} referrals "
            f"({c.get('planted_self_referrals', 0)} planted self-referrals; "
            f"{c.get('referrals_with_signals', 0)} show signs of one).",
            f"  {c.get('accounts_expiring_30d', 0):,} accounts have points expiring within "
            f"30 days; {c.get('accounts_in_debt', 0):,} accounts are in debt.",
            f"  Work waiting: {c.get('mail_cases_open', 0)} open e-mail cases, "
            f"{c.get('objections', 0)} objections ({c.get('objections_in_time', 0)} in "
            f"time, {c.get('objections_late', 0)} late; {c.get('objections_open', 0)} of "
            f"them still open), {c.get('transfers_pending', 0)} pending transfers, "
            f"{c.get('adjustments_pending', 0)} pending adjustments "
            f"({c.get('adjustments_pending_goodwill', 0)} of them goodwill), "
            f"{c.get('abuse_cases_open', 0)} open abuse case(s).",
            "Sign in with:" if show_passwords else "Sign in as:",
        ]
        width = max((len(u.name) for u in self.users), default=4)
        for user in self.users:
            if show_passwords:
                secret = user.password or "(existed before the demo; password unchanged)"
                lines.append(f"  {user.name:<{width}} / {secret:<19} ({user.role.value}, "
                             f"{user.display_name})")
            else:
                lines.append(f"  {user.name:<{width}} ({user.role.value}, "
                             f"{user.display_name})")
        if self.passwords_file is not None:
            lines.append(f"The passwords (new for this demo) are kept in {self.passwords_file}"
                         " (readable by you only)" + ("." if show_passwords else
                                                      "; they are not printed here."))
        return "\n".join(lines)


# --------------------------------------------------------------------------- names

#: nationality: (male first names, female first names, surnames)
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "de": (
        ("Lukas", "Jonas", "Felix", "Maximilian", "Paul", "Leon", "Tim", "Jan", "Niklas",
         "Florian", "Tobias", "Sebastian", "Matthias", "Andreas", "Thomas", "Michael",
         "Stefan", "Jürgen", "Jörg", "Björn", "Sören", "Günther", "Uwe", "Klaus", "Götz",
         "Rüdiger", "Hans-Peter", "Karl-Heinz", "Henrik", "Ole", "Jens", "Dieter", "Horst",
         "Moritz", "Fabian", "Dominik", "Markus", "Frank", "Ralf", "Bernd"),
        ("Anna", "Lena", "Laura", "Sophie", "Marie", "Julia", "Hannah", "Lea", "Sarah",
         "Katharina", "Johanna", "Miriam", "Carolin", "Stefanie", "Sabine", "Claudia",
         "Petra", "Birgit", "Käthe", "Renate", "Dörte", "Ingrid", "Anne-Kathrin", "Maren",
         "Wiebke", "Frauke", "Heike", "Gisela", "Bärbel", "Jana", "Nicole", "Franziska",
         "Svenja", "Tanja", "Ulrike", "Annegret"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
         "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
         "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann",
         "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer",
         "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung",
         "Hahn", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler",
         "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Böhm",
         "Winter", "Kraus", "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Sommer",
         "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Dietrich",
         "Ziegler", "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Voigt", "Sauer",
         "Pfeiffer", "Weißenborn", "Großmann", "Nußbaum", "Brückner", "Löffler", "Thießen"),
    ),
    "at": (
        ("Florian", "Lorenz", "Johannes", "Stefan", "Christoph", "Wolfgang", "Gerhard",
         "Markus", "Alois", "Andreas", "Bernhard", "Dominik"),
        ("Valentina", "Magdalena", "Theresa", "Verena", "Birgit", "Elisabeth", "Sabine",
         "Katrin", "Anna", "Johanna", "Barbara", "Ursula"),
        ("Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer",
         "Hofer", "Leitner", "Berger", "Fuchs", "Eder", "Fischer", "Schmid", "Winkler",
         "Reiter", "Mayr", "Wimmer", "Egger", "Brunner", "Baumgartner", "Auer", "Binder",
         "Lechner", "Wallner", "Aigner", "Ebner", "Koller", "Lehner", "Haas", "Pölzl",
         "Höller", "Strauß"),
    ),
    "ch": (
        ("Urs", "Reto", "Beat", "Lukas", "Marco", "Stefan", "Daniel", "Christian", "Adrian",
         "Roger"),
        ("Corinne", "Nadine", "Sandra", "Barbara", "Regula", "Andrea", "Simone", "Priska",
         "Claudia", "Monika"),
        ("Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer",
         "Steiner", "Fischer", "Gerber", "Brunner", "Baumann", "Frei", "Zimmermann", "Moser",
         "Widmer", "Wyss", "Graf", "Roth", "Bühler", "Käser", "Tschopp", "Zürcher"),
    ),
    "fr": (
        ("Théo", "Lucas", "Hugo", "Mathéo", "Jérôme", "Stéphane", "François", "Benoît",
         "Loïc", "Julien", "Nicolas", "Mathieu"),
        ("Camille", "Léa", "Chloé", "Élodie", "Hélène", "Noémie", "Gaëlle", "Céline",
         "Amélie", "Manon", "Inès", "Aurélie"),
        ("Dubois", "Durand", "Lefèvre", "Moreau", "Laurent", "Girard", "Bonnet", "Dupont",
         "Lambert", "Fontaine", "Rousseau", "Mercier", "Blanc", "Guérin", "Chevalier",
         "François", "Garnier", "Faure", "Ménard", "Lemaître", "Bénard", "Rivière"),
    ),
    "it": (
        ("Alessandro", "Lorenzo", "Matteo", "Niccolò", "Davide", "Giacomo", "Simone",
         "Andrea", "Luca", "Marco"),
        ("Giulia", "Francesca", "Chiara", "Federica", "Elisa", "Martina", "Sara", "Valentina",
         "Alessia", "Silvia"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
         "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
         "Giordano", "Rizzo", "Lombardi", "Moretti"),
    ),
    "pl": (
        ("Jan", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Łukasz", "Michał", "Wojciech",
         "Grzegorz", "Marek", "Kamil", "Rafał"),
        ("Agnieszka", "Katarzyna", "Małgorzata", "Joanna", "Zofia", "Anna", "Magdalena",
         "Ewa", "Aleksandra", "Monika", "Dorota", "Beata"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
         "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
         "Krawczyk", "Wróbel", "Sadowski", "Zając"),
    ),
    "cz": (
        ("Jiří", "Petr", "Pavel", "Tomáš", "Martin", "Ondřej", "Vojtěch", "Jakub", "Lukáš",
         "Miroslav"),
        ("Lucie", "Kateřina", "Tereza", "Eva", "Jana", "Petra", "Veronika", "Markéta",
         "Hana", "Zuzana"),
        ("Novák", "Svoboda", "Novotný", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý",
         "Horák", "Němec", "Šimek", "Marek", "Pospíšil", "Hájek", "Král", "Růžička"),
    ),
    "nl": (
        ("Daan", "Sem", "Bram", "Joost", "Maarten", "Thijs", "Ruben", "Pieter", "Jeroen",
         "Sander"),
        ("Lotte", "Sanne", "Femke", "Eva", "Anouk", "Marloes", "Esther", "Ilse", "Fleur",
         "Noor"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "van der Berg", "van Dijk",
         "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
         "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "van der Meer"),
    ),
    "dk": (
        ("Mads", "Søren", "Anders", "Lars", "Jørgen", "Rasmus", "Mikkel", "Frederik"),
        ("Freja", "Mette", "Ingrid", "Maja", "Sofie", "Line", "Kirsten", "Ida"),
        ("Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
         "Sørensen", "Møller", "Kjær", "Østergaard", "Bæk"),
    ),
    "se": (
        ("Björn", "Lars", "Anders", "Johan", "Erik", "Magnus", "Oskar", "Henrik"),
        ("Åsa", "Karin", "Ingrid", "Maja", "Elin", "Sara", "Linnéa", "Annika"),
        ("Andersson", "Johansson", "Karlsson", "Nilsson", "Lindqvist", "Söderberg", "Åberg",
         "Lindström", "Ekström", "Sjöberg", "Håkansson", "Öberg"),
    ),
}


@dataclass(frozen=True)
class City:
    country: str
    postcode: str
    name: str
    phone: str  # country and area code


def _cities(country: str, phone_cc: str, rows: str) -> tuple[City, ...]:
    out = []
    for row in rows.strip().splitlines():
        postcode, name, area = (part.strip() for part in row.split(";"))
        out.append(City(country, postcode, name, f"{phone_cc} {area}"))
    return tuple(out)


CITIES: dict[str, tuple[City, ...]] = {
    "DE": _cities("DE", "+49", """
        10115;Berlin;30
        20095;Hamburg;40
        80331;München;89
        50667;Köln;221
        60311;Frankfurt am Main;69
        70173;Stuttgart;711
        40213;Düsseldorf;211
        04109;Leipzig;341
        01067;Dresden;351
        90402;Nürnberg;911
        30159;Hannover;511
        28195;Bremen;421
        44135;Dortmund;231
        45127;Essen;201
        33602;Bielefeld;521
        68159;Mannheim;621
        76133;Karlsruhe;721
        86150;Augsburg;821
        93047;Regensburg;941
        97070;Würzburg;931
        89073;Ulm;731
        73430;Aalen;7361
        72764;Reutlingen;7121
        78462;Konstanz;7531
        79098;Freiburg im Breisgau;761
        66111;Saarbrücken;681
        55116;Mainz;6131
        34117;Kassel;561
        99084;Erfurt;361
        39104;Magdeburg;391
        18055;Rostock;381
        24103;Kiel;431
        23552;Lübeck;451
        49074;Osnabrück;541
        48143;Münster;251
        42103;Wuppertal;202
        52062;Aachen;241
        57072;Siegen;271
        36037;Fulda;661
        95444;Bayreuth;921
        94032;Passau;851
        87435;Kempten (Allgäu);831
        88212;Ravensburg;751
        74072;Heilbronn;7131
        75175;Pforzheim;7231
        73728;Esslingen am Neckar;711
        85049;Ingolstadt;841
        09111;Chemnitz;371
        08056;Zwickau;375
        06108;Halle (Saale);345
        07743;Jena;3641
        14467;Potsdam;331
        03046;Cottbus;355
        17489;Greifswald;3834
        98527;Suhl;3681
        """),
    "AT": _cities("AT", "+43", """
        1010;Wien;1
        4020;Linz;732
        5020;Salzburg;662
        8010;Graz;316
        6020;Innsbruck;512
        9020;Klagenfurt am Wörthersee;463
        """),
    "CH": _cities("CH", "+41", """
        8001;Zürich;44
        3011;Bern;31
        4051;Basel;61
        9000;St. Gallen;71
        6003;Luzern;41
        """),
    "NL": _cities("NL", "+31", """
        1012 AB;Amsterdam;20
        3011 AA;Rotterdam;10
        5611 AA;Eindhoven;40
        3511 AA;Utrecht;30
        """),
    "FR": _cities("FR", "+33", """
        67000;Strasbourg;3 88
        69001;Lyon;4 72
        75002;Paris;1 42
        31000;Toulouse;5 61
        """),
    "IT": _cities("IT", "+39", """
        20121;Milano;02
        10121;Torino;011
        40121;Bologna;051
        37121;Verona;045
        """),
    "PL": _cities("PL", "+48", """
        00-001;Warszawa;22
        50-001;Wrocław;71
        61-001;Poznań;61
        30-001;Kraków;12
        """),
    "CZ": _cities("CZ", "+420", """
        110 00;Praha;2
        602 00;Brno;5
        301 00;Plzeň;37
        """),
    "DK": _cities("DK", "+45", """
        8000;Aarhus;8
        5000;Odense;6
        """),
    "SE": _cities("SE", "+46", """
        411 01;Göteborg;31
        211 20;Malmö;40
        """),
}
COUNTRIES: tuple[tuple[str, float], ...] = (
    ("DE", 0.68), ("AT", 0.08), ("CH", 0.05), ("NL", 0.04), ("FR", 0.04), ("IT", 0.04),
    ("PL", 0.03), ("CZ", 0.02), ("DK", 0.01), ("SE", 0.01))
NATIONALITY = {"DE": "de", "AT": "at", "CH": "ch", "NL": "nl", "FR": "fr", "IT": "it",
               "PL": "pl", "CZ": "cz", "DK": "dk", "SE": "se"}
GERMAN_SPEAKING = frozenset({"DE", "AT", "CH"})

STREETS: dict[str, tuple[str, ...]] = {
    "DE": ("Hauptstraße", "Industriestraße", "Bahnhofstraße", "Gewerbestraße", "Am Hafen",
           "Robert-Bosch-Straße", "Carl-Zeiss-Straße", "Daimlerstraße", "Siemensstraße",
           "Max-Planck-Straße", "Im Gewerbepark", "Mühlenweg", "Gutenbergstraße",
           "Lindenallee", "Schillerstraße", "Goethestraße", "Europaallee", "Otto-Hahn-Straße",
           "An der Mühle", "Friedrichstraße", "Weißenburger Straße", "Äußere Sulzbacher Straße",
           "Große Bleichen", "Am Gießberg", "Schloßstraße", "Rudolf-Diesel-Straße",
           "Zeppelinstraße", "Fraunhoferstraße", "Hüttenweg", "Brückenstraße"),
    "AT": ("Hauptstraße", "Industriezeile", "Linzer Straße", "Gewerbepark", "Mariahilfer Straße",
           "Grazer Straße", "Wiener Straße"),
    "CH": ("Bahnhofstrasse", "Industriestrasse", "Zürcherstrasse", "Gewerbestrasse",
           "Seestrasse", "Hauptstrasse"),
    "NL": ("Industrieweg", "Stationsstraat", "Kanaalweg", "Havenstraat", "Energieweg"),
    "FR": ("rue de la République", "avenue Jean Jaurès", "rue des Artisans",
           "rue du Général Leclerc", "boulevard de l'Industrie", "allée des Forges"),
    "IT": ("Via Roma", "Via dell'Industria", "Via Giuseppe Garibaldi", "Corso Venezia",
           "Via dei Mille", "Via dell'Artigianato"),
    "PL": ("ul. Przemysłowa", "ul. Fabryczna", "ul. Długa", "ul. Żelazna", "ul. Składowa"),
    "CZ": ("Průmyslová", "Tovární", "Vinohradská", "Nádražní", "Strojírenská"),
    "DK": ("Industrivej", "Havnegade", "Fabriksvej"),
    "SE": ("Industrigatan", "Storgatan", "Verkstadsgatan"),
}

BRANCHES_DE = ("Maschinenbau", "Feinmechanik", "Automation", "Kunststofftechnik", "Metallbau",
               "Anlagenbau", "Medizintechnik", "Elektrotechnik", "Fahrzeugtechnik", "Robotik",
               "Prototyping", "Werkzeugbau", "Präzisionsteile", "Antriebstechnik",
               "Sondermaschinenbau", "Lasertechnik", "Fördertechnik", "Hydraulik", "Logistik",
               "Verpackungstechnik", "Drehteile", "Blechbearbeitung", "Messtechnik",
               "Luftfahrttechnik", "Oberflächentechnik", "Zerspanungstechnik",
               "Industrieelektronik", "Gießereitechnik")
FANTASY = {
    "DE": ("Nordlicht", "Rheinwerk", "Elbtal", "Isartal", "Schwarzwald", "Bodensee", "Harz",
           "Spreewald", "Weserland", "Mainfranken", "Neckartal", "Donau", "Ostsee", "Nordsee",
           "Taunus", "Eifel", "Allgäu", "Vogtland", "Erzgebirge", "Sauerland", "Lausitz",
           "Ruhrtal", "Moselland", "Odenwald", "Fichtelgebirge", "Teutoburger"),
    "AT": ("Tauern", "Wachau", "Steirer", "Tiroler", "Alpenblick", "Salzkammergut"),
    "CH": ("Säntis", "Jura", "Aare", "Gotthard", "Rigi", "Limmat"),
}
LEGAL_DE = (("GmbH", 45), ("GmbH & Co. KG", 15), ("AG", 7), ("KG", 8), ("e.K.", 5),
            ("OHG", 3), ("UG (haftungsbeschränkt)", 4))
FOREIGN_COMPANY: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # country: (branches after the name, prefixes before it, legal forms)
    "FR": (("Précision", "Mécanique", "Usinage", "Industrie", "Automatismes"),
           ("Ateliers", "Établissements"), ("SARL", "SAS", "SA")),
    "IT": (("Meccanica", "Stampi", "Automazione", "Componenti", "Precisione"),
           ("Officine",), ("S.r.l.", "S.p.A.")),
    "PL": (("Metal", "Technika", "Automatyka", "Mechanika"), ("Zakład Mechaniczny",),
           ("Sp. z o.o.", "S.A.")),
    "CZ": (("Strojírny", "Technik", "Mechanika", "Precision"), ("Strojírna",),
           ("s.r.o.", "a.s.")),
    "NL": (("Techniek", "Metaalbewerking", "Precisie", "Engineering"), ("Machinefabriek",),
           ("B.V.",)),
    "DK": (("Mekanik", "Maskinfabrik", "Teknik"), ("Maskinfabrikken",), ("A/S", "ApS")),
    "SE": (("Mekaniska", "Verkstad", "Teknik"), ("Mekaniska Verkstaden",), ("AB",)),
}
FREEMAIL = ("mailbox.test", "post.example", "webpost.test", "freemail.example")

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                       "Ü": "Ue", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "æ": "ae",
                       "Æ": "Ae", "ł": "l", "Ł": "L"})


def ascii_fold(text: str) -> str:
    """German transliteration (ä → ae, ß → ss), other accents dropped: for e-mail names."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _slug(text: str) -> str:
    folded = ascii_fold(text).lower().replace("&", " und ")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def _local(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", ascii_fold(text).lower())


def _feminine(nationality: str, surname: str) -> str:
    """Polish and Czech surnames take a feminine form (Kowalski → Kowalska, Novák → Nováková)."""
    if nationality == "pl":
        for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if surname.endswith(male):
                return surname[: -len(male)] + female
        return surname
    if nationality == "cz":
        if surname.endswith("ý"):
            return surname[:-1] + "á"
        if surname.endswith("ec"):
            return surname[:-2] + "cová"
        if surname.endswith("ek"):
            return surname[:-2] + "ková"
        if surname.endswith("a"):
            return surname[:-1] + "ová"
        return surname + "ová"
    return surname


# --------------------------------------------------------------------------- evidence files


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A small but valid PDF 1.4 document: one A4 page of Helvetica text."""
    ops = [b"BT", b"/F1 15 Tf", b"56 770 Td", b"18 TL", b"(" + _pdf_text(title) + b") Tj",
           b"/F1 11 Tf", b"T*"]
    for line in lines:
        ops.append(b"T* (" + _pdf_text(line) + b") Tj")
    ops.append(b"ET")
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def make_png(seed: int, width: int = 240, height: int = 150) -> bytes:
    """A small but valid PNG (8-bit RGB): a fake screenshot of a table, varied by `seed`."""
    rng = random.Random(seed)
    accent = (rng.randint(0, 120), rng.randint(60, 160), rng.randint(120, 220))
    bars = [rng.randint(30, width - 20) for _ in range(height // 14)]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            if y < 18:
                pixel = accent
            elif (y - 18) % 14 in (0, 13):
                pixel = (225, 228, 232)
            elif 8 <= x < bars[min((y - 18) // 14, len(bars) - 1)] and (y - 18) % 14 in (5, 6, 7):
                pixel = (90, 90, 96)
            else:
                pixel = (250, 250, 250)
            rows.extend(pixel)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _png_chunk(b"IEND", b""))


# --------------------------------------------------------------------------- the plan


@dataclass
class _Org:
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
    people: list[_Person] = field(default_factory=list)
    emails: set[str] = field(default_factory=set)


#: the planted signals of a first order placed or paid by the referrer (the kinds of
#: :mod:`.abuse_signals`; the plants' other signals are named by their kinds too)
PLACED = "first_order_placed_by_referrer"
PAID = "first_order_paid_by_referrer"


@dataclass
class _Plant:
    """A planted self-referral (R22): the invitee is the referrer under another address,
    with the signals (:mod:`.abuse_signals` kinds) it was planted with."""

    index: int
    referrer: _Person
    signals: tuple[str, ...]


@dataclass
class _Person:
    org: _Org
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
    plant: _Plant | None = None
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
class _Order:
    id: str
    person: _Person
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


def _weighted(rng: random.Random, options: tuple[tuple[Any, float], ...]) -> Any:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, weight in options:
        x -= weight
        if x < 0:
            return value
    return options[-1][0]


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class _Planner:
    """Organisations, people, their registrations and order times: pure data, one RNG."""

    def __init__(self, rng: random.Random, start: datetime, end: datetime, accounts: int,
                 organisations: int) -> None:
        self.rng = rng
        self.start = start
        self.end = end
        self.accounts = accounts
        self.organisations = organisations
        self.orgs: list[_Org] = []
        self.people: list[_Person] = []
        self.plants: list[_Plant] = []
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
            last = _feminine(nationality, last)
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
        base = _slug(core)[:40].strip("-")
        for candidate in (base, f"{base}-{_slug(city.name)}", *(f"{base}{n}" for n in
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
                legal = _weighted(rng, LEGAL_DE)
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
                name: tuple[str, str] | None = None) -> _Org:
        rng = self.rng
        country = country or _weighted(rng, COUNTRIES)
        city = rng.choice(CITIES[country])
        org_name, core = name or self.company(country, city)
        org = _Org(
            num=num, id=f"ORG-{num:05d}", name=org_name, country=country, city=city,
            domain=self.unique_domain(core, city), email_style=_weighted(
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

    def email_for(self, org: _Org, first: str, last: str) -> str:
        f, l_ = _local(first), _local(last)
        local = (f"{f}.{l_}", f"{f[:1]}.{l_}", f"{f}{l_}", f"{l_}.{f[:1]}")[org.email_style]
        candidate = local
        n = 2
        while f"{candidate}@{org.domain}" in org.emails:
            candidate = f"{local}{n}"
            n += 1
        org.emails.add(f"{candidate}@{org.domain}")
        return f"{candidate}@{org.domain}"

    def new_person(self, org: _Org, registered: datetime, founder: bool) -> _Person:
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
        person = _Person(
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

    def all_people(self) -> list[_Person]:
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
            plant = _Plant(index, referrer, signal_sets[index % len(signal_sets)])
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

    def _order_times(self, person: _Person, factor: float) -> None:
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


# --------------------------------------------------------------------------- the feed, fast

def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


_T: dict[str, Table] = {name: _table(model) for name, model in (
    ("accounts", m.AccountRow), ("addresses", m.DeliveryAddress), ("lots", m.LotRow),
    ("discounts", m.DiscountCode), ("orders", m.OrderRow), ("entries", m.LedgerEntry),
    ("allocations", m.LotAllocation), ("notices", m.NoticeRow), ("notice_lots", m.NoticeLot),
    ("orgs", m.Organisation), ("billing", m.BillingAccount), ("changes", m.ChangeRow),
    ("audit", m.AuditRecord))}


def _by_id(table: Table, column: str = "id") -> Any:
    return select(table).where(table.c[column] == bindparam("k"))


def _with_children(parent: Table, child: Table, link: str, order: str,
                   fields: tuple[str, ...]) -> Any:
    """A record and its child rows in one statement (one row per child, or one row with
    the child's fields empty), children in their order."""
    return (select(parent, *(child.c[f].label(f"child_{f}") for f in (order, *fields)))
            .outerjoin(child, child.c[link] == parent.c.id)
            .where(parent.c.id == bindparam("k")).order_by(child.c[order]))


_Q = {
    "account": _with_children(_T["accounts"], _T["addresses"], "account_id", "id",
                              ("street", "postcode", "city", "country")),
    "discount": _by_id(_T["discounts"], "account_id"),
    "lot": _by_id(_T["lots"]),
    "order": _by_id(_T["orders"]),
    "entry": _with_children(_T["entries"], _T["allocations"], "entry_id", "seq",
                            ("lot_id", "points")),
    "notice": _with_children(_T["notices"], _T["notice_lots"], "notice_id", "seq",
                             ("lot_id", "remaining", "usable_until")),
    "organisation": _by_id(_T["orgs"]),
    "billing_account": _by_id(_T["billing"]),
}


def _fast_account(conn: Connection, key: str) -> Model | None:
    rows = conn.execute(_Q["account"], {"k": key}).all()
    if not rows:
        return None
    row = rows[0]
    return r.Account(
        id=row.id, organisation=row.organisation_id, billing_account=row.billing_account_id,
        name=row.name, email=row.email, phone=row.phone, language=row.language,
        addresses=[r.Address(street=a.child_street, postcode=a.child_postcode,
                             city=a.child_city, country=a.child_country)
                   for a in rows if a.child_id is not None],
        registered_at=row.registered_at, status=row.status, status_at=row.status_at,
        referral_code=row.referral_code, referred_by=row.referred_by,
        referral_void=row.referral_void, signup_ip=row.signup_ip,
        device_fingerprint=row.device_fingerprint, spend=row.spend, debt=row.debt,
        claims=row.claims_total, has_completed_order=row.has_completed_order,
        first_order=row.first_order, notice_at=row.notice_at,
        unapproved_adjustments=[r.UnapprovedAdjustment(at=at, points=size) for at, size
                                in unapproved_adjustments(row.unapproved_adjustments)],
        version=row.version)


def _fast_entry(conn: Connection, key: str) -> Model | None:
    rows = conn.execute(_Q["entry"], {"k": key}).all()
    if not rows:
        return None
    row = rows[0]
    return r.Entry(id=row.id, account=row.account_id, seq=row.seq, at=row.at, type=row.type,
                   points=row.points, source_kind=row.source_kind, source_ref=row.source_ref,
                   note=row.note,
                   allocations=[r.Allocation(lot=a.child_lot_id, points=a.child_points)
                                for a in rows if a.child_seq is not None])


def _fast_notice(conn: Connection, key: str) -> Model | None:
    rows = conn.execute(_Q["notice"], {"k": key}).all()
    if not rows:
        return None
    row = rows[0]
    return r.Notice(id=row.id, account=row.account_id, seq=row.seq, kind=row.kind,
                    sent_at=row.sent_at, entry=row.entry_id, points=row.points,
                    balance=row.balance,
                    lots=[r.NoticeLot(lot=f.child_lot_id, remaining=f.child_remaining,
                                      usable_until=f.child_usable_until)
                          for f in rows if f.child_seq is not None])


def _one(query: str, make: Callable[[Any], Model]) -> Callable[[Connection, str],
                                                                Model | None]:
    def load(conn: Connection, key: str) -> Model | None:
        row = conn.execute(_Q[query], {"k": key}).first()
        return None if row is None else make(row)
    return load


#: the feed's records of the engine's kinds, read through Core: the same values as
#: :data:`.feed.LOADERS` (the tests compare them)
FAST_LOADERS: dict[str, Callable[[Connection, str], Model | None]] = {
    "account": _fast_account,
    "entry": _fast_entry,
    "notice": _fast_notice,
    "organisation": _one("organisation", lambda x: r.Organisation(id=x.id, name=x.name)),
    "billing_account": _one("billing_account", lambda x: r.BillingAccount(
        id=x.id, organisation=x.organisation_id, name=x.name)),
    "discount": _one("discount", lambda x: r.Discount(
        account=x.account_id, code=x.code, registered_at=x.registered_at,
        valid_until=x.valid_until, used_on=x.used_on, voided=x.voided)),
    "lot": _one("lot", lambda x: r.Lot(
        id=x.id, account=x.account_id, seq=x.seq, credited_at=x.credited_at,
        usable_until=x.usable_until, expires_at=x.expires_at, points=x.points,
        remaining=x.remaining, source_kind=x.source_kind, source_ref=x.source_ref,
        root=x.root, parent=x.parent, redeemed=x.redeemed, void_claimant=x.void_claimant)),
    "order": _one("order", lambda x: r.Order(
        id=x.id, account=x.account_id, placed_at=x.placed_at, placed_by=x.placed_by,
        paid_by=x.paid_by, payment_fingerprint=x.payment_fingerprint, net=x.net,
        discount=x.discount, cancelled=x.cancelled, redeemed=x.redeemed, paid_at=x.paid_at,
        delivered_at=x.delivered_at, completed_at=x.completed_at, credited=x.credited,
        spend_added=x.spend_added)),
}


class _FastFeed(Feed):
    """A :class:`Feed` that reads the engine's records back through Core (one prepared
    statement each) and hands the changes to `sink`, which the runner appends, in order,
    before its transaction commits; other kinds go through :data:`.feed.LOADERS` as
    usual. Same records, same order, same ``at``."""

    def __init__(self, session: Session, sink: list[dict[str, Any]]) -> None:
        super().__init__(session)
        self.sink = sink

    def flush(self, at: datetime) -> int:
        session = self.session
        session.flush()
        conn = session.connection()
        rows = []
        expired = False
        for kind, key in self.touched:
            fast = FAST_LOADERS.get(kind)
            if fast is not None:
                record = fast(conn, key)
            else:
                if not expired:
                    session.expire_all()
                    expired = True
                record = LOADERS[kind](session, key)
            rows.append({"at": at, "kind": kind, "record_id": key,
                         "data": None if record is None else record.model_dump(mode="json")})
        self.sink.extend(rows)
        n = len(self.touched)
        self.touched.clear()
        return n


@dataclass
class _AuditRow:
    """An audit record as :func:`audit.chain_hash` reads it (the content as read back)."""

    id: int
    at: datetime
    actor: str
    role: str | None
    action: str
    subject: str
    outcome: str
    detail: dict[str, Any]


class _AuditChain:
    """The audit chain extended in memory: the records :func:`audit.append` writes (same
    ids, content and hashes), handed to `sink` instead of read back one by one."""

    def __init__(self, session: Session, sink: list[dict[str, Any]]) -> None:
        last = session.execute(select(m.AuditRecord.id, m.AuditRecord.hash)
                               .order_by(m.AuditRecord.id.desc()).limit(1)).first()
        self.id = last.id if last else 0
        self.hash = (last.hash or audit.GENESIS) if last else audit.GENESIS
        self.sink = sink

    def append(self, *, at: datetime, actor: str, role: str | None, action: str,
               subject: str, outcome: str, detail: dict[str, Any]) -> None:
        # as audit.append: the detail as it reads back (JSON), the instant in UTC
        record = _AuditRow(self.id + 1, at.astimezone(UTC), actor, role, action, subject,
                           outcome, json.loads(json.dumps(detail, default=str)))
        digest = audit.chain_hash(self.hash, record)  # type: ignore[arg-type]
        self.sink.append({"id": record.id, "at": at, "actor": actor, "role": role,
                          "action": action, "subject": subject, "outcome": outcome,
                          "detail": record.detail, "prev_hash": self.hash, "hash": digest})
        self.id, self.hash = record.id, digest


# --------------------------------------------------------------------------- running events


#: order events whose handlers write nothing before the engine has accepted the action
#: (``Ctx.apply`` comes first, and the engine raises before it saves): a refusal leaves
#: nothing behind, so they need no savepoint (which cost about 12 % of the build)
_ATOMIC = frozenset({"order_placed", "order_paid", "order_delivered", "order_cancelled"})


class _Runner:
    """Runs shop events and staff commands as :meth:`Service._run_once` does, many to a
    transaction (a savepoint each where a refusal could leave something behind)."""

    def __init__(self, service: Service, clock: SettableClock, exact: bool,
                 codes: random.Random) -> None:
        self.service = service
        self.clock = clock
        self.exact = exact
        #: the server's source of referral codes, seeded so the demo is the same each time
        self.codes = codes
        self._cm: Any = None
        self._session: Session | None = None
        self._chain: _AuditChain | None = None
        #: change-feed and audit rows of this transaction, appended in order before it
        #: commits (nothing reads them meanwhile)
        self._changes: list[dict[str, Any]] = []
        self._audits: list[dict[str, Any]] = []
        self.refused: list[tuple[str, str, str]] = []
        self.events = 0

    @property
    def session(self) -> Session:
        if self._session is None:
            self._cm = self.service.store.session()
            self._session = self._cm.__enter__()
            if not self.exact:
                self._chain = _AuditChain(self._session, self._audits)
        return self._session

    def commit(self) -> None:
        if self._session is not None:
            conn = self._session.connection()
            if self._changes:
                conn.execute(insert(_T["changes"]), self._changes)
            if self._audits:
                conn.execute(insert(_T["audit"]), self._audits)
            self._changes.clear()
            self._audits.clear()
            cm, self._cm, self._session, self._chain = self._cm, None, None, None
            cm.__exit__(None, None, None)

    def abort(self) -> None:
        self._changes.clear()
        self._audits.clear()
        if self._session is not None:
            cm, self._cm, self._session, self._chain = self._cm, None, None, None
            cm.__exit__(RuntimeError, RuntimeError("demo build failed"), None)

    def _audit(self, **values: Any) -> None:
        if self._chain is not None:
            self._chain.append(**values)
        else:
            audit.append(self.session, **values)

    def run(self, actor: Actor, body: dict[str, Any], shop: bool = False) -> Ctx | None:
        """Apply one event or command now; the context it ran in, or None if refused."""
        s = self.session
        now = self.clock.now()
        parsed = (SHOP_EVENT if shop else COMMAND).validate_python(body)
        role = actor.role.value if actor.role else None
        feed = Feed(s) if self.exact else _FastFeed(s, self._changes)
        ctx = Ctx(s, feed, actor, now, rng=self.codes)
        self.events += 1
        savepoint = None if parsed.type in _ATOMIC else s.begin_nested()
        try:
            check_role(actor, parsed.type)
            try:
                HANDLERS[parsed.type](ctx, parsed)
            except Refusal as refusal:
                raise ApiError.from_refusal(refusal) from refusal
            feed.flush(now)
            self._audit(at=now, actor=actor.name, role=role, action=parsed.type,
                        subject=ctx.subject, outcome="applied",
                        detail={"command": body, "created": ctx.created,
                                "entries": ctx.entries})
            if savepoint is not None:
                savepoint.commit()
            return ctx
        except ApiError as error:
            if savepoint is not None:
                savepoint.rollback()
            s.expire_all()
            self._audit(at=now, actor=actor.name, role=role, action=parsed.type,
                        subject=_subject_of(body), outcome=f"refused:{error.code}",
                        detail={"command": body, "message": error.message})
            self.refused.append((parsed.type, error.code, error.message))
            log.warning("demo: %s refused: %s %s", parsed.type, error.code, error.message)
            return None

    def advance(self) -> None:
        """What :meth:`Service.advance_all` does, in this transaction (with ``exact``, the
        service's own method after a commit)."""
        if self.exact:
            self.commit()
            self.service.advance_all()
            return
        s = self.session
        now = self.clock.now()
        while True:
            due = Service._due_accounts(s, now, 500)
            if not due:
                return
            feed = _FastFeed(s, self._changes)
            ctx = Ctx(s, feed, Actor("clock", None), now)
            ctx.apply(actions.Advance(now, tuple(due)))
            if not ctx.touched:
                return  # as the service: a notice taking effect writes no entry, but counts
            feed.flush(now)
            if len(due) < 500:
                return  # a partial batch: nothing else was due

    def upload(self, person: Person, data: bytes, label: str) -> str:
        """Evidence goes through the service's own upload (a transaction of its own)."""
        self.commit()
        return self.service.upload(person, data, label).sha256


# --------------------------------------------------------------------------- the builder

#: the agents' answers to the customers' questions (German, English)
ANSWERS = {
    "balance": ("Ihren aktuellen Punktestand und die Gültigkeit jedes Gutschriftpostens "
                "finden Sie im Kontoauszug im Anhang. Punkte sind zwölf Monate gültig.",
                "your current balance and the expiry of each credit are on the statement "
                "attached. Points are valid for twelve months."),
    "expiry": ("Punkte verfallen zwölf Monate nach der Gutschrift; eine Verlängerung ist "
               "nicht möglich (T4.5). Sie können sie vorher bei einer Bestellung einlösen.",
               "points expire twelve months after they were credited and cannot be extended "
               "(T4.5). You can redeem them on an order before then."),
    "missing_points": ("Punkte werden gutgeschrieben, sobald die Bestellung bezahlt und "
                       "geliefert ist (T3.5). Ihre Bestellung ist noch nicht abgeschlossen.",
                       "points are credited once an order is both paid and delivered (T3.5). "
                       "Your order is not complete yet."),
    "discount": ("Der Rabatt-Code gilt nur für die erste Bestellung und zwölf Monate ab der "
                 "Registrierung (T2.3).", "the discount code applies to your first order "
                 "only, within twelve months of registering (T2.3)."),
    "statement": ("den Kontoauszug mit allen Buchungen haben wir Ihnen als PDF gesendet.",
                  "we have sent you the statement of all movements as a PDF."),
    "tier": ("Silber gilt ab 20.000 EUR Gesamtumsatz, Gold ab 70.000 EUR (T3.4).",
             "silver starts at 20,000 EUR of spend, gold at 70,000 EUR (T3.4)."),
    "redeem": ("Sie können bei jeder Bestellung bis zu 100 % des Nettowerts mit Punkten "
               "bezahlen; 100 X-Points entsprechen 1,00 EUR (T4.1).",
               "you can pay up to 100 % of an order's net value with points; 100 X-Points are "
               "worth 1.00 EUR (T4.1)."),
}

SHOP = Actor("shop", Role.SERVICE)
_Event = tuple[datetime, int, Callable[..., None], tuple[Any, ...]]


def _working_day_before(day: date, n: int) -> date:
    """The n-th working day (Mon–Fri) before `day`."""
    while n > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _at(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=BERLIN)


def _de(day: datetime | date) -> str:
    if isinstance(day, datetime):
        day = day.astimezone(BERLIN).date()
    return day.strftime("%d.%m.%Y")


class _Builder:
    def __init__(self, service: Service, clock: SettableClock, seed: int, today: date,
                 end: datetime, accounts: int, organisations: int, exact: bool,
                 order_factor: float) -> None:
        self.service = service
        self.clock = clock
        self.seed = seed
        self.today = today
        self.end = end
        self.history_end = datetime(today.year, today.month, today.day, tzinfo=BERLIN)
        self.start = datetime.combine(add_months(today, -HISTORY_MONTHS), time(0),
                                      tzinfo=BERLIN)
        self.plan_rng = random.Random(f"{seed}:plan")
        self.rng = random.Random(f"{seed}:run")
        self.staff_rng = random.Random(f"{seed}:staff")
        #: the provider's notices and the debit in error draw from their own source, so
        #: that they leave the other staff work as it was
        self.notice_rng = random.Random(f"{seed}:notice")
        self.planner = _Planner(self.plan_rng, self.start, self.history_end, accounts,
                                organisations)
        self.order_factor = order_factor
        self.runner = _Runner(service, clock, exact, random.Random(f"{seed}:codes"))
        self.queue: list[_Event] = []
        self.counter = 0
        self.by_id: dict[str, _Person] = {}
        self.orders: dict[str, _Order] = {}
        self.order_numbers: dict[int, int] = {}
        self.persons: dict[str, Person] = {}
        self.notes: dict[str, Any] = {}
        #: the staff's passwords (build_demo makes them, at random)
        self.passwords: dict[str, str] = {}
        #: accounts with a transfer request: they redeem nothing until it is decided
        self.frozen: set[str] = set()
        self.registered: set[str] = set()
        self.inactive: set[str] = set()

    # ---------------------------------------------------------------- scheduling
    def shop_time(self, at: datetime, weekend: float = 0.06) -> datetime:
        return self.planner.working_time(at, weekend, self.rng)

    def staff_time(self, at: datetime) -> datetime:
        """Staff work on weekdays; their randomness is their own, so that changing what
        they do leaves the shop's history as it was."""
        return self.planner.working_time(at, 0.0, self.staff_rng)

    def at(self, when: datetime, fn: Callable[..., None], *args: Any) -> None:
        self.counter += 1
        heapq.heappush(self.queue, (when, self.counter, fn, args))

    def run(self) -> None:
        self.planner.plan(self.order_factor)
        for person in self.planner.people:
            self.by_id[person.id] = person
            self.at(person.registered, self.register, person)
        self.schedule_staff()
        day = self.start.date() - timedelta(days=1)
        try:
            while self.queue:
                when, _n, fn, args = heapq.heappop(self.queue)
                if when >= self.history_end:
                    break
                when_day = when.astimezone(BERLIN).date()
                while day < when_day:
                    day += timedelta(days=1)
                    self.new_day(day)
                self.clock.set(when)
                fn(*args)
            while day < self.today:
                day += timedelta(days=1)
                self.new_day(day)
        except BaseException:
            self.runner.abort()
            raise
        self.runner.commit()
        self.clock.set(self.end)
        self.service.advance_all()

    def new_day(self, day: date) -> None:
        """The periodic job writes the expiries due at midnight (R10) a minute later, and
        R23's changes: a provider's notice taking effect at the start of the day after its
        effective date, a window to redeem closing. (The demo does not end the
        program.)"""
        if day.day == 1:
            self.runner.commit()  # a transaction a month keeps what waits in memory small
        tick = _at(day, 0, 1)
        if tick > self.end:
            return
        lots = m.LotRow
        due = self.s.execute(select(lots.id).where(lots.remaining > 0,
                                                   lots.expires_at <= tick).limit(1)).first()
        ends = due is None and bool(self.notes.get("notice_accounts")) and any(
            when is not None and when <= tick
            for when in (ending_instant(*row) for row in self.s.execute(Service._ending())))
        if due is not None or ends:
            self.clock.set(tick)
            self.runner.advance()

    # ---------------------------------------------------------------- reading the store
    @property
    def s(self) -> Session:
        return self.runner.session

    def balance(self, account: str) -> int:
        now = self.clock.now()
        held = self.s.execute(select(func.coalesce(func.sum(m.LotRow.remaining), 0)).where(
            m.LotRow.account_id == account, m.LotRow.expires_at > now)).scalar_one()
        debt = self.s.execute(select(m.AccountRow.debt).where(
            m.AccountRow.id == account)).scalar_one()
        return int(held) - int(debt)

    def balances(self, after: datetime | None = None) -> Callable[[str], int]:
        """Every account's balance now (R11), counting only lots still usable after
        `after` where given: one query instead of one per account."""
        lots, accounts = m.LotRow, m.AccountRow
        held: dict[str, int] = {
            account: int(points) for account, points in self.s.execute(
                select(lots.account_id, func.sum(lots.remaining)).where(
                    lots.remaining > 0, lots.expires_at > (after or self.clock.now()))
                .group_by(lots.account_id)).all()}
        debt: dict[str, int] = {account: int(points) for account, points in self.s.execute(
            select(accounts.id, accounts.debt).where(accounts.debt > 0)).all()}
        return lambda account: int(held.get(account, 0)) - int(debt.get(account, 0))

    def active(self, account: str) -> bool:
        """Whether the account is registered and active (statuses change only through the
        staff's commands here, which put an account in `self.inactive`)."""
        return account in self.registered and account not in self.inactive

    def version(self, model: Any, key: Any) -> int:
        return int(self.s.execute(select(model.version).where(model.id == key)).scalar_one())

    # ---------------------------------------------------------------- the shop
    def register(self, p: _Person) -> None:
        rng = self.rng
        code = None
        if p.referral != "none":
            referrer = self.referrer_for(p)
            later = self.clock.now() + timedelta(days=7)
            if referrer is None and p.plant is not None and later < self.history_end:
                # the referrer cannot refer yet (R17): the self-referral comes a week later
                self.at(later, self.register, p)
                return
            if referrer is not None:
                code = self.s.execute(select(m.AccountRow.referral_code).where(
                    m.AccountRow.id == referrer)).scalar_one()
        body: dict[str, Any] = {
            "type": "register", "account": p.id, "organisation": p.org.id,
            "organisation_name": p.org.name, "billing_account": p.billing,
            "billing_account_name": dict(p.org.billing)[p.billing], "name": p.name,
            "email": p.email, "phone": p.phone, "language": p.language,
            "addresses": p.addresses, "signup_ip": p.ip, "device_fingerprint": p.device}
        if code:
            body["referral_code"] = code
        if p.plant is None and rng.random() < 0.03:
            body.pop("device_fingerprint")  # an old app version sent none
        if self.runner.run(SHOP, body, shop=True) is None:
            return
        self.registered.add(p.id)
        # the orders follow the registration (a self-referral may have come later)
        shift = self.clock.now() - p.registered
        for n, when in enumerate(p.orders):
            self.at(when + shift, self.place, p, n, False)

    def referrer_for(self, p: _Person) -> str | None:
        rng = self.rng
        accounts = m.AccountRow
        eligible = select(accounts.id).where(accounts.status == Status.ACTIVE,
                                             accounts.has_completed_order.is_(True))
        if p.plant is not None:
            ref = p.plant.referrer.id
            ok = self.s.execute(eligible.where(accounts.id == ref)).first()
            return ref if ok else None
        if p.referral == "colleague":
            ids = self.s.scalars(eligible.where(accounts.organisation_id == p.org.id)
                                 .order_by(accounts.id)).all()
        elif p.referral == "partner":
            ids = self.s.scalars(eligible.where(accounts.organisation_id != p.org.id)
                                 .order_by(accounts.id)).all()
        else:  # a colleague who cannot refer yet: kept, but refused (R17)
            ids = self.s.scalars(select(accounts.id).where(
                accounts.organisation_id == p.org.id,
                accounts.has_completed_order.is_(False)).order_by(accounts.id)).all()
        return rng.choice(ids) if ids else None

    def order_id(self, when: datetime) -> str:
        year = when.astimezone(BERLIN).year
        self.order_numbers[year] = self.order_numbers.get(year, 0) + self.rng.randint(1, 6)
        return f"XO-{year}-{self.order_numbers[year]:06d}"

    def net_for(self, p: _Person) -> Decimal:
        rng = self.rng
        median = 420.0 * p.org.order_scale * (9.0 if p.key else 2.2 if p.rate >= 4.0 else 1.0)
        value = median * rng.lognormvariate(0, 0.95)
        if rng.random() < 0.02:
            value *= rng.uniform(8, 25)  # the occasional large project
        return _money(min(max(value, 12.5), 48_000.0))

    def place(self, p: _Person, n: int, redeem_all: bool) -> None:
        rng = self.rng
        if not self.active(p.id):
            return
        now = self.clock.now()
        net = self.net_for(p)
        returns = p.returns == n and not redeem_all
        if returns:
            net = max(net, _money(rng.uniform(2500, 9000)))
        use_discount = False
        if p.placed == 0:
            discount = self.s.execute(select(m.DiscountCode.used_on, m.DiscountCode.voided,
                                             m.DiscountCode.valid_until).where(
                m.DiscountCode.account_id == p.id)).first()
            use_discount = (discount is not None and discount.used_on is None
                            and not discount.voided
                            and discount.valid_until >= berlin_date(now)
                            and (p.plant is not None or rng.random() < 0.85))
        net_after = discounted(net) if use_discount else net
        redeem = None
        if redeem_all:
            balance = self.balance(p.id)
            if balance > 0:
                if net_after * 100 < balance:
                    net = _money(float((balance + 99) // 100) * rng.uniform(1.1, 1.6))
                    net_after = discounted(net) if use_discount else net
                redeem = min(balance, max_points_for(net_after))
        elif p.id not in self.frozen and rng.random() < 0.24:
            balance = self.balance(p.id)
            if balance >= 500:
                limit = min(balance, max_points_for(net_after))
                share = 1.0 if rng.random() < 0.3 else rng.uniform(0.25, 0.95)
                redeem = int(limit * share) // 100 * 100 or limit
        order = _Order(self.order_id(now), p, net_after, now, returns=returns,
                       first=p.placed == 0)
        body: dict[str, Any] = {
            "type": "order_placed", "order": order.id, "account": p.id,
            "placed_at": (now - timedelta(seconds=rng.randint(0, 90))).isoformat(),
            "net": str(net)}
        if use_discount:
            body["use_discount"] = True
        if redeem:
            body["redeem"] = redeem
        card = rng.random() < 0.6
        plant = p.plant
        if order.first and plant is not None and PLACED in plant.signals:
            body["placed_by"] = plant.referrer.id
        elif rng.random() < 0.03 and len(p.org.people) > 1:
            colleague = rng.choice(p.org.people)
            if colleague.id in self.registered and colleague is not p:
                body["placed_by"] = colleague.id
        if card:
            body["payment_fingerprint"] = (p.org.company_card if p.org.company_card
                                           and rng.random() < 0.5 else p.card)
        if self.runner.run(SHOP, body, shop=True) is None:
            return
        p.placed += 1
        self.orders[order.id] = order
        self.lifecycle(order, card)

    def lifecycle(self, order: _Order, card: bool) -> None:
        rng = self.rng
        placed = order.placed
        work = self.shop_time
        p = order.person
        quick = order.first and p.plant is not None
        delivered = work(placed + timedelta(days=rng.uniform(4, 9) if quick else
                                            rng.triangular(3, 28, 8)), weekend=0.02)
        if card or quick or rng.random() < 0.5:
            paid = placed + timedelta(minutes=rng.uniform(1, 40))
        else:  # on invoice, after delivery
            paid = work(delivered + timedelta(days=rng.uniform(8, 35)), weekend=0.0)
        x = rng.random()
        if not quick and x < 0.03:
            self.at(placed + timedelta(hours=rng.uniform(2, 60)), self.cancel, order, None)
        elif not quick and x < 0.05:
            self.at(min(paid, delivered) - timedelta(minutes=1)
                    if min(paid, delivered) - placed > timedelta(hours=2)
                    else placed + timedelta(hours=1), self.cancel, order, 0.3)
        self.at(paid, self.pay, order)
        self.at(delivered, self.deliver, order)
        completed = max(paid, delivered)
        y = rng.random()
        if order.returns:
            self.at(work(completed + timedelta(days=rng.uniform(2, 6))), self.place, p, -1,
                    True)
            self.at(work(completed + timedelta(days=rng.uniform(12, 30))), self.cancel,
                    order, None)
        elif not quick and y < 0.025:
            self.at(work(completed + timedelta(days=rng.uniform(3, 40))), self.cancel, order,
                    0.4)
        elif not quick and y < 0.034:
            self.at(work(completed + timedelta(days=rng.uniform(5, 30))), self.cancel, order,
                    None)

    def pay(self, order: _Order) -> None:
        if order.full_cancel or order.paid:
            return
        p = order.person
        body: dict[str, Any] = {"type": "order_paid", "order": order.id}
        plant = p.plant
        if order.first and plant is not None and PAID in plant.signals:
            body["paid_by"] = plant.referrer.id
            body["payment_fingerprint"] = plant.referrer.card
        if self.runner.run(SHOP, body, shop=True) is not None:
            order.paid = True
            self.completed(order)

    def deliver(self, order: _Order) -> None:
        if order.full_cancel or order.delivered:
            return
        if self.runner.run(SHOP, {"type": "order_delivered", "order": order.id},
                           shop=True) is not None:
            order.delivered = True
            self.completed(order)

    def completed(self, order: _Order) -> None:
        if not (order.paid and order.delivered) or order.completed:
            return
        order.completed = True
        plant = order.person.plant
        if order.first and plant is not None and plant.index == 0:
            # the referrer spends the bonus at once, so confirming the case leaves a claim
            referrer = plant.referrer
            self.at(self.shop_time(self.clock.now() + timedelta(days=3)),
                    self.place, referrer, -1, True)

    def cancel(self, order: _Order, share: float | None) -> None:
        rng = self.rng
        if order.full_cancel or order.remaining <= 0:
            return
        body: dict[str, Any] = {"type": "order_cancelled", "order": order.id}
        amount = None
        if share is not None:
            amount = _money(float(order.remaining) * rng.uniform(0.1, share + 0.1))
            if amount <= 0 or amount >= order.remaining:
                amount = None
        if amount is not None:
            body["net"] = str(amount)
        if self.runner.run(SHOP, body, shop=True) is None:
            return
        if amount is None:
            order.full_cancel = True
            order.cancelled = order.net_after
        else:
            order.cancelled += amount

    # ---------------------------------------------------------------- staff
    def schedule_staff(self) -> None:
        t = self.today
        rng = self.staff_rng

        def when(days_back: int, hour: int, minute: int | None = None) -> datetime:
            day = _working_day_before(t, days_back)
            return _at(day, hour, rng.randint(0, 59) if minute is None else minute,
                       rng.randint(0, 59))

        # the staff exist from the start
        self.at(self.start + timedelta(hours=6), self.add_staff)
        # a confirmed self-referral with its claims, a dismissed case, an open case
        self.at(when(40, 10), self.abuse_confirmed_report)
        self.at(when(26, 11), self.abuse_dismissed)
        self.at(when(5, 14), self.abuse_open)
        # transfers decided in the past, and four pending
        self.at(when(30, 10), self.transfer_history, "reassignment", "tessa", "approve")
        self.at(when(24, 9), self.transfer_history, "left_organisation", "tomasz", "approve")
        self.at(when(18, 15), self.transfer_history, "other", "tessa", "reject")
        for k, reason in enumerate(("left_organisation", "reassignment", "left_organisation",
                                    "other")):
            self.at(when(7 - k, 9 + k), self.transfer_pending, reason, k)
        # adjustments: a small one applied at once, a large one waiting for a team lead
        self.at(when(15, 11), self.adjustment_small)
        self.at(when(3, 10), self.adjustment_large)
        # objections: in time and late, some decided
        for k, (late, outcome) in enumerate(((False, "open"), (False, "open"),
                                             (False, "uphold"), (False, "reject"),
                                             (True, "open"), (True, "open"),
                                             (True, "late"), (True, "goodwill"))):
            self.at(when(1 + (k * 5) % 9, 8 + k % 8), self.objection, late, outcome, k)
        # the customer closes an account
        self.at(when(9, 10), self.close_request)
        # R23: a provider's notice that took effect (the account redeems its last points
        # now) and one that still runs today; a debit booked in error, which the customer
        # objects to (upheld above, the one error in the data). Their times draw nothing
        # from the staff's randomness.
        self.at(_at(_working_day_before(t, 70), 10, 40), self.provider_notice, False)
        self.at(_at(_working_day_before(t, 8), 11, 20), self.provider_notice, True)
        self.at(_at(_working_day_before(t, 6), 14, 5), self.adjustment_in_error)
        # questions by mail: older ones answered and closed, newer ones open
        topics = ("balance", "expiry", "missing_points", "discount", "statement", "tier",
                  "expiry", "balance", "missing_points", "redeem")
        for k in range(8):
            self.at(when(28 - k * 2, 9 + k % 7), self.question, topics[k % len(topics)],
                    "closed", k)
        for k in range(14):
            state = ("new", "new", "open", "waiting", "new", "open", "new")[k % 7]
            self.at(when(12 - k * 12 // 14, 8 + (k * 3) % 9), self.question,
                    topics[(k + 3) % len(topics)], state, 100 + k)

    def actor(self, name: str) -> Actor:
        for user, _display, role, _lang in STAFF:
            if user == name:
                return Actor(name, role)
        raise KeyError(name)

    def add_staff(self) -> None:
        self.runner.commit()
        with self.service.store.session() as s:
            existing = set(s.scalars(select(m.User.name)).all())
        for user in demo_users(self.passwords):
            if user.name not in existing:
                assert user.password is not None
                self.service.add_user(user.name, user.display_name, user.role, user.password,
                                      user.language)
        with self.service.store.session() as s:
            for row in s.scalars(select(m.User).order_by(m.User.id)).all():
                self.persons[row.name] = Person(row.id, row.name, row.display_name, row.role,
                                                row.language)
        self.notes["existing_users"] = sorted(existing)

    def staff(self, name: str, body: dict[str, Any]) -> Ctx | None:
        return self.runner.run(self.actor(name), body)

    def mail(self, p: _Person | str, subject: str, body: str, received: datetime,
             agent: str, attachments: list[tuple[str, bytes]] | None = None,
             received_from: str = "received", reply_to: str | None = None) -> int | None:
        """A customer's mail arrives: attachments kept as evidence, then a case."""
        rng = self.staff_rng
        received = received.replace(microsecond=0)
        sender = p if isinstance(p, str) else p.email
        atts = []
        for label, data in attachments or []:
            sha = self.runner.upload(self.persons[agent], data, label)
            atts.append({"label": label, "sha256": sha})
        domain = sender.partition("@")[2] or "mail.example"
        stamp = received.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        message_id = f"<{stamp}.{rng.getrandbits(40):010x}@{domain}>"
        mail: dict[str, Any] = {
            "message_id": message_id, "received_at": received.isoformat(),
            "received_from": received_from, "sender": sender, "subject": subject,
            "body": body, "attachments": atts}
        if reply_to:
            mail["in_reply_to"] = reply_to
            mail["references"] = [reply_to]
        ctx = self.staff(agent, {"type": "create_mail_case", "mail": mail})
        self.notes.setdefault("message_ids", {})
        if ctx is None or ctx.created is None:
            return None
        self.notes["message_ids"][int(ctx.created)] = message_id
        return int(ctx.created)

    def reply(self, case: int, agent: str, p: _Person, subject: str, de: str, en: str,
              close: bool = False) -> None:
        """The agent's answer, in the customer's language, recorded as sent (the mail
        itself leaves through the desktop's mail program)."""
        rng = self.staff_rng
        now = self.clock.now()
        display = next(d for n, d, _r, _l in STAFF if n == agent)
        if p.language == "de":
            text = (f"Guten Tag {p.name},\n\n{de}\n\nMit freundlichen Grüßen\n{display}\n"
                    "X-Points-Kundenservice")
            subject = subject if subject.startswith(("AW:", "Re:")) else f"AW: {subject}"
        else:
            text = f"Dear {p.name},\n\n{en}\n\nKind regards\n{display}\nX-Points support"
            subject = subject if subject.startswith("Re:") else f"Re: {subject}"
        self.staff(agent, {
            "type": "record_reply_sent", "case": case,
            "message_id": f"<{now.astimezone(UTC):%Y%m%d%H%M%S}.{rng.getrandbits(40):010x}"
                          "@rewards.xrewards.example>",
            "sent_at": now.isoformat(), "to": p.email, "subject": subject, "body": text})
        if close:
            self.staff(agent, {"type": "set_mail_case_status", "case": case,
                               "version": self.version(m.MailCase, case), "status": "closed"})

    def assign(self, case: int, agent: str, assignee: str) -> None:
        self.staff(agent, {"type": "assign_mail_case", "case": case,
                           "version": self.version(m.MailCase, case), "assignee": assignee})

    def note(self, case: int, agent: str, text: str) -> None:
        self.staff(agent, {"type": "note_mail_case", "case": case, "text": text})

    def person_of(self, account: str) -> _Person | None:
        return self.by_id.get(account)

    def active_accounts(self, *where: Any) -> list[str]:
        a = m.AccountRow
        open_case = select(m.AbuseCaseAccount.account_id).join(
            m.AbuseCaseRow, m.AbuseCaseRow.id == m.AbuseCaseAccount.case_id).where(
            m.AbuseCaseRow.status == CaseStatus.OPEN)
        return list(self.s.scalars(select(a.id).where(
            a.status == Status.ACTIVE, a.id.not_in(open_case), *where).order_by(a.id)).all())

    def greeting(self, p: _Person) -> str:
        n = sum(map(ord, p.id))  # the same person greets alike each time
        if p.language == "de":
            return ("Sehr geehrte Damen und Herren,", "Hallo X-Points-Team,",
                    "Guten Tag,")[n % 3]
        return ("Dear X-Points team,", "Hello,", "Dear Sir or Madam,")[n % 3]

    def signature(self, p: _Person) -> str:
        close = "Mit freundlichen Grüßen" if p.language == "de" else "Kind regards"
        return f"{close}\n{p.name}\n{p.org.name}\n{p.phone}"

    # -- abuse ------------------------------------------------------------
    def abuse_confirmed_report(self) -> None:
        plants = [pl for pl in self.planner.plants if pl.index == 0]
        invitee = self.plant_invitee(plants[0]) if plants else None
        if invitee is None:
            return
        referrer = plants[0].referrer
        self.staff("anna", {
            "type": "report_suspicion", "account": invitee.id,
            "text": f"Neukunde {invitee.id} ({invitee.email}) wurde von {referrer.id} "
                    f"({referrer.email}) empfohlen; gleiche Telefonnummer, gleiche "
                    "Lieferadresse, und die erste Bestellung hat der Empfehlende selbst "
                    "aufgegeben und bezahlt. Bitte prüfen (T6.1)."})
        later = self.staff_time(self.clock.now() + timedelta(days=2))
        self.at(later, self.abuse_confirmed_open, invitee, referrer)

    def plant_invitee(self, plant: _Plant) -> _Person | None:
        for p in self.planner.people:
            if p.plant is plant:
                referred = self.s.execute(select(m.AccountRow.referred_by).where(
                    m.AccountRow.id == p.id)).scalar_one_or_none()
                return p if referred == plant.referrer.id else None
        return None

    def abuse_confirmed_open(self, invitee: _Person, referrer: _Person) -> None:
        ctx = self.staff("clara", {"type": "open_abuse_case", "account": invitee.id,
                                   "on_referral": True})
        if ctx is None or ctx.created is None:
            return
        case = ctx.created
        later = self.staff_time(self.clock.now() + timedelta(days=6))
        self.at(later, self.abuse_confirm, case, invitee, referrer)

    def abuse_confirm(self, case: str, invitee: _Person, referrer: _Person) -> None:
        ctx = self.staff("clara", {
            "type": "confirm_self_referral", "case": case,
            "version": self.version(m.AbuseCaseRow, case), "terminate": [invitee.id],
            "reason": f"Selbstempfehlung bestätigt: {invitee.id} ist {referrer.name} "
                      f"({referrer.id}) unter einer zweiten Adresse ({invitee.email}); "
                      "gleiche Telefonnummer und Lieferadresse, erste Bestellung vom "
                      "Empfehlenden bezahlt. Bonus nichtig, Rabatt als Wertersatz (T6.2)."})
        if ctx is None:
            return
        self.inactive.add(invitee.id)
        later = self.staff_time(self.clock.now() + timedelta(days=12))
        self.at(later, self.claim_invoiced, referrer.id)

    def claim_invoiced(self, account: str) -> None:
        row = self.s.execute(select(m.ClaimRow.id, m.ClaimRow.version).where(
            m.ClaimRow.account_id == account).order_by(m.ClaimRow.id)).first()
        if row is not None:
            self.staff("clara", {"type": "set_claim_state", "claim": row.id,
                                 "version": row.version, "state": "invoiced"})

    def abuse_dismissed(self) -> None:
        a = m.AccountRow
        referred = self.active_accounts(a.referred_by.is_not(None))
        colleagues = [x for x in referred if (p := self.person_of(x)) is not None
                      and p.referral == "colleague"]
        if not colleagues:
            return
        invitee = self.staff_rng.choice(colleagues)
        ctx = self.staff("clara", {"type": "open_abuse_case", "account": invitee,
                                   "on_referral": True})
        if ctx is None or ctx.created is None:
            return
        later = self.staff_time(self.clock.now() + timedelta(days=5))
        self.at(later, self.abuse_dismiss, ctx.created)

    def abuse_dismiss(self, case: str) -> None:
        self.staff("clara", {
            "type": "dismiss_abuse_case", "case": case,
            "version": self.version(m.AbuseCaseRow, case),
            "reason": "Kollegin derselben Organisation mit eigener Adresse, eigenem Gerät "
                      "und eigener Zahlung; Empfehlung unter Kollegen ist erlaubt (T2.4)."})

    def abuse_open(self) -> None:
        plants = [pl for pl in self.planner.plants if pl.index == 1]
        invitee = self.plant_invitee(plants[0]) if plants else None
        if invitee is None:
            return
        referrer = plants[0].referrer
        # a colleague in purchasing wonders about a second registration
        case = self.mail(
            f"einkauf@{referrer.org.domain}", "Hinweis: doppelte Anmeldung?",
            f"Guten Tag,\n\nuns ist aufgefallen, dass {referrer.name} ein zweites X-Konto "
            f"angelegt hat ({invitee.email}) und dass die erste Bestellung darauf über "
            f"{referrer.first}s Firmenkarte lief. Ist das so gewollt?\n\nViele Grüße\n"
            f"Einkauf, {referrer.org.name}", self.clock.now() - timedelta(hours=3), "ben")
        self.staff("ben", {
            "type": "report_suspicion", "account": invitee.id, "case": case,
            "text": f"{invitee.id} nutzt dasselbe Gerät und dieselbe IP-Adresse wie "
                    f"{referrer.id}, der ihn empfohlen hat; die erste Bestellung hat "
                    f"{referrer.id} bezahlt."})
        self.at(self.clock.now() + timedelta(hours=2), self.abuse_open_case, invitee.id, case)

    def abuse_open_case(self, invitee: str, case: int | None) -> None:
        self.staff("clara", {"type": "open_abuse_case", "account": invitee,
                             "on_referral": True, "mail_case": case})

    # -- transfers --------------------------------------------------------
    def transfer_pair(self, minimum: int) -> tuple[str, str, int] | None:
        a = m.AccountRow
        rows = self.s.execute(select(a.id, a.billing_account_id).where(
            a.id.in_(self.active_accounts())).order_by(a.billing_account_id, a.id)).all()
        by_billing: dict[str, list[str]] = {}
        for account, billing in rows:
            by_billing.setdefault(billing, []).append(account)
        used = self.notes.setdefault("transfer_accounts", [])
        # what is still usable in three days: the approval comes a day or two later
        balance = self.balances(self.clock.now() + timedelta(days=3))
        pairs = []
        for billing in sorted(by_billing):
            members = [x for x in by_billing[billing] if x not in used]
            if len(members) < 2:
                continue
            source = max(members, key=lambda x: (balance(x), x))
            points = balance(source)
            if points >= minimum:
                target = self.staff_rng.choice([x for x in members if x != source])
                pairs.append((source, target, points))
        if not pairs:
            return None
        source, target, points = self.staff_rng.choice(pairs)
        used.extend([source, target])
        self.frozen.add(source)
        return source, target, points

    def evidence(self, reason: str, source: _Person, target: _Person) -> tuple[str, bytes]:
        rng = self.staff_rng
        org = source.org
        today = _de(self.clock.now())
        if reason == "left_organisation":
            title = f"{org.name} - Bestätigung des Ausscheidens"
            lines = [f"{org.sites[0]['street']}, {org.sites[0]['postcode']} "
                     f"{org.sites[0]['city']}", "",
                     f"Hiermit bestätigen wir, dass {source.name} (X-Konto {source.id})",
                     f"zum {_de(self.clock.now() - timedelta(days=rng.randint(5, 30)))} aus "
                     "unserem Unternehmen ausgeschieden ist.",
                     f"Die X-Points sollen auf das X-Konto {target.id} ({target.name})",
                     "übertragen werden.", "", f"{org.city.name}, {today}",
                     "Personalabteilung"]
            return f"Bestaetigung_Ausscheiden_{_local(source.last)}.pdf", make_pdf(title, lines)
        if reason == "reassignment":
            title = f"{org.name} - Versetzung"
            lines = [f"{source.name} wechselt zum {today} in die Abteilung "
                     f"{rng.choice(('Konstruktion', 'Werk 2', 'Qualitätssicherung'))}.",
                     f"Das Bestellwesen übernimmt {target.name} (X-Konto {target.id}).",
                     "Bitte übertragen Sie die X-Points entsprechend.", "",
                     f"{org.city.name}, {today}", "Geschäftsleitung"]
            return f"Versetzung_{_local(source.last)}.pdf", make_pdf(title, lines)
        return "Screenshot_Kontouebersicht.png", make_png(rng.getrandbits(32))

    def transfer_history(self, reason: str, decider: str, decision: str) -> None:
        self._transfer(reason, "ben" if decider == "tessa" else "anna", decider, decision,
                       pending=False, k=0)

    def transfer_pending(self, reason: str, k: int) -> None:
        self._transfer(reason, ("anna", "ben")[k % 2], None, None, pending=True, k=k)

    def _transfer(self, reason: str, agent: str, decider: str | None, decision: str | None,
                  pending: bool, k: int) -> None:
        rng = self.staff_rng
        pair = self.transfer_pair(600)
        if pair is None:
            return
        source_id, target_id, balance = pair
        source, target = self.by_id[source_id], self.by_id[target_id]
        points = balance if reason == "left_organisation" else max(
            100, int(balance * rng.uniform(0.3, 0.8)) // 100 * 100)
        label, data = self.evidence(reason, source, target)
        if target.language == "de":  # the colleague who gets the points writes
            subject = {"left_organisation": f"Übertragung X-Points – {source.name} ausgeschieden",
                       "reassignment": "Übertragung von X-Points an Kollegin/Kollegen",
                       "other": "Bitte Punkte auf Kollegen umbuchen"}[reason]
            why = {"left_organisation": "hat unser Unternehmen verlassen",
                   "reassignment": "hat neue Aufgaben übernommen",
                   "other": "bestellt künftig nicht mehr selbst"}[reason]
            amount = f"{points:,}".replace(",", ".")
            text = (f"{self.greeting(target)}\n\n{source.name} (X-Konto {source.id}) {why}. "
                    f"Bitte übertragen Sie {amount} X-Points auf mein X-Konto {target.id}. "
                    f"Den Nachweis finden Sie im Anhang.\n\n{self.signature(target)}")
        else:
            subject = {"left_organisation": f"Transfer of points – {source.name} left",
                       "reassignment": "Transfer of points to a colleague",
                       "other": "Please move points to my colleague"}[reason]
            text = (f"{self.greeting(target)}\n\nPlease transfer {points:,} X-Points from "
                    f"{source.name}'s account {source.id} to my account {target.id}. The "
                    f"proof is attached.\n\n{self.signature(target)}")
        received = self.clock.now() - timedelta(hours=rng.uniform(1, 20))
        case = self.mail(target, subject, text, received, agent, [(label, data)])
        sha = self.s.execute(select(m.MailAttachment.evidence_sha256).join(
            m.MailMessage, m.MailMessage.id == m.MailAttachment.message_id).where(
            m.MailMessage.case_id == case)).scalars().first() if case is not None else None
        body: dict[str, Any] = {"type": "request_transfer", "source": source_id,
                                "target": target_id, "points": points, "reason": reason,
                                "evidence": [sha] if sha else [], "case": case}
        if reason == "other":
            body["justification"] = (
                "Kunde bittet um Umbuchung innerhalb desselben Rechnungskontos, da die "
                "Bestellungen künftig zentral über das Zielkonto laufen; Ermessensfall (T5).")
        ctx = self.staff(agent, body)
        if case is not None:
            self.assign(case, agent, agent)
        if ctx is None or ctx.created is None or pending or decider is None:
            return
        request = int(ctx.created)
        later = self.staff_time(self.clock.now() + timedelta(days=1))
        self.at(later, self.decide_transfer, request, decider, decision, case, target)

    def decide_transfer(self, request: int, decider: str, decision: str | None,
                        case: int | None, target: _Person) -> None:
        version = self.version(m.TransferRequestRow, request)
        if decision == "approve":
            ctx = self.staff(decider, {"type": "approve_transfer", "request": request,
                                       "version": version})
            answer = ("die Übertragung der X-Points ist erfolgt; sie behalten ihr "
                      "ursprüngliches Verfallsdatum.", "the points have been transferred; they "
                      "keep their original expiry date.")
        else:
            ctx = self.staff(decider, {
                "type": "reject_transfer", "request": request, "version": version,
                "reason": "Kein Anspruch nach T5.2 (weder Ausscheiden noch Versetzung) und "
                          "kein Ermessensgrund erkennbar."})
            answer = ("eine Übertragung ist in diesem Fall leider nicht möglich (T5.2).",
                      "we are sorry, this transfer is not possible (T5.2).")
        if ctx is not None and case is not None:
            self.reply(case, decider, target, "Übertragung X-Points", *answer, close=True)

    # -- adjustments ------------------------------------------------------
    def adjustment_small(self) -> None:
        candidates = self.active_accounts(m.AccountRow.has_completed_order.is_(True))
        if not candidates:
            return
        account = self.staff_rng.choice(candidates)
        p = self.by_id[account]
        case = self.mail(p, "Fehlende Gutschrift" if p.language == "de" else "Missing points",
                         f"{self.greeting(p)}\n\nfür eine Bestellung fehlen mir die Punkte "
                         f"(laut Shop 750 X-Points).\n\n{self.signature(p)}",
                         self.clock.now() - timedelta(hours=5), "ben")
        self.staff("ben", {"type": "request_adjustment", "account": account, "points": 750,
                           "reason": "Nachbuchung: Gutschrift fehlte wegen eines Fehlers der "
                                     "Shop-Schnittstelle (Ticket SHOP-4711).", "case": case})
        if case is not None:
            self.reply(case, "ben", p, "Fehlende Gutschrift",
                       "die fehlenden 750 X-Points haben wir Ihnen gutgeschrieben.",
                       "we have credited the missing 750 X-Points.", close=True)

    def adjustment_large(self) -> None:
        a = m.AccountRow
        candidates = self.active_accounts(a.spend >= Decimal("20000.00"))
        if not candidates:
            candidates = self.active_accounts(a.has_completed_order.is_(True))
        if not candidates:
            return
        account = self.staff_rng.choice(candidates)
        p = self.by_id[account]
        order = self.s.execute(select(m.OrderRow.id).where(
            m.OrderRow.account_id == account).order_by(m.OrderRow.placed_at.desc())).scalar()
        points = 15_000 + self.staff_rng.randint(0, 40) * 100
        case = self.mail(
            p, f"Punkte für Großauftrag {order} fehlen" if p.language == "de"
            else f"Points missing for order {order}",
            f"{self.greeting(p)}\n\nfür unseren Rahmenauftrag {order} wurden uns laut "
            f"Angebot zusätzlich {points:,} X-Points zugesagt, die noch nicht gebucht "
            f"sind.\n\n{self.signature(p)}".replace(",", "."),
            self.clock.now() - timedelta(hours=20), "anna")
        self.staff("anna", {
            "type": "request_adjustment", "account": account, "points": points,
            "reason": f"Zusage aus dem Rahmenvertrag zu Auftrag {order} (Vertrieb, "
                      "Angebot AN-2024-118); über 10.000 Punkte, daher Freigabe durch die "
                      "Teamleitung (R26).", "case": case})
        if case is not None:
            self.assign(case, "anna", "tessa")
            self.note(case, "anna", "Zusage liegt als PDF im Vertriebsordner; Freigabe "
                                    "durch Teamleitung angefragt.")

    def adjustment_in_error(self) -> None:
        """A debit booked in error: an agent takes back the points of an order that was
        never cancelled (the shop's cancellation ticket named another customer's order).
        The ledger shows the error: the order is complete, nothing of it was cancelled,
        yet its points were debited. The customer objects, and that objection is upheld
        (:meth:`objection`): the one error in the demo's data."""
        o, e = m.OrderRow, m.LedgerEntry
        accounts = set(self.active_accounts(m.AccountRow.has_completed_order.is_(True),
                                            m.AccountRow.notice_at.is_(None)))
        balance = self.balances()
        rows = self.s.execute(
            select(e.account_id, e.source_ref, e.points).join(o, o.id == e.source_ref)
            .where(e.type == EntryType.EARN, e.points.between(400, 4000), o.cancelled == 0,
                   o.completed_at.is_not(None), e.at >= self.clock.now() - timedelta(days=90))
            .order_by(e.id)).all()
        rows = [r for r in rows if r.account_id in accounts
                and self.by_id[r.account_id].plant is None and balance(r.account_id) >= r.points]
        if not rows:
            return
        pick = self.notice_rng.choice(rows)
        ctx = self.staff("ben", {
            "type": "request_adjustment", "account": pick.account_id, "points": -pick.points,
            "reason": f"Rückbuchung: Bestellung {pick.source_ref} storniert "
                      "(Ticket SHOP-4790)."})
        if ctx is None or not ctx.entries:
            return
        notice = self.s.execute(select(m.NoticeRow.id).where(
            m.NoticeRow.entry_id == ctx.entries[-1])).scalar_one()
        self.notes["adjustment_in_error"] = {
            "account": pick.account_id, "order": pick.source_ref, "points": pick.points,
            "notice": notice}

    # -- the provider's notice -------------------------------------------
    def provider_notice(self, running: bool) -> None:
        """R23 (T8.3): a team lead gives a customer the provider's notice. The account
        stays active until the end of the effective date (the shop's events go on), then
        the periodic job makes it `terminated`; it redeems through the effective date plus
        three months. `running`: given eight working days ago, so it still runs today;
        otherwise given about 98 days ago, so the account is terminated today and still
        within its three months to redeem."""
        balance = self.balances()
        used = self.notes.setdefault("notice_accounts", [])
        candidates = [x for x in self.active_accounts(m.AccountRow.has_completed_order.is_(True))
                      if self.by_id[x].plant is None and balance(x) >= 1000 and x not in used]
        if not candidates:
            return
        account = self.notice_rng.choice(candidates)
        ctx = self.staff("tessa", {
            "type": "terminate_account", "account": account,
            "version": self.version(m.AccountRow, account),
            "reason": "Kündigung durch den Anbieter mit einer Frist von 4 Wochen zum "
                      "Monatsende (T8.3): Rahmenvertrag mit der Organisation beendet "
                      "(Vertrieb)."})
        if ctx is not None:
            used.append(account)
            self.notes["notice_running" if running else "notice_ended"] = account

    # -- objections -------------------------------------------------------
    def objection(self, late: bool, outcome: str, k: int) -> None:
        rng = self.staff_rng
        now = self.clock.now()
        today = self.history_end
        if late:
            lo, hi = today - timedelta(days=150), today - timedelta(days=60)
        else:
            lo, hi = today - timedelta(days=24), now - timedelta(hours=6)
        used = self.notes.setdefault("objection_accounts", [])
        n = m.NoticeRow
        if outcome == "uphold":
            # R25: upheld only where the data shows an error: the debit booked in error
            # (adjustment_in_error), which the customer objects to
            wrong = self.notes.get("adjustment_in_error")
            if wrong is None:
                return
            row = self.s.execute(select(n.id, n.account_id, n.kind, n.points, n.sent_at)
                                 .where(n.id == wrong["notice"])).one()
        else:
            rows = self.s.execute(select(n.id, n.account_id, n.kind, n.points, n.sent_at)
                                  .where(n.sent_at >= lo, n.sent_at < hi,
                                         n.kind.in_([NoticeKind.EXPIRY, NoticeKind.REVERSAL,
                                                     NoticeKind.CREDIT]),
                                         n.account_id.in_(self.active_accounts()))
                                  .order_by(n.id)).all()
            wrong_account = (self.notes.get("adjustment_in_error") or {}).get("account")
            rows = [row for row in rows if row.account_id not in used
                    and row.account_id != wrong_account]
            if not rows:
                return
            prefer = [row for row in rows if row.kind is not NoticeKind.CREDIT]
            expiries = [row for row in rows if row.kind is NoticeKind.EXPIRY]
            if outcome == "reject" and expiries:
                # the objection most often made in error: an expiry on schedule (T4.5)
                row = rng.choice(expiries)
            else:
                row = rng.choice(prefer if prefer and rng.random() < 0.75 else rows)
        used.append(row.account_id)
        p = self.by_id[row.account_id]
        what = {NoticeKind.EXPIRY: ("Verfall", "expiry"),
                NoticeKind.REVERSAL: ("Stornierung der Gutschrift", "reversal"),
                NoticeKind.CREDIT: ("Gutschrift", "credit")}[row.kind]
        if row.kind is NoticeKind.CREDIT and row.points < 0:
            what = ("Rückbuchung", "debit")
        sent = _de(row.sent_at)
        if p.language == "de":
            subject = f"Einwand gegen Ihre Mitteilung vom {sent} ({what[0]})"
            text = (f"{self.greeting(p)}\n\nhiermit widerspreche ich der Mitteilung vom "
                    f"{sent} über {abs(row.points)} X-Points ({what[0]}). Die Buchung ist aus "
                    "meiner Sicht nicht korrekt, bitte prüfen Sie das.\n\n"
                    f"{self.signature(p)}")
        else:
            subject = f"Objection to your notice of {sent} ({what[1]})"
            text = (f"{self.greeting(p)}\n\nI object to your notice of {sent} about "
                    f"{abs(row.points)} X-Points ({what[1]}). I believe it is wrong; please "
                    f"check it.\n\n{self.signature(p)}")
        received = (now - timedelta(hours=rng.uniform(2, 30))).replace(microsecond=0)
        if received <= row.sent_at:
            received = (row.sent_at + timedelta(hours=1)).replace(microsecond=0)
        agent = ("anna", "ben")[k % 2]
        attachments = [("Screenshot Punkteübersicht.png", make_png(rng.getrandbits(32)))] \
            if k % 3 == 0 else None
        case = self.mail(p, subject, text, received, agent, attachments,
                         received_from="date" if k == 5 else "received")
        ctx = self.staff(agent, {"type": "record_objection", "notice": row.id,
                                 "received_at": received.isoformat(), "case": case})
        if ctx is None or ctx.created is None:
            return
        objection = int(ctx.created)
        if case is not None and k % 2 == 0:
            self.assign(case, agent, agent)
        if outcome == "open":
            if case is not None and k % 4 == 1:
                self.note(case, agent, "Buchungshistorie angefordert; Rückmeldung an Kunden "
                                       "folgt." if p.language == "de" else
                          "Asked the shop for the order history; will answer the customer.")
            return
        version = self.version(m.Objection, objection)
        # a careful agent decides by what the notice reported (R25): an expiry on
        # schedule, a reversal after a cancellation or a credit at the tier's rate is no
        # error and is rejected citing its clause; only an error is upheld
        facts = notice_facts(self.s, row.id)
        if facts is not None and facts.expiry_early and outcome == "reject":
            outcome = "uphold"
        if outcome == "uphold":
            wrong = self.notes.get("adjustment_in_error")
            if wrong is None or wrong["notice"] != row.id:
                raise AssertionError("the demo upholds only the debit booked in error")
            points = int(wrong["points"])
            self.staff(agent, {"type": "uphold_objection", "objection": objection,
                               "version": version, "points": points,
                               "reason": f"Einwand berechtigt: die Rückbuchung vom {sent} über "
                                         f"{points} X-Points war ein Fehler, Bestellung "
                                         f"{wrong['order']} wurde nicht storniert (T3.6 "
                                         "greift nicht); die Punkte werden wieder "
                                         "gutgeschrieben (T3.9, R25)."})
            if case is not None:
                self.reply(case, agent, p, subject,
                           f"Ihrem Einwand geben wir statt: die Rückbuchung vom {sent} war "
                           f"ein Fehler. {points} X-Points haben wir Ihnen wieder "
                           "gutgeschrieben.", f"your objection is upheld: the debit of "
                           f"{sent} was our error. We have credited the {points} X-Points "
                           "back.", close=True)
        elif outcome == "reject":
            reason, clause = _rejection(facts)
            self.staff(agent, {"type": "reject_objection", "objection": objection,
                               "version": version, "reason": reason})
            if case is not None:
                self.reply(case, agent, p, subject,
                           "wir haben die Buchung geprüft; sie entspricht den "
                           f"Teilnahmebedingungen ({clause}), ein Fehler liegt nicht vor.",
                           "we have checked the movement; it follows the terms of "
                           f"participation ({clause}), there is no error.")
        elif outcome == "late":
            self.staff(agent, {"type": "answer_objection_late", "objection": objection,
                               "version": version,
                               "reason": "Eingang nach Ablauf der Monatsfrist; die "
                                         "Mitteilung gilt als genehmigt (T3.9)."})
            if case is not None:
                self.reply(case, agent, p, subject,
                           "Ihr Einwand ging nach Ablauf der Monatsfrist ein; die Mitteilung "
                           "gilt daher als genehmigt (T3.9).", "your objection reached us "
                           "after the one-month deadline, so the notice counts as approved "
                           "(T3.9).")
        elif outcome == "goodwill":
            # R25 (Decision): late, and no error either; a team lead may still grant it
            points = max(100, min(abs(row.points), 1500)) // 100 * 100
            _reason, clause = _rejection(facts)
            self.staff(agent, {"type": "grant_goodwill", "objection": objection,
                               "version": version, "points": points,
                               "reason": f"Verspätet (T3.9) und kein Fehler ({clause}), aber "
                                         "langjähriger Kunde; Kulanz vorgeschlagen, Freigabe "
                                         "durch die Teamleitung."})

    # -- closing ----------------------------------------------------------
    def close_request(self) -> None:
        a = m.AccountRow
        balance = self.balances()
        candidates = [x for x in self.active_accounts(a.has_completed_order.is_(True))
                      if self.by_id[x].plant is None and balance(x) > 0]
        if not candidates:
            return
        account = self.staff_rng.choice(candidates)
        p = self.by_id[account]
        if p.language == "de":
            subject, text = "Kündigung meines X-Kontos", (
                f"{self.greeting(p)}\n\nbitte schließen Sie mein X-Konto {account}; ich "
                f"wechsle das Unternehmen. Mir ist bewusst, dass meine X-Points dabei "
                f"verfallen.\n\n{self.signature(p)}")
        else:
            subject, text = "Please close my X-Points account", (
                f"{self.greeting(p)}\n\nplease close my account {account}; I am leaving the "
                f"company. I understand my points are forfeited.\n\n{self.signature(p)}")
        case = self.mail(p, subject, text, self.clock.now() - timedelta(hours=16), "anna")
        if self.staff("anna", {"type": "close_account", "account": account,
                               "version": self.version(m.AccountRow, account),
                               "reason": "Auf Wunsch des Kunden per E-Mail (T8.2); Verfall "
                                         "des Guthabens bestätigt.", "case": case}):
            self.inactive.add(account)
        if case is not None:
            self.reply(case, "anna", p, subject,
                       "wie gewünscht haben wir Ihr X-Konto geschlossen.",
                       "as requested, we have closed your account.", close=True)
        self.notes["closed_account"] = account

    # -- questions --------------------------------------------------------
    def question(self, topic: str, state: str, k: int) -> None:
        rng = self.staff_rng
        a = m.AccountRow
        used = self.notes.setdefault("question_accounts", [])
        pool = [x for x in self.active_accounts(a.has_completed_order.is_(True))
                if x not in used]
        if topic == "expiry":
            soon = self.history_end + timedelta(days=30)
            expiring = set(self.s.scalars(select(m.LotRow.account_id).where(
                m.LotRow.remaining > 0, m.LotRow.expires_at > self.clock.now(),
                m.LotRow.expires_at <= soon)).all())
            pool = [x for x in pool if x in expiring] or pool
        if topic == "discount":
            pool = [x for x in self.active_accounts(a.referred_by.is_not(None))
                    if x not in used] or pool
        if not pool:
            return
        account = rng.choice(pool)
        used.append(account)
        p = self.by_id[account]
        # the order asked about: the newest one not complete yet, else the newest
        order = self.s.execute(select(m.OrderRow.id).where(
            m.OrderRow.account_id == account).order_by(
            m.OrderRow.completed_at.is_(None).desc(), m.OrderRow.placed_at.desc())).scalar()
        de = p.language == "de"
        subjects = {
            "balance": ("Frage zu meinem Punktestand", "Question about my points balance"),
            "expiry": ("Verfallen meine X-Points bald?", "Are my points about to expire?"),
            "missing_points": (f"Keine Punkte für Bestellung {order}",
                               f"No points for order {order}"),
            "discount": ("Rabatt-Code funktioniert nicht", "Discount code does not work"),
            "statement": ("Kontoauszug X-Points für die Buchhaltung",
                          "Points statement for our accounts department"),
            "tier": ("Wann erreichen wir Gold?", "When do we reach gold?"),
            "redeem": ("Punkte bei Bestellung einlösen – wie?", "How do I redeem points?"),
        }
        questions = {
            "balance": ("wie viele X-Points habe ich aktuell, und bis wann sind sie gültig?",
                        "how many points do I have, and until when are they valid?"),
            "expiry": ("ich habe eine Erinnerung bekommen, dass Punkte verfallen. Kann man "
                       "das verlängern?",
                       "I was told some of my points expire soon. Can this be extended?"),
            "missing_points": (f"für die Bestellung {order} sehe ich noch keine Gutschrift.",
                               f"I cannot see any points for order {order} yet."),
            "discount": ("der Rabatt-Code aus der Einladung wird im Warenkorb nicht "
                         "angenommen.",
                         "the discount code from my invitation is refused at checkout."),
            "statement": ("bitte senden Sie uns eine Übersicht aller Buchungen dieses Jahres.",
                          "please send us a list of all point movements this year."),
            "tier": ("ab welchem Umsatz erreichen wir die nächste Stufe?",
                     "what spend do we need for the next tier?"),
            "redeem": ("wie kann ich meine Punkte bei der nächsten Bestellung einlösen?",
                       "how can I use my points on my next order?"),
        }
        subject = subjects[topic][0 if de else 1]
        text = (f"{self.greeting(p)}\n\n{questions[topic][0 if de else 1]}\n\n"
                f"{self.signature(p)}")
        received = self.clock.now() - timedelta(hours=rng.uniform(0.5, 14))
        attachments = [("screenshot_warenkorb.png", make_png(rng.getrandbits(32)))] \
            if topic in ("discount", "missing_points") and k % 2 == 0 else None
        agent = ("anna", "ben")[k % 2]
        case = self.mail(p, subject, text, received, agent, attachments)
        if case is None or state == "new":
            return
        self.assign(case, agent, rng.choice(("anna", "ben")) if state == "open" else agent)
        if state == "open" and k % 3 == 0:
            self.note(case, agent, "Rückfrage beim Shop-Team zur Bestellung." if de
                      else "Asked the shop team about the order.")
        if state in ("waiting", "closed"):
            self.reply(case, agent, p, subject, ANSWERS[topic][0], ANSWERS[topic][1],
                       close=state == "closed")
            if state == "waiting" and k % 2 == 1:
                later = self.clock.now() + timedelta(hours=rng.uniform(2, 20))
                if later < self.history_end:
                    self.at(later, self.customer_answers, p, subject, case, agent)

    def customer_answers(self, p: _Person, subject: str, case: int, agent: str) -> None:
        parent = self.notes.get("message_ids", {}).get(case)
        text = ("Danke, das hilft mir weiter. Eine Frage noch: gilt das auch für meine "
                f"Kollegen?\n\n{self.signature(p)}" if p.language == "de" else
                f"Thanks, that helps. One more question: does this apply to my colleagues "
                f"too?\n\n{self.signature(p)}")
        prefix = "AW" if p.language == "de" else "Re"
        self.mail(p, f"{prefix}: {subject}", text, self.clock.now() - timedelta(minutes=20),
                  agent, reply_to=parent)

    # ---------------------------------------------------------------- counts
    def plants(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """The planted self-referrals that were registered with their referral."""
        with self.service.store.session() as s:
            return tuple((p.plant.referrer.id, p.id, p.plant.signals)
                         for p in self.planner.people if p.plant is not None
                         and _referrer(s, p.id) == p.plant.referrer.id)

    def counts(self) -> dict[str, int]:
        now = self.end
        with self.service.store.session() as s:
            def n(query: Any) -> int:
                return int(s.execute(query).scalar_one())
            count = func.count()
            a, o, lot, e = m.AccountRow, m.OrderRow, m.LotRow, m.LedgerEntry
            soon = now + timedelta(days=30)
            objections = s.execute(select(m.Objection.received_at, m.Objection.deadline,
                                          m.Objection.status).where(
                m.Objection.kind == m.ObjectionKind.NOTICE)).all()
            in_time = [ob for ob in objections if ob.deadline is not None
                       and ob.received_at < end_of_day_exclusive(ob.deadline)]
            two_billing = n(select(count).select_from(select(m.BillingAccount.organisation_id)
                                                      .group_by(m.BillingAccount
                                                                .organisation_id)
                                                      .having(count > 1).subquery()))
            return {
                "accounts": n(select(count).select_from(a)),
                "organisations": n(select(count).select_from(m.Organisation)),
                "billing_accounts": n(select(count).select_from(m.BillingAccount)),
                "organisations_with_two_billing_accounts": two_billing,
                "orders": n(select(count).select_from(o)),
                "orders_completed": n(select(count).select_from(o).where(
                    o.completed_at.is_not(None))),
                "orders_open": n(select(count).select_from(o).where(
                    o.completed_at.is_(None), o.cancelled < o.net - o.discount)),
                "orders_cancelled_in_full": n(select(count).select_from(o).where(
                    o.cancelled > 0, o.cancelled == o.net - o.discount)),
                "orders_cancelled_in_part": n(select(count).select_from(o).where(
                    o.cancelled > 0, o.cancelled < o.net - o.discount)),
                "redemptions": n(select(count).select_from(e).where(
                    e.type == EntryType.REDEMPTION)),
                "referrals": n(select(count).select_from(a).where(a.referred_by.is_not(None))),
                "referrals_refused": n(select(count).select_from(m.EngineEvent).where(
                    m.EngineEvent.code == "referrer_not_eligible")),
                "planted_self_referrals": sum(
                    1 for p in self.planner.people if p.plant is not None
                    and _referrer(s, p.id) == p.plant.referrer.id),
                "lots": n(select(count).select_from(lot)),
                "expiries": n(select(count).select_from(e).where(e.type == EntryType.EXPIRY)),
                "lots_expiring_30d": n(select(count).select_from(lot).where(
                    lot.remaining > 0, lot.expires_at > now, lot.expires_at <= soon)),
                "accounts_expiring_30d": n(select(func.count(func.distinct(lot.account_id)))
                                           .where(lot.remaining > 0, lot.expires_at > now,
                                                  lot.expires_at <= soon)),
                "accounts_in_debt": n(select(count).select_from(a).where(a.debt > 0)),
                "accounts_silver_or_gold": n(select(count).select_from(a).where(
                    a.spend >= Decimal("20000.00"))),
                "accounts_gold": n(select(count).select_from(a).where(
                    a.spend >= Decimal("70000.00"))),
                "accounts_closed": n(select(count).select_from(a).where(
                    a.status == Status.CLOSED)),
                "accounts_terminated_for_cause": n(select(count).select_from(a).where(
                    a.status == Status.TERMINATED_FOR_CAUSE)),
                "accounts_under_notice": n(select(count).select_from(a).where(
                    a.status == Status.ACTIVE, a.notice_at.is_not(None))),
                "accounts_terminated": n(select(count).select_from(a).where(
                    a.status == Status.TERMINATED)),
                "mail_cases": n(select(count).select_from(m.MailCase)),
                "mail_cases_open": n(select(count).select_from(m.MailCase).where(
                    m.MailCase.status != m.MailCaseStatus.CLOSED)),
                "mail_messages": n(select(count).select_from(m.MailMessage)),
                "case_notes": n(select(count).select_from(m.CaseNote)),
                "evidence_files": n(select(count).select_from(m.EvidenceFile)),
                "objections": len(objections),
                "objections_in_time": len(in_time),
                "objections_late": len(objections) - len(in_time),
                "objections_open": sum(1 for ob in objections
                                       if ob.status is m.ObjectionStatus.RECORDED),
                "transfers": n(select(count).select_from(m.TransferRequestRow)),
                "transfers_pending": n(select(count).select_from(m.TransferRequestRow).where(
                    m.TransferRequestRow.status == m.RequestStatus.PENDING)),
                "adjustments_pending": n(select(count).select_from(m.AdjustmentRequest).where(
                    m.AdjustmentRequest.status == m.RequestStatus.PENDING)),
                "adjustments_pending_goodwill": n(
                    select(count).select_from(m.AdjustmentRequest).where(
                        m.AdjustmentRequest.status == m.RequestStatus.PENDING,
                        m.AdjustmentRequest.goodwill)),
                "abuse_signals": n(select(count).select_from(m.AbuseSignal)),
                "referrals_with_signals": n(select(func.count(func.distinct(
                    m.AbuseSignal.invitee_id)))),
                "abuse_cases": n(select(count).select_from(m.AbuseCaseRow)),
                "abuse_cases_open": n(select(count).select_from(m.AbuseCaseRow).where(
                    m.AbuseCaseRow.status == CaseStatus.OPEN)),
                "claims": n(select(count).select_from(m.ClaimRow)),
                "ledger_entries": n(select(count).select_from(e)),
                "notices": n(select(count).select_from(m.NoticeRow)),
                "changes": n(select(count).select_from(m.ChangeRow)),
                "audit_records": n(select(count).select_from(m.AuditRecord)),
                "events": self.runner.events,
                "refused": len(self.runner.refused),
            }


def _rejection(facts: NoticeFacts | None) -> tuple[str, str]:
    """R25: the reason a careful agent records for rejecting an objection to a notice
    that follows the rules, and the clause it rests on (German, as the staff write it)."""
    if facts is not None and facts.expiry_on_schedule:
        lot = facts.lots[0]
        if lot.by_window:
            last = berlin_date(lot.due_at - timedelta(microseconds=1))
            return (f"Verfall planmäßig: nach Wirksamwerden der Kündigung konnten die "
                    f"X-Points bis {_de(last)} eingelöst werden (T8.4); kein Fehler.", "T8.4")
        return (f"Verfall planmäßig: X-Points gelten 12 Monate ab der Gutschrift (T4.5); "
                f"gutgeschrieben am {_de(lot.credited_at)}, gültig bis "
                f"{_de(lot.usable_until)}, verfallen am Folgetag. Kein Fehler erkennbar.",
                "T4.5")
    if facts is not None and facts.entry_type is EntryType.REVERSAL:
        return (f"Bestellung {facts.source_ref} wurde nach der Gutschrift storniert; die "
                "Gutschrift wurde entsprechend storniert (T3.6, T3.7). Kein Fehler erkennbar.",
                "T3.6, T3.7")
    if facts is not None and facts.entry_type is EntryType.EARN:
        return (f"Die Gutschrift für Bestellung {facts.source_ref} entspricht Nettoumsatz "
                "und Status-Stufe (T3.4, T3.5). Kein Fehler erkennbar.", "T3.4, T3.5")
    if facts is not None and facts.entry_type is EntryType.REFERRAL_BONUS:
        return ("Der Empfehlungsbonus entspricht der Status-Stufe bei Abschluss der ersten "
                "Bestellung des Eingeladenen (T3.4). Kein Fehler erkennbar.", "T3.4")
    if facts is not None and facts.entry_type is EntryType.REFUND:
        return ("Die eingelösten Punkte der stornierten Bestellung wurden ihrem "
                "Gutschriftposten mit dessen Gültigkeit zurückgebucht (T4.5). Kein Fehler "
                "erkennbar.", "T4.5")
    return ("Die Buchung entspricht den Teilnahmebedingungen; kein Fehler erkennbar.", "T3")


# --------------------------------------------------------------------------- entry points


def build_demo(service: Service, today: date, seed: int = DEMO_SEED, *,
               time_of_day: time | None = None, accounts: int = DEMO_ACCOUNTS,
               organisations: int = DEMO_ORGANISATIONS, exact: bool = False,
               order_factor: float = 1.0) -> DemoInfo:
    """Fill an empty store with the demo program as of `today` (Berlin), through the
    service's own paths; the clock ends at `today` at `time_of_day` (09:00 if not given).

    `accounts` and `organisations` size it (the tests build small ones), `order_factor`
    scales how often customers order; `exact` writes the feed and audit log with
    :class:`Feed` and :func:`audit.append` themselves (slower, same records). The service's
    clock is the caller's again afterwards. The history runs from ``HISTORY_MONTHS``
    before `today` up to its midnight, so `time_of_day` moves only the final clock."""
    started = _time.perf_counter()
    thresholds = gc.get_threshold()
    with service.store.session() as s:
        if s.execute(select(func.count()).select_from(m.AccountRow)).scalar_one():
            raise ValueError("build_demo fills an empty store; this one holds accounts")
        roles = {name: role for name, role in s.execute(select(m.User.name, m.User.role))}
    for name, _display, role, _language in STAFF:
        if name in roles and roles[name] is not role:
            raise ValueError(f"the demo's {name} is a {role.value}, but this store's {name} "
                             f"is a {roles[name].value}")
    if accounts < 2 or organisations < 1 or organisations > accounts:
        raise ValueError("the demo needs at least 2 accounts and at most one organisation "
                         "per account")
    end = datetime.combine(today, time_of_day or time(9, 0), tzinfo=BERLIN)
    # new passwords for this build, on disk (0600) before any user has them
    passwords = {name: demo_passwords.new_password()
                 for name, _display, _role, _language in STAFF if name not in roles}
    kept = demo_passwords.write(service.data_dir, passwords)
    original = service.clock
    clock = SettableClock(end)
    with service.write_lock:
        service.clock = clock
        # the build makes millions of short-lived objects: collecting less often saves ~8 %
        gc.set_threshold(50_000, 50, 100)
        try:
            builder = _Builder(service, clock, seed, today, end, accounts, organisations,
                               exact, order_factor)
            builder.passwords = passwords
            clock.set(builder.start)
            builder.run()
            counts = builder.counts()
            plants = builder.plants()
            seconds = _time.perf_counter() - started
            existing = builder.notes.get("existing_users", [])
            with service.store.session() as s:
                audit.append(s, at=clock.now(), actor="demo", role=None, action=MARKER,
                             subject="program:1", outcome="applied",
                             detail={"seed": seed, "today": today.isoformat(),
                                     "counts": counts, "existing_users": existing,
                                     "plants": [[r, i, list(k)] for r, i, k in plants]})
        finally:
            service.clock = original
            gc.set_threshold(*thresholds)
    users = demo_users({n: p for n, p in passwords.items() if n not in existing})
    log.info("demo built in %.1f s: %s", seconds, counts)
    return DemoInfo(seed, today, users, counts, built=True, seconds=seconds, plants=plants,
                    passwords_file=kept)


def ensure_demo(service: Service) -> DemoInfo:
    """The demo in the service's store: built relative to the service clock's Berlin
    date if the store has no accounts yet, otherwise found (and never rebuilt)."""
    with service.store.session() as s:
        accounts = s.execute(select(func.count()).select_from(m.AccountRow)).scalar_one()
        marker = s.scalars(select(m.AuditRecord).where(m.AuditRecord.action == MARKER)
                           .order_by(m.AuditRecord.id.desc()).limit(1)).first()
        detail = dict(marker.detail) if marker is not None else None
    if detail is not None:
        seed = int(detail.get("seed", DEMO_SEED))
        existing = set(detail.get("existing_users", []))
        passwords = _kept_passwords(service, [name for name, *_ in STAFF
                                              if name not in existing])
        return DemoInfo(seed, date.fromisoformat(detail["today"]), demo_users(passwords),
                        dict(detail.get("counts", {})), built=False,
                        plants=tuple((r, i, tuple(k)) for r, i, k in detail.get("plants", [])),
                        passwords_file=demo_passwords.path(service.data_dir))
    if accounts:
        return DemoInfo(DEMO_SEED, None, (), built=False, foreign_accounts=int(accounts))
    now = service.clock.now()
    berlin = now.astimezone(BERLIN)
    return build_demo(service, berlin_date(now), DEMO_SEED,
                      time_of_day=berlin.time().replace(microsecond=0, tzinfo=None))


def _kept_passwords(service: Service, names: list[str]) -> dict[str, str]:
    """The passwords of the demo's users `names` from the data folder's file; a user the
    file lacks (no file: a demo built before the passwords were random, whose users still
    have the ones the public seed gave them) gets a new random password, set in the store
    and kept in the file, and is signed out everywhere."""
    try:
        kept = demo_passwords.read(service.data_dir)
    except demo_passwords.DemoPasswordsError:
        kept = {}
    renew = {name: demo_passwords.new_password() for name in names if name not in kept}
    if renew:
        with service.write_lock, service.store.session() as s:
            for user in s.scalars(select(m.User).where(m.User.name.in_(renew))).all():
                user.password_hash = security.hash_password(renew[user.name],
                                                            n=service.scrypt_n)
                s.execute(delete(m.ApiToken).where(m.ApiToken.user_id == user.id))
        kept = {**kept, **renew}
        demo_passwords.write(service.data_dir, kept)
        log.warning("the demo users %s got new passwords, kept in %s", ", ".join(renew),
                    demo_passwords.path(service.data_dir))
    return {name: kept[name] for name in names if name in kept}


__all__ = ["DEMO_SEED", "DemoInfo", "DemoUser", "build_demo", "demo_users", "ensure_demo",
           "make_pdf", "make_png"]


def _referrer(s: Session, account: str) -> str | None:
    row = s.get(m.AccountRow, account)
    return None if row is None else row.referred_by
