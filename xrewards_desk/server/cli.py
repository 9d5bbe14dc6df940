"""``xrewards-desk serve``, ``xrewards-desk users add`` and ``xrewards-desk audit verify``.

A refusal or an error ends in one sentence saying what to do (a
:class:`~xrewards_desk.exits.Failure`) and the exit code of its kind (exits.py)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ..domain.model import Role
from ..exits import REFUSED, USAGE, Failure

DEFAULT_PORT = 8765


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="run the reference rewards API (FastAPI)")
    serve.add_argument("--db", metavar="URL",
                       help="the store (an SQLAlchemy URL or a SQLite path); default: "
                            "server.sqlite in the data folder")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"the port (default {DEFAULT_PORT}; 0 picks a free one)")
    serve.add_argument("--demo", action="store_true",
                       help="fill an empty store with the demo program and its users")
    serve.add_argument("--data-dir", type=Path, metavar="DIR",
                       help="where the store and evidence files live")
    serve.add_argument("--port-file", type=Path, metavar="FILE",
                       help="write the port listened on to FILE once ready (for --port 0)")
    serve.add_argument("--max-body", metavar="SIZE",
                       help="the largest request body but an evidence upload (20 MiB), "
                            "e.g. 1MiB or 65536; default: XREWARDS_MAX_BODY, else 1MiB")

    users = commands.add_parser(
        "users", help="staff who may sign in to the server",
        epilog="xrewards-desk users add NAME --role ROLE [--password-stdin]: the password "
               "from the first line of standard input with --password-stdin, else from "
               "XREWARDS_PASSWORD, else asked at the terminal (at least 10 characters)")
    users_commands = users.add_subparsers(dest="users_command", metavar="SUBCOMMAND")
    add = users_commands.add_parser(
        "add", help="add a member of staff (password from --password-stdin, "
                    "XREWARDS_PASSWORD, or asked)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--display-name")
    add.add_argument("--language", default="de", choices=["de", "en"])
    add.add_argument("--db", metavar="URL")
    add.add_argument("--data-dir", type=Path, metavar="DIR")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")

    audit = commands.add_parser("audit", help="the server's audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="SUBCOMMAND")
    verify = audit_commands.add_parser(
        "verify", help="check the hash chain; name the first edited or deleted record")
    verify.add_argument("--db", metavar="URL")
    verify.add_argument("--data-dir", type=Path, metavar="DIR")


def data_dir(given: Path | None) -> Path:
    if given is not None:
        return given
    from platformdirs import user_data_dir

    return Path(user_data_dir("xrewards-server", appauthor=False))


def store_url(db: str | None, folder: Path) -> str:
    from ..store.db import sqlite_url

    if db is None:
        return sqlite_url(folder / "server.sqlite")
    return db if "://" in db else sqlite_url(db)


def main(args: argparse.Namespace) -> int:
    if args.command == "serve":
        return serve(args)
    if args.command == "users" and args.users_command == "add":
        return add_user(args)
    if args.command == "audit" and args.audit_command == "verify":
        return verify_audit(args)
    raise Failure(USAGE, f"say what to do (see xrewards-desk {args.command} --help)")


def _open(args: argparse.Namespace, folder_needed: bool = True) -> tuple[object, Path]:
    """The store, and the data folder (made if the store lives there or `folder_needed`)."""
    from ..store.db import Store, StoreError

    folder = data_dir(args.data_dir)
    if folder_needed or args.db is None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        return Store.open(store_url(args.db, folder)), folder
    except StoreError as exc:
        raise Failure(REFUSED, str(exc)) from exc


def _sqlite_file(db: str | None, folder: Path) -> Path | None:
    """The SQLite file a --db/--data-dir names (None for another database)."""
    if db is None:
        return folder / "server.sqlite"
    if "://" not in db:
        return Path(db)
    if db.startswith("sqlite:///"):
        return Path(db.removeprefix("sqlite:///"))
    return None


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..clock import SystemClock
    from ..store.db import Store
    from .app import create_app
    from .service import Service

    max_body = _max_body(args.max_body)
    if args.port:
        _port_free(args.host, args.port)
    store, folder = _open(args)
    assert isinstance(store, Store)
    service = Service(store, SystemClock(), folder)
    if args.demo:
        from .demo import ensure_demo

        info = ensure_demo(service)
        print(info.banner(), flush=True)
    app = create_app(service, max_body=max_body)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="info")
    server = uvicorn.Server(config)
    if args.port_file is not None:
        _announce_port(server, args.port_file)
    server.run()
    store.close()
    return 0


def _max_body(given: str | None) -> int:
    """--max-body, else XREWARDS_MAX_BODY, else the default (limits.py), in bytes."""
    import os

    from .limits import DEFAULT_MAX_BODY, parse_size

    text = given if given is not None else os.environ.get("XREWARDS_MAX_BODY")
    if not text:
        return DEFAULT_MAX_BODY
    where = "--max-body" if given is not None else "XREWARDS_MAX_BODY"
    try:
        return parse_size(text)
    except ValueError as exc:
        raise Failure(USAGE, f"{where}: {exc}") from exc


def _port_free(host: str, port: int) -> None:
    """Refuse at once, in words, where uvicorn would log its bind error after the demo."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Failure(USAGE, f"the host {host} is not known here: give an address of this "
                             "machine, e.g. --host 127.0.0.1") from exc
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise Failure(REFUSED, f"cannot listen on {host}:{port} ({exc.strerror or exc}; "
                                   "is a server running there already?): stop it, or choose "
                                   "another port with --port") from exc


def _announce_port(server: object, path: Path) -> None:
    """Write the port once uvicorn listens (with --port 0 only the OS knows it)."""
    import threading
    import time

    def wait() -> None:
        while not getattr(server, "started", False):
            time.sleep(0.05)
        sockets = server.servers[0].sockets  # type: ignore[attr-defined]
        tmp = path.with_suffix(".part")
        tmp.write_text(str(sockets[0].getsockname()[1]))
        tmp.replace(path)

    threading.Thread(target=wait, daemon=True).start()


def add_user(args: argparse.Namespace) -> int:
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError, SQLAlchemyError

    from ..clock import SystemClock
    from ..prompt import read_password
    from ..store import models as m
    from ..store.db import Store
    from .service import Service

    password = read_password(args.name, args.password_stdin)
    if len(password) < 10:
        raise Failure(REFUSED, "the password must have at least 10 characters: choose a "
                               "longer one")
    # a user needs no data folder of its own: with --db alone nothing is made beside it
    store, folder = _open(args, folder_needed=False)
    assert isinstance(store, Store)
    taken = Failure(REFUSED, f"there is already a user {args.name} in this store: choose "
                             "another name")
    try:
        with store.session() as s:
            if s.scalars(select(m.User.id).where(m.User.name == args.name)).first():
                raise taken
        with tempfile.TemporaryDirectory() as scratch:
            # the service keeps evidence in its folder; adding a user writes none
            where = folder if folder.is_dir() else Path(scratch)
            Service(store, SystemClock(), where).add_user(
                args.name, args.display_name or args.name, Role(args.role), password,
                args.language)
    except IntegrityError as exc:  # added meanwhile by someone else
        raise taken from exc
    except SQLAlchemyError as exc:  # the database is unreachable, ...
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise Failure(REFUSED, f"the store could not take the user ({reason}): check --db "
                               "and try again") from exc
    finally:
        store.close()
    print(f"added {args.name} ({args.role})")
    return 0


def verify_audit(args: argparse.Namespace) -> int:
    from ..store import audit
    from ..store.db import Store, StoreError

    # reading makes nothing: no data folder, no evidence folder, no new store
    file = _sqlite_file(args.db, data_dir(args.data_dir))
    if file is not None and not file.is_file():
        raise Failure(REFUSED, f"there is no server store at {file}, so there is no audit log "
                               "to verify: name an existing one with --data-dir DIR or --db "
                               "PATH")
    try:
        store = Store.open(store_url(args.db, data_dir(args.data_dir)))
    except StoreError as exc:
        raise Failure(REFUSED, str(exc)) from exc
    try:
        with store.session() as session:
            checked, broken = audit.verify(session)
    finally:
        store.close()
    if broken is None:
        print(f"audit log intact: {checked} records, each linked to the one before")
        return 0
    print(f"audit log broken at record {broken.record}: {broken.reason} "
          f"({checked} records before it hold)")
    return REFUSED
