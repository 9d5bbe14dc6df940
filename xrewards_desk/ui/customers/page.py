"""The customer page: profile, organisation and billing account with the colleagues who
share it, tier and the spend still needed for the next one, balance and debt, claims, the
lots with their "usable until" dates, the discount code, referrals, the balance over
time, Explain, and the ledger history in a tab of its own."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from xrewards_desk.domain.calendar import berlin_date
from xrewards_desk.domain.workflow import claim_open
from xrewards_desk.store.changes import Changes
from xrewards_desk.store.read.accounts import provider_notice
from xrewards_desk.store.read.customers import (
    ClaimInfo,
    Colleague,
    CustomerPage,
    LotInfo,
    customer_page,
)
from xrewards_desk.store.read.statement import balance_series
from xrewards_desk.ui import qt
from xrewards_desk.ui.customers.explain import ExplainDialog
from xrewards_desk.ui.customers.ledger import LedgerView
from xrewards_desk.ui.customers.orders import OrdersView
from xrewards_desk.ui.customers.timeline import TimelineView
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import access
from xrewards_desk.ui.widgets.chart import BalanceChart
from xrewards_desk.ui.widgets.i18n import Fmt
from xrewards_desk.ui.widgets.models import ALERT, SOON, Column, RowsModel, table_view
from xrewards_desk.ui.widgets.wording import claim_reason

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def load_customer(s: Session, account_id: str, now: Any) -> tuple[CustomerPage | None,
                                                                 list[Any]]:
    page = customer_page(s, account_id, now)
    series = balance_series(s, account_id) if page is not None else []
    return page, series




class CustomerView(qt.QWidget):
    open_customer = qt.Signal(str)
    open_case = qt.Signal(int)
    title_changed = qt.Signal(str)

    def __init__(self, desk: Desk, account_id: str) -> None:
        super().__init__()
        self.setObjectName("customer")
        self.desk = desk
        self.account_id = account_id
        self.page: CustomerPage | None = None
        self.series: list[Any] = []
        self.loaded = False
        #: pages shown (the first, and each refresh's)
        self.loads = 0
        self.explainer: ExplainDialog | None = None

        self.header = qt.QLabel()
        self.header.setTextFormat(qt.Qt.TextFormat.RichText)
        self.explain_button = qt.QPushButton()
        self.explain_button.clicked.connect(lambda: self.explain())
        self.terminate_button = qt.QPushButton()
        self.terminate_button.setObjectName("terminate")
        self.terminate_button.clicked.connect(self.terminate)
        self.message = qt.QLabel()
        self.message.setObjectName("message")
        # R23: a provider's notice that runs, or the last day to redeem once terminated
        self.ending = qt.QLabel()
        self.ending.setObjectName("ending")
        self.ending.setWordWrap(True)
        self.ending.setTextFormat(qt.Qt.TextFormat.RichText)
        self.ending.setVisible(False)
        # the usual questions, answered above the fold (issue 19 item 2)
        self.glance = qt.QLabel()
        self.glance.setObjectName("glance")
        self.glance.setWordWrap(True)
        self.glance.setTextFormat(qt.Qt.TextFormat.RichText)
        top = qt.QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.message)
        top.addWidget(self.terminate_button)
        top.addWidget(self.explain_button)

        self.tabs = qt.QTabWidget()
        self.overview = qt.QWidget()
        scroll = qt.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.overview)
        self.ledger = LedgerView(desk, account_id)
        self.ledger.open_customer.connect(self.open_customer)
        self.ledger.open_case.connect(self.open_case)
        self.orders = OrdersView(desk, account_id)
        self.orders.show_entries.connect(self._show_entries)
        self.orders.open_customer.connect(self.open_customer)
        self.timeline = TimelineView(desk, account_id)
        self.timeline.open_case.connect(self.open_case)
        self.timeline.open_customer.connect(self.open_customer)
        self.timeline.open_order.connect(self.show_order)
        #: tabs read when shown, and again on a refresh while shown (True: to be read)
        self.stale: dict[qt.QWidget, bool] = {self.orders: True, self.timeline: True}
        self.tabs.addTab(scroll, "")
        self.tabs.addTab(self.ledger, "")
        self.tabs.addTab(self.orders, "")
        self.tabs.addTab(self.timeline, "")
        self.tabs.currentChanged.connect(lambda _i: self._tab_shown())

        # the overview's groups
        self.profile_box, self.profile = self._form_group()
        self.org_box, self.org = self._form_group()
        self.balance_box, self.balance = self._form_group()
        self.discount_box, self.discount = self._form_group()
        self.referral_box, self.referrals = self._form_group()
        f = desk.fmt
        self.colleagues: RowsModel[Colleague] = RowsModel([
            Column(lambda: self.tr("Customer number"), lambda c: c.id),
            Column(lambda: self.tr("Name"), lambda c: c.name),
            Column(lambda: self.tr("E-mail"), lambda c: c.email),
            Column(lambda: self.tr("Balance"), lambda c: f().points(c.balance), right=True),
        ], self)
        self.colleague_table = table_view(self.colleagues)
        self.colleague_table.setMaximumHeight(140)
        self.colleague_table.activated.connect(
            lambda i: self.open_customer.emit(self.colleagues.rows[i.row()].id))
        self.org_box.layout().addRow(self.colleague_table)  # type: ignore[union-attr]
        self.lots: RowsModel[LotInfo] = RowsModel([
            Column(lambda: self.tr("Credited"), lambda x: f().when(x.credited_at)),
            Column(lambda: self.tr("Usable until"), lambda x: f().date(x.usable_until),
                   background=lambda x: SOON if self.expiring_soon(x) else None),
            Column(lambda: self.tr("Points"), lambda x: f().points(x.points), right=True),
            Column(lambda: self.tr("Remaining"), lambda x: f().points(x.remaining),
                   right=True, background=lambda x: SOON if self.expiring_soon(x) else None),
            Column(lambda: self.tr("Source"), lambda x: f"{self.source_kind(x.source_kind)} "
                   f"{x.source_ref}"),
        ], self)
        self.lots_box = qt.QGroupBox()
        lots_table = table_view(self.lots)
        lots_table.setMinimumHeight(150)
        qt.QVBoxLayout(self.lots_box).addWidget(lots_table)
        self.claims: RowsModel[ClaimInfo] = RowsModel([
            Column(lambda: self.tr("Date"), lambda c: f().when(c.at)),
            Column(lambda: self.tr("Amount"), lambda c: f().money(c.amount), right=True),
            Column(lambda: self.tr("State"), lambda c: self.claim_state(c.state),
                   foreground=lambda c: ALERT if c.state == "open" else None),
            Column(lambda: self.tr("Changed"), lambda c: " · ".join(
                x for x in (f().when(c.state_at), c.state_by or "") if x)),
            Column(lambda: self.tr("Reason"), lambda c: claim_reason(c.reason),
                   tooltip=lambda c: c.reason),
        ], self)
        self.claims_box = qt.QGroupBox()
        claims_table = table_view(self.claims)
        claims_table.setMaximumHeight(120)
        qt.QVBoxLayout(self.claims_box).addWidget(claims_table)
        self.chart = BalanceChart()
        self.chart_box = qt.QGroupBox()
        qt.QVBoxLayout(self.chart_box).addWidget(self.chart)

        grid = qt.QGridLayout(self.overview)
        left, right = qt.QVBoxLayout(), qt.QVBoxLayout()
        for box in (self.profile_box, self.org_box, self.referral_box, self.discount_box):
            left.addWidget(box)
        left.addStretch(1)
        for box in (self.balance_box, self.lots_box, self.chart_box, self.claims_box):
            right.addWidget(box)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)

        layout = qt.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.glance)
        layout.addWidget(self.ending)
        layout.addWidget(self.tabs, 1)
        # keys within this customer's tab: Ctrl+E explains, Ctrl+1/Ctrl+2 switch views
        for keys, action in (("Ctrl+E", lambda: self.explain()),
                             ("Ctrl+1", self.show_overview), ("Ctrl+2", self.show_ledger),
                             ("Ctrl+3", self.show_orders), ("Ctrl+4", self.show_timeline)):
            shortcut = qt.QShortcut(qt.QKeySequence(keys), self)
            shortcut.setContext(qt.Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
        self.retranslate()
        self.refresh()

    @staticmethod
    def _form_group() -> tuple[qt.QGroupBox, qt.QFormLayout]:
        box = qt.QGroupBox()
        form = qt.QFormLayout(box)
        form.setFieldGrowthPolicy(qt.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return box, form

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        self.explain_button.setText(self.tr("Explain the balance"))
        self.explain_button.setToolTip(self.tr(
            "Where the balance comes from and what expires next, ready to paste (Ctrl+E)"))
        self.update_terminate()
        native = qt.QKeySequence.SequenceFormat.NativeText  # "Strg+1" in German
        for index, title, keys in (
                (0, self.tr("Overview"), "Ctrl+1"),
                (self.tabs.indexOf(self.ledger), self.tr("Ledger history"), "Ctrl+2"),
                (self.tabs.indexOf(self.orders), self.tr("Orders"), "Ctrl+3"),
                (self.tabs.indexOf(self.timeline), self.tr("Timeline"), "Ctrl+4")):
            self.tabs.setTabText(index, title)
            self.tabs.setTabToolTip(index, qt.QKeySequence(keys).toString(native))
        self.profile_box.setTitle(self.tr("Profile"))
        self.org_box.setTitle(self.tr("Organisation and billing account"))
        self.balance_box.setTitle(self.tr("Tier and balance"))
        self.discount_box.setTitle(self.tr("Discount code"))
        self.referral_box.setTitle(self.tr("Referrals"))
        self.lots_box.setTitle(self.tr("Lots (points by usable-until date)"))
        self.claims_box.setTitle(self.tr("Claims"))
        self.chart_box.setTitle(self.tr("Balance over time"))
        for model in (self.colleagues, self.lots, self.claims):
            model.retranslate()
        self.ledger.retranslate()
        self.timeline.retranslate()
        self.orders.retranslate()
        if self.page is not None:
            self._show(self.page, self.series)

    def tier(self, tier: str | None) -> str:
        return {"bronze": self.tr("Bronze"), "silver": self.tr("Silver"),
                "gold": self.tr("Gold")}.get(tier or "", tier or "—")

    def source_kind(self, kind: str) -> str:
        return {"order": self.tr("order"), "referral": self.tr("referral"),
                "transfer": self.tr("transfer"), "adjustment": self.tr("adjustment"),
                "objection": self.tr("objection"), "abuse_case": self.tr("abuse case")}.get(
            str(kind), str(kind))

    def expiring_soon(self, lot: Any) -> bool:
        page = self.page
        return page is not None and lot.expires_at <= page.as_of + timedelta(days=30)

    def discount_state(self, d: Any) -> str:
        if d.voided:
            return self.tr("void")
        if d.used_on:
            return self.tr("used on order %1").replace("%1", d.used_on)
        if d.unavailable:
            return self.tr("not usable: %1").replace("%1", d.unavailable)
        return self.tr("usable")

    def claim_state(self, state: str) -> str:
        return {"open": self.tr("open"), "invoiced": self.tr("invoiced"),
                "paid": self.tr("paid"), "written_off": self.tr("written off")}.get(
            str(state), str(state))

    def status(self, status: str) -> str:
        return {"active": self.tr("active"), "closed": self.tr("closed"),
                "terminated": self.tr("terminated"),
                "terminated_for_cause": self.tr("terminated for cause")}.get(
            str(status), str(status))

    def for_cause(self) -> bool:
        """Whether the person terminates for cause (R22, R27) rather than with notice."""
        return access.allowed(self.desk, "terminate_for_cause")

    def update_terminate(self) -> None:
        """R27: whoever may terminate for cause gets that button, whoever may terminate
        with notice that one (the domain's matrix says who); for everyone else the button
        is not shown."""
        page = self.page
        for_cause = self.for_cause()
        with_notice = not for_cause and access.allowed(self.desk, "terminate_account")
        self.terminate_button.setText(self.tr("Terminate for cause…") if for_cause
                                      else self.tr("Terminate with notice…"))
        self.terminate_button.setVisible(for_cause or with_notice)
        active = page is not None and str(page.profile.status) == "active"
        self.terminate_button.setEnabled(active)
        self.terminate_button.setToolTip("" if active else self.tr(
            "The account is no longer active."))
        if active and page is not None and page.under_notice and with_notice:
            self.terminate_button.setToolTip(self.tr(
                "A notice already runs (R23): the dialog shows its dates."))

    def update_buttons(self) -> None:
        self.update_terminate()

    def terminate(self) -> None:
        from xrewards_desk.store.read.cases import _customer
        from xrewards_desk.ui.cases.dialogs import TerminateDialog

        page = self.page
        if page is None:
            return
        account, for_cause = self.account_id, self.for_cause()

        def work(s: Session) -> Any:
            return _customer(s.connection(), account), provider_notice(s, account)

        def show(found: Any) -> None:
            brief, notice_at = found
            if brief is None or self.page is None:
                return
            dialog = TerminateDialog(self.desk.fmt(), account, brief.name, brief.version,
                                     self.page.balance, for_cause, self.desk.now(), self,
                                     notice_at=notice_at)
            if dialog.exec() and dialog.body is not None:
                problem = self.desk.outbox.send(dialog.body, done=lambda _id: self.queued())
                if problem is not None:
                    self.message.setText(problem)

        self.desk.tasks.query(self.desk.local(), work, show, key=(self, "terminate"))

    def queued(self) -> None:
        self.message.setText(self.tr("Queued; it is sent with this sync."))
        self.refresh()

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        """The page again, and the ledger with its selected entry and scroll kept."""
        desk, account, now = self.desk, self.account_id, self.desk.now()
        desk.tasks.query(desk.local(), lambda s: load_customer(s, account, now),
                         lambda answer: self._show(*answer), key=(self, "page"))
        self.ledger.refresh()
        for tab in self.stale:
            self.stale[tab] = True
        self._tab_shown()

    def _tab_shown(self) -> None:
        tab = self.tabs.currentWidget()
        if self.stale.get(tab):
            self.stale[tab] = False
            tab.refresh()  # type: ignore[attr-defined]

    def shown_accounts(self) -> set[str]:
        """The accounts whose figures the page shows: the customer's, and the
        colleagues' balances, the referrer and those referred by name."""
        shown = {self.account_id}
        page = self.page
        if page is not None:
            shown.update(c.id for c in page.colleagues)
            shown.update(r.id for r in page.referred)
            if page.referrer is not None:
                shown.add(page.referrer.id)
        return shown

    def concerns(self, changes: Changes) -> bool:
        """Whether a sync changed anything of the accounts this page shows."""
        return any(changes.account(a) for a in self.shown_accounts())

    def _show(self, page: CustomerPage | None, series: list[Any]) -> None:
        self.page, self.series = page, series
        self.loaded = True
        self.loads += 1
        self.update_terminate()
        if page is None:
            self.header.setText(self.tr("No customer %1 in the local store.").replace(
                "%1", html.escape(self.account_id)))
            self.ending.setVisible(False)
            return
        f: Fmt = self.desk.fmt()
        p = page.profile
        self.title_changed.emit(f"{p.name or p.id}")
        badge = "" if str(p.status) == "active" else \
            f" <span style='color:#b91c1c'>({html.escape(self.status(p.status))})</span>"
        if page.under_notice:
            under = self.tr("under notice")
            badge = f" <span style='color:#b91c1c'>({html.escape(under)})</span>"
        self.show_ending(page, f)
        self.glance.setText(self.glance_text(page, f))
        self.header.setText(
            f"<span style='font-size:16pt; font-weight:600'>{html.escape(p.name)}</span> "
            f"&nbsp; {html.escape(p.id)}{badge}")
        self._rows(self.profile, [
            (self.tr("Customer number"), p.id),
            (self.tr("E-mail"), p.email),
            (self.tr("Phone"), p.phone or "—"),
            (self.tr("Language"), p.language),
            (self.tr("Registered"), f.when(p.registered_at)),
            (self.tr("Status"), self.status(p.status)),
        ])
        o, b, t = page.organisation, page.billing, page
        self._rows(self.org, [
            (self.tr("Organisation"), f"{o.name} ({o.id})"),
            (self.tr("Billing account"), f"{b.name} ({b.id})"),
            (self.tr("Colleagues on the billing account"), f.number(len(page.colleagues))),
        ], keep=1)
        self.colleagues.set_rows(page.colleagues)
        to_next = (self.tr("%1 more spend to %2").replace("%1", f.money(t.spend_to_next))
                   .replace("%2", self.tier(t.next_tier))
                   if t.next_tier and t.spend_to_next is not None
                   else self.tr("highest tier"))
        self._rows(self.balance, [
            (self.tr("Tier"), self.tr("%1 (%Ln point(s) per euro)", "", t.rate).replace(
                "%1", self.tier(t.tier))),
            (self.tr("Spend"), f.money(t.spend)),
            (self.tr("Next tier"), to_next),
            (self.tr("Balance"), self.tr("%1 point(s)", "", abs(page.balance)).replace(
                "%1", f.points(page.balance))),
            (self.tr("Debt"), f.points(page.debt) if page.debt else "—"),
            (self.tr("Expiring within 30 days"), f.points(page.expiring_30_days)
             if page.expiring_30_days else "—"),
        ])
        d = page.discount
        if d is None:
            self._rows(self.discount, [(self.tr("Code"), self.tr("none"))])
        else:
            self._rows(self.discount, [
                (self.tr("Code"), d.code),
                (self.tr("Valid until"), f.date(d.valid_until)),
                (self.tr("State"), self.discount_state(d)),
            ])
        referrer = page.referrer
        referred = ", ".join(
            f"<a href='{html.escape(r.id)}'>{html.escape(r.name or r.id)}</a>"
            + (" " + self.tr("(void)") if r.void else "") for r in page.referred)
        self._rows(self.referrals, [
            (self.tr("Referred by"),
             f"<a href='{html.escape(referrer.id)}'>"
             f"{html.escape(referrer.name or referrer.id)}</a>"
             + (" " + self.tr("(void)") if referrer.void else "") if referrer else "—"),
            (self.tr("Has referred"), referred or "—"),
        ], links=True)
        self.lots.set_rows(page.lots)
        self.claims.set_rows(page.claims)
        self.chart.show_series(series, "", f.chart_dates(), f.locale)

    def refer_text(self, page: CustomerPage) -> str:
        """R17 in words: may the customer refer now, and why not."""
        return {
            None: self.tr("may refer"),
            "no_completed_order": self.tr("cannot refer yet: no order of theirs has "
                                          "completed (R17)"),
            "not_active": self.tr("cannot refer: the account is not active (R17)"),
            "program_ended": self.tr("cannot refer: the program has ended (R17)"),
        }.get(page.refer_blocker, page.refer_blocker or "")

    def glance_text(self, page: CustomerPage, f: Fmt) -> str:
        """Balance and its worth, the referral code, and what is open, in two lines."""
        esc = html.escape
        balance = self.tr("%1 point(s)", "", abs(page.balance)).replace(
            "%1", f.points(page.balance))
        worth = self.tr("worth %1").replace("%1", f.money(page.balance_value))
        code = page.profile.referral_code
        referral = (self.tr("Referral code %1: %2").replace("%1", f"<b>{esc(code)}</b>")
                    .replace("%2", esc(self.refer_text(page))) if code
                    else self.tr("No referral code: %1").replace(
                        "%1", esc(self.refer_text(page))))
        c = page.cases
        open_claims = [x for x in page.claims if claim_open(x.state)]  # R22: not settled
        parts = [text for n, text in (
            (c.mail_cases, self.tr("%n open case(s)", "", c.mail_cases)),
            (c.objections, self.tr("%n objection(s) to decide", "", c.objections)),
            (c.pending_transfers, self.tr("%n transfer(s) pending", "", c.pending_transfers)),
            (c.pending_adjustments,
             self.tr("%n adjustment(s) pending", "", c.pending_adjustments)),
            (c.abuse_cases, self.tr("%n abuse case(s) open", "", c.abuse_cases)),
            (len(open_claims), self.tr("%n open claim(s), %1", "", len(open_claims)).replace(
                "%1", f.money(page.claims_total))),
        ) if n]
        work = " · ".join(esc(x) for x in parts) if parts else esc(self.tr("Nothing open"))
        return (f"<span style='font-size:13pt; font-weight:600'>{esc(balance)}</span> "
                f"({esc(worth)}) &nbsp;·&nbsp; {referral}<br>{work}")

    def ending_text(self, page: CustomerPage, f: Fmt) -> str:
        """R23 in words: a running notice with its two dates, or a terminated account's
        last day to redeem; "" for any other account."""
        if page.under_notice:
            return self.tr("Notice given %1: active until %2, may redeem until %3 "
                           "(T8.3, T8.4, R23)").replace(
                "%1", f.date(berlin_date(page.notice_at)) if page.notice_at else "").replace(
                "%2", f.date(page.notice_effective)).replace(
                "%3", f.date(page.notice_redeem_until))
        if str(page.profile.status) != "terminated" or page.redeem_last_day is None:
            return ""
        if page.redeem_last_day < berlin_date(page.as_of):
            return self.tr("Terminated: the last day to redeem was %1 (T8.4, R23)").replace(
                "%1", f.date(page.redeem_last_day))
        return self.tr("Terminated: may redeem until %1, then the points left expire "
                       "(T8.4, R23)").replace("%1", f.date(page.redeem_last_day))

    def show_ending(self, page: CustomerPage, f: Fmt) -> None:
        text = self.ending_text(page, f)
        self.ending.setText(f"<span style='color:{ALERT.name()}; font-weight:600'>"
                            f"{html.escape(text)}</span>" if text else "")
        self.ending.setVisible(bool(text))

    def _rows(self, form: qt.QFormLayout, rows: list[tuple[str, str]], keep: int = 0,
              links: bool = False) -> None:
        # remove the old rows, keeping the last `keep` (e.g. the colleagues' table)
        while form.rowCount() > keep:
            form.removeRow(0)
        for i, (label, value) in enumerate(rows):
            field = qt.QLabel(value)
            field.setWordWrap(True)
            field.setTextInteractionFlags(qt.Qt.TextInteractionFlag.TextBrowserInteraction)
            if links:
                field.setTextFormat(qt.Qt.TextFormat.RichText)
                field.linkActivated.connect(self.open_customer)
            else:
                field.setTextFormat(qt.Qt.TextFormat.PlainText)
            form.insertRow(i, label, field)

    # ------------------------------------------------------------------ actions
    def show_ledger(self) -> None:
        self.tabs.setCurrentWidget(self.ledger)

    def show_orders(self) -> None:
        self.tabs.setCurrentWidget(self.orders)

    def show_order(self, order_id: str) -> None:
        """The orders tab with `order_id` selected (an order number searched for)."""
        self.orders.select(order_id)
        self.show_orders()

    def show_timeline(self) -> None:
        self.tabs.setCurrentWidget(self.timeline)

    def show_overview(self) -> None:
        self.tabs.setCurrentIndex(0)

    def explain(self, modal: bool = True) -> None:
        language = self.page.profile.language if self.page is not None else "de"
        dialog = ExplainDialog(self.desk.tasks, self.desk.local(), self.account_id,
                               self.desk.now(), language, self)
        dialog.show_entries.connect(self._show_entries)
        self.explainer = dialog
        if modal:
            dialog.open()
        else:
            dialog.show()

    def _show_entries(self, ids: tuple[str, ...]) -> None:
        self.show_ledger()
        self.ledger.highlight(ids)
