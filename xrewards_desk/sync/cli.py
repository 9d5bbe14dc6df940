"""Headless use of the desktop's local store:

    xrewards-desk sync --api URL --user NAME [--password-stdin] [--data-dir DIR]
    xrewards-desk search TEXT [--json]
    xrewards-desk ledger ACCOUNT [--json]
    xrewards-desk orders CUSTOMER [--json]
    xrewards-desk outbox [list | withdraw ID] [--json]
    xrewards-desk signout [--wipe]

A refusal or an error ends in one sentence saying what to do (raised as
:class:`~xrewards_desk.exits.Failure`, printed by the command line) and the exit code of its
kind: 1 refused or not there, 2 usage, 3 sign-in, 4 no server answers.

``signout --wipe`` also removes the local store (with its -wal, -shm and the copies made
before migrations), its key (keyring entry or wrapped file), the evidence, the kept mails
and drafts and the demo's folder (sync/wipe.py), and prints what it removed (files counted
by folder) and what it left alone; it exits 0 when a sign-in ended or data was removed, 1
when there was neither.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..exits import REFUSED, SIGN_IN, UNREACHABLE, USAGE, Failure, run_reported
from ..prompt import PASSWORD_ENV as PASSWORD_ENV  # ui/shell/main.py reads it from here
from ..prompt import read_password

if TYPE_CHECKING:
    from .client import ApiClient
    from .credentials import Tokens

FILL = "fill it with 'xrewards-desk sync --api URL --user NAME'"


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def data(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", type=Path, metavar="DIR",
                       help="the local data folder (default: the user data folder)")

    sync = commands.add_parser("sync", help="pull the server's changes, push the outbox")
    sync.add_argument("--api", required=True, metavar="URL",
                      help="the server's address, e.g. http://127.0.0.1:8765")
    sync.add_argument("--user", required=True)
    sync.add_argument("--password-stdin", action="store_true",
                      help=f"read the password from standard input (else ${PASSWORD_ENV}, "
                           "else asked)")
    sync.add_argument("--json", action="store_true")
    data(sync)
    search = commands.add_parser("search", help="find customers in the local store")
    search.add_argument("text")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=20)
    data(search)
    ledger = commands.add_parser("ledger", help="a customer's ledger from the local store")
    ledger.add_argument("account", help="the customer number, e.g. XR-0001234 (any case)")
    ledger.add_argument("--json", action="store_true")
    data(ledger)
    outbox = commands.add_parser("outbox", help="commands waiting to reach the server")
    outbox.add_argument("action", nargs="?", choices=["list", "withdraw"], default="list")
    outbox.add_argument("id", nargs="?", type=int)
    outbox.add_argument("--json", action="store_true")
    data(outbox)
    signout = commands.add_parser("signout", help="forget the sign-in token")
    signout.add_argument("--wipe", action="store_true",
                         help="also remove the local customer data")
    data(signout)
    add_orders_arguments(commands, data)


def data_dir(given: Path | None) -> Path:
    if given is not None:
        folder = given
    else:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir("xrewards-desk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def _folder(given: Path | None) -> Path:
    if given is not None:
        return given
    from platformdirs import user_data_dir

    return Path(user_data_dir("xrewards-desk", appauthor=False))


def _keyed(open_it: Callable[[Callable[[], str] | None], Any]) -> Any:
    """`open_it(passphrase)` with the local store's key (store/keys.py): from
    $XREWARDS_STORE_KEY or the keyring; a passphrase only where the terminal can ask it."""
    from ..prompt import read_passphrase
    from ..store.keys import KeyUnavailable, PassphraseNeeded

    try:
        try:
            return open_it(None)
        except PassphraseNeeded as needed:
            given = read_passphrase(needed.new)
            if given is None:
                raise
            return open_it(lambda: given)
    except KeyUnavailable as exc:
        raise Failure(REFUSED, str(exc)) from exc


def open_store(folder: Path) -> Any:
    from sqlalchemy.exc import DatabaseError

    from ..store.db import StoreError
    from ..store.local import EncryptionFailed, open_local

    try:
        return _keyed(lambda passphrase: open_local(folder, passphrase=passphrase))
    except (StoreError, EncryptionFailed) as exc:  # newer than this program, an upgrade
        raise Failure(REFUSED, str(exc)) from exc  # that cannot run, a wrong key
    except DatabaseError as exc:  # not a SQLite file, or a damaged one
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise Failure(REFUSED, f"{folder / 'desk.sqlite'} cannot be read as a local store "
                               f"({reason}): move it aside and sync again") from exc


def _existing_store(folder: Path) -> Any:
    """The local store, if a sync made one; never a new one."""
    if not (folder / "desk.sqlite").exists():
        raise Failure(REFUSED, f"there is no local store in {folder} yet: {FILL}")
    return open_store(folder)


def check_api(url: str) -> str:
    """The API address as given, if it is one; else a usage failure saying how to write it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Failure(USAGE, f"the API address {url!r} is not a web address: write it with "
                             "http:// or https:// in front, e.g. http://127.0.0.1:8765")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError as exc:
        raise Failure(USAGE, f"the API address {url!r} has no valid port: write it like "
                             "http://127.0.0.1:8765") from exc
    return url.strip()


def in_words(exc: BaseException) -> str:
    """Why a connection failed, in a few words (not urllib3's internals)."""
    import socket

    import requests

    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 20:
        e = todo.pop(0)
        if e in seen:
            continue
        seen.append(e)
        for nxt in (e.__cause__, e.__context__, getattr(e, "reason", None),
                    *(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
    names = {type(e).__name__ for e in seen}
    text = " ".join(str(e) for e in seen)
    if any(isinstance(e, socket.gaierror) for e in seen) or "NameResolutionError" in names:
        return "its host name is not known"
    if any(isinstance(e, ConnectionRefusedError) for e in seen):
        return "connection refused: nothing listens on that port"
    if any(isinstance(e, requests.Timeout | TimeoutError | socket.timeout) for e in seen):
        return "it did not answer in time"
    if any(isinstance(e, requests.exceptions.SSLError) for e in seen):
        return "the secure connection failed"
    if any(isinstance(e, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema
                      | requests.exceptions.InvalidSchema) for e in seen):
        return "the address is not a valid web address"
    if "the server answered 5" in text:
        answered = next(str(e) for e in seen if "the server answered 5" in str(e))
        return answered[answered.index("the server answered"):].split(";")[0] + \
            " (an error on its side)"
    if any(isinstance(e, ConnectionResetError | requests.ConnectionError) for e in seen):
        return "the connection broke off"
    return "the connection failed"


def unreachable(api: str, exc: BaseException, then: str = "") -> Failure:
    return Failure(UNREACHABLE, f"the server at {api} cannot be reached ({in_words(exc)}): "
                                f"check the address and that the server runs{then}")


def sign_in_refused(api: str, user: str, exc: BaseException) -> Failure:
    """A failed sign-in as a failure: its kind (sign-in, or not the API at all) and words."""
    from .client import NotSignedIn, Refused

    if isinstance(exc, NotSignedIn):
        reason = str(exc).rstrip(".") or "the sign-in was refused"
        return Failure(SIGN_IN, f"signing in as {user} failed ({reason[0].lower()}"
                                f"{reason[1:]}): check the name and password and try again")
    if isinstance(exc, Refused) and exc.status in (404, 405):
        return Failure(UNREACHABLE, f"what answers at {api} is not the X-Points API (it "
                                    f"answered {exc.status} to the sign-in): check the "
                                    "address; the server's own address has no path, e.g. "
                                    "http://127.0.0.1:8765")
    if isinstance(exc, Refused) and exc.code in ("too_many_attempts", "busy"):
        return Failure(SIGN_IN, f"signing in as {user} is refused for now: {exc.message}")
    if isinstance(exc, Refused):
        return Failure(SIGN_IN, f"signing in as {user} was refused ({exc.code}: "
                                f"{exc.message.rstrip('.')}): check the name and password")
    raise exc


def main(args: argparse.Namespace) -> int:
    """The command's exit code; a failure is said in one sentence (also when called
    directly, not through app.main)."""
    return run_reported(_main, args)


def _main(args: argparse.Namespace) -> int:
    if args.command == "sync":
        args.api = check_api(args.api)  # a wrong address makes nothing
    # only a sync makes the folder; reading or signing out makes nothing, no store either
    folder = data_dir(args.data_dir) if args.command == "sync" else _folder(args.data_dir)
    handler = {"sync": _sync, "search": _search, "ledger": _ledger, "outbox": _outbox,
               "signout": _signout, "orders": _orders}[args.command]
    return handler(args, folder)


def _say(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str) if args.json else text)


def _sync(args: argparse.Namespace, folder: Path) -> int:
    from .client import ApiClient, NotSignedIn, Offline, Refused
    from .credentials import Tokens
    from .evidence import EvidenceFolder, EvidenceMissing
    from .runner import Syncer

    api = args.api
    tokens = Tokens()
    client = ApiClient(api, tokens.get(api, args.user))
    store = open_store(folder)
    try:
        try:
            sign_in(client, tokens, api, args.user,
                    lambda: read_password(args.user, args.password_stdin))
        except (NotSignedIn, Refused) as exc:
            raise sign_in_refused(api, args.user, exc) from exc
        if tokens.warning:
            print(f"note: {tokens.warning}", file=sys.stderr)
        syncer = Syncer(store, client, client.base, args.user)
        pushed = syncer.push(evidence=EvidenceFolder.of(folder, store).reader)
        pulled = syncer.pull().count
    except NotSignedIn as exc:
        raise Failure(SIGN_IN, f"the server ended the sign-in ({exc}): run the sync again "
                               "to sign in anew") from exc
    except Refused as exc:
        raise Failure(REFUSED, f"the server refused ({exc.code}: {exc.message.rstrip('.')}); "
                               "nothing is lost, the outbox waits") from exc
    except Offline as exc:
        raise unreachable(api, exc, "; nothing is lost, the outbox waits") from exc
    except EvidenceMissing as exc:
        raise Failure(REFUSED, f"the outbox cannot be sent: {exc}") from exc
    finally:
        store.close()
    _say(args, {"pulled": pulled, "pushed": len(pushed.done), "refused": pushed.refused,
                "waiting": pushed.left},
         f"pulled {pulled} changes; pushed {len(pushed.done)} commands"
         + (f"; {len(pushed.refused)} refused (see 'xrewards-desk outbox')"
            if pushed.refused else ""))
    return 0


def token_valid(client: ApiClient) -> bool:
    """Whether the server still takes the token `client` holds (its sign-in has not ended
    or been revoked)."""
    from .client import NotSignedIn

    try:
        client.me()
        return True
    except NotSignedIn:
        return False


def sign_in(client: ApiClient, tokens: Tokens, api: str, user: str,
            password: Callable[[], str | None]) -> bool:
    """Sign `client` in to `api` as `user`: with the token it holds where the server still
    takes it, else with `password()`, the new token kept in `tokens` (the keyring). False
    where `password()` gives none; a refused sign-in raises as the client does."""
    if client.token is not None and token_valid(client):
        return True
    given = password()
    if given is None:
        return False
    client.sign_in(user, given)
    assert client.token is not None
    tokens.put(api, user, client.token)
    return True


def _search(args: argparse.Namespace, folder: Path) -> int:
    from sqlalchemy import select

    from xrewards_desk.store import models as m

    from ..store.search import search
    from . import search_index

    store = _existing_store(folder)
    try:
        with store.engine.connect() as conn:
            if conn.execute(select(m.AccountRow.id).limit(1)).first() is None:
                raise Failure(REFUSED, f"the local store in {folder} is empty, no sync has "
                                       f"filled it yet: {FILL}")
            hits = search(conn, args.text, limit=args.limit)
            behind = search_index.pending(conn)
    finally:
        store.close()
    if behind:
        print("note: the first sync did not finish; the search index is built when it does "
              "(run 'xrewards-desk sync' again)", file=sys.stderr)
    rows = [{"account": h.account_id, "name": h.name, "email": h.email,
             "organisation": h.organisation, "matched": h.matched} for h in hits]
    _say(args, rows, "\n".join(f"{r['account']}  {r['name']}  <{r['email']}>  "
                               f"{r['organisation']}" for r in rows) or "no customer found")
    return 0


#: an entry's type in the ledger view's words (ui/customers/ledger.py, LedgerView.entry_type;
#: a test holds the two equal)
ENTRY_WORDS = {
    "earn": "credit (order)", "referral_bonus": "referral bonus", "redemption": "redemption",
    "refund": "refund", "reversal": "reversal", "expiry": "expiry",
    "transfer_out": "transfer out", "transfer_in": "transfer in", "void": "void",
    "adjustment": "adjustment", "forfeit": "forfeit",
}


def _ledger(args: argparse.Namespace, folder: Path) -> int:
    from sqlalchemy import select

    from xrewards_desk.store import models as m

    from ..domain.calendar import BERLIN

    number = args.account.strip().upper()
    store = _existing_store(folder)
    try:
        with store.session() as s:
            account = s.get(m.AccountRow, number)
            if account is None:
                empty = s.scalars(select(m.AccountRow.id).limit(1)).first() is None
                raise Failure(REFUSED, f"no account {number} in the local store: "
                                       + (f"it is empty, {FILL}" if empty else
                                          "check the number ('xrewards-desk search NAME' "
                                          "finds it), or sync if it is new"))
            rows = [{"id": e.id, "at": e.at.astimezone(BERLIN).isoformat(),
                     "type": e.type.value, "type_words": ENTRY_WORDS.get(e.type.value,
                                                                        e.type.value),
                     "points": e.points, "source": f"{e.source_kind.value}:{e.source_ref}"}
                    for e in s.scalars(select(m.LedgerEntry).where(
                        m.LedgerEntry.account_id == number).order_by(m.LedgerEntry.seq))]
            balance = sum(s.scalars(select(m.LotRow.remaining).where(
                m.LotRow.account_id == number))) - account.debt
    finally:
        store.close()
    lines = [f"{_berlin(r['at'])}  {r['type_words']:<15} {r['points']:>8}  {r['source']}"
             for r in rows]
    _say(args, {"account": number, "balance": balance, "entries": rows},
         "\n".join([f"{number}, times in Europe/Berlin:", *lines,
                    f"balance: {balance} points"]))
    return 0


def _berlin(iso: str) -> str:
    """``2026-03-29 03:15 +02:00``: the Berlin time with its offset."""
    return f"{iso[:10]} {iso[11:16]} {iso[-6:]}"


def _outbox(args: argparse.Namespace, folder: Path) -> int:
    from sqlalchemy import select

    from xrewards_desk.store import models as m

    if args.action == "withdraw" and args.id is None:
        raise Failure(USAGE, "say which command to withdraw: xrewards-desk outbox withdraw "
                             "ID (the ids are in 'xrewards-desk outbox')")
    store = _existing_store(folder)
    try:
        if args.action == "withdraw":
            with store.session() as s:
                row = s.get(m.OutboxCommand, args.id)
                if row is None or row.state is not m.OutboxState.PENDING or row.attempts:
                    raise Failure(REFUSED, f"command {args.id} cannot be withdrawn (unknown, "
                                           "or it may already have reached the server): "
                                           "see 'xrewards-desk outbox' for what waits")
                row.state = m.OutboxState.WITHDRAWN
            print(f"withdrew command {args.id}")
            return 0
        with store.session() as s:
            rows = [{"id": r.id, "kind": r.kind, "state": r.state.value,
                     "created_at": r.created_at.isoformat(), "attempts": r.attempts,
                     "refusal": r.refusal_code, "message": r.refusal_message}
                    for r in s.scalars(select(m.OutboxCommand).order_by(m.OutboxCommand.id))]
    finally:
        store.close()
    _say(args, rows, "\n".join(
        f"{r['id']:>5}  {r['state']:<9} {r['kind']:<24} {r['created_at'][:16]}"
        + (f"  refused: {r['refusal']}: {r['message']}" if r["refusal"] else "")
        for r in rows) or "the outbox is empty")
    return 0


def _signed_in(folder: Path) -> list[tuple[str, str]]:
    """(API, user) of each sign-in the local store has synced with."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    from ..store.local import reading_engine

    engine = _keyed(lambda passphrase: reading_engine(folder, passphrase=passphrase))
    try:
        with engine.connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(text(
                "SELECT api, user_name FROM sync_state WHERE user_name IS NOT NULL"))]
    except DatabaseError as exc:  # a store its key does not open, or a damaged one
        reason = str(exc.orig).splitlines()[0]
        raise Failure(REFUSED, f"{folder / 'desk.sqlite'} cannot be read ({reason}): the "
                               "sign-ins it holds are not known") from exc
    finally:
        engine.dispose()


def _wipe(folder: Path, ended: list[str]) -> bool:
    """Remove the store, its key and every file of the desktop in `folder` (sync/wipe.py),
    saying what went; False if there was nothing to remove."""
    from ..store.keys import forget_key
    from .wipe import held, wipe

    if not held(folder) and not (folder / "desk.key").exists():
        return False
    keys = forget_key(folder)
    removed = wipe(folder)
    print(("signed out (" + ", ".join(sorted(set(ended))) + ")" if ended
           else "there was no sign-in to end") + "; the local customer data was removed")
    print(removed.sentence())
    for key in keys:
        print(f"removed {key}")
    if removed.left:
        print(f"left alone in {folder} (not the desktop's customer data): "
              + ", ".join(removed.left))
    return True


def _signout(args: argparse.Namespace, folder: Path) -> int:
    from .credentials import Tokens

    states: list[tuple[str, str]] = []
    if (folder / "desk.sqlite").exists():
        try:
            states = _signed_in(folder)
        except Failure:
            if not args.wipe:  # without its key the store can still be removed
                raise
    tokens = Tokens()
    ended: list[str] = []
    for api, user in states:
        for where in {api.removesuffix("/v1"), api}:
            if tokens.get(where, user) is not None:
                ended.append(f"{user} at {api.removesuffix('/v1')}")
            tokens.forget(where, user)
    if args.wipe and folder.is_dir() and _wipe(folder, ended):
        return 0
    if not ended:
        raise Failure(REFUSED, "there was no sign-in to end: no token is kept for "
                      + (", ".join(f"{u} at {a.removesuffix('/v1')}" for a, u in states)
                         if states else f"the data folder {folder}")
                      + (", and there is no local customer data to remove" if args.wipe
                         else "; nothing changed"))
    print("signed out (" + ", ".join(sorted(set(ended))) + ")")
    return 0


# --------------------------------------------------------------------------- orders


def add_orders_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                         data: Any) -> None:
    orders = commands.add_parser(
        "orders", help="a customer's orders from the local store: state, points credited, "
                       "and the points an open order would earn if it completed now")
    orders.add_argument("customer", help="the customer number (any case), an order number, "
                                         "an e-mail address, or anything search finds once")
    orders.add_argument("--json", action="store_true")
    data(orders)


def _orders(args: argparse.Namespace, folder: Path) -> int:
    """``xrewards-desk orders CUSTOMER``: every order of one customer (store/read/orders.py)
    with its state, what is missing, the credit with its tier and rate (R8), and for an
    open order the engine's pending points as of now, which can change until it
    completes."""
    from ..clock import SystemClock
    from ..store.read.orders import customer_orders

    now = SystemClock().now()
    store = _existing_store(folder)
    try:
        with store.session() as s:
            account = _one_customer(s, args.customer, folder)
            orders = customer_orders(s, account, now)
    finally:
        store.close()
    assert orders is not None  # the account was found in the same store
    records = [_order_json(o) for o in orders]
    _say(args, {"account": account, "as_of": now.isoformat(), "orders": records},
         "\n".join([f"{account}: {len(orders)} order(s), times in Europe/Berlin:",
                    *(line for o in orders for line in _order_lines(o))]))
    return 0


def _one_customer(s: Any, text: str, folder: Path) -> str:
    """The account `text` names: its customer number, or the one customer search finds
    first by an exact identifier (number, e-mail, order, referral code) or alone."""
    from sqlalchemy import select

    from xrewards_desk.store import models as m

    from ..store.search import EXACT, SearchError, search

    raw = text.strip()
    exact = s.scalars(select(m.AccountRow.id).where(
        m.AccountRow.id.in_({raw, raw.upper()}))).first()
    if exact is not None:
        return str(exact)
    if s.scalars(select(m.AccountRow.id).limit(1)).first() is None:
        raise Failure(REFUSED, f"the local store in {folder} is empty, no sync has filled "
                               f"it yet: {FILL}")
    try:
        hits = search(s, raw, limit=5)
    except (SearchError, ValueError) as exc:
        raise Failure(REFUSED, f"no customer {raw!r} can be looked up here ({exc})") from exc
    if hits and (hits[0].how == EXACT or len(hits) == 1):
        return hits[0].account_id
    if not hits:
        raise Failure(REFUSED, f"no customer {raw!r} in the local store: check the customer "
                               "number ('xrewards-desk search NAME' finds it), or sync if "
                               "it is new")
    raise Failure(REFUSED, f"{raw!r} matches several customers ("
                  + ", ".join(f"{h.account_id} {h.name}" for h in hits)
                  + "): give the customer number")


def _order_json(order: Any) -> Any:
    """An order of store/read/orders.py as JSON values: instants with their offset in
    Berlin, days as YYYY-MM-DD, money as text with two decimals, named values as text."""
    from dataclasses import asdict
    from datetime import date, datetime
    from decimal import Decimal
    from enum import Enum

    from ..domain.calendar import BERLIN

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, datetime):
            return value.astimezone(BERLIN).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return value

    return plain(asdict(order))


def _order_lines(o: Any) -> list[str]:
    """An order in a few lines of plain English, times in Berlin."""
    from ..domain.calendar import BERLIN

    def day(at: Any) -> str:
        return "-" if at is None else at.astimezone(BERLIN).strftime("%Y-%m-%d")

    state = o.state + (": waiting for " + " and ".join(o.missing) if o.missing else "")
    lines = [f"{o.id}  {state}  placed {day(o.placed_at)}  paid {day(o.paid_at)}  "
             f"delivered {day(o.delivered_at)}  completed {day(o.completed_at)}",
             f"    net {o.net:.2f} EUR"
             + (f", code {o.discount_code} -{o.discount:.2f} EUR" if o.discount_code else "")
             + (f", {o.redeemed} points redeemed" if o.redeemed else "")
             + f", earning base {o.base:.2f} EUR"]
    for c in o.cancellations:
        lines.append(f"    cancelled {c.amount:.2f} EUR"
                     + (" (in full)" if c.in_full else " (in part)")
                     + (f" on {day(c.at)}" if c.at else " (date not recorded)"))
    if o.credited:
        how = f" ({o.tier.value}, {o.rate} per EUR)" if o.tier else ""
        kept = f", {o.kept} kept after reversals" if o.kept != o.credited else ""
        lines.append(f"    credited {o.credited} points on {day(o.credited_at)}{how}{kept}")
    if o.referral_bonus:
        b = o.referral_bonus
        lines.append(f"    referral bonus {b.points} points to {b.referrer} on {day(b.at)}"
                     + (f", {b.reversed} reversed" if b.reversed else ""))
    p = o.pending
    if p is not None:
        if p.no_earning is not None:
            lines.append(f"    would earn nothing now ({p.no_earning.replace('_', ' ')})")
        else:
            lines.append(f"    would earn {p.points} points if it completed now ({p.tier.value},"
                         f" {p.rate} per EUR); the figure can change until it completes (R8)")
    return lines
