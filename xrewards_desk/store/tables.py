"""The store's tables as SQLAlchemy Core handles, for the code that reads and writes them
in Core rather than through the ORM's unit of work (the engine's path in
:mod:`~xrewards_desk.store.ledger`, the read models in :mod:`~xrewards_desk.store.read`).

The engine's path uses Core on the mapped tables: the ORM's unit of work cost about 6 ms
an action here (tests/benchmarks/bench_store.py); the same statements in Core a fraction
of it. The models stay the schema's single description: every handle here is a model's
own table.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

#: what a read takes: an ORM session or a Core connection of a store
Db = Session | Connection


def table(model: type[Any]) -> Table:
    """A mapped model's table."""
    return cast(Table, model.__table__)


def connection(db: Db) -> Connection:
    """The Core connection of a session (its transaction), or the connection itself."""
    return db.connection() if isinstance(db, Session) else db


PROGRAM = table(m.ProgramRow)
ORGANISATIONS = table(m.Organisation)
BILLING = table(m.BillingAccount)
ACCOUNTS = table(m.AccountRow)
ADDRESSES = table(m.DeliveryAddress)
DISCOUNTS = table(m.DiscountCode)
ORDERS = table(m.OrderRow)
LOTS = table(m.LotRow)
ENTRIES = table(m.LedgerEntry)
ALLOCATIONS = table(m.LotAllocation)
NOTICES = table(m.NoticeRow)
NOTICE_LOTS = table(m.NoticeLot)
CLAIMS = table(m.ClaimRow)
EVENTS = table(m.EngineEvent)
USERS = table(m.User)
SUSPICIONS = table(m.Suspicion)
EVIDENCE = table(m.EvidenceFile)
MAIL_CASES = table(m.MailCase)
MAIL_MESSAGES = table(m.MailMessage)
MAIL_ATTACHMENTS = table(m.MailAttachment)
CASE_NOTES = table(m.CaseNote)
OBJECTIONS = table(m.Objection)
ADJUSTMENTS = table(m.AdjustmentRequest)
TRANSFERS = table(m.TransferRequestRow)
TRANSFER_EVIDENCE = table(m.TransferEvidence)
ABUSE_CASES = table(m.AbuseCaseRow)
ABUSE_ACCOUNTS = table(m.AbuseCaseAccount)
ABUSE_SIGNALS = table(m.AbuseSignal)
OUTBOX = table(m.OutboxCommand)
SYNC_STATE = table(m.SyncState)
