"""Replay benchmark of the rules engine: a generated two-year history through MemoryStore.run.

Not a pytest test (pytest collects ``test_*.py`` only). Run it from the checkout:

    .venv/bin/python tests/benchmarks/bench_replay.py                   # 100,000 accounts
    .venv/bin/python tests/benchmarks/bench_replay.py --accounts 20000 --seed 7
    .venv/bin/python tests/benchmarks/bench_replay.py --profile         # cProfile, 10,000
    .venv/bin/python tests/benchmarks/bench_replay.py --tracemalloc     # traced, 10,000
    .venv/bin/python tests/benchmarks/bench_replay.py --by-type         # µs per action type
    .venv/bin/python tests/benchmarks/bench_replay.py --repeat 3        # best/median/worst
    .venv/bin/python tests/benchmarks/bench_replay.py --no-gc           # collector off
    .venv/bin/python tests/benchmarks/bench_replay.py --freeze-store    # store frozen per 10k

The history is generated first (fixed seed, ``random.Random(seed)``), as a list of action
objects in time order; only the replay loop is timed, and it feeds every action to the very
same :meth:`MemoryStore.run` the conformance runner uses (``needs()`` → ``apply()`` → save).
The generated history is frozen out of the garbage collector's way (``gc.freeze()``) before
the loop, as it is the benchmark's input, not the engine's state; the store the replay fills
is not, so the figures include the collections its growth causes (reported separately).
The process pins itself to one CPU; the engine is single-threaded anyway.

The history: accounts register from 2024-09-01 (Europe/Berlin) over 14 months, in
organisations of 3 to 7 accounts sharing one billing account; 20 % register through the
referral link of an earlier account (whose own first order completed, so most referrals are
accepted; 3 % of links are picked blindly); each account places 3 to 8 orders (6 % are
business customers with large orders) which are paid and delivered within days; orders
redeem points where the account's estimated balance allows; 14 % of completed orders are
cancelled afterwards (35 % in full, 65 % in part) and 2 % are cancelled before completion;
about 40 % of accounts transfer points to a colleague; the history runs for two years, to
2026-09-01, when one ``Advance`` per account (the nightly expiry job's last run) writes the
expiries still due. Balances are estimated conservatively while generating, so most
redemptions and transfers are accepted; every refusal is counted by action type and code.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from xrewards_desk.domain import (
    BERLIN,
    Action,
    Actor,
    Advance,
    ApproveTransfer,
    Cancel,
    Code,
    Deliver,
    Pay,
    PlaceOrder,
    Refusal,
    Register,
    Role,
    Tier,
    TransferReason,
    TransferRequest,
)
from xrewards_desk.domain.memory import MemoryStore

TARGET = 30_000  # actions per second
DAY = 86_400
HOUR = 3_600
START = datetime(2024, 9, 1, tzinfo=BERLIN)
START_TS = int(START.timestamp())
SPAN_DAYS = 730
END_TS = START_TS + SPAN_DAYS * DAY  # 2026-09-01 00:00 Berlin
REGISTRATION_DAYS = 425

# The stated mix: probabilities used by the generator (printed at the start).
P_REFERRAL_LINK = 0.20
P_BLIND_LINK = 0.03  # of referral links: referrer picked without checking it may refer
ORDERS_PER_ACCOUNT = (3, 8)
P_BUSINESS = 0.06
P_REDEEM = 0.6  # of orders placed while the estimated balance is >= 300 points
MIN_BALANCE_TO_REDEEM = 300
P_CANCEL_BEFORE = 0.02
P_CANCEL_AFTER = 0.14
P_CANCEL_FULL = 0.35
P_TRANSFER_ONE = 0.40
P_TRANSFER_TWO = 0.08
MIN_BALANCE_TO_TRANSFER = 200
ORG_SIZE = (3, 7)
#: the generator's balance estimate counts a lot as gone this long before R9 expires it
LOT_LIFE = 364 * DAY

SERVICE = Actor("shop", Role.SERVICE)
AGENTS = tuple(Actor(f"agent-{i}", Role.AGENT) for i in range(1, 21))
LEADS = tuple(Actor(f"lead-{i}", Role.TEAM_LEAD) for i in range(1, 6))


# --------------------------------------------------------------------------- generation


@dataclass(slots=True)
class _Plan:
    """One order as planned: its instants (epoch seconds) and the estimate's figures."""

    id: str
    place: int
    pay: int
    deliver: int
    complete: int | None
    cents: int
    discount: bool
    cancel: int | None = None
    cancel_kind: str = ""  # "before", "full" or "partial"
    net_after: int = 0  # cents after the discount code
    cancelled: int = 0
    redeemed: int = 0
    rate: int = 0
    base: int = 0
    credited: int = 0


class _Wallet:
    """The generator's conservative estimate of one account's lots (FIFO) and debt."""

    __slots__ = ("debt", "lots", "spend")

    def __init__(self) -> None:
        self.lots: list[list[int]] = []  # [gone_at, remaining], oldest first
        self.debt = 0
        self.spend = 0  # cents

    def balance(self, ts: int) -> int:
        return sum(r for gone, r in self.lots if gone > ts + DAY) - self.debt

    def credit(self, ts: int, points: int) -> None:
        paid = min(self.debt, points)
        self.debt -= paid
        self.lots.append([ts + LOT_LIFE, points - paid])

    def take(self, ts: int, points: int) -> int:
        """Take FIFO from lots still usable; returns what could not be taken."""
        need = points
        for lot in self.lots:
            if need == 0:
                break
            if lot[0] > ts and lot[1] > 0:
                k = min(need, lot[1])
                lot[1] -= k
                need -= k
        return need

    def rate(self) -> int:
        return 3 if self.spend >= 7_000_000 else 2 if self.spend >= 2_000_000 else 1


@dataclass
class History:
    actions: list[Action]
    accounts: int
    seed: int
    before_completion: set[str] = field(default_factory=set)
    generated: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _net_cents(rng: random.Random, business: bool) -> int:
    if business:
        eur = rng.lognormvariate(7.8, 0.8)  # median ~2,400 EUR
        return max(10_000, min(int(eur * 100), 5_000_000))
    eur = rng.lognormvariate(4.5, 1.0)  # median ~90 EUR
    return max(100, min(int(eur * 100), 1_000_000))


def generate(n_accounts: int, seed: int) -> History:
    t0 = time.perf_counter()
    rng = random.Random(seed)
    regs = sorted(rng.randrange(START_TS, START_TS + REGISTRATION_DAYS * DAY)
                  for _ in range(n_accounts))
    ids = [f"A{i:06d}" for i in range(n_accounts)]
    org_of: list[int] = []
    members: list[list[int]] = []
    while len(org_of) < n_accounts:
        size = rng.randint(*ORG_SIZE)
        org = len(members)
        group = list(range(len(org_of), min(n_accounts, len(org_of) + size)))
        members.append(group)
        org_of.extend(org for _ in group)
    first_done: list[int | None] = [None] * n_accounts

    events: list[tuple[int, int, Action]] = []
    seq = 0
    generated: Counter[str] = Counter()
    before: set[str] = set()
    transfers = 0

    def emit(ts: int, action: Action, label: str) -> None:
        nonlocal seq
        events.append((ts, seq, action))
        seq += 1
        generated[label] += 1

    for i in range(n_accounts):
        aid = ids[i]
        reg = regs[i]
        org = org_of[i]
        # registration, maybe through an earlier account's referral link
        referrer: str | None = None
        code = False  # whether the shop will apply the invitee's discount code
        if i > 0 and rng.random() < P_REFERRAL_LINK:
            if rng.random() < P_BLIND_LINK:
                referrer = ids[rng.randrange(i)]
            else:
                for _ in range(8):
                    j = rng.randrange(i)
                    done = first_done[j]
                    if done is not None and done < reg:
                        referrer = ids[j]
                        code = True
                        break
        emit(reg, Register(_at(reg), SERVICE, aid, f"ORG{org:05d}", f"BILL{org:05d}",
                           f"{aid.lower()}@org{org}.example", referrer),
             "register (referral link)" if referrer else "register")

        # the orders' instants
        business = rng.random() < P_BUSINESS
        n_orders = rng.randint(*ORDERS_PER_ACCOUNT)
        places = sorted(rng.randrange(reg + HOUR, END_TS - 7 * DAY) for _ in range(n_orders))
        if code:  # the invitee's first order uses the code, within 30 days
            places[0] = min(places[0], reg + rng.randrange(HOUR, 30 * DAY))
        plans: list[_Plan] = []
        for k, place in enumerate(places):
            pay = place + rng.randrange(60, 3 * DAY)
            deliver = place + rng.randrange(DAY, 6 * DAY)
            cents = _net_cents(rng, business)
            plan = _Plan(f"{aid}-O{k + 1}", place, pay, deliver, max(pay, deliver), cents,
                         discount=code and k == 0)
            plan.net_after = (cents * 9 + 5) // 10 if plan.discount else cents
            r = rng.random()
            if r < P_CANCEL_BEFORE:
                plan.cancel = place + rng.randrange(60, deliver - place)
                plan.cancel_kind = "before"
                plan.complete = None
            elif r < P_CANCEL_BEFORE + P_CANCEL_AFTER:
                assert plan.complete is not None
                ts = plan.complete + rng.randrange(HOUR, 45 * DAY)
                if ts < END_TS - HOUR:
                    plan.cancel = ts
                    plan.cancel_kind = "full" if rng.random() < P_CANCEL_FULL else "partial"
            plans.append(plan)

        # one walk through the account's own timeline, estimating its balance as it goes
        timeline: list[tuple[int, int, int]] = []
        for k, plan in enumerate(plans):
            timeline.append((plan.place, 0, k))
            if plan.complete is not None:
                timeline.append((plan.complete, 1, k))
            if plan.cancel is not None:
                timeline.append((plan.cancel, 2, k))
        n_transfers = (2 if rng.random() < P_TRANSFER_TWO else
                       1 if rng.random() < P_TRANSFER_ONE else 0)
        for _ in range(n_transfers):
            timeline.append((rng.randrange(reg + 20 * DAY, END_TS - 2 * DAY), 3, -1))
        timeline.sort()

        wallet = _Wallet()
        for ts, kind, k in timeline:
            if kind == 0:  # place, and the shop's pay and deliver events
                plan = plans[k]
                redeem: int | None = None
                balance = wallet.balance(ts)
                if (not plan.discount and balance >= MIN_BALANCE_TO_REDEEM
                        and rng.random() < P_REDEEM):
                    redeem = min(rng.randint(balance // 5, balance * 9 // 10), plan.net_after)
                    wallet.take(ts, redeem)
                    plan.redeemed = redeem
                label = ("place order (redeem)" if redeem else
                         "place order (discount code)" if plan.discount else "place order")
                emit(ts, PlaceOrder(_at(ts), SERVICE, plan.id, aid, _money(plan.cents),
                                    plan.discount, redeem), label)
                if plan.complete is not None or (plan.cancel and plan.pay < plan.cancel):
                    emit(plan.pay, Pay(_at(plan.pay), SERVICE, plan.id), "pay")
                if plan.complete is not None:
                    emit(plan.deliver, Deliver(_at(plan.deliver), SERVICE, plan.id), "deliver")
            elif kind == 1:  # completion: the engine credits; the estimate follows
                plan = plans[k]
                plan.rate = wallet.rate()
                plan.base = max(0, plan.net_after - plan.redeemed)
                plan.credited = plan.base * plan.rate // 100
                wallet.spend += plan.base
                if plan.credited:
                    wallet.credit(ts, plan.credited)
                if first_done[i] is None:
                    first_done[i] = ts
            elif kind == 2:  # cancellation
                plan = plans[k]
                if plan.cancel_kind == "before":
                    before.add(plan.id)
                    emit(ts, Cancel(_at(ts), SERVICE, plan.id), "cancel before completion")
                    continue
                remaining = plan.net_after
                if plan.cancel_kind == "full" or remaining < 200:
                    amount = None
                    plan.cancelled = remaining
                    label = "cancel after credit (full)"
                else:
                    c = rng.randint(remaining // 20 + 1, remaining * 3 // 5)
                    amount = _money(c)
                    plan.cancelled = c
                    label = "cancel after credit (partial)"
                left = plan.net_after - plan.cancelled
                redeemed = min(plan.redeemed, left)
                base = max(0, left - redeemed)
                wallet.spend -= plan.base - base
                back = plan.credited - base * plan.rate // 100
                if back > 0:
                    wallet.debt += wallet.take(ts, back)
                emit(ts, Cancel(_at(ts), SERVICE, plan.id, amount), label)
            else:  # a transfer to a colleague of the same organisation and billing account
                balance = wallet.balance(ts)
                colleagues = [m for m in members[org] if m != i and regs[m] < ts - HOUR]
                if balance < MIN_BALANCE_TO_TRANSFER or not colleagues:
                    continue
                points = rng.randint(balance // 10, balance * 3 // 5)
                wallet.take(ts, points)
                target = ids[rng.choice(colleagues)]
                transfers += 1
                agent = rng.choice(AGENTS)
                r = rng.random()
                if r < 0.5:
                    reason, evidence, why = TransferReason.REASSIGNMENT, 1, ""
                elif r < 0.8:
                    reason, evidence, why = TransferReason.LEFT_ORGANISATION, 2, ""
                else:
                    reason, evidence, why = TransferReason.OTHER, 0, "pooling for a project"
                at = _at(ts)
                request = TransferRequest(at, agent, aid, target, points, reason, evidence,
                                          why, ref=f"TR{transfers}")
                emit(ts, ApproveTransfer(at, rng.choice(LEADS), request), "transfer")

    # the nightly expiry job's last run: every account brought up to the end of the history
    end = _at(END_TS)
    for aid in ids:
        emit(END_TS, Advance(end, (aid,)), "advance (expiry sweep)")

    events.sort(key=lambda e: (e[0], e[1]))
    actions = [a for _, _, a in events]
    history = History(actions, n_accounts, seed, before, generated)
    history.seconds = time.perf_counter() - t0
    return history


def _at(ts: int) -> datetime:
    """An aware instant in Europe/Berlin, as the store hands them to the engine."""
    return datetime.fromtimestamp(ts, BERLIN)


def label_of(action: Action, before: set[str]) -> str:
    match action:
        case Register():
            return "register (referral link)" if action.referred_by else "register"
        case PlaceOrder():
            return ("place order (redeem)" if action.redeem else
                    "place order (discount code)" if action.use_discount else "place order")
        case Pay():
            return "pay"
        case Deliver():
            return "deliver"
        case Cancel():
            if action.order in before:
                return "cancel before completion"
            return ("cancel after credit (full)" if action.net is None
                    else "cancel after credit (partial)")
        case ApproveTransfer():
            return "transfer"
        case Advance():
            return "advance (expiry sweep)"
    return type(action).__name__


# --------------------------------------------------------------------------- replay


@dataclass
class Replay:
    store: MemoryStore
    refusals: list[tuple[Action, Code]]
    seconds: float
    cpu_seconds: float = 0.0
    gc_seconds: float = 0.0
    gc_runs: Counter[int] = field(default_factory=Counter)
    gc_by_generation: Counter[int] = field(default_factory=Counter)


def replay(actions: Sequence[Action], collect: bool = True, freeze_every: int = 0) -> Replay:
    """The timed loop: every action through MemoryStore.run, nothing else.

    A refusal keeps only its code (keeping the exception would keep its traceback's frames,
    and with them the states of refused actions). `collect=False` switches the garbage
    collector off for the loop: an engine-only figure, not how a long-lived process runs."""
    store = MemoryStore()
    refusals: list[tuple[Action, Code]] = []
    gc_runs: Counter[int] = Counter()
    gc_seconds: Counter[int] = Counter()
    gc_time = [0.0, 0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":  # gc callbacks: time spent collecting, by generation
            gc_time[1] = time.perf_counter()
        else:
            spent = time.perf_counter() - gc_time[1]
            gc_time[0] += spent
            gc_runs[info["generation"]] += 1
            gc_seconds[info["generation"]] += spent

    gc.callbacks.append(on_gc)
    if not collect:
        gc.disable()
    c0 = time.process_time()
    t0 = time.perf_counter()
    for i, a in enumerate(actions, 1):
        try:
            store.run(a)
        except Refusal as exc:
            refusals.append((a, exc.code))
        if freeze_every and i % freeze_every == 0:
            # --freeze-store: what the store wrote leaves the collector's view, as written
            # rows leave the Python heap for SQLite in the real store
            gc.freeze()
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    gc.enable()
    gc.callbacks.remove(on_gc)
    return Replay(store, refusals, seconds, cpu, gc_time[0], gc_runs, gc_seconds)


def replay_by_type(actions: Sequence[Action], before: set[str]) -> dict[str, list[float]]:
    """An instrumented replay: time per action, summed by label (adds timer overhead)."""
    store = MemoryStore()
    clock = time.perf_counter_ns
    totals: dict[str, list[float]] = {}
    refused = 0
    for a in actions:
        t0 = clock()
        try:
            store.run(a)
        except Refusal:
            refused += 1
        dt = clock() - t0
        entry = totals.setdefault(label_of(a, before), [0, 0.0])
        entry[0] += 1
        entry[1] += dt
    return totals


# --------------------------------------------------------------------------- reporting


def _rss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 1024 / 1024


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "n/a"
    return (f"engine:  {engine_version()}\n"
            f"machine: {platform.platform()}; CPU {cpu}; os.cpu_count()={os.cpu_count()};"
            f" running on CPUs {affinity}\n"
            f"python:  {platform.python_implementation()} {platform.python_version()}"
            f" ({sys.executable})")


def engine_version() -> str:
    """The commit of the engine measured, and whether its files differ from it."""
    import xrewards_desk

    root = os.path.dirname(os.path.dirname(os.path.abspath(xrewards_desk.__file__)))
    try:
        head = subprocess.run(["git", "-C", root, "log", "-1", "--format=%h %s"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--",
                                "xrewards_desk"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"{root} (not a git checkout)"
    return f"{root} at {head}" + (" (xrewards_desk modified)" if dirty else "")


def print_mix(history: History) -> None:
    n = len(history.actions)
    print(f"history: {history.accounts:,} accounts, seed {history.seed},"
          f" {START:%Y-%m-%d} .. {_at(END_TS):%Y-%m-%d} Europe/Berlin ({SPAN_DAYS} days),"
          f" generated in {history.seconds:.1f} s")
    print("stated mix: registrations over the first 14 months, organisations of 3-7 accounts"
          " (one billing account each);")
    print(f"  {P_REFERRAL_LINK:.0%} register through a referral link"
          f" ({P_BLIND_LINK:.0%} of links picked blindly); {ORDERS_PER_ACCOUNT[0]}-"
          f"{ORDERS_PER_ACCOUNT[1]} orders per account, {P_BUSINESS:.0%} business customers;")
    print(f"  orders redeem with p={P_REDEEM} when the estimated balance is >="
          f" {MIN_BALANCE_TO_REDEEM:,} points; {P_CANCEL_AFTER:.0%} of orders cancelled after"
          f" credit ({P_CANCEL_FULL:.0%} in full), {P_CANCEL_BEFORE:.0%} before completion;")
    print(f"  {P_TRANSFER_ONE:.0%}/{P_TRANSFER_TWO:.0%} of accounts attempt one/two transfers"
          f" to a colleague; one Advance per account at the end (expiry sweep)")
    print(f"{'action':<32}{'count':>12}{'share':>8}")
    for label, count in sorted(history.generated.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<30}{count:>12,}{count / n:>8.1%}")
    print(f"  {'total':<30}{n:>12,}   ({n / history.accounts:.1f} per account)")


def print_outcome(history: History, result: Replay) -> None:
    store = result.store
    n = len(history.actions)
    refused_by_label: Counter[str] = Counter()
    codes: Counter[tuple[str, str]] = Counter()
    for action, code in result.refusals:
        label = label_of(action, history.before_completion)
        refused_by_label[label] += 1
        codes[(label, code.value)] += 1
    print(f"\n{'action':<32}{'generated':>12}{'accepted':>12}{'refused':>10}")
    for label, count in sorted(history.generated.items(), key=lambda kv: -kv[1]):
        refused = refused_by_label[label]
        print(f"  {label:<30}{count:>12,}{count - refused:>12,}{refused:>10,}")
    total_refused = len(result.refusals)
    print(f"  {'total':<30}{n:>12,}{n - total_refused:>12,}{total_refused:>10,}"
          f"  ({total_refused / n:.2%} refused)")
    if codes:
        print("refusals by code:")
        for (label, code), count in codes.most_common():
            print(f"  {label:<30} {code:<26}{count:>8,}")

    entries: Counter[str] = Counter()
    for ledger in store.ledger.values():
        for e in ledger:
            entries[e.type.value] += 1
    notices = sum(len(v) for v in store.notices.values())
    print(f"\nledger entries written: {sum(entries.values()):,}"
          f" (notices: {notices:,}, events: {len(store.events):,},"
          f" orders stored: {len(store.orders):,})")
    for kind, count in entries.most_common():
        print(f"  {kind:<30}{count:>12,}")
    events = Counter(e.code for e in store.events)
    for code, count in events.most_common():
        print(f"  event {code:<24}{count:>12,}")
    tiers = Counter(acc.tier for acc in store.accounts.values())
    lots = sum(len(acc.lots) for acc in store.accounts.values())
    in_debt = sum(1 for acc in store.accounts.values() if acc.debt)
    print(f"accounts: {len(store.accounts):,}; tiers: "
          + ", ".join(f"{t.value} {tiers[t]:,}" for t in Tier)
          + f"; lots held: {lots:,}; accounts in debt: {in_debt:,}")


def print_speed(result: Replay, n: int) -> None:
    rate = n / result.seconds
    verdict = "meets" if rate >= TARGET else "BELOW"
    print(f"\nreplay: {n:,} actions in {result.seconds:.2f} s wall ="
          f" {rate:,.0f} actions/s ({verdict} the target of {TARGET:,}/s);"
          f" {1e6 / rate:.1f} µs per action; process CPU time {result.cpu_seconds:.2f} s")
    by_gen = ", ".join(f"gen{g}: {result.gc_runs[g]:,} in {result.gc_by_generation[g]:.2f} s"
                       for g in sorted(result.gc_runs))
    print(f"  of which garbage collection: {result.gc_seconds:.2f} s ({by_gen or 'none'})")


# --------------------------------------------------------------------------- modes


def _pin_to_one_cpu() -> None:
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})


def _prepare(actions: Sequence[Action], freeze: bool) -> None:
    """Keep the generated history out of the collector's way: it is the benchmark's input,
    not the engine's working set (a real store would hand it over one action at a time)."""
    gc.collect()
    if freeze:
        gc.freeze()


def run_timed(history: History, freeze: bool, collect: bool, repeat: int,
              freeze_every: int = 0) -> None:
    print(f"after generation: peak RSS {_rss_mib():,.0f} MiB")
    _prepare(history.actions, freeze)
    if not collect:
        print("garbage collector switched OFF for the replay (--no-gc)")
    n = len(history.actions)
    times: list[float] = []
    result: Replay | None = None
    for k in range(repeat):
        if result is not None:  # a fresh store each time; the old one goes outside the timing
            result = None
            gc.collect()
        result = replay(history.actions, collect, freeze_every)
        times.append(result.seconds)
        if repeat > 1:
            print(f"  replay {k + 1}/{repeat}: {result.seconds:.2f} s ="
                  f" {n / result.seconds:,.0f} actions/s (CPU {result.cpu_seconds:.2f} s,"
                  f" gc {result.gc_seconds:.2f} s)")
    assert result is not None
    print_speed(result, n)
    if repeat > 1:
        times.sort()
        print(f"  over {repeat} replays: best {n / times[0]:,.0f}, median"
              f" {n / times[len(times) // 2]:,.0f}, worst {n / times[-1]:,.0f} actions/s")
    print(f"peak RSS (ru_maxrss, whole process, generated history included):"
          f" {_rss_mib():,.0f} MiB")
    print_outcome(history, result)


def run_profile(history: History, freeze: bool, top: int) -> None:
    _prepare(history.actions, freeze)
    profiler = cProfile.Profile()
    store = MemoryStore()
    refused = 0
    actions = history.actions
    t0 = time.perf_counter()
    profiler.enable()
    for a in actions:
        try:
            store.run(a)
        except Refusal:
            refused += 1
    profiler.disable()
    seconds = time.perf_counter() - t0
    print(f"\nprofiled replay: {len(actions):,} actions ({refused:,} refused) in {seconds:.2f} s"
          f" under cProfile ({len(actions) / seconds:,.0f} actions/s, inflated by the profiler)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs()
    for key, title in (("cumulative", "cumulative time"), ("tottime", "total (own) time")):
        print(f"\n===== top {top} by {title} =====")
        stats.sort_stats(key).print_stats(top)


def run_traced(history: History, freeze: bool) -> None:
    _prepare(history.actions, freeze)
    tracemalloc.start()
    t0 = time.perf_counter()
    result = replay(history.actions)
    seconds = time.perf_counter() - t0
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = len(history.actions)
    print(f"\ntraced replay: {n:,} actions in {seconds:.2f} s (slowed by tracemalloc)")
    print(f"tracemalloc: allocated by the replay and still held (the store): "
          f"{current / 2**20:,.1f} MiB = {current / n:,.0f} bytes per action;"
          f" peak {peak / 2**20:,.1f} MiB")
    print(f"peak RSS (ru_maxrss, whole process): {_rss_mib():,.0f} MiB")
    print_outcome(history, result)


def run_by_type(history: History, freeze: bool) -> None:
    _prepare(history.actions, freeze)
    gc.disable()  # a collection would be charged to whichever action happened to trigger it
    t0 = time.perf_counter()
    totals = replay_by_type(history.actions, history.before_completion)
    seconds = time.perf_counter() - t0
    gc.enable()
    n = len(history.actions)
    print(f"\ninstrumented replay: {n:,} actions in {seconds:.2f} s"
          f" ({n / seconds:,.0f} actions/s incl. timer overhead; garbage collector off)")
    print(f"{'action':<32}{'count':>10}{'µs/action':>11}{'share of time':>15}")
    whole = sum(t for _, t in totals.values())
    for label, (count, ns) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
        print(f"  {label:<30}{int(count):>10,}{ns / count / 1000:>11.1f}{ns / whole:>15.1%}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--accounts", type=int, default=None,
                        help="accounts in the history (default 100,000; 10,000 with --profile"
                             " or --tracemalloc)")
    parser.add_argument("--seed", type=int, default=20240901)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--profile", action="store_true",
                      help="replay under cProfile and print the top functions")
    mode.add_argument("--tracemalloc", action="store_true",
                      help="replay under tracemalloc and print what the store holds")
    mode.add_argument("--by-type", action="store_true",
                      help="time every action and print µs per action type")
    parser.add_argument("--repeat", type=int, default=1,
                        help="replay the history this many times, each into a fresh store")
    parser.add_argument("--top", type=int, default=25, help="functions listed by --profile")
    parser.add_argument("--freeze-store", action="store_true",
                        help="gc.freeze() what the store holds every 10,000 actions (the real"
                             " store keeps written rows in SQLite, not on the Python heap)")
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave the generated history to the garbage collector")
    parser.add_argument("--no-gc", action="store_true",
                        help="switch the garbage collector off during the timed replay")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    args = parser.parse_args(argv)
    small = args.profile or args.tracemalloc
    accounts = args.accounts if args.accounts is not None else (10_000 if small else 100_000)
    if not args.no_pin:
        _pin_to_one_cpu()
    print(machine())
    history = generate(accounts, args.seed)
    print_mix(history)
    freeze = not args.no_freeze
    if args.profile:
        run_profile(history, freeze, args.top)
    elif args.tracemalloc:
        run_traced(history, freeze)
    elif args.by_type:
        run_by_type(history, freeze)
    else:
        run_timed(history, freeze, collect=not args.no_gc, repeat=args.repeat,
                  freeze_every=10_000 if args.freeze_store else 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
