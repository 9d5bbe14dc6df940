"""The customer's PDF statement (Kontoauszug), rendered with Qt from the store's data."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from xrewards_desk.ui.qt import QMarginsF, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from xrewards_desk.ui.widgets.i18n import Fmt

WORDS = {
    "en": {"title": "Statement of X-Points", "customer": "Customer", "period": "Period",
           "opening": "Balance at the start", "closing": "Balance at the end",
           "date": "Date", "movement": "Movement", "points": "Points", "balance": "Balance",
           "lots": "Points still usable", "until": "usable until", "none": "No movements.",
           "all": "all movements", "credits": "Credits", "debits": "Debits",
           "generated": "As of"},
    "de": {"title": "Kontoauszug X-Points", "customer": "Kunde", "period": "Zeitraum",
           "opening": "Stand zu Beginn", "closing": "Stand am Ende", "date": "Datum",
           "movement": "Buchung", "points": "Punkte", "balance": "Stand",
           "lots": "Noch einlösbare Punkte", "until": "gültig bis",
           "none": "Keine Buchungen.", "all": "alle Buchungen", "credits": "Gutschriften",
           "debits": "Abbuchungen", "generated": "Stand"},
}
def statement_html(data: Any, language: str) -> str:
    w = WORDS["de" if language == "de" else "en"]
    f = Fmt(language)
    e = html.escape
    period = (f"{f.date(data.period_from)} – {f.date(data.period_to)}"
              if data.period_from or data.period_to else w["all"])
    rows = "".join(
        f"<tr><td>{e(f.date(x.day))}</td><td>{e(x.label)} "
        f"<span style='color:#666'>{e(x.source_ref)}</span></td>"
        f"<td align='right'>{e(f.signed(x.points))}</td>"
        f"<td align='right'>{e(f.points(x.balance))}</td></tr>" for x in data.entries)
    lots = "".join(f"<li>{e(f.points(x.remaining))} {e(w['points'])}, {e(w['until'])} "
                   f"{e(f.date(x.usable_until))}</li>" for x in data.lots)
    return f"""
<h2>{e(w['title'])}</h2>
<p>{e(w['customer'])}: <b>{e(data.name)}</b> ({e(data.account_id)}), {e(data.organisation)}<br>
{e(w['period'])}: {e(period)}</p>
<p>{e(w['opening'])}: <b>{e(f.points(data.opening))}</b></p>
<table width='100%' cellspacing='0' cellpadding='3' border='0'>
<tr><th align='left'>{e(w['date'])}</th><th align='left'>{e(w['movement'])}</th>
<th align='right'>{e(w['points'])}</th><th align='right'>{e(w['balance'])}</th></tr>
{rows or f"<tr><td colspan='4'>{e(w['none'])}</td></tr>"}
</table>
<p>{e(w['credits'])}: {e(f.signed(data.credits))} &nbsp; {e(w['debits'])}:
{e(f.points(data.debits))}<br>
{e(w['closing'])}: <b>{e(f.points(data.closing))}</b></p>
<p style='color:#666'>{e(w['generated'])}: {e(f.when(data.generated_at))}</p>
{f"<p>{e(w['lots'])}:</p><ul>{lots}</ul>" if lots else ""}
"""


def render_statement(data: Any, path: Path, language: str) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(WORDS["de" if language == "de" else "en"]["title"])
    writer.setCreator("xrewards-desk")
    document = QTextDocument()
    document.setHtml(statement_html(data, language))
    document.print_(writer)
    return path
