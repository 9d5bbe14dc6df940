"""Reply templates (xrewards_desk/mail/replies.py and resources/templates/replies/):
every template in German and English filled with figures worked out by hand from
../shared/RULES.md (R25's deadline, R26's approval limit, R28's month), and the drafts they
become, parsed back as a mail client would read them.

The expected dates and amounts are written out by hand; the calendar module is used only
to cross-check them.
"""

from __future__ import annotations

import dataclasses
import email
import re
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest

from xrewards_desk.domain.calendar import BERLIN, objection_deadline, objection_in_time
from xrewards_desk.mail.replies import (
    TEMPLATES,
    Figures,
    InconsistentFigures,
    MissingFigure,
    draft,
    label,
    placeholders,
    render,
    reply_subject,
)
from xrewards_desk.resources import resource

LANGS = ("de", "en")

#: R25: a notice sent 31.01.2025 10:00 Berlin may be objected to through 28.02.2025
NOTICE_SENT = datetime(2025, 1, 31, 10, 0, tzinfo=BERLIN)
DEADLINE = date(2025, 2, 28)
#: in time: the last minute of the deadline date
IN_TIME = datetime(2025, 2, 28, 23, 59, tzinfo=BERLIN)
#: late: the first instant after it
LATE = datetime(2025, 3, 1, 0, 0, tzinfo=BERLIN)


def figures(language: str, **changes: Any) -> Figures:
    """An in-time objection to an expiry notice of 1,234 points, upheld with 1,234 points,
    leaving 12,345; the other templates change what they state."""
    base = Figures(
        name="Jörg Weißmüller", language=language, agent="Anna Schäfer",
        received=IN_TIME, notice_sent=NOTICE_SENT, notice_kind="expiry",
        notice_points=1234, deadline=DEADLINE, points=1234, balance=12345,
        reason="Die Bestellung war vor dem Verfall vollständig bezahlt und geliefert.")
    return dataclasses.replace(base, **changes)


#: per template: the figures that fill it (beyond figures()) and what it must say, by hand
CASES: dict[str, tuple[dict[str, Any], dict[str, list[str]]]] = {
    "acknowledge": ({"received": datetime(2025, 3, 3, 8, 15, tzinfo=BERLIN)}, {
        "de": ["Ihre Nachricht vom 03.03.2025", "am 03.03.2025 bei uns eingegangen"],
        "en": ["Your message of 3 Mar 2025", "received on 3 Mar 2025"]}),
    "objection_upheld": ({}, {
        "de": ["Ihre Einwendung vom 28.02.2025",
               "Mitteilung vom 31.01.2025 (Verfall, 1.234 X-Points)", "fristgerecht",
               "bis einschließlich 28.02.2025", "1.234 X-Points gutgeschrieben",
               "neuer Punktestand beträgt 12.345 X-Points",
               "Begründung: Die Bestellung war vor dem Verfall"],
        "en": ["Your objection of 28 Feb 2025",
               "notice of 31 Jan 2025 (expiry, 1,234 points)", "in time",
               "28 Feb 2025 inclusive", "credited 1,234 points",
               "new balance is 12,345 points", "Reason: Die Bestellung"]}),
    "objection_upheld_pending": ({"points": 15000, "awaiting_approval": True}, {
        "de": ["Einwendung vom 28.02.2025", "Mitteilung vom 31.01.2025", "geben ihr statt",
               "um 15.000 X-Points", "Teamleitung freigegeben", "mehr als 10.000 X-Points"],
        "en": ["objection of 28 Feb 2025", "notice of 31 Jan 2025", "upheld it",
               "correction of 15,000 points", "approved by a team lead",
               "more than 10,000 points", "You will hear from us"]}),
    "objection_rejected": ({"reason": "Die Punkte waren am 31.01.2025 verfallen."}, {
        "de": ["Einwendung vom 28.02.2025", "(Verfall, 1.234 X-Points)", "fristgerecht",
               "nicht stattgeben", "Begründung: Die Punkte waren am 31.01.2025 verfallen.",
               "Mitteilung vom 31.01.2025 bleibt daher unverändert bestehen"],
        "en": ["objection of 28 Feb 2025", "(expiry, 1,234 points)", "in time",
               "unable to uphold", "Reason: Die Punkte",
               "notice of 31 Jan 2025 therefore stands"]}),
    "objection_late": ({"received": LATE, "points": None}, {
        "de": ["am 01.03.2025 bei uns eingegangen", "Mitteilung vom 31.01.2025",
               "innerhalb eines Monats", "endete die Frist am 28.02.2025",
               "gilt der mitgeteilte Punktestand als genehmigt"],
        "en": ["reached us on 1 Mar 2025", "notice of 31 Jan 2025", "within one month",
               "deadline ended on 28 Feb 2025", "deemed approved"]}),
    "goodwill_granted": ({"received": LATE, "points": 800}, {
        "de": ["am 01.03.2025", "nach Ablauf der Frist am 28.02.2025", "aus Kulanz",
               "800 X-Points gutgeschrieben", "ohne Anerkennung einer Rechtspflicht"],
        "en": ["on 1 Mar 2025", "after the deadline of 28 Feb 2025", "gesture of goodwill",
               "credited 800 points", "without acknowledging any legal obligation"]}),
    # R28: terms changed by a notice of 15.05.2025; the objection of 10.06.2025 counts
    "terms_objection": ({"change_sent": datetime(2025, 5, 15, 9, 0, tzinfo=BERLIN),
                         "received": datetime(2025, 6, 10, 14, 0, tzinfo=BERLIN),
                         "balance": 7500, "notice_sent": None, "deadline": None}, {
        "de": ["Ihr Widerspruch", "am 15.05.2025 mitgeteilt", "am 10.06.2025 bei uns",
               "als Kündigung", "Ziffer 7.1", "Punktestand von 7.500 X-Points ist verfallen"],
        "en": ["Your objection", "notified you on 15 May 2025", "reached us on 10 Jun 2025",
               "section 7.1", "balance of 7,500 points has been forfeited"]}),
    "closed": ({"received": datetime(2025, 4, 2, 11, 0, tzinfo=BERLIN), "balance": 3210}, {
        "de": ["am 02.04.2025 gewünscht", "X-Konto geschlossen", "Ziffer 8.2",
               "Punktestand von 3.210 X-Points ist mit der Schließung verfallen"],
        "en": ["requested on 2 Apr 2025", "closed your X-account", "section 8.2",
               "balance of 3,210 points was forfeited"]}),
    "balance": ({"today": date(2025, 3, 3), "balance": 42000, "expiring_points": 1500,
                 "next_expiry": date(2025, 3, 31)}, {
        "de": ["Ihr Punktestand zum 03.03.2025", "Punktestand von 42.000 X-Points",
               "1.500 X-Points nur noch bis einschließlich 31.03.2025 gültig"],
        "en": ["Your balance as of 3 Mar 2025", "balance of your X-account is 42,000 points",
               "1,500 points can be used until 31 Mar 2025 inclusive"]}),
    # R4, R7, R8: an order of 28.02.2025 paid, not delivered; completed now at silver
    # (2 per euro) a base of 617.25 EUR would earn floor(1,234.50) = 1,234 points
    "order_pending": ({"received": datetime(2025, 3, 3, 8, 15, tzinfo=BERLIN),
                       "order": "XO-2025-001234",
                       "order_placed": datetime(2025, 2, 28, 16, 0, tzinfo=BERLIN),
                       "missing": ("delivery",), "pending_points": 1234, "tier": "silver",
                       "rate": 2}, {
        "de": ["Ihre Bestellung XO-2025-001234", "Nachricht vom 03.03.2025",
               "Bestellung XO-2025-001234 vom 28.02.2025", "vollständig bezahlt und geliefert",
               "warten wir noch auf die Lieferung.", "brächte sie 1.234 X-Points",
               "Status-Stufe Silber", "2 X-Points je Euro", "kann sie sich ändern"],
        "en": ["Your order XO-2025-001234", "message of 3 Mar 2025",
               "order XO-2025-001234 of 28 Feb 2025", "paid in full and delivered",
               "still waiting for the delivery.", "would earn 1,234 points",
               "current tier silver", "2 points per euro", "it can change"]}),
    # R20, R21: 2,500 points between two accounts of one organisation and billing account
    "transfer_approved": ({"received": datetime(2025, 3, 3, 8, 15, tzinfo=BERLIN),
                           "points": 2500, "source": "Ingrid Horn (XR-1000001)",
                           "target": "Paul Albrecht (XR-1000002)"}, {
        "de": ["Übertragungsantrag vom 03.03.2025: genehmigt", "2.500 X-Points",
               "vom X-Konto Ingrid Horn (XR-1000001)",
               "auf das X-Konto Paul Albrecht (XR-1000002)",
               "ursprüngliches Gutschrifts- und Verfallsdatum"],
        "en": ["transfer request of 3 Mar 2025: approved", "2,500 points",
               "from the X-account Ingrid Horn (XR-1000001)",
               "to the X-account Paul Albrecht (XR-1000002)",
               "original credit date and expiry date"]}),
    "transfer_refused": ({"received": datetime(2025, 3, 3, 8, 15, tzinfo=BERLIN),
                          "points": 2500, "source": "Ingrid Horn (XR-1000001)",
                          "target": "Paul Albrecht (XR-1000002)",
                          "reason": "Die Konten gehören nicht zur selben Organisation."}, {
        "de": ["Ihr Übertragungsantrag vom 03.03.2025", "2.500 X-Points",
               "nicht vornehmen", "Begründung: Die Konten gehören nicht",
               "verbleiben auf dem X-Konto Ingrid Horn (XR-1000001)"],
        "en": ["Your transfer request of 3 Mar 2025", "2,500 points",
               "unable to carry out the transfer", "Reason: Die Konten",
               "remain in the X-account Ingrid Horn (XR-1000001)"]}),
}


def test_the_hand_worked_dates_agree_with_the_calendar() -> None:
    """A cross-check only: R25's deadline for a notice sent 31 January, and its edge."""
    assert objection_deadline(NOTICE_SENT) == DEADLINE
    assert objection_in_time(NOTICE_SENT, IN_TIME)
    assert not objection_in_time(NOTICE_SENT, LATE)


def test_cases_cover_every_template() -> None:
    assert set(CASES) == set(TEMPLATES)
    assert len(TEMPLATES) == len(set(TEMPLATES)) == 12


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_renders_the_figures(name: str, language: str) -> None:
    changes, expected = CASES[name]
    subject, body = render(name, figures(language, **changes))
    text = subject + "\n" + body
    for part in expected[language]:
        assert part in text, f"{name}/{language}: {part!r} not in\n{text}"
    assert "$" not in text
    assert "None" not in text
    assert "\n" not in subject and subject.strip() == subject and subject
    # the salutation and the signature
    salutation = "Guten Tag Jörg Weißmüller," if language == "de" else "Dear Jörg Weißmüller,"
    assert body.startswith(salutation + "\n\n")
    assert body.endswith("\nAnna Schäfer\nX-Points Service\n")
    closing = "Mit freundlichen Grüßen" if language == "de" else "Kind regards"
    assert f"\n\n{closing}\nAnna Schäfer\n" in body
    assert "\n\n\n" not in body


def test_objection_late_in_full() -> None:
    """One reply written out whole, in each language, so the wording is pinned."""
    subject, body = render("objection_late", figures("de", received=LATE, points=None))
    assert subject == "Ihre Einwendung vom 01.03.2025"
    assert body == (
        "Guten Tag Jörg Weißmüller,\n\n"
        "Ihre Einwendung gegen unsere Mitteilung vom 31.01.2025 (Verfall, 1.234 X-Points) "
        "ist am 01.03.2025 bei uns eingegangen. Einwendungen sind innerhalb eines Monats "
        "nach der jeweiligen Mitteilung geltend zu machen (Ziffer 3.9 der "
        "Teilnahmebedingungen); für diese Mitteilung endete die Frist am 28.02.2025.\n\n"
        "Da Ihre Einwendung erst nach Ablauf dieser Frist eingegangen ist, gilt der "
        "mitgeteilte Punktestand als genehmigt. Eine Korrektur ist daher nicht mehr "
        "möglich.\n\n"
        "Mit freundlichen Grüßen\nAnna Schäfer\nX-Points Service\n")
    subject, body = render("objection_late", figures("en", received=LATE, points=None))
    assert subject == "Your objection of 1 Mar 2025"
    assert body == (
        "Dear Jörg Weißmüller,\n\n"
        "Your objection to our notice of 31 Jan 2025 (expiry, 1,234 points) reached us on "
        "1 Mar 2025. Objections must be raised within one month of the notice concerned "
        "(section 3.9 of the terms of participation); for this notice the deadline ended "
        "on 28 Feb 2025.\n\n"
        "As your objection reached us only after this deadline, the notice is deemed "
        "approved. We are therefore unable to make a correction.\n\n"
        "Kind regards\nAnna Schäfer\nX-Points Service\n")


def test_dates_are_berlin_dates() -> None:
    """23:30 UTC on 28 February is 00:30 on 1 March in Berlin: late, and so stated."""
    late_utc = datetime(2025, 2, 28, 23, 30, tzinfo=UTC)
    _, body = render("objection_late", figures("de", received=late_utc, points=None))
    assert "am 01.03.2025 bei uns eingegangen" in body
    assert "endete die Frist am 28.02.2025" in body
    # a notice sent 22:30 UTC on 30 April was sent on 1 May in Berlin (summer time)
    sent = datetime(2025, 4, 30, 22, 30, tzinfo=UTC)
    _, body = render("objection_upheld", figures(
        "en", notice_sent=sent, deadline=date(2025, 6, 1),
        received=datetime(2025, 5, 20, 9, 0, tzinfo=BERLIN)))
    assert "notice of 1 May 2025" in body
    assert "1 Jun 2025 inclusive" in body


def test_leap_year_deadline() -> None:
    """R25: sent 31.01.2024, the deadline is 29.02.2024, and 29.02.2024 23:00 is in time."""
    _, body = render("objection_rejected", figures(
        "de", notice_sent=datetime(2024, 1, 31, 12, 0, tzinfo=BERLIN),
        deadline=date(2024, 2, 29), received=datetime(2024, 2, 29, 23, 0, tzinfo=BERLIN)))
    assert "bis einschließlich 29.02.2024" in body


@pytest.mark.parametrize(("kind", "de", "en"), [
    ("credit", "Gutschrift", "credit"),
    ("expiry", "Verfall", "expiry"),
    ("reversal", "Stornierung der Gutschrift", "reversal of a credit"),
    ("void", "nichtig nach Missbrauchsprüfung", "void after abuse review"),
    ("transfer", "Übertragung", "transfer"),
    ("forfeit", "verfallen bei Kündigung", "forfeited on termination"),
])
def test_notice_kinds_in_words(kind: str, de: str, en: str) -> None:
    _, body = render("objection_rejected", figures("de", notice_kind=kind))
    assert f"vom 31.01.2025 ({de}, 1.234 X-Points)" in body
    _, body = render("objection_rejected", figures("en", notice_kind=kind))
    assert f"of 31 Jan 2025 ({en}, 1,234 points)" in body
    with pytest.raises(ValueError, match="notice kind"):
        render("objection_rejected", figures("de", notice_kind="bonus"))


def test_german_amounts_use_dots_english_commas() -> None:
    _, de = render("objection_upheld", figures("de", points=1_234_567, balance=10_000_000))
    assert "1.234.567 X-Points gutgeschrieben" in de
    assert "12.345" not in de and "10.000.000 X-Points" in de
    assert not re.search(r"\d,\d{3}", de)
    _, en = render("objection_upheld", figures("en", points=1_234_567, balance=10_000_000))
    assert "credited 1,234,567 points" in en and "10,000,000 points" in en
    assert not re.search(r"\d\.\d{3}", en)
    _, small = render("closed", figures("de", balance=999))
    assert "von 999 X-Points" in small


@pytest.mark.parametrize("language", LANGS)
def test_balance_states_the_expiry_only_when_given(language: str) -> None:
    _, body = render("balance", figures(language, today=date(2025, 3, 3), balance=42000))
    assert "42" in body
    assert "31.03" not in body and "gültig" not in body and "expire" not in body
    assert "\n\n\n" not in body
    _, zero = render("balance", figures(language, today=date(2025, 3, 3), balance=42000,
                                        expiring_points=0))
    assert zero == body
    with pytest.raises(MissingFigure) as caught:
        render("balance", figures(language, today=date(2025, 3, 3), balance=42000,
                                  expiring_points=1500))
    assert caught.value.figure == "next_expiry"


@pytest.mark.parametrize(("name", "figure", "words_en", "words_de"), [
    ("objection_late", "deadline", "the deadline for objections",
     "die Frist für Einwendungen"),
    ("objection_upheld", "points", "the points credited", "die gutgeschriebenen X-Points"),
    ("objection_upheld", "reason", "the reason", "die Begründung"),
    ("acknowledge", "received", "the date the customer's message was received",
     "das Eingangsdatum"),
    ("terms_objection", "change_sent", "the notice of changed terms",
     "Änderungsmitteilung"),
    ("closed", "balance", "the account's balance", "der Punktestand"),
    ("balance", "today", "the date the balance is stated for", "Stichtag"),
    ("acknowledge", "agent", "the agent", "unterschreibt"),
    ("acknowledge", "name", "the customer's name", "der Name des Kunden"),
])
def test_a_missing_figure_is_named_in_plain_words(
        name: str, figure: str, words_en: str, words_de: str) -> None:
    changes = dict(CASES[name][0])
    empty: Any = "" if figure in ("reason", "agent", "name") else None
    changes[figure] = empty
    with pytest.raises(MissingFigure) as caught:
        render(name, figures("en", **changes))
    assert caught.value.figure == figure and caught.value.template == name
    assert isinstance(caught.value, ValueError)
    assert words_en in str(caught.value) and "None" not in str(caught.value)
    assert label(name, "en") in str(caught.value)
    with pytest.raises(MissingFigure) as caught:
        render(name, figures("de", **changes))
    assert words_de in str(caught.value) and label(name, "de") in str(caught.value)


def test_figures_a_template_does_not_name_may_be_missing() -> None:
    subject, body = render("acknowledge", Figures(
        name="Frau Özdemir", language="de", agent="Anna Schäfer", received=LATE,
        notice_sent=None, notice_kind=None, notice_points=None, deadline=None, points=None,
        balance=None))
    assert subject == "Ihre Nachricht vom 01.03.2025"
    assert "Frau Özdemir" in body


@pytest.mark.parametrize("language", LANGS)
def test_a_small_uphold_queued_by_the_sum_still_gets_its_reply(language: str) -> None:
    # R26: after +6,000 and -3,000 without approval, an uphold of +3,000 makes 12,000 and
    # waits for a team lead although it is far below 10,000 on its own
    _subject, body = render("objection_upheld_pending",
                           figures(language, points=3_000, awaiting_approval=True))
    assert ("3.000 X-Points" if language == "de" else "3,000 points") in body
    assert ("der letzten 30 Tage" if language == "de" else "in the last 30 days") in body


@pytest.mark.parametrize("language", LANGS)
def test_figures_that_contradict_the_template_are_refused(language: str) -> None:
    # R25: late objections are not answered as in time, nor in-time ones as late
    for name in ("objection_upheld", "objection_upheld_pending", "objection_rejected"):
        changes = {**CASES[name][0], "received": LATE}
        with pytest.raises(InconsistentFigures, match="late"):
            render(name, figures(language, **changes))
    for name in ("objection_late", "goodwill_granted"):
        changes = {**CASES[name][0], "received": IN_TIME}
        with pytest.raises(InconsistentFigures, match="in time"):
            render(name, figures(language, **changes))
    # a deadline that is not the notice's
    with pytest.raises(InconsistentFigures, match="deadline"):
        render("objection_late", figures(language, received=LATE, points=None,
                                         deadline=date(2025, 3, 3)))
    # R26: whether the uphold waits for a team lead is the request's own state, never a
    # limit of the reply's: an adjustment that was applied is not answered as pending,
    # nor one that waits as credited
    with pytest.raises(InconsistentFigures, match="approval"):
        render("objection_upheld_pending", figures(language, points=15_000,
                                                   awaiting_approval=False))
    with pytest.raises(InconsistentFigures, match="approval"):
        render("objection_upheld", figures(language, awaiting_approval=True))
    with pytest.raises(InconsistentFigures, match="more than 0"):
        render("goodwill_granted", figures(language, received=LATE, points=0))
    # R28: an objection to changed terms of 15.05.2025 counts through 15.06.2025
    changes = {**CASES["terms_objection"][0],
               "received": datetime(2025, 6, 16, 0, 0, tzinfo=BERLIN)}
    with pytest.raises(InconsistentFigures, match="R28"):
        render("terms_objection", figures(language, **changes))
    changes["received"] = datetime(2025, 6, 15, 23, 59, tzinfo=BERLIN)
    assert "15" in render("terms_objection", figures(language, **changes))[1]


def test_unknown_template_or_language() -> None:
    with pytest.raises(ValueError, match="template"):
        render("welcome", figures("de"))
    with pytest.raises(ValueError, match="language"):
        render("acknowledge", figures("fr"))
    assert render("acknowledge", figures("de-DE")) == render("acknowledge", figures("de"))


def test_labels() -> None:
    for name in TEMPLATES:
        assert label(name, "de") and label(name, "en")
        assert label(name, "de") != label(name, "en")
    assert label("goodwill_granted", "de") == "Verspätete Einwendung, Gutschrift aus Kulanz"
    assert label("terms_objection", "de").startswith("Widerspruch")
    assert label("objection_rejected", "de") == "Einwendung abgelehnt"
    assert label("objection_rejected", "en") == "Objection rejected"


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_file_exists_in_both_languages_alike(name: str) -> None:
    found: dict[str, set[str]] = {}
    for language in LANGS:
        path = resource("templates", "replies", language, name + ".txt")
        assert path.is_file(), path
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        assert lines[0].startswith("Subject: ") and lines[1] == "", path
        assert text.endswith("${agent}\nX-Points Service\n"), path
        found[language] = set(re.findall(r"\$\{(\w+)\}", text))
        assert found[language] == placeholders(name, language)
        assert not re.search(r"\$(?!\{\w+\})", text), f"{path}: a bare $"
    assert found["de"] == found["en"]
    assert {"name", "agent"} <= found["de"]


def test_no_stray_template_files() -> None:
    for language in LANGS:
        names = {p.stem for p in resource("templates", "replies", language).glob("*.txt")}
        assert names == set(TEMPLATES)


# --------------------------------------------------------------------------- drafts

AT = datetime(2025, 3, 3, 9, 30, tzinfo=BERLIN)


def _parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    return msg


@pytest.mark.parametrize("language", LANGS)
def test_draft_parses_back(language: str) -> None:
    subject, body = render("objection_upheld", figures(language))
    raw, message_id = draft(
        sender="X-Points Service <rewards@xrewards.example>",
        to="Jörg Weißmüller <joerg@kunde.example>", subject=subject, body=body,
        in_reply_to="<abc.123@kunde.example>",
        references=["<root.1@kunde.example>", "<abc.123@kunde.example>"], at=AT)
    assert isinstance(raw, bytes)
    msg = _parse(raw)
    assert msg["Subject"] == "Re: " + subject
    content = msg.get_content()
    assert content == body
    assert "Weißmüller" in content and "Schäfer" in content
    assert msg["In-Reply-To"] == "<abc.123@kunde.example>"
    assert msg["References"].split() == ["<root.1@kunde.example>", "<abc.123@kunde.example>"]
    assert msg["X-Unsent"] == "1"
    assert msg["Message-ID"] == message_id
    assert re.fullmatch(r"<[^<>@\s]+@xrewards-desk\.invalid>", message_id)
    assert msg["From"].addresses[0].addr_spec == "rewards@xrewards.example"
    assert msg["To"].addresses[0].display_name == "Jörg Weißmüller"
    assert msg["Date"].datetime == AT
    assert msg.get_content_charset() == "utf-8"
    assert msg["Content-Transfer-Encoding"] in ("quoted-printable", "base64", "8bit")
    assert b"Re: Re:" not in raw and "Re: Re:" not in msg["Subject"]


def test_draft_ids_are_new_each_time() -> None:
    one = draft(sender="a@x.example", to="b@y.example", subject="Hallo", body="Text\n",
                in_reply_to=None, references=[], at=AT)[1]
    two = draft(sender="a@x.example", to="b@y.example", subject="Hallo", body="Text\n",
                in_reply_to=None, references=[], at=AT)[1]
    assert one != two


def test_draft_threading() -> None:
    """The message answered ends the References chain (RFC 5322 3.6.4), ids get their
    angle brackets, and a draft with no parent has neither header."""
    raw, _ = draft(sender="a@x.example", to="b@y.example", subject="Frage", body="Text\n",
                   in_reply_to="parent@kunde.example", references=["<root@kunde.example>"],
                   at=AT)
    msg = _parse(raw)
    assert msg["In-Reply-To"] == "<parent@kunde.example>"
    assert msg["References"].split() == ["<root@kunde.example>", "<parent@kunde.example>"]
    raw, _ = draft(sender="a@x.example", to="b@y.example", subject="Frage", body="Text\n",
                   in_reply_to=None, references=[], at=AT)
    msg = _parse(raw)
    assert msg["In-Reply-To"] is None and msg["References"] is None
    assert msg["X-Unsent"] == "1"


@pytest.mark.parametrize(("given", "expected"), [
    ("Einwendung", "Re: Einwendung"),
    ("Re: Einwendung", "Re: Einwendung"),
    ("RE: Re: Einwendung", "Re: Einwendung"),
    ("AW: Re: Einwendung", "Re: Einwendung"),
    ("Aw: AW: Ihre Mitteilung vom 31.01.2025", "Re: Ihre Mitteilung vom 31.01.2025"),
    ("re:Re[2]: Punkte", "Re: Punkte"),
    ("Regeln", "Re: Regeln"),
    ("  Re:  Re:   Rückfrage  ", "Re: Rückfrage"),
])
def test_re_once(given: str, expected: str) -> None:
    assert reply_subject(given) == expected
    raw, _ = draft(sender="a@x.example", to="b@y.example", subject=given, body="Text\n",
                   in_reply_to=None, references=[], at=AT)
    msg = _parse(raw)
    assert msg["Subject"] == expected
    assert "Re: Re:" not in msg["Subject"]


def test_draft_needs_an_aware_time() -> None:
    with pytest.raises(ValueError):
        draft(sender="a@x.example", to="b@y.example", subject="x", body="y\n",
              in_reply_to=None, references=[], at=datetime(2025, 3, 3, 9, 30))


# --------------------------------------------------------------------------- macros' figures


@pytest.mark.parametrize("language", LANGS)
def test_an_order_waiting_for_both_names_both(language: str) -> None:
    """R4: an order neither paid nor delivered waits for both, said once in words."""
    changes = dict(CASES["order_pending"][0], missing=("payment", "delivery"))
    _subject, body = render("order_pending", figures(language, **changes))
    assert ("warten wir noch auf die Zahlung und die Lieferung." if language == "de"
            else "still waiting for the payment and the delivery.") in body


@pytest.mark.parametrize("language", LANGS)
def test_pending_points_that_contradict_the_rules_are_refused(language: str) -> None:
    changes = CASES["order_pending"][0]
    # R7: silver earns 2 per euro, not 3
    with pytest.raises(InconsistentFigures, match="R7"):
        render("order_pending", figures(language, **dict(changes, rate=3)))
    # an order that would earn nothing has no pending points to promise
    with pytest.raises(InconsistentFigures, match="no points"):
        render("order_pending", figures(language, **dict(changes, pending_points=0)))
    # nothing missing: the order is complete, not pending
    with pytest.raises(MissingFigure) as missing:
        render("order_pending", figures(language, **dict(changes, missing=())))
    assert missing.value.figure == "missing"
    with pytest.raises(ValueError, match="cannot wait for"):
        render("order_pending", figures(language, **dict(changes, missing=("invoice",))))
    with pytest.raises(ValueError, match="unknown tier"):
        render("order_pending", figures(language, **dict(changes, tier="platinum")))
