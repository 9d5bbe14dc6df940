"""What the rules say about an objection to a notice (R25), from what the notice reported
(:mod:`~xrewards_desk.store.read.objections`): the movement in words, the decision the
facts support, and a reason citing the clause, which the decision dialog pre-fills.

An expiry on schedule is no error: the objection is rejected citing T4.5 (twelve months'
validity; T8.4 where the window after a provider's notice ended first). An expiry before
its date is an error: it is upheld and the points credited again. A reversal after a
cancellation follows T3.6/T3.7. Credits and manual adjustments are stated, not judged:
whether a credit was too low or an adjustment wrong is for the agent to find out."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from xrewards_desk.domain.calendar import berlin_date
from xrewards_desk.domain.model import EntryType
from xrewards_desk.store.read.objections import NoticeFacts
from xrewards_desk.ui.qt import QCoreApplication, QLabel, Qt
from xrewards_desk.ui.widgets import forms
from xrewards_desk.ui.widgets.i18n import Fmt
from xrewards_desk.ui.widgets.models import ALERT

UPHOLD, REJECT = "uphold", "reject"


@dataclass(frozen=True)
class Advice:
    # what the notice reported, in words
    facts: str
    # the decision the facts support (UPHOLD, REJECT), or None where they do not say
    suggested: str | None
    # the reason to pre-fill for the suggested decision, citing the clause ("" if none)
    reason: str


def advise(fmt: Fmt, facts: NoticeFacts | None) -> Advice:
    """The facts in words and what they support; an empty advice without facts."""
    if facts is None:
        return Advice("", None, "")
    if facts.expiry and facts.lots:
        return _expiry(fmt, facts)
    when, ref = fmt.when(facts.at), facts.source_ref
    if facts.entry_type is EntryType.REVERSAL:
        text = QCoreApplication.translate(
            "ObjectionAdvice", "Reversal of %1 points for order %2, written %3.")
        reason = QCoreApplication.translate(
            "ObjectionAdvice", "No error: order %1 was cancelled after its points were "
            "credited, so %2 points were taken back (T3.6, T3.7, R15).")
        taken = fmt.points(abs(facts.points))
        return Advice(text.replace("%1", taken).replace("%2", ref).replace("%3", when),
                      REJECT, reason.replace("%1", ref).replace("%2", taken))
    if facts.entry_type is EntryType.ADJUSTMENT:
        text = QCoreApplication.translate(
            "ObjectionAdvice", "Manual adjustment of %1 points, written %2: %3")
        return Advice(text.replace("%1", fmt.signed(facts.points)).replace("%2", when)
                      .replace("%3", facts.note or ref), None, "")
    if facts.entry_type is EntryType.EARN:
        text = QCoreApplication.translate(
            "ObjectionAdvice", "Credit of %1 points for order %2, written %3 (T3.5).")
        return Advice(text.replace("%1", fmt.points(facts.points)).replace("%2", ref)
                      .replace("%3", when), None, "")
    text = QCoreApplication.translate("ObjectionAdvice", "%1 points, written %2.")
    return Advice(text.replace("%1", fmt.signed(facts.points)).replace("%2", when), None, "")


def _expiry(fmt: Fmt, facts: NoticeFacts) -> Advice:
    each = QCoreApplication.translate("ObjectionAdvice",
                                      "%1 points credited %2, usable until %3")
    lots = "; ".join(each.replace("%1", fmt.points(x.points))
                     .replace("%2", fmt.date(berlin_date(x.credited_at)))
                     .replace("%3", fmt.date(x.usable_until)) for x in facts.lots)
    points = fmt.points(abs(facts.points))
    text = QCoreApplication.translate(
        "ObjectionAdvice", "Expiry of %1 points, written %2: %3.").replace(
        "%1", points).replace("%2", fmt.when(facts.at)).replace("%3", lots)
    if facts.expiry_early:
        early = next(x for x in facts.lots if x.due_at > facts.at)
        verdict = QCoreApplication.translate(
            "ObjectionAdvice", "It was written before the points were due: an error.")
        reason = QCoreApplication.translate(
            "ObjectionAdvice", "Error: the points expired before they were due (usable "
            "until %1, T4.5); the %2 points are credited again (R25).")
        return Advice(f"{text} {verdict}", UPHOLD, reason.replace(
            "%1", fmt.date(early.usable_until)).replace("%2", points))
    verdict = QCoreApplication.translate("ObjectionAdvice",
                                         "On schedule (T4.5): not an error.")
    if any(x.by_window for x in facts.lots):
        reason = QCoreApplication.translate(
            "ObjectionAdvice", "No error: the %1 points expired on schedule, at the end of "
            "the three months to redeem after the provider's notice took effect (T8.4, "
            "R23).").replace("%1", points)
    else:
        first = facts.lots[0]
        reason = QCoreApplication.translate(
            "ObjectionAdvice", "No error: the %1 points expired on schedule. X-Points are "
            "valid for 12 months from their credit (T4.5): credited %2, usable until %3, "
            "expired at the start of the next day.").replace("%1", points).replace(
            "%2", fmt.date(berlin_date(first.credited_at))).replace(
            "%3", fmt.date(first.usable_until))
    return Advice(f"{text} {verdict}", REJECT, reason)


def late_reason(fmt: Fmt, deadline: date) -> str:
    """R25 (T3.9): the note on an objection answered as late."""
    return QCoreApplication.translate(
        "ObjectionAdvice", "The objection reached us after the deadline of %1; the notice "
        "counts as approved (T3.9, R25).").replace("%1", fmt.date(deadline))


def advice_label(advice: Advice, decision: str) -> QLabel:
    """The facts for the decision dialog, with a warning where the decision asked for is
    not the one they support."""
    label = forms.label("facts")
    label.setTextFormat(Qt.TextFormat.RichText)
    warning = ""
    if decision == UPHOLD and advice.suggested == REJECT:
        warning = QCoreApplication.translate(
            "ObjectionAdvice", "The notice follows the rules: there is no error to uphold. "
            "Reject the objection (its reason is filled in there); only a team lead's "
            "goodwill could credit the points.")
    elif decision == REJECT and advice.suggested == UPHOLD:
        warning = QCoreApplication.translate(
            "ObjectionAdvice", "The notice was wrong: uphold the objection and credit the "
            "points again.")
    text = html.escape(advice.facts)
    if warning:
        text += f'<br><span style="color:{ALERT.name()}; font-weight:600">' \
                f"{html.escape(warning)}</span>"
    label.setText(text)
    label.setVisible(bool(advice.facts))
    return label


__all__ = ["REJECT", "UPHOLD", "Advice", "advice_label", "advise", "late_reason"]
