"""The desktop words and formats per language (pytest-qt, offscreen; German and English):

- every audit action the server records, every sign of a self-referral it scores and every
  claim reason the engine writes has words of the desktop's own, in German too: walking
  through them yields no untranslated (English) text, and a code the desktop does not
  know is still shown readably;
- date pickers show four-digit years in the locale's form (06.12.2026, 06/12/2026);
- numbers are grouped per locale (213.241 / 213,241; 1.023 B), on the chart's axis too;
- counts in sentences take Qt's plural forms (1 record, 2 records; 1 Eintrag, 2 Einträge).

The codes are read from the server's and the engine's own source and functions, so a new
action, signal or claim reason there fails this test until the desktop words it."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pytest

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk import domain
from xrewards_desk.clock import SettableClock
from xrewards_desk.contract import commands as c
from xrewards_desk.contract.commands import AuditVerification
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.server import abuse_signals as sig
from xrewards_desk.store.read.abuse import ClaimRowInfo
from xrewards_desk.ui import translations
from xrewards_desk.ui.cases.dialogs import berlin_edit
from xrewards_desk.ui.qt import QApplication, QCoreApplication, QValueAxis
from xrewards_desk.ui.review.abuse import ClaimsView
from xrewards_desk.ui.review.audit import AuditRow, AuditView, actions
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.main_window import Desk
from xrewards_desk.ui.shell.paths import Paths
from xrewards_desk.ui.shell.tasks import Tasks
from xrewards_desk.ui.widgets.chart import BalanceChart
from xrewards_desk.ui.widgets.i18n import Fmt, Language
from xrewards_desk.ui.widgets.wording import (
    ACTIONS,
    action_name,
    claim_reason,
    readable,
    signal_sentence,
)

#: Sunday 06.12.2026, 09:30 in Berlin
NOW = datetime(2026, 12, 6, 9, 30, tzinfo=BERLIN)


@pytest.fixture(params=["de", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[Language]:
    """The UI's language switched to German or English (English again afterwards: the
    default locale is the process's)."""
    chosen = Language(qapp)
    assert chosen.switch(request.param)
    yield chosen
    chosen.switch("en")


@pytest.fixture
def german(qapp: QApplication) -> Iterator[Language]:
    chosen = Language(qapp)
    assert chosen.switch("de")
    yield chosen
    chosen.switch("en")


@pytest.fixture
def desk(language: Language, tmp_path: Path) -> Iterator[Desk]:
    """A desktop without a store or session: enough for the views' words."""
    paths = Paths.default(tmp_path / "app").made()
    made = Desk(tasks=Tasks(), paths=paths, settings=st.Settings(paths.settings_file),
                language=language, clock=SettableClock(NOW), quiet=True)
    yield made
    made.tasks.shutdown()


def english(text: str) -> bool:
    """Whether a German text still holds English words (the few that give it away)."""
    return bool(re.search(r"\b(the|and|is|was|by|of|with|record|points?|order|referrer|"
                          r"invitee|redeemed|discount|approve|request|reject)\b", text))


# --------------------------------------------------------------------------- audit actions


def recorded_actions() -> set[str]:
    """Every `action` the server writes to its audit log, read from server/**/*.py (the
    demo's package too): each `audit.append(..., action=...)` (or the demo's `_audit`): the
    parsed command's or shop event's type (each type the contract knows), a literal, or a
    module's constant."""
    found: set[str] = set()
    folder = Path(sig.__file__).parent
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module = ".".join(("xrewards_desk.server", *parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call)
                    and ast.unparse(node.func) in ("audit.append", "self._audit")):
                continue
            value = next((k.value for k in node.keywords if k.arg == "action"), None)
            if value is None:  # the demo's `_audit` passing its own keywords on
                assert any(k.arg is None for k in node.keywords), path.name
                continue
            if isinstance(value, ast.Constant):
                found.add(str(value.value))
            elif ast.unparse(value) == "parsed.type":
                for union in (c.Command, c.ShopEvent):
                    for model in get_args(get_args(union)[0]):
                        found.update(get_args(model.model_fields["type"].annotation))
            else:
                assert isinstance(value, ast.Name), ast.unparse(value)
                found.add(getattr(__import__(module, fromlist=["x"]), value.id))
    return found


def test_every_audit_action_the_server_records_is_worded(language: Language) -> None:
    codes = recorded_actions()
    # what the walk must find: the commands, the shop's events, uploads, the demo's marker
    assert {"approve_transfer", "register", "order_paid", "upload_evidence",
            "demo_built"} <= codes
    assert set(actions()) <= codes  # the filter offers only what is recorded
    for code in sorted(codes):
        assert code in ACTIONS, f"no words for the audit action {code!r}"
        words = action_name(code)
        assert words and words != readable(code), code
        if language.code == "de":
            assert words != ACTIONS[code], f"{code}: {words!r} is not translated"
            assert not english(words), f"{code}: {words!r}"
        else:
            assert words == ACTIONS[code]
    # a code the desktop does not know yet is still readable
    assert action_name("merge_accounts") == "merge accounts"


def test_the_audit_view_words_actions_and_counts(desk: Desk, qtbot: Any) -> None:
    view = AuditView(desk)
    qtbot.addWidget(view)
    de = desk.language.code == "de"
    row = AuditRow(id=7, at=NOW, actor="tessa", role="team_lead", action="approve_transfer",
                   subject="transfer_request:3", outcome="applied", case="", detail={},
                   hash="ab")
    view.model.set_rows([row])
    view.loaded = True
    view.retranslate()
    action = view.model.index(0, 4).data()
    assert action == ("Übertragung genehmigen" if de else "Approve a transfer")
    assert view.action.findText(action) > 0  # the filter names it the same way
    assert view.action.itemData(view.action.findText(action)) == "approve_transfer"
    # the period: thirty days back from 06.12.2026, with a four-digit year
    assert view.since.text() == ("06.11.2026" if de else "06/11/2026")
    # counts: plural forms, grouped per locale
    assert view.status.text() == ("1 Eintrag" if de else "1 record")
    view.model.set_rows([row, row])
    view.more = True
    view._show_status()
    assert view.status.text() == ("2 Einträge angezeigt; weitere mit „Weitere laden“" if de
                                  else "2 records shown; more with “Load more”")
    view.verification = AuditVerification.model_validate(
        {"ok": True, "checked": 213241, "first_broken": None})
    assert view.chain_text() == ("Kette intakt: 213.241 Einträge geprüft." if de
                                 else "Chain intact: 213,241 records checked.")
    view.verification = AuditVerification.model_validate(
        {"ok": False, "checked": 1, "first_broken": {
            "id": 2, "reason": "edited", "at": "2026-12-06T08:30:00+00:00",
            "message": "record 2 was edited"}}, strict=False)
    assert view.chain_text().endswith(
        "Die Kette bricht am 06.12.2026 09:30; der 1 Eintrag davor ist intakt." if de
        else "The break shows at 06 Dec 2026 09:30; the 1 record before it holds.")


# --------------------------------------------------------------------------- signals


def party(id: str, email: str, **values: Any) -> sig.Party:
    return sig.Party(id=id, name=values.pop("name", f"Person {id}"), email=email,
                     organisation=values.pop("organisation", f"ORG-{id}"),
                     billing_account=values.pop("billing_account", f"BA-{id}"), **values)


def scored_signals() -> list[sig.Signal]:
    """Every kind the server scores, from its own `score` (one e-mail sign a referral)."""
    referrer = party(
        "XR-1", "max.mueller@firma.example", name="Max Müller", phone="0171 2345678",
        addresses=(sig.Address("Hauptstraße 5", "10115", "Berlin"),),
        payment_fingerprints=("pf-a", "pf-b", "pf-c"), signup_ip="203.0.113.7",
        device_fingerprint="dev-42", organisation="ORG-1", billing_account="BA-9")
    twin = party(
        "XR-2", "max.mueller@firma.example", name="Mueller, Max", phone="+49 171 2345678",
        addresses=(sig.Address("Hauptstr. 5", "10115", "Berlin"),),
        payment_fingerprints=("pf-a", "pf-b"), signup_ip="203.0.113.7",
        device_fingerprint="dev-42", organisation="ORG-2", billing_account="BA-9")
    found = sig.score(referrer, twin, sig.FirstOrder("XO-2026-000123", "XR-1", "XR-1"))
    for email in ("max.mueller+neu@firma.example", "maxmueller@firma.example",
                  "rnax.mueller@firma.example", "max.mueller@other.example"):
        found += sig.score(referrer, party("XR-3", email), None)
    return found


def test_every_signal_the_server_scores_is_worded(language: Language) -> None:
    signals = scored_signals()
    assert {s.kind for s in signals} == set(sig.WEIGHTS)  # every kind the server knows
    for s in signals:
        words = signal_sentence(s.kind, s.evidence)
        assert words != s.evidence, f"{s.kind}: the server's sentence was not read back"
        if language.code == "de":
            assert not english(words), f"{s.kind}: {words!r}"
    by_kind = {s.kind: signal_sentence(s.kind, s.evidence) for s in signals}
    if language.code == "de":
        assert by_kind["same_phone"] == ("Die Telefonnummer +49 171 2345678 der eingeladenen "
                                         "Person ist die der empfehlenden Person "
                                         "(0171 2345678).")
        assert by_kind["same_payment"] == (
            "Die eingeladene Person hat mit dem Zahlungsmerkmal pf-a bezahlt, wie auch die "
            "empfehlende Person. (Und 1 weiteres gemeinsam.)")
        assert by_kind["same_billing_account"] == (
            "Das Rechnungskonto BA-9 der eingeladenen Person ist das der empfehlenden Person "
            "(BA-9), obwohl die eingeladene Person zur Organisation ORG-2 gehört und die "
            "empfehlende zu ORG-1.")
    else:
        assert by_kind["same_address"] == ("The invitee's delivery address Hauptstr. 5, "
                                           "10115 Berlin is the referrer's Hauptstraße 5, "
                                           "10115 Berlin.")
        assert by_kind["first_order_paid_by_referrer"] == (
            "The invitee's first order XO-2026-000123 was paid by the referrer XR-1.")
    # a sentence of a form the desktop does not know is shown as the server wrote it
    assert signal_sentence("same_email", "something else") == "something else"
    assert signal_sentence("new_kind", "a new sign") == "a new sign"


# --------------------------------------------------------------------------- claim reasons


def engine_claim_reasons() -> list[str]:
    """Each reason the engine gives a claim (domain/engine.py, `_claim(..., reason)`),
    with its values filled in: numbers as 1 and 5000, anything else as an order number."""
    tree = ast.parse(Path(domain.__file__).with_name("engine.py").read_text("utf-8"))
    reasons = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "_claim":
            reason = node.args[4]
            for number in ("1", "5000"):
                parts = []
                for piece in reason.values if isinstance(reason, ast.JoinedStr) else [reason]:
                    if isinstance(piece, ast.Constant):
                        parts.append(str(piece.value))
                    else:
                        said = ast.unparse(piece)
                        parts.append(number if "points" in said or "redeemed" in said
                                     else "XO-2026-000123")
                reasons.append("".join(parts))
    return reasons


def test_every_claim_reason_the_engine_writes_is_worded(language: Language) -> None:
    reasons = engine_claim_reasons()
    assert len(reasons) >= 8  # four reasons, each with two values
    for reason in reasons:
        words = claim_reason(reason)
        assert words != reason, f"no words for the claim reason {reason!r}"
        if language.code == "de":
            assert not english(words), f"{reason}: {words!r}"
    de = language.code == "de"
    # R22: 5,000 bonus points redeemed become a claim; one point reads in the singular
    assert claim_reason("referral bonus redeemed: 5000 points") == (
        "Empfehlungsbonus eingelöst: 5.000 X-Points" if de
        else "Referral bonus redeemed: 5,000 points")
    assert claim_reason("referral bonus redeemed: 1 points") == (
        "Empfehlungsbonus eingelöst: 1 X-Point" if de else "Referral bonus redeemed: 1 point")
    assert claim_reason("discount used on order XO-2026-000123") == (
        "Rabatt-Code bei Bestellung XO-2026-000123 eingelöst" if de
        else "Discount code used on order XO-2026-000123")
    assert claim_reason("written by hand") == "written by hand"


def test_the_claims_view_words_the_reason(desk: Desk, qtbot: Any) -> None:
    view = ClaimsView(desk)
    qtbot.addWidget(view)
    view.model.set_rows([ClaimRowInfo(1, "XR-1", "Max Müller", NOW, Decimal("70.00"),
                                      "referral bonus redeemed: 7000 points", "open", None,
                                      None, 1)])
    reason = view.model.index(0, 6).data()
    assert reason == ("Empfehlungsbonus eingelöst: 7.000 X-Points"
                      if desk.language.code == "de"
                      else "Referral bonus redeemed: 7,000 points")


# --------------------------------------------------------------------------- numbers, dates


def test_numbers_sizes_and_pickers_per_locale(language: Language) -> None:
    f = Fmt(language.code)
    de = language.code == "de"
    assert f.number(213241) == ("213.241" if de else "213,241")
    assert f.size(1023) == ("1.023 B" if de else "1,023 B")
    assert f.size(12) == "12 B"
    assert f.picker_format() == ("dd.MM.yyyy" if de else "dd/MM/yyyy")
    edit = berlin_edit(NOW)
    assert edit.text() == ("06.12.2026 09:30" if de else "06/12/2026 09:30")


def test_the_chart_writes_numbers_as_the_locale_does(language: Language, qtbot: Any) -> None:
    chart = BalanceChart()
    qtbot.addWidget(chart)
    f = Fmt(language.code)
    series = [(datetime(2025, 3, 1, tzinfo=BERLIN), 1000),
              (datetime(2026, 3, 1, tzinfo=BERLIN), 213241)]
    chart.show_series(series, "", f.chart_dates(), f.locale)
    inner = chart.chart()
    assert inner.localizeNumbers() and inner.locale().name() == f.locale.name()
    y = next(a for a in inner.axes() if isinstance(a, QValueAxis))
    # a localized "%.0f" label is QLocale's toString(value, 'f', 0): grouped
    assert y.labelFormat() == "%.0f"
    assert inner.locale().toString(213241.0, "f", 0) == f.number(213241)
    # round ticks: the range starts at 0 and ends on a round number above the top
    assert y.min() == 0 and y.max() >= 213241 and y.max() % 10_000 == 0


# --------------------------------------------------------------------------- plural forms


@pytest.mark.parametrize(("context", "source", "one", "two"), [
    ("CustomerView", "%1 (%Ln point(s) per euro)", ("%1 (1 X-Point je Euro)",
                                                     "%1 (1 point per euro)"),
     ("%1 (2 X-Points je Euro)", "%1 (2 points per euro)")),
    ("AuditView", "%Ln record(s)", ("1 Eintrag", "1 record"), ("2 Einträge", "2 records")),
    ("Wording", "(And %Ln more in common.)", ("(Und 1 weiteres gemeinsam.)",
                                             "(And 1 more in common.)"),
     ("(Und 2 weitere gemeinsam.)", "(And 2 more in common.)")),
])
def test_counts_take_plural_forms(language: Language, context: str, source: str,
                                  one: tuple[str, str], two: tuple[str, str]) -> None:
    i = 0 if language.code == "de" else 1
    assert QCoreApplication.translate(context, source, "", 1) == one[i]
    assert QCoreApplication.translate(context, source, "", 2) == two[i]


def test_every_plural_has_its_english_forms() -> None:
    """The English file holds only the plural forms, each filled (German's are checked
    with all its strings in test_ui), and its .qm is made from it."""
    assert "en" in translations.LANGUAGES
    ts = translations.ts_file("en")
    assert translations.unfinished(ts) == []
    english_file = translations.ts_file("en").read_text(encoding="utf-8")
    assert english_file.count('numerus="yes"') == english_file.count("<message")
