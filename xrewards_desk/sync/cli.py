"""Headless use of the desktop's local store:

    xrewards-desk sync --api URL --user NAME [--password-stdin] [--data-dir DIR]
    xrewards-desk search TEXT [--json]
    xrewards-desk ledger ACCOUNT [--json]
    xrewards-desk outbox [list | withdraw ID] [--json]
    xrewards-desk signout [--wipe]
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

PASSWORD_ENV = "XREWARDS_PASSWORD"


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def data(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", type=Path, metavar="DIR",
                       help="the local data folder (default: the user data folder)")

    sync = commands.add_parser("sync", help="pull the server's changes, push the outbox")
    sync.add_argument("--api", required=True, metavar="URL", help="e.g. http://127.0.0.1:8765")
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
    ledger.add_argument("account")
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


def data_dir(given: Path | None) -> Path:
    if given is not None:
        folder = given
    else:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir("xrewards-desk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def _store(folder: Path) -> Any:
    from ..store.db import Store, sqlite_url

    return Store.open(sqlite_url(folder / "desk.sqlite"))


def main(args: argparse.Namespace) -> int:
    folder = data_dir(args.data_dir)
    handler = {"sync": _sync, "search": _search, "ledger": _ledger, "outbox": _outbox,
               "signout": _signout}[args.command]
    return handler(args, folder)


def _say(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str) if args.json else text)


def _sync(args: argparse.Namespace, folder: Path) -> int:
    from .client import ApiClient, NotSignedIn, Offline
    from .credentials import Tokens
    from .evidence import EvidenceFolder, EvidenceMissing
    from .runner import Syncer

    tokens = Tokens()
    client = ApiClient(args.api, tokens.get(args.api, args.user))
    store = _store(folder)
    try:
        if client.token is None or not _valid(client):
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = os.environ.get(PASSWORD_ENV) or getpass.getpass(
                    f"Password for {args.user}: ")
            client.sign_in(args.user, password)
            assert client.token is not None
            tokens.put(args.api, args.user, client.token)
        if tokens.warning:
            print(f"note: {tokens.warning}", file=sys.stderr)
        syncer = Syncer(store, client, client.base, args.user)
        pushed = syncer.push(evidence=EvidenceFolder(folder).reader)
        pulled = syncer.pull()
    except NotSignedIn as exc:
        print(f"xrewards-desk sync: {exc}", file=sys.stderr)
        return 1
    except Offline as exc:
        print(f"xrewards-desk sync: the server cannot be reached ({exc}); nothing is lost, "
              "the outbox waits", file=sys.stderr)
        return 1
    except EvidenceMissing as exc:
        print(f"xrewards-desk sync: the outbox cannot be sent: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    _say(args, {"pulled": pulled, "pushed": len(pushed.done), "refused": pushed.refused,
                "waiting": pushed.left},
         f"pulled {pulled} changes; pushed {len(pushed.done)} commands"
         + (f"; {len(pushed.refused)} refused (see 'xrewards-desk outbox')"
            if pushed.refused else ""))
    return 0


def _valid(client: Any) -> bool:
    from .client import NotSignedIn

    try:
        client.me()
        return True
    except NotSignedIn:
        return False


def _search(args: argparse.Namespace, folder: Path) -> int:
    from ..store.search import search
    from . import search_index

    store = _store(folder)
    try:
        with store.engine.connect() as conn:
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


def _ledger(args: argparse.Namespace, folder: Path) -> int:
    from sqlalchemy import select

    from ..store import models as m

    store = _store(folder)
    try:
        with store.session() as s:
            account = s.get(m.AccountRow, args.account)
            if account is None:
                print(f"xrewards-desk ledger: no account {args.account} in the local store "
                      "(sync first?)", file=sys.stderr)
                return 1
            rows = [{"id": e.id, "at": e.at.isoformat(), "type": e.type.value,
                     "points": e.points, "source": f"{e.source_kind.value}:{e.source_ref}"}
                    for e in s.scalars(select(m.LedgerEntry).where(
                        m.LedgerEntry.account_id == args.account).order_by(m.LedgerEntry.seq))]
            balance = sum(s.scalars(select(m.LotRow.remaining).where(
                m.LotRow.account_id == args.account))) - account.debt
    finally:
        store.close()
    lines = [f"{r['at'][:16]}  {r['type']:<15} {r['points']:>8}  {r['source']}" for r in rows]
    _say(args, {"account": args.account, "balance": balance, "entries": rows},
         "\n".join([*lines, f"balance: {balance} points"]))
    return 0


def _outbox(args: argparse.Namespace, folder: Path) -> int:
    from sqlalchemy import select

    from ..store import models as m

    store = _store(folder)
    try:
        if args.action == "withdraw":
            if args.id is None:
                print("xrewards-desk outbox withdraw: say which command (its id)",
                      file=sys.stderr)
                return 2
            with store.session() as s:
                row = s.get(m.OutboxCommand, args.id)
                if row is None or row.state is not m.OutboxState.PENDING or row.attempts:
                    print(f"xrewards-desk outbox: command {args.id} cannot be withdrawn "
                          "(unknown, or it may already have reached the server)",
                          file=sys.stderr)
                    return 1
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


def _signout(args: argparse.Namespace, folder: Path) -> int:
    from ..store.db import sqlite_url
    from .credentials import Tokens

    states: list[tuple[str, str]] = []
    store_file = folder / "desk.sqlite"
    if store_file.exists():
        from sqlalchemy import create_engine, text

        engine = create_engine(sqlite_url(store_file))
        try:
            with engine.connect() as conn:
                states = [(r[0], r[1]) for r in conn.execute(text(
                    "SELECT api, user_name FROM sync_state WHERE user_name IS NOT NULL"))]
        finally:
            engine.dispose()
    tokens = Tokens()
    for api, user in states:
        tokens.forget(api.removesuffix("/v1"), user)
        tokens.forget(api, user)
    if args.wipe:
        for path in folder.iterdir():
            if path.name.startswith("desk.sqlite") or path.name == "evidence":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        print("signed out; the local customer data was removed")
    else:
        print("signed out")
    return 0
