"""Headless import of saved mails, for a mail hook:

    xrewards-desk cases import PATH... [--json] [--data-dir DIR] [--api URL --user NAME]
                                       [--password-stdin] [--no-push]

Each mail becomes one ``create_mail_case`` command in the local outbox (its evidence kept
in the data folder); then the outbox is pushed if this can sign in: API and user from
``--api``/``--user``, else from the local store's last sync; the token from the keyring,
else the password from ``$XREWARDS_PASSWORD`` or ``--password-stdin`` (asked only at a
terminal). Offline or not signed in, the mails wait in the outbox for the next sync.

One line per file (JSON with ``--json``). The exit status is 1 if any file could not be
taken (malformed, unreadable) or the server refused its case; a duplicate is no error.
``-`` as a PATH reads one mail from standard input.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from ..exits import USAGE, Failure, run_reported
from ..prompt import PASSWORD_ENV
from ..sync.cli import check_api, data_dir, in_words, sign_in, sign_in_refused

NAME = "xrewards-desk cases import"


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cases = commands.add_parser("cases", help="e-mail cases")
    sub = cases.add_subparsers(dest="cases_command", metavar="SUBCOMMAND")
    imp = sub.add_parser("import", help="saved mails (.eml) into cases, through the outbox")
    imp.add_argument("paths", nargs="+", metavar="PATH", help="saved mails; - for stdin")
    imp.add_argument("--json", action="store_true", help="one JSON object a line")
    imp.add_argument("--data-dir", type=Path, metavar="DIR",
                     help="the local data folder (default: the user data folder)")
    imp.add_argument("--api", metavar="URL",
                     help="the server (default: the one the local store last synced with)")
    imp.add_argument("--user", help="who signs in (default: the last sync's user)")
    imp.add_argument("--password-stdin", action="store_true",
                     help=f"read the password from standard input (else ${PASSWORD_ENV}; "
                          "asked only at a terminal)")
    imp.add_argument("--no-push", action="store_true",
                     help="only enqueue; the next 'xrewards-desk sync' sends the mails")


def main(args: argparse.Namespace) -> int:
    """The command's exit code; a failure is said in one sentence (also when called
    directly, not through app.main)."""
    return run_reported(_main, args)


def _main(args: argparse.Namespace) -> int:
    if getattr(args, "cases_command", None) != "import":
        raise Failure(USAGE, "say what to do: xrewards-desk cases import PATH... [--json]")
    if args.password_stdin and "-" in args.paths:
        raise Failure(USAGE, "a mail from stdin and the password from stdin cannot both be "
                             "read: give the mail as a file, or the password in "
                             f"${PASSWORD_ENV}")
    if args.api is not None:
        check_api(args.api)
    from ..sync.cli import open_store

    folder = data_dir(args.data_dir)
    store = open_store(folder)
    try:
        return _run(args, folder, store)
    finally:
        store.close()


def _last_sync(store: Any) -> tuple[str | None, str | None]:
    from sqlalchemy import select

    from xrewards_desk.store import models as m

    with store.session() as s:
        row = s.scalars(select(m.SyncState).where(m.SyncState.user_name.is_not(None))
                        .order_by(m.SyncState.last_success.desc())).first()
        return (row.api, row.user_name) if row is not None else (None, None)


def _run(args: argparse.Namespace, folder: Path, store: Any) -> int:
    from ..sync.evidence import EvidenceFolder
    from .importer import ImportResult, import_mail
    from .parse import MalformedMail

    evidence = EvidenceFolder.of(folder, store)
    stored_api, stored_user = _last_sync(store)
    api = args.api or (stored_api.removesuffix("/v1") if stored_api else None)
    user = args.user or stored_user
    lines: list[tuple[str, dict[str, Any] | ImportResult]] = []
    for path in args.paths:
        shown = "<stdin>" if path == "-" else path
        try:
            source: Path | bytes = sys.stdin.buffer.read() if path == "-" else Path(path)
            result = import_mail(source, store=store, evidence=evidence,
                                 user=user or "mail-hook",
                                 name="stdin.eml" if path == "-" else None)
            lines.append((shown, result))
        except MalformedMail as exc:
            lines.append((shown, {"file": shown, "error": str(exc)}))
        except OSError as exc:
            lines.append((shown, {"file": shown,
                                  "error": f"{shown} cannot be read: {exc.strerror or exc}."}))
    waiting = [r.queued for _f, r in lines if isinstance(r, ImportResult) and r.queued]
    refused: dict[int, dict[str, Any]] = {}
    cases: dict[int, int | None] = {}
    if waiting and not args.no_push:
        _push(args, store, evidence, api, user)
        cases, refused = _answers(store, waiting)
    failed = False
    for shown, entry in lines:
        if isinstance(entry, ImportResult):
            out = {**entry.as_json(), "file": shown}
            command = entry.queued
            if command is not None and command in cases:
                out["case"], out["queued"] = cases[command], None
            if command is not None and command in refused:
                out["refused"] = refused[command]
                failed = True
        else:
            out = entry
            failed = True
        print(json.dumps(out, ensure_ascii=False) if args.json else _line(out), flush=True)
    still = [n for n in waiting if n not in cases and n not in refused]
    if still:
        print(f"note: {len(still)} mail(s) wait in the outbox (command "
              f"{', '.join(map(str, still))}); nothing is lost, 'xrewards-desk sync' sends "
              "them", file=sys.stderr)
    return 1 if failed else 0


def _line(out: dict[str, Any]) -> str:
    if "error" in out:
        return f"{out['file']}: not imported: {out['error']}"
    if out.get("refused"):
        return (f"{out['file']}: refused by the server: {out['refused']['code']}: "
                f"{out['refused']['message']}")
    where = (f"case {out['case']}" if out["case"] is not None
             else f"queued as command {out['queued']}" if out["queued"] is not None
             else "case not known yet")
    what = "already imported" if out["duplicate"] else "imported"
    who = out["customer"] or (
        "suggestions " + ", ".join(s["account"] for s in out["suggestions"])
        if out["suggestions"] else "no customer matched")
    sender = out["sender"] or "sender unknown"
    parts = [f"{out['file']}: {what}, {where}; from {sender} ({who}), received "
             f"{out['received_at'] or 'unknown'}"]
    if out["attachments"]:
        parts.append(f"{len(out['attachments'])} attachment(s) kept")
    for refusal in out["refused_attachments"]:
        parts.append(f"refused: {refusal['reason']}")
    for missing in out.get("missing", []):
        parts.append(f"note: {missing}")
    if out["warning"]:
        parts.append(f"note: {out['warning']}")
    return "; ".join(parts)


def _password(args: argparse.Namespace, user: str) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n") or None
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {user}: ") or None
    return None


def _push(args: argparse.Namespace, store: Any, evidence: Any, api: str | None,
          user: str | None) -> None:
    """Push the outbox if this can sign in; otherwise say why on stderr (the mails wait)."""
    from ..sync.client import ApiClient, NotSignedIn, Offline, Refused
    from ..sync.credentials import Tokens
    from ..sync.evidence import EvidenceMissing
    from ..sync.runner import Syncer

    if api is None or user is None:
        print(f"note: {NAME}: no server known (no --api/--user and no earlier sync); the "
              "mails were not sent", file=sys.stderr)
        return
    tokens = Tokens()
    token = tokens.get(api, user) or tokens.get(api + "/v1", user)
    client = ApiClient(api, token, retries=2)
    try:
        if not sign_in(client, tokens, api, user, lambda: _password(args, user)):
            print(f"note: {NAME}: not signed in as {user} at {api} (no token in the "
                  f"keyring, no ${PASSWORD_ENV}, not at a terminal); the mails were not "
                  "sent", file=sys.stderr)
            return
        if tokens.warning:
            print(f"note: {tokens.warning}", file=sys.stderr)
        Syncer(store, client, client.base, user).push(evidence=evidence.reader)
    except Offline as exc:
        print(f"note: {NAME}: the server at {api} cannot be reached ({in_words(exc)}); the "
              "mails were not sent, 'xrewards-desk sync' sends them later", file=sys.stderr)
    except (NotSignedIn, Refused) as exc:
        words = sign_in_refused(api, user, exc).sentence if client.token is None else str(exc)
        print(f"note: {NAME}: {words}; the mails were not sent, they wait in the outbox",
              file=sys.stderr)
    except EvidenceMissing as exc:
        print(f"note: {NAME}: the outbox could not be sent: {exc}", file=sys.stderr)


def _answers(store: Any, commands: list[int]) -> tuple[dict[int, int | None],
                                                      dict[int, dict[str, Any]]]:
    """The cases the server answered for `commands`, and its refusals of them."""
    from xrewards_desk.store import models as m

    from .importer import created_case

    cases: dict[int, int | None] = {}
    refused: dict[int, dict[str, Any]] = {}
    with store.session() as s:
        for command in commands:
            row = s.get(m.OutboxCommand, command)
            if row is None:
                continue
            if row.state is m.OutboxState.DONE:
                cases[command] = created_case(row.response)
            elif row.state is m.OutboxState.REFUSED:
                refused[command] = {"code": row.refusal_code, "message": row.refusal_message}
    return cases, refused
