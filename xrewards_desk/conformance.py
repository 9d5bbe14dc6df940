"""Run conformance vectors (../shared/vectors/FORMAT.md) through the rules engine.

    python -m xrewards_desk.conformance PATH...      (or: xrewards-desk rules check PATH...)

One line per vector, ``PASS name`` or ``FAIL name: step N (...): field: expected X, got Y``,
then ``N passed, M failed``. Exit status 1 on any failure or malformed file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Protocol, TextIO

from . import domain as d
from .domain.engine import Written
from .domain.memory import MemoryStore
from .domain.model import Account, Entry, Notice, State

# The people who act where a step names nobody (FORMAT.md): R27 gives the role.
SERVICE = d.Actor("shop", d.Role.SERVICE)
COMPLIANCE = d.Actor("compliance officer", d.Role.COMPLIANCE)
AGENT = d.Actor("support agent", d.Role.AGENT)
TEAM_LEAD = d.Actor("team lead", d.Role.TEAM_LEAD)
CLOSED_BY_ACTOR = {
    d.ClosedBy.CUSTOMER: AGENT,
    d.ClosedBy.PROVIDER: TEAM_LEAD,
    d.ClosedBy.PROVIDER_FOR_CAUSE: COMPLIANCE,
}


class VectorError(ValueError):
    """The file is not a vector in the format of FORMAT.md."""


@dataclass(frozen=True)
class Mismatch:
    step: int
    at: str
    field: str
    expected: Any
    got: Any

    def __str__(self) -> str:
        return (f"step {self.step} ({self.at}): {self.field}: expected {_show(self.expected)},"
                f" got {_show(self.got)}")


@dataclass(frozen=True)
class Result:
    name: str
    path: Path
    mismatch: Mismatch | None = None
    malformed: str | None = None

    @property
    def passed(self) -> bool:
        return self.mismatch is None and self.malformed is None

    def line(self) -> str:
        if self.malformed is not None:
            return f"FAIL {self.name}: malformed vector {self.path.name}: {self.malformed}"
        if self.mismatch is not None:
            return f"FAIL {self.name}: {self.mismatch}"
        return f"PASS {self.name}"


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# --------------------------------------------------------------------------- field readers


class _Step:
    """One step's fields, read with clear errors."""

    def __init__(self, raw: Any, index: int) -> None:
        if not isinstance(raw, dict):
            raise VectorError(f"step {index} is not an object")
        self.raw: dict[str, Any] = raw
        self.index = index

    def _fail(self, why: str) -> VectorError:
        return VectorError(f"step {self.index}: {why}")

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str):
            raise self._fail(f"'{key}' must be a string" if key in self.raw
                             else f"'{key}' is missing")
        return value

    def opt_str(self, key: str) -> str | None:
        return self.text(key) if self.raw.get(key) is not None else None

    def number(self, key: str, default: int | None = None) -> int:
        value = self.raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._fail(f"'{key}' must be a whole number" if key in self.raw
                             else f"'{key}' is missing")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            raise self._fail(f"'{key}' must be true or false")
        return value

    def money(self, key: str) -> Decimal:
        value = self.raw.get(key)
        if not isinstance(value, str):
            raise self._fail(f"'{key}' must be an amount as a string such as \"12.50\"")
        try:
            return d.to_money(value)
        except d.MoneyError as exc:
            raise self._fail(str(exc)) from exc

    def instant(self, key: str, value: Any = None) -> datetime:
        text = self.raw.get(key) if value is None else value
        if not isinstance(text, str):
            raise self._fail(f"'{key}' must be an ISO 8601 instant")
        try:
            at = datetime.fromisoformat(text)
        except ValueError as exc:
            raise self._fail(f"'{key}' is not an ISO 8601 instant: {text!r}") from exc
        if at.tzinfo is None:
            raise self._fail(f"'{key}' has no offset: {text!r}")
        return at

    def choice(self, key: str, enum: Any) -> Any:
        value = self.text(key)
        try:
            return enum(value)
        except ValueError as exc:
            allowed = ", ".join(e.value for e in enum)
            raise self._fail(f"'{key}' must be one of {allowed}, not {value!r}") from exc


# --------------------------------------------------------------------------- the runner


class RunnerStore(Protocol):
    """Where the runner applies actions: memory by default, or the real store (the store's
    tests replay every vector through SQLite and PostgreSQL)."""

    def account(self, account_id: str) -> Account | None: ...

    def run(self, action: d.Action) -> Written: ...

    def state_of(self, *account_ids: str) -> State: ...

    def entries_of(self, account_id: str) -> list[Entry]: ...

    def notices_of(self, account_id: str) -> list[Notice]: ...


class _Run:
    def __init__(self, users: dict[str, d.Role], store: RunnerStore) -> None:
        self.users = users
        self.store = store
        self.case_counter = 0
        self.open_cases: dict[str, list[str]] = {}

    def person(self, name: str) -> d.Actor:
        return d.Actor(name, self.users.get(name))

    def action(self, s: _Step, at: datetime) -> d.Action:
        do = s.text("do")
        builder = self.BUILDERS.get(do)
        if builder is None:
            raise VectorError(f"step {s.index}: unknown action {do!r}")
        return builder(self, s, at)

    # builders ---------------------------------------------------------------
    def _register(self, s: _Step, at: datetime) -> d.Action:
        return d.Register(at, SERVICE, s.text("account"), s.text("org"), s.text("billing"),
                        s.text("email"), s.opt_str("referred_by"))

    def _order(self, s: _Step, at: datetime) -> d.Action:
        return d.PlaceOrder(at, SERVICE, s.text("order"), s.text("account"), s.money("net"),
                          s.flag("use_discount"), s.number("redeem") if s.has("redeem") else None)

    def _pay(self, s: _Step, at: datetime) -> d.Action:
        return d.Pay(at, SERVICE, s.text("order"))

    def _deliver(self, s: _Step, at: datetime) -> d.Action:
        return d.Deliver(at, SERVICE, s.text("order"))

    def _cancel(self, s: _Step, at: datetime) -> d.Action:
        return d.Cancel(at, SERVICE, s.text("order"), s.money("net") if s.has("net") else None)

    def _transfer(self, s: _Step, at: datetime) -> d.Action:
        request = d.TransferRequest(
            at, self.person(s.text("requested_by")), s.text("from"), s.text("to"),
            s.number("points"), s.choice("reason", d.TransferReason), s.number("evidence", 0),
            s.text("justification", ""))
        approver = s.opt_str("approved_by")
        return d.ApproveTransfer(at, self.person(approver) if approver else d.Actor("", None),
                               request)

    def _adjust(self, s: _Step, at: datetime) -> d.Action:
        objection = None
        if s.has("objection"):
            raw = s.raw["objection"]
            if not isinstance(raw, dict):
                raise VectorError(f"step {s.index}: 'objection' must be an object")
            objection = d.ObjectionRef(s.instant("objection.sent", raw.get("sent")),
                                     s.instant("objection.received", raw.get("received")))
        request = d.AdjustmentRequest(at, self.person(s.text("requested_by")), s.text("account"),
                                    s.number("points"), s.text("reason"), objection,
                                    s.flag("goodwill"))
        approver = s.opt_str("approved_by")
        return d.Adjust(at, request.requested_by, request,
                      self.person(approver) if approver else None)

    def _open_abuse_case(self, s: _Step, at: datetime) -> d.Action:
        self.case_counter += 1
        case = f"case-{self.case_counter}"
        return d.OpenAbuseCase(at, self.person(s.text("by")), case, s.text("account"))

    def _dismiss_abuse_case(self, s: _Step, at: datetime) -> d.Action:
        account = s.text("account")
        acc = self.store.account(account)
        cases = sorted(acc.open_cases) if acc else []
        return d.DismissAbuseCase(at, self.person(s.text("by")),
                                cases[0] if cases else f"(none open on {account})")

    def _confirm(self, s: _Step, at: datetime) -> d.Action:
        terminate = s.raw.get("terminate", [])
        if not isinstance(terminate, list) or not all(isinstance(t, str) for t in terminate):
            raise VectorError(f"step {s.index}: 'terminate' must be a list of accounts")
        by = s.opt_str("by")
        return d.ConfirmSelfReferral(at, self.person(by) if by else COMPLIANCE,
                                   s.text("invitee"), tuple(terminate))

    def _close(self, s: _Step, at: datetime) -> d.Action:
        by = s.choice("by", d.ClosedBy)
        return d.Close(at, CLOSED_BY_ACTOR[by], s.text("account"), by)

    def _end_program(self, s: _Step, at: datetime) -> d.Action:
        return d.EndProgram(at, TEAM_LEAD)

    BUILDERS: ClassVar[dict[str, Callable[[_Run, _Step, datetime], d.Action]]] = {
        "register": _register,
        "order": _order,
        "pay": _pay,
        "deliver": _deliver,
        "cancel": _cancel,
        "transfer": _transfer,
        "adjust": _adjust,
        "open_abuse_case": _open_abuse_case,
        "dismiss_abuse_case": _dismiss_abuse_case,
        "confirm_self_referral": _confirm,
        "close": _close,
        "end_program": _end_program,
    }

    # steps ------------------------------------------------------------------
    def step(self, s: _Step) -> Mismatch | None:
        at = s.instant("at")
        at_text = s.text("at")
        if s.has("check"):
            return self.check(s, at, at_text)
        if s.text("do") == "objection":
            return self.objection(s, at_text)
        action = self.action(s, at)
        expected = s.opt_str("error")
        try:
            self.store.run(action)
        except d.Refusal as refusal:
            if expected != refusal.code.value:
                return Mismatch(s.index, at_text, "error", expected,
                                f"{refusal.code.value} ({refusal.message_en})")
            return None
        if expected is not None:
            return Mismatch(s.index, at_text, "error", expected, "accepted")
        return None

    def objection(self, s: _Step, at_text: str) -> Mismatch | None:
        sent = s.instant("sent")
        received = s.instant("received")
        result = "in_time" if d.objection_in_time(sent, received) else "late"
        if result != s.text("result"):
            return Mismatch(s.index, at_text, "result", s.text("result"), result)
        deadline = d.objection_deadline(sent).isoformat()
        if deadline != s.text("deadline"):
            return Mismatch(s.index, at_text, "deadline", s.text("deadline"), deadline)
        return None

    def check(self, s: _Step, at: datetime, at_text: str) -> Mismatch | None:
        raw = s.raw["check"]
        if not isinstance(raw, dict):
            raise VectorError(f"step {s.index}: 'check' must be an object")
        c = _Step(raw, s.index)
        account = c.text("account")
        if self.store.account(account) is None:
            return Mismatch(s.index, at_text, "account", account, "no such account")
        # Let time pass for this account (writes its due expiries, R10), then read it.
        self.store.run(d.Advance(at, (account,)))
        view = d.as_of(self.store.state_of(account), account, at)
        got: dict[str, Any] = {
            "balance": view.balance,
            "debt": view.debt,
            "tier": view.tier.value,
            "spend": f"{view.spend:.2f}",
            "status": view.status.value,
            "lots": [{"credited": lot_credited(self.store, account, f.lot),
                      "remaining": f.remaining, "usable_until": f.usable_until.isoformat()}
                     for f in view.lots],
            "ledger": [{"type": e.type.value, "points": e.points}
                       for e in self.store.entries_of(account)],
            "notices": [n.kind.value for n in self.store.notices_of(account)],
            "claims": f"{view.claims:.2f}",
            "discount": None if view.discount is None else {
                "valid_until": view.discount.valid_until.isoformat(),
                "used": view.discount.used},
            "can_refer": view.can_refer,
        }
        for key, expected in raw.items():
            if key == "account":
                continue
            if key not in got:
                raise VectorError(f"step {s.index}: unknown check field {key!r}")
            if not _same(key, expected, got[key]):
                return Mismatch(s.index, at_text, f"{account}.{key}", expected, got[key])
        return None


def lot_credited(store: RunnerStore, account: str, lot_id: str) -> str:
    acc = store.account(account)
    assert acc is not None
    return d.berlin_date(acc.lot(lot_id).credited_at).isoformat()


MONEY_FIELDS = frozenset({"spend", "claims"})


def _same(key: str, expected: Any, got: Any) -> bool:
    """Money compares as an amount ("20.0" equals "20.00"); everything else exactly."""
    if key in MONEY_FIELDS:
        try:
            return Decimal(str(expected)) == Decimal(str(got))
        except ArithmeticError:
            return False
    return bool(expected == got) and type(expected) is type(got)


def run_vector(path: Path, store: Callable[[], RunnerStore] = MemoryStore) -> Result:
    """Run one vector file on a new `store`; never raises for a bad file."""
    name = path.stem
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return Result(name, path, malformed=f"cannot read: {exc}")
    except json.JSONDecodeError as exc:
        return Result(name, path, malformed=f"not JSON: {exc.msg} at line {exc.lineno}")
    try:
        if not isinstance(data, dict):
            raise VectorError("the file must hold one JSON object")
        if isinstance(data.get("name"), str):
            name = data["name"]
        users_raw = data.get("users", {})
        if not isinstance(users_raw, dict):
            raise VectorError("'users' must map names to roles")
        try:
            users = {str(k): d.Role(v) for k, v in users_raw.items()}
        except ValueError as exc:
            raise VectorError(f"'users': {exc}") from exc
        steps = data.get("steps")
        if not isinstance(steps, list) or not steps:
            raise VectorError("'steps' must be a non-empty list")
        run = _Run(users, store())
        last: datetime | None = None
        for index, raw in enumerate(steps, start=1):
            step = _Step(raw, index)
            at = step.instant("at")
            if last is not None and at < last:
                raise VectorError(f"step {index} goes back in time")
            last = at
            if not step.has("check") and not step.has("do"):
                raise VectorError(f"step {index} has neither 'do' nor 'check'")
            mismatch = run.step(step)
            if mismatch is not None:
                return Result(name, path, mismatch=mismatch)
    except VectorError as exc:
        return Result(name, path, malformed=str(exc))
    return Result(name, path)


def vector_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.glob("*.json") if p.is_file())
        else:
            yield path


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print("usage: python -m xrewards_desk.conformance PATH... "
              "(vector files or folders of them)", file=out)
        return 0 if args else 2
    passed = failed = 0
    for path in vector_files(Path(a) for a in args):
        if not path.exists():
            print(f"FAIL {path}: no such file or folder", file=out)
            failed += 1
            continue
        result = run_vector(path)
        print(result.line(), file=out)
        if result.passed:
            passed += 1
        else:
            failed += 1
    print(f"{passed} passed, {failed} failed", file=out)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
