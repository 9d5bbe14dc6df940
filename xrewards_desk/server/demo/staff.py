"""The staff's part of the demo: who they are in the store, the customers' mails and
the agents' answers, the questions by mail and an account closed on request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from xrewards_desk.domain.model import (
    Actor,
    CaseStatus,
    Status,
)
from xrewards_desk.server.context import Ctx
from xrewards_desk.server.demo.evidence import make_png
from xrewards_desk.server.demo.people import STAFF, demo_users
from xrewards_desk.server.demo.planner import Customer
from xrewards_desk.server.demo.shop import Shop
from xrewards_desk.server.service import Person
from xrewards_desk.store import models as m

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

class Staff(Shop):
    """The staff as the demo's actors, and the mails between them and the customers."""

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

    def mail(self, p: Customer | str, subject: str, body: str, received: datetime,
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

    def reply(self, case: int, agent: str, p: Customer, subject: str, de: str, en: str,
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

    def person_of(self, account: str) -> Customer | None:
        return self.by_id.get(account)

    def active_accounts(self, *where: Any) -> list[str]:
        a = m.AccountRow
        open_case = select(m.AbuseCaseAccount.account_id).join(
            m.AbuseCaseRow, m.AbuseCaseRow.id == m.AbuseCaseAccount.case_id).where(
            m.AbuseCaseRow.status == CaseStatus.OPEN)
        return list(self.s.scalars(select(a.id).where(
            a.status == Status.ACTIVE, a.id.not_in(open_case), *where).order_by(a.id)).all())

    def greeting(self, p: Customer) -> str:
        n = sum(map(ord, p.id))  # the same person greets alike each time
        if p.language == "de":
            return ("Sehr geehrte Damen und Herren,", "Hallo X-Points-Team,",
                    "Guten Tag,")[n % 3]
        return ("Dear X-Points team,", "Hello,", "Dear Sir or Madam,")[n % 3]

    def signature(self, p: Customer) -> str:
        close = "Mit freundlichen Grüßen" if p.language == "de" else "Kind regards"
        return f"{close}\n{p.name}\n{p.org.name}\n{p.phone}"

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

    def customer_answers(self, p: Customer, subject: str, case: int, agent: str) -> None:
        parent = self.notes.get("message_ids", {}).get(case)
        text = ("Danke, das hilft mir weiter. Eine Frage noch: gilt das auch für meine "
                f"Kollegen?\n\n{self.signature(p)}" if p.language == "de" else
                f"Thanks, that helps. One more question: does this apply to my colleagues "
                f"too?\n\n{self.signature(p)}")
        prefix = "AW" if p.language == "de" else "Re"
        self.mail(p, f"{prefix}: {subject}", text, self.clock.now() - timedelta(minutes=20),
                  agent, reply_to=parent)

