"""The cases the demo's staff work on: self-referrals (confirmed, dismissed, open),
transfers, adjustments, a provider's notice and objections to notices."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from xrewards_desk.domain.calendar import berlin_date
from xrewards_desk.domain.model import (
    EntryType,
    NoticeKind,
)
from xrewards_desk.server.demo.evidence import make_pdf, make_png
from xrewards_desk.server.demo.people import local_part
from xrewards_desk.server.demo.planner import Customer, Plant
from xrewards_desk.server.demo.shop import german_date
from xrewards_desk.server.demo.staff import Staff
from xrewards_desk.store import models as m
from xrewards_desk.store.read.objections import NoticeFacts, notice_facts


class Cases(Staff):
    """The cases the staff decide, each scheduled by :meth:`.builder.Builder.schedule_staff`."""

    # -- abuse ------------------------------------------------------------
    def planted(self, index: int) -> tuple[Customer, Customer] | None:
        """The invitee and referrer of the planted self-referral `index`, where the
        invitee registered with that referral."""
        plants = [pl for pl in self.planner.plants if pl.index == index]
        invitee = self.plant_invitee(plants[0]) if plants else None
        return None if invitee is None else (invitee, plants[0].referrer)

    def abuse_confirmed_report(self) -> None:
        pair = self.planted(0)
        if pair is None:
            return
        invitee, referrer = pair
        self.staff("anna", {
            "type": "report_suspicion", "account": invitee.id,
            "text": f"Neukunde {invitee.id} ({invitee.email}) wurde von {referrer.id} "
                    f"({referrer.email}) empfohlen; gleiche Telefonnummer, gleiche "
                    "Lieferadresse, und die erste Bestellung hat der Empfehlende selbst "
                    "aufgegeben und bezahlt. Bitte prüfen (T6.1)."})
        later = self.staff_time(self.clock.now() + timedelta(days=2))
        self.at(later, self.abuse_confirmed_open, invitee, referrer)

    def plant_invitee(self, plant: Plant) -> Customer | None:
        for p in self.planner.people:
            if p.plant is plant:
                referred = self.s.execute(select(m.AccountRow.referred_by).where(
                    m.AccountRow.id == p.id)).scalar_one_or_none()
                return p if referred == plant.referrer.id else None
        return None

    def abuse_confirmed_open(self, invitee: Customer, referrer: Customer) -> None:
        ctx = self.staff("clara", {"type": "open_abuse_case", "account": invitee.id,
                                   "on_referral": True})
        if ctx is None or ctx.created is None:
            return
        case = ctx.created
        later = self.staff_time(self.clock.now() + timedelta(days=6))
        self.at(later, self.abuse_confirm, case, invitee, referrer)

    def abuse_confirm(self, case: str, invitee: Customer, referrer: Customer) -> None:
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
        pair = self.planted(1)
        if pair is None:
            return
        invitee, referrer = pair
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

    def evidence(self, reason: str, source: Customer, target: Customer) -> tuple[str, bytes]:
        rng = self.staff_rng
        org = source.org
        today = german_date(self.clock.now())
        if reason == "left_organisation":
            title = f"{org.name} - Bestätigung des Ausscheidens"
            lines = [f"{org.sites[0]['street']}, {org.sites[0]['postcode']} "
                     f"{org.sites[0]['city']}", "",
                     f"Hiermit bestätigen wir, dass {source.name} (X-Konto {source.id})",
                     f"zum {german_date(self.clock.now() - timedelta(days=rng.randint(5, 30)))}"
                     " aus unserem Unternehmen ausgeschieden ist.",
                     f"Die X-Points sollen auf das X-Konto {target.id} ({target.name})",
                     "übertragen werden.", "", f"{org.city.name}, {today}",
                     "Personalabteilung"]
            return f"Bestaetigung_Ausscheiden_{local_part(source.last)}.pdf", make_pdf(title, lines)
        if reason == "reassignment":
            title = f"{org.name} - Versetzung"
            lines = [f"{source.name} wechselt zum {today} in die Abteilung "
                     f"{rng.choice(('Konstruktion', 'Werk 2', 'Qualitätssicherung'))}.",
                     f"Das Bestellwesen übernimmt {target.name} (X-Konto {target.id}).",
                     "Bitte übertragen Sie die X-Points entsprechend.", "",
                     f"{org.city.name}, {today}", "Geschäftsleitung"]
            return f"Versetzung_{local_part(source.last)}.pdf", make_pdf(title, lines)
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
                        case: int | None, target: Customer) -> None:
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
        sent = german_date(row.sent_at)
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

def _rejection(facts: NoticeFacts | None) -> tuple[str, str]:
    """R25: the reason a careful agent records for rejecting an objection to a notice
    that follows the rules, and the clause it rests on (German, as the staff write it)."""
    if facts is not None and facts.expiry_on_schedule:
        lot = facts.lots[0]
        if lot.by_window:
            last = berlin_date(lot.due_at - timedelta(microseconds=1))
            return (f"Verfall planmäßig: nach Wirksamwerden der Kündigung konnten die "
                    f"X-Points bis {german_date(last)} eingelöst werden (T8.4); kein Fehler.",
                    "T8.4")
        return (f"Verfall planmäßig: X-Points gelten 12 Monate ab der Gutschrift (T4.5); "
                f"gutgeschrieben am {german_date(lot.credited_at)}, gültig bis "
                f"{german_date(lot.usable_until)}, verfallen am Folgetag. Kein Fehler erkennbar.",
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


