"""The demo's people: its size, its staff and their passwords' users, what a build reports
(:class:`DemoInfo`), and the names, cities, streets and companies its customers are made of."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from xrewards_desk.domain.model import (
    Role,
)

DEMO_SEED = 20240801
DEMO_ACCOUNTS = 2000
DEMO_ORGANISATIONS = 300
#: how far back the history starts (months before today)
HISTORY_MONTHS = 26
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


def slug(text: str) -> str:
    folded = ascii_fold(text).lower().replace("&", " und ")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def local_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", ascii_fold(text).lower())


def feminine(nationality: str, surname: str) -> str:
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


