"""An in-memory store for the engine: the conformance runner, property tests and the
benchmark drive :func:`apply` through it exactly as the real store will: load what an
action needs, apply, save what it wrote."""

from __future__ import annotations

from collections import defaultdict

from .actions import Action
from .engine import Written, apply, needs
from .model import AbuseCase, Account, Claim, Entry, Event, Notice, Order, Program, State


class MemoryStore:
    def __init__(self, program: Program | None = None) -> None:
        self.program = program or Program()
        self.accounts: dict[str, Account] = {}
        self.orders: dict[str, Order] = {}
        self.cases: dict[str, AbuseCase] = {}
        self.ledger: defaultdict[str, list[Entry]] = defaultdict(list)
        self.notices: defaultdict[str, list[Notice]] = defaultdict(list)
        self.claims: defaultdict[str, list[Claim]] = defaultdict(list)
        self.events: list[Event] = []

    # Lookup
    def account(self, account_id: str) -> Account | None:
        return self.accounts.get(account_id)

    def order(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def case(self, case_id: str) -> AbuseCase | None:
        return self.cases.get(case_id)

    def state_of(self, *account_ids: str) -> State:
        """The state of some accounts, as the engine takes it."""
        return State(self.program, {i: self.accounts[i] for i in account_ids}, {}, {})

    def entries_of(self, account_id: str) -> list[Entry]:
        return list(self.ledger.get(account_id, ()))

    def notices_of(self, account_id: str) -> list[Notice]:
        return list(self.notices.get(account_id, ()))

    def claims_of(self, account_id: str) -> list[Claim]:
        return list(self.claims.get(account_id, ()))

    def run(self, action: Action) -> Written:
        """Apply one action; on a refusal (raised) nothing here changes."""
        state = needs(action, self).state(self.program, self)
        outcome = apply(state, action)
        new = outcome.state
        self.program = new.program
        self.accounts.update(new.accounts)
        self.orders.update(new.orders)
        self.cases.update(new.cases)
        written = outcome.written
        for entry in written.entries:
            self.ledger[entry.account].append(entry)
        for notice in written.notices:
            self.notices[notice.account].append(notice)
        for claim in written.claims:
            self.claims[claim.account].append(claim)
        self.events.extend(written.events)
        return written
