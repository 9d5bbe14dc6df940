"""What a pull changed, in the words the desktop's views think in: the records by kind and
id (as the feed names them, :attr:`..sync.runner.Pulled.changed`), and the customers and
cases they belong to (a ledger entry belongs to its account, a mail to its case, a
transfer to both of its accounts), read from the local store once the pull has written
them. A view asks `Changes` whether it shows anything that changed and reloads only then.

A change too large to look up record by record (the first sync names every record of the
program), a change to the program itself, and a record no longer found (deleted) make
`everything` true: every view counts as concerned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, select
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

#: more changed records than this are not looked up one by one: everything is concerned
LIMIT = 2000
#: ids per IN (...) list (SQLite and PostgreSQL take far more; kept short)
CHUNK = 500


@dataclass(frozen=True)
class Changes:
    """The records a pull wrote or deleted, and the accounts and cases they touch."""

    records: Mapping[str, AbstractSet[str]] = field(default_factory=dict)
    accounts: frozenset[str] = frozenset()
    cases: frozenset[int] = frozenset()
    #: too many, the program, or a record gone: every view counts as concerned
    everything: bool = False
    #: the sync's push had commands of the local outbox answered (done or refused):
    #: views that show what still waits there read it again
    outbox: bool = False

    def __bool__(self) -> bool:
        return self.everything or self.outbox or any(self.records.values())

    def any(self, *kinds: str) -> bool:
        """Whether a record of any of these kinds changed."""
        return self.everything or any(self.records.get(kind) for kind in kinds)

    def account(self, account_id: str | None) -> bool:
        """Whether anything of this customer changed (their records or their account)."""
        return self.everything or (account_id is not None and account_id in self.accounts)

    def case(self, case_id: int | None) -> bool:
        """Whether anything of this case changed (its mails, notes, objections, requests)."""
        return self.everything or (case_id is not None and case_id in self.cases)


# each kind that belongs to accounts or cases: its model, the columns naming them
_ACCOUNTS: dict[str, tuple[Any, tuple[str, ...], tuple[str, ...]]] = {
    "account": (m.AccountRow, ("id",), ()),
    "discount": (m.DiscountCode, ("account_id",), ()),
    "lot": (m.LotRow, ("account_id",), ()),
    "order": (m.OrderRow, ("account_id",), ()),
    "entry": (m.LedgerEntry, ("account_id",), ()),
    "notice": (m.NoticeRow, ("account_id",), ()),
    "claim": (m.ClaimRow, ("account_id",), ()),
    "abuse_case": (m.AbuseCaseRow, ("invitee_id",), ("mail_case_id",)),
    "abuse_signal": (m.AbuseSignal, ("referrer_id", "invitee_id"), ()),
    "suspicion": (m.Suspicion, ("account_id",), ("case_id",)),
    "mail_case": (m.MailCase, ("account_id",), ("id",)),
    "mail_message": (m.MailMessage, (), ("case_id",)),
    "case_note": (m.CaseNote, (), ("case_id",)),
    "customer_note": (m.CustomerNote, ("account_id",), ()),
    "objection": (m.Objection, ("account_id",), ("case_id",)),
    "adjustment_request": (m.AdjustmentRequest, ("account_id",), ("case_id",)),
    "transfer_request": (m.TransferRequestRow, ("source_id", "target_id"), ("case_id",)),
}
#: kinds whose accounts are those that point at them
_MEMBERS: dict[str, str] = {"organisation": "organisation_id",
                            "billing_account": "billing_account_id"}


def _chunks(ids: Iterable[Any]) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for value in ids:
        chunk.append(value)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def touched(s: Session, changed: Mapping[str, Iterable[str]]) -> Changes:
    """The accounts and cases the changed records belong to (read after they were
    written)."""
    # a pull's ids come as set views of dicts the garbage collector does not track: kept
    # as they are (a copy of a full sync's 1.2 million ids was one long call holding the
    # interpreter lock, and a set every later full collection walks)
    records: dict[str, AbstractSet[str]] = {
        kind: ids if isinstance(ids, AbstractSet) else frozenset(ids)
        for kind, ids in changed.items() if ids}
    if sum(map(len, records.values())) > LIMIT or "program" in records:
        return Changes(records, everything=True)
    accounts: set[str] = set()
    cases: set[int] = set()
    for kind, ids in records.items():
        if kind in _MEMBERS:
            column = getattr(m.AccountRow, _MEMBERS[kind])
            for chunk in _chunks(ids):
                accounts.update(s.scalars(select(m.AccountRow.id).where(column.in_(chunk))))
            continue
        if kind not in _ACCOUNTS:
            continue  # staff, evidence: no customer's or case's
        model, account_columns, case_columns = _ACCOUNTS[kind]
        key = model.account_id if kind == "discount" else model.id
        whole = isinstance(key.type, Integer)
        wanted = [int(i) for i in ids if i.isdigit()] if whole else list(ids)
        columns = [getattr(model, c) for c in (*account_columns, *case_columns)]
        found = 0
        for chunk in _chunks(wanted):
            for row in s.execute(select(key, *columns).where(key.in_(chunk))):
                found += 1
                values = row[1:]
                accounts.update(v for v in values[:len(account_columns)] if v is not None)
                cases.update(v for v in values[len(account_columns):] if v is not None)
        if found < len(ids):  # deleted (or unreadable): who it belonged to is gone
            return Changes(records, everything=True)
        if kind == "abuse_case":
            for chunk in _chunks(wanted):
                accounts.update(s.scalars(select(m.AbuseCaseAccount.account_id).where(
                    m.AbuseCaseAccount.case_id.in_(chunk))))
    return Changes(records, frozenset(accounts), frozenset(cases))
