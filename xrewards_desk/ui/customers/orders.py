"""The customer's orders (issue 19 item 1): every order with its dates, cancellations,
net, discount, points redeemed and credited (with the tier and rate R8 used) and the
referral bonus it paid; for an open order what it waits for and the points it would earn
if it completed now, from the engine's own preview (store/read/orders.py), with the
warning that the figure can change before it completes. The detail below the table links
the order's ledger entries (opened in the ledger tab) and its notices."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.store.read.orders import OrderInfo, PendingPoints, customer_orders
from xrewards_desk.ui import qt
from xrewards_desk.ui.customers.tab import CustomerTab
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets.i18n import Fmt
from xrewards_desk.ui.widgets.models import ALERT, WARN, Column, RowsModel, table_view
from xrewards_desk.ui.widgets.panes import above_detail

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class OrdersView(CustomerTab):
    #: ledger entry ids to show in the ledger tab
    show_entries = qt.Signal(tuple)
    open_customer = qt.Signal(str)

    def __init__(self, desk: Desk, account_id: str) -> None:
        super().__init__(desk, account_id, "orders")
        #: the order to select once the orders are there (an order number searched for)
        self.wanted: str | None = None
        f = desk.fmt
        self.model: RowsModel[OrderInfo] = RowsModel([
            Column(lambda: self.tr("Order"), lambda o: o.id),
            Column(lambda: self.tr("State"), lambda o: self.state_text(o),
                   foreground=lambda o: WARN if o.state == "open" else
                   (ALERT if o.state == "cancelled" else None)),
            Column(lambda: self.tr("Placed"), lambda o: f().when(o.placed_at)),
            Column(lambda: self.tr("Paid"), lambda o: f().when(o.paid_at) or "—"),
            Column(lambda: self.tr("Delivered"), lambda o: f().when(o.delivered_at) or "—"),
            Column(lambda: self.tr("Completed"), lambda o: f().when(o.completed_at) or "—"),
            Column(lambda: self.tr("Net"), lambda o: f().money(o.net), right=True),
            Column(lambda: self.tr("Discount"),
                   lambda o: f().money(o.discount) if o.discount else "", right=True),
            Column(lambda: self.tr("Cancelled"),
                   lambda o: f().money(o.cancelled) if o.cancelled else "", right=True),
            Column(lambda: self.tr("Redeemed"),
                   lambda o: f().points(o.redeemed) if o.redeemed else "", right=True),
            Column(lambda: self.tr("Points"), lambda o: self.points_text(o, f()), right=True,
                   tooltip=lambda o: self.pending_text(o, f()) if o.pending else None),
            Column(lambda: self.tr("Tier and rate"), lambda o: self.rate_text(o)),
        ], self)
        self.table = table_view(self.model, "orders-table")
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._detail())
        split, self.detail = above_detail(self.table, self._link, (3, 2))
        self.detail.setObjectName("order-detail")
        self.message = qt.QLabel()
        self.csv = qt.QPushButton()
        self.csv.clicked.connect(lambda: self.export_csv())
        top = qt.QHBoxLayout()
        top.addWidget(self.message, 1)
        top.addWidget(self.csv)
        layout = qt.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.retranslate()

    # ------------------------------------------------------------------ words
    def retranslate(self) -> None:
        self.csv.setText(self.tr("Export CSV…"))
        self.model.retranslate()
        self._count()
        self._detail()

    def state_text(self, o: OrderInfo) -> str:
        if o.state == "completed":
            return self.tr("completed")
        if o.state == "cancelled":
            return self.tr("cancelled")
        return {("payment", "delivery"): self.tr("open: not paid, not delivered"),
                ("payment",): self.tr("open: not paid"),
                ("delivery",): self.tr("open: not delivered")}.get(o.missing, self.tr("open"))

    def tier_name(self, tier: object) -> str:
        value = getattr(tier, "value", tier)
        return {"bronze": self.tr("bronze"), "silver": self.tr("silver"),
                "gold": self.tr("gold")}.get(str(value), str(value))

    def rate_text(self, o: OrderInfo) -> str:
        if o.pending is not None:
            p = o.pending
            return self.tr("%1, %Ln point(s) per euro (now)", "", p.rate).replace(
                "%1", self.tier_name(p.tier))
        if o.tier is None or o.rate is None:
            return ""
        return self.tr("%1, %Ln point(s) per euro", "", o.rate).replace(
            "%1", self.tier_name(o.tier))

    def points_text(self, o: OrderInfo, f: Fmt) -> str:
        if o.pending is not None:
            return self.tr("%1 pending").replace("%1", f.points(o.pending.points))
        if o.credited and o.kept != o.credited:
            return self.tr("%1 (%2 kept)").replace("%1", f.points(o.credited)).replace(
                "%2", f.points(o.kept))
        return f.points(o.credited) if o.credited else ""

    def pending_text(self, o: OrderInfo, f: Fmt) -> str:
        """The agent's answer to "where are my points": what the order earns once it is
        complete, and what it waits for (R4, R8)."""
        p = o.pending
        if p is None:
            return ""
        if p.no_earning is not None:
            return {
                "placed_before_launch": self.tr(
                    "%1 earns no points: it was placed before the program began (R2)."),
                "account_not_active": self.tr(
                    "%1 earns no points: the account is not active (R3)."),
                "program_ended": self.tr("%1 earns no points: the program has ended (R23)."),
            }[p.no_earning].replace("%1", o.id)
        done = {"payment": (o.paid_at, self.tr("paid %1")),
                "delivery": (o.delivered_at, self.tr("delivered %1"))}
        happened = [text.replace("%1", f.date(at.astimezone(BERLIN).date()))
                    for at, text in done.values() if at is not None]
        once = {("payment", "delivery"): self.tr("once paid and delivered"),
                ("payment",): self.tr("once paid"),
                ("delivery",): self.tr("once delivered")}.get(o.missing, "")
        sentence = self.tr("%1 will earn %2 (%3) %4").replace(
            "%1", o.id).replace("%2", self.tr("%Ln point(s)", "", p.points)).replace(
            "%3", self.rate_text(o)).replace("%4", once)
        if happened:
            sentence += "; " + ", ".join(happened)
        return sentence + "."

    def change_text(self, p: PendingPoints) -> str:
        reasons = {
            "other_order": self.tr("another order completing first can lift the tier"),
            "cancellation": self.tr("a cancellation lowers the base"),
            "notice": self.tr("a notice taking effect first ends the earning"),
        }
        listed = "; ".join(reasons[c] for c in p.changes if c in reasons)
        text = self.tr("The figure can change until the order completes: R8 takes the tier "
                       "held just before completion.")
        return f"{text} {listed}." if listed else text

    # ------------------------------------------------------------------ detail
    def _detail(self) -> None:
        o = self.model.row(self.table.currentIndex())
        if o is None:
            self.detail.setHtml(html.escape(self.tr("Pick an order to see its detail.")))
            return
        self.detail.setHtml(self.detail_html(o, self.desk.fmt()))

    def detail_html(self, o: OrderInfo, f: Fmt) -> str:
        esc = html.escape

        def when(at: datetime | None) -> str:
            return f.when(at) if at is not None else "—"

        rows = [
            (self.tr("Placed"), when(o.placed_at)), (self.tr("Paid"), when(o.paid_at)),
            (self.tr("Delivered"), when(o.delivered_at)),
            (self.tr("Completed"), when(o.completed_at)),
            (self.tr("Net"), f.money(o.net)),
        ]
        if o.discount_code:
            rows.append((self.tr("Discount code"),
                         f"{o.discount_code} (−{f.money(o.discount)})"))
        if o.redeemed:
            until = self.tr("usable until %1")
            lots = ", ".join(
                f"{lot.lot}: {f.points(lot.points)}"
                + (f" ({until.replace('%1', f.date(lot.usable_until))})"
                   if lot.usable_until else "") for lot in o.redeemed_lots)
            rows.append((self.tr("Points redeemed"),
                         f.points(o.redeemed) + (f" — {lots}" if lots else "")))
        for c in o.cancellations:
            part = self.tr("in full") if c.in_full else self.tr("in part")
            at = f.when(c.at) if c.at else self.tr("date not recorded")
            rows.append((self.tr("Cancelled"), f"{f.money(c.amount)} ({part}), {at}"))
        rows.append((self.tr("Earning base (R5)"), f.money(o.base)))
        if o.credited:
            rows.append((self.tr("Credited"), self.tr("%1 on %2 (%3)").replace(
                "%1", self.tr("%Ln point(s)", "", o.credited)).replace(
                "%2", when(o.credited_at)).replace("%3", self.rate_text(o))))
            if o.kept != o.credited:
                rows.append((self.tr("Kept after reversals"), f.points(o.kept)))
        if o.referral_bonus is not None:
            b = o.referral_bonus
            bonus = self.tr("%1 to %2 on %3").replace(
                "%1", self.tr("%Ln point(s)", "", b.points)).replace(
                "%2", f"<a href='customer:{esc(b.referrer)}'>{esc(b.referrer)}</a>").replace(
                "%3", when(b.at))
            if b.reversed:
                bonus += " — " + self.tr("%1 reversed (R16)").replace("%1", f.points(b.reversed))
            rows.append((self.tr("Referral bonus"), bonus))
        table = "".join(
            f"<tr><td style='padding-right:12px'><b>{esc(k)}</b></td><td>"
            f"{v if k == self.tr('Referral bonus') else esc(v)}</td></tr>" for k, v in rows)
        parts = [f"<h3>{esc(o.id)} — {esc(self.state_text(o))}</h3><table>{table}</table>"]
        if o.pending is not None:
            parts.append(f"<p><b>{esc(self.pending_text(o, f))}</b><br>"
                         f"<i>{esc(self.change_text(o.pending))}</i></p>")
        mine = [e for e in o.entries if e.account == self.account_id]
        if mine:
            ids = ",".join(e.id for e in mine)
            link = self.tr("%n ledger entry(s) of this order", "", len(mine))
            parts.append(f"<p><a href='entries:{esc(ids)}'>{esc(link)}</a></p>")
        if o.notices:
            notice, heading = self.tr("notice %1"), self.tr("Notices")
            items = "".join(
                f"<li>{esc(f.when(n.sent_at))}: {esc(notice.replace('%1', n.id))}"
                f" ({f.signed(n.points)})</li>" for n in o.notices)
            parts.append(f"<p>{esc(heading)}</p><ul>{items}</ul>")
        return "".join(parts)

    def _link(self, url: qt.QUrl) -> None:
        target = url.toString()
        if target.startswith("entries:"):
            self.show_entries.emit(tuple(target.split(":", 1)[1].split(",")))
        elif target.startswith("customer:"):
            self.open_customer.emit(target.split(":", 1)[1])

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        account, now = self.account_id, self.desk.now()

        def work(s: Session) -> list[OrderInfo]:
            return customer_orders(s, account, now) or []

        self.desk.tasks.query(self.desk.local(), work, self._show, key=(self, "orders"))

    def _show(self, orders: list[OrderInfo]) -> None:
        self.loads += 1
        chosen = self.model.row(self.table.currentIndex())
        keep = self.wanted or (chosen.id if chosen is not None else None)
        self.model.set_rows(orders)
        self._count()
        if keep is not None:
            self.select(keep)
        self._detail()

    def _count(self) -> None:
        if not self.loads:
            return
        orders = self.model.rows
        open_orders = sum(1 for o in orders if o.state == "open")
        self.message.setText(self.tr("%n order(s)", "", len(orders)) + (
            " · " + self.tr("%n open", "", open_orders) if open_orders else ""))

    def select(self, order_id: str) -> bool:
        """Select an order by its number (case as typed does not matter)."""
        for row, o in enumerate(self.model.rows):
            if o.id.casefold() == order_id.casefold():
                self.table.selectRow(row)
                self.wanted = None
                return True
        self.wanted = order_id
        return False

    def export_csv(self, path: Path | None = None) -> Path | None:
        return self.export_table(self.model, "orders", path)
