"""``xrewards-desk serve``, ``xrewards-desk users add``, ``xrewards-desk audit verify`` and
``xrewards-desk audit public-key``.

A refusal or an error ends in one sentence saying what to do (a
:class:`~xrewards_desk.exits.Failure`) and the exit code of its kind (exits.py)."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.model import Role
from ..exits import REFUSED, USAGE, Failure, run_reported

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from ..store.audit import Report, SigningKey

DEFAULT_PORT = 8765
#: seconds the requests in flight get to finish after SIGTERM (serve --graceful-timeout)
DEFAULT_GRACEFUL = 30.0


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="run the reference rewards API (FastAPI)")
    serve.add_argument("--db", metavar="URL",
                       help="the store (an SQLAlchemy URL or a SQLite path); default: "
                            "server.sqlite in the data folder")
    serve.add_argument("--host", metavar="ADDRESS",
                       help="the address to listen on (default 127.0.0.1, this machine "
                            "only; with --demo anything else is warned about)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"the port (default {DEFAULT_PORT}; 0 picks a free one)")
    serve.add_argument("--demo", action="store_true",
                       help="fill an empty store with the demo program and its users")
    serve.add_argument("--data-dir", type=Path, metavar="DIR",
                       help="where the store and evidence files live")
    serve.add_argument("--port-file", type=Path, metavar="FILE",
                       help="write the port listened on to FILE once ready (for --port 0)")
    serve.add_argument("--progress-file", type=Path, metavar="FILE",
                       help="with --demo: while the demo is built, how far it is (a number "
                            "from 0 to 1) in FILE, replaced as it grows")
    serve.add_argument("--max-body", metavar="SIZE",
                       help="the largest request body but an evidence upload (20 MiB), "
                            "e.g. 1MiB or 65536; default: XREWARDS_MAX_BODY, else 1MiB")
    serve.add_argument("--audit-key-file", type=Path, metavar="FILE",
                       help="the Ed25519 key (PEM, mode 0600) the audit log's checkpoints "
                            "are signed with; default: XREWARDS_AUDIT_KEY_FILE, "
                            "XREWARDS_AUDIT_KEY, else audit-signing-key.pem in the data "
                            "folder, made on the first start")
    serve.add_argument("--log-format", choices=["text", "json"], default="text",
                       help="text (default) or json: one JSON object a line on standard "
                            "error, with time, level, logger, message and request_id")
    serve.add_argument("--graceful-timeout", type=float, default=DEFAULT_GRACEFUL,
                       metavar="SECONDS",
                       help="on SIGTERM, stop taking connections and give the requests "
                            "being answered this long to finish (default "
                            f"{DEFAULT_GRACEFUL:.0f}); a command still running then is "
                            "not answered and its transaction not committed, and the "
                            "client retries it with its Idempotency-Key")
    serve.add_argument("--metrics-token-file", type=Path, metavar="FILE",
                       help="/metrics answers only with this file's token as a bearer "
                            "token; default: XREWARDS_METRICS_TOKEN, else /metrics is open "
                            "to whoever reaches the port (restrict it at the proxy)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="worker processes behind the one port (default 1); more than "
                            "one needs a PostgreSQL store (--db postgresql+psycopg://...)")

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
        "verify", help="check the hash chain and its signed checkpoints; list every "
                       "edited, missing or cut-off record by number",
        epilog="The checkpoints are verified with the public key given (--public-key), "
               "else the one of the private key named by --key-file, XREWARDS_AUDIT_KEY_"
               "FILE, XREWARDS_AUDIT_KEY or the data folder's audit-signing-key.pem; never "
               "with anything read from the database. Exit code 0: intact; 1: broken.")
    verify.add_argument("--db", metavar="URL")
    verify.add_argument("--data-dir", type=Path, metavar="DIR")
    verify.add_argument("--public-key", type=Path, metavar="FILE", action="append",
                        help="the server's public key in PEM (xrewards-desk audit "
                             "public-key); again for a key used before")
    verify.add_argument("--key-file", type=Path, metavar="FILE",
                        help="the server's private key file (its public key is used)")
    public = audit_commands.add_parser(
        "public-key", help="print the public key the audit checkpoints are verified with")
    public.add_argument("--data-dir", type=Path, metavar="DIR")
    public.add_argument("--key-file", type=Path, metavar="FILE",
                        help="the private key file (default: as serve finds it)")


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
    """The command's exit code; a failure is said in one sentence (also when called
    directly, not through app.main)."""
    return run_reported(_main, args)


def _main(args: argparse.Namespace) -> int:
    run = _COMMANDS.get((args.command, getattr(args, f"{args.command}_command", None)))
    if run is None:
        raise Failure(USAGE, f"say what to do (see xrewards-desk {args.command} --help)")
    return run(args)


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
    metrics_token = _metrics_token(args.metrics_token_file)
    _check_workers(args)
    if args.progress_file is not None and not args.demo:
        raise Failure(USAGE, "--progress-file tells how far the demo's build is: give it "
                             "with --demo, or leave it out")
    if args.graceful_timeout < 0:
        raise Failure(USAGE, "--graceful-timeout: give the seconds as a number of 0 or more")
    host = _host(args)
    if args.port:
        _port_free(host, args.port)
    say = _sayer(args.log_format)
    store, folder = _open(args)
    assert isinstance(store, Store)
    service = Service(store, SystemClock(), folder)
    service.audit_key = _server_key(folder, args.audit_key_file, store, say)
    if args.demo:
        from .demo import ensure_demo

        info = ensure_demo(service, progress=_demo_progress(say, args.progress_file))
        # the passwords to a person at a terminal, never into a log or a pipe
        say(info.banner(show_passwords=args.log_format == "text" and sys.stdout.isatty()))
    if args.workers > 1:
        store.close()  # each worker opens its own
        return _serve_workers(args, host, folder)
    app = create_app(service, max_body=max_body, metrics_token=metrics_token)
    # JSON logs: configured above (_sayer), uvicorn's loggers go through the root's handler
    from uvicorn.config import LOGGING_CONFIG

    config = uvicorn.Config(app, host=host, port=args.port, log_level="info",
                            log_config=None if args.log_format == "json" else LOGGING_CONFIG,
                            timeout_graceful_shutdown=args.graceful_timeout)
    server = uvicorn.Server(config)
    if args.port_file is not None:
        _announce_port(server, args.port_file)
    server.run()
    store.close()
    return 0


#: the environment variable `serve --workers` hands each worker its settings in (JSON)
WORKER_SETTINGS = "XREWARDS_SERVE_WORKER"


def _check_workers(args: argparse.Namespace) -> None:
    """--workers: at least 1; above 1 only on PostgreSQL (SQLite is one process's store)."""
    from sqlalchemy.engine import make_url

    if args.workers < 1:
        raise Failure(USAGE, "--workers: give the number of worker processes, 1 or more")
    if args.workers > 1 and make_url(store_url(args.db, data_dir(args.data_dir))
                                     ).get_backend_name() != "postgresql":
        raise Failure(USAGE, f"--workers {args.workers}: a SQLite store is served by one "
                             "process only; leave out --workers, or serve a PostgreSQL "
                             "database (--db postgresql+psycopg://...)")


def _serve_workers(args: argparse.Namespace, host: str, folder: Path) -> int:
    """`args.workers` uvicorn worker processes on one socket (uvicorn's supervisor: it
    starts a new worker for one that died, and on SIGTERM or SIGINT stops each as one
    server stops, --graceful-timeout included). The store was opened (and migrated), the
    audit key and the demo made, by this process already; each worker opens the store
    and reads the key itself (:func:`worker_app`). Metrics go through prometheus-client's
    multi-process mode: PROMETHEUS_MULTIPROC_DIR, emptied now, or a folder of our own."""
    import json
    import os
    import shutil

    import uvicorn
    from uvicorn.config import LOGGING_CONFIG
    from uvicorn.supervisors import Multiprocess

    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    own = shared is None
    if shared is None:
        shared = tempfile.mkdtemp(prefix="xrewards-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = shared
    else:
        Path(shared).mkdir(parents=True, exist_ok=True)
        for old in Path(shared).glob("*.db"):  # a former run's values would be summed in
            old.unlink()
    os.environ[WORKER_SETTINGS] = json.dumps({
        "db": store_url(args.db, folder), "folder": str(folder),
        "audit_key_file": str(args.audit_key_file) if args.audit_key_file else None,
        "max_body": args.max_body, "log_format": args.log_format,
        "metrics_token_file": (str(args.metrics_token_file)
                               if args.metrics_token_file else None)})
    config = uvicorn.Config(f"{__name__}:worker_app", factory=True, host=host,
                            port=args.port, workers=args.workers, log_level="info",
                            log_config=None if args.log_format == "json" else LOGGING_CONFIG,
                            timeout_graceful_shutdown=args.graceful_timeout)
    sock = config.bind_socket()
    try:
        if args.port_file is not None:
            _write_whole(args.port_file, str(sock.getsockname()[1]))
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
        if own:
            shutil.rmtree(shared, ignore_errors=True)
    return 0


def worker_app() -> object:
    """One worker's app (`serve --workers`, in a process of its own): the store, the key
    and the settings as the serving process found them (WORKER_SETTINGS)."""
    import atexit
    import json
    import os

    from ..clock import SystemClock
    from ..store.db import Store
    from .app import create_app
    from .audit_keys import server_key
    from .metrics import process_gone
    from .service import Service

    settings = json.loads(os.environ[WORKER_SETTINGS])
    if settings["log_format"] == "json":
        _sayer("json")
    folder = Path(settings["folder"])
    store = Store.open(settings["db"], upgrade_older=False)
    service = Service(store, SystemClock(), folder)
    given = settings["audit_key_file"]
    service.audit_key = server_key(folder, Path(given) if given else None)[0]
    token_file = settings["metrics_token_file"]
    app = create_app(service, max_body=_max_body(settings["max_body"]),
                     metrics_token=_metrics_token(Path(token_file) if token_file else None))
    pid, shared = os.getpid(), os.environ["PROMETHEUS_MULTIPROC_DIR"]
    atexit.register(process_gone, pid, shared)
    atexit.register(store.close)
    return app


def _sayer(log_format: str) -> Callable[[str], None]:
    """How serve tells the operator what it did before listening: printed for text logs;
    for JSON logs (set up here) a log line, so that every line of its output is JSON."""
    if log_format == "text":
        return lambda text: print(text, flush=True)
    import logging.config

    from .logs import json_config

    logging.config.dictConfig(json_config())
    return logging.getLogger("xrewards_desk.server").info


def _metrics_token(file: Path | None) -> str | None:
    """--metrics-token-file's first line, else XREWARDS_METRICS_TOKEN, else None."""
    import os

    if file is None:
        return os.environ.get("XREWARDS_METRICS_TOKEN") or None
    try:
        token = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise Failure(USAGE, f"--metrics-token-file: {file} cannot be read "
                             f"({getattr(exc, 'strerror', None) or exc}): name a readable "
                             "file holding the token") from exc
    if len(token) < 16:
        raise Failure(USAGE, f"--metrics-token-file: the token in {file} is shorter than 16 "
                             "characters: write a longer one (e.g. openssl rand -hex 32)")
    return token


def _host(args: argparse.Namespace) -> str:
    """--host, else loopback. The demo's users and their passwords are for trying the
    program on this machine: listening elsewhere with --demo is warned about."""
    import ipaddress

    host: str = args.host or "127.0.0.1"
    if args.demo and args.host is not None:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            print(f"warning: the demo listens on {host}, not only on this machine: anyone "
                  "who reaches it can try the demo's users, whose passwords are in the "
                  "data folder; leave out --host to keep the demo to this machine",
                  file=sys.stderr, flush=True)
    return host


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


def _demo_progress(say: Callable[[str], None],
                   path: Path | None) -> Callable[[float], None]:
    """What serve --demo does as the demo is built: says once that it is building (the
    build is silent for about 20 s otherwise), and writes each share to `path` if given
    (--progress-file). A demo found built calls it never."""
    write = None if path is None else _progress_writer(path)

    def told(share: float) -> None:
        if share == 0.0:
            say("building the demo program (once, about 20 s on two cores; later starts "
                "reuse it)...")
        if write is not None:
            write(share)
    return told


def _write_whole(path: Path, text: str) -> None:
    """`text` into `path` at once: written beside it, then moved over it, so that a reader
    polling the file (the desktop, a test) never sees half of it."""
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="ascii")
    part.replace(path)


def _progress_writer(path: Path) -> Callable[[float], None]:
    """Write the demo build's progress to `path`: the share done (0 to 1) and a newline,
    the file replaced whole each time, so that a reader never sees half of it. A file
    that cannot be written is said once in the log; the build goes on."""
    failed = False

    def write(share: float) -> None:
        nonlocal failed
        try:
            _write_whole(path, f"{share:.3f}\n")
        except OSError as error:
            if not failed:
                failed = True
                logging.getLogger(__name__).warning(
                    "cannot write the demo's progress to %s: %s", path, error)
    return write


def _announce_port(server: object, path: Path) -> None:
    """Write the port once uvicorn listens (with --port 0 only the OS knows it)."""
    import threading
    import time

    def wait() -> None:
        while not getattr(server, "started", False):
            time.sleep(0.05)
        sockets = server.servers[0].sockets  # type: ignore[attr-defined]
        _write_whole(path, str(sockets[0].getsockname()[1]))

    threading.Thread(target=wait, daemon=True).start()


def add_user(args: argparse.Namespace) -> int:
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError, SQLAlchemyError

    from xrewards_desk.store import models as m

    from ..clock import SystemClock
    from ..prompt import read_password
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


def _server_key(folder: Path, given: Path | None, store: object,
                say: Callable[[str], None] = print) -> SigningKey:
    """The audit signing key for `serve` (refused keys stop it with their sentence)."""
    from .audit_keys import AuditKeyError, server_key

    try:
        key, where, made = server_key(folder, given)
    except AuditKeyError as exc:
        close = getattr(store, "close", None)
        if close is not None:
            close()
        raise Failure(REFUSED, str(exc)) from exc
    if made:
        say(f"made a new audit signing key at {where} (mode 0600, key {key.key_id}); "
            "keep its public key (xrewards-desk audit public-key) where the database's "
            "users cannot change it")
    else:
        say(f"audit checkpoints signed with key {key.key_id} from {where}")
    return key


def _verify_keys(args: argparse.Namespace) -> tuple[dict[str, Ed25519PublicKey], str] | None:
    """The public keys `audit verify` checks with, and where they came from; None when
    nothing names one and the data folder has no key file. Never from the database."""
    from xrewards_desk.store import audit

    from .audit_keys import DEFAULT_NAME, AuditKeyError, named_key, read_key_file

    try:
        if args.public_key:
            keys: dict[str, Ed25519PublicKey] = {}
            for path in args.public_key:
                try:
                    public = audit.load_public_pem(Path(path).read_bytes())
                except (OSError, ValueError) as exc:
                    raise Failure(USAGE, f"{path} is not an Ed25519 public key in PEM "
                                         f"({exc}): give the file xrewards-desk audit "
                                         "public-key wrote") from exc
                keys[audit.key_id(public)] = public
            return keys, ", ".join(str(p) for p in args.public_key)
        import os

        named = named_key(args.key_file, os.environ)
        if named is None:
            default = data_dir(args.data_dir) / DEFAULT_NAME
            if not default.exists():
                return None
            named = read_key_file(default), str(default)
    except AuditKeyError as exc:
        raise Failure(REFUSED, str(exc)) from exc
    key, where = named
    return {key.key_id: key.public}, where


def verify_audit(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from xrewards_desk.store import audit
    from xrewards_desk.store import models as m

    from ..store.db import Store, StoreError

    # reading makes nothing: no data folder, no evidence folder, no new store
    file = _sqlite_file(args.db, data_dir(args.data_dir))
    if file is not None and not file.is_file():
        raise Failure(REFUSED, f"there is no server store at {file}, so there is no audit log "
                               "to verify: name an existing one with --data-dir DIR or --db "
                               "PATH")
    keys = _verify_keys(args)
    try:
        store = Store.open(store_url(args.db, data_dir(args.data_dir)))
    except StoreError as exc:
        raise Failure(REFUSED, str(exc)) from exc
    try:
        with store.session() as session:
            checkpoints = session.scalar(select(func.count())
                                         .select_from(m.AuditCheckpoint)) or 0
            if keys is None and checkpoints:
                raise Failure(USAGE, f"the store has {checkpoints:,} signed checkpoints, "
                                     "and no public key was given to check them with: give "
                                     "--public-key FILE (xrewards-desk audit public-key "
                                     "writes it) or --key-file FILE")
            report = audit.check(session, keys[0] if keys else None)
    finally:
        store.close()
    print(_report_text(report, keys[1] if keys else None))
    return 0 if report.ok else REFUSED


def _report_text(report: Report, where: str | None) -> str:
    signed = ""
    if report.signed_seq is not None and report.signed_at is not None:
        signed = (f"; {report.holding:,} of {report.checkpoints:,} signed checkpoints "
                  f"hold (key from {where}), the newest ({report.signed_seq}) signs record "
                  f"{report.signed_through} at {report.signed_at.isoformat()}; "
                  f"{report.unsigned:,} records after it, signed within a minute")
    elif report.records:
        signed = ("; no signed checkpoints: a record edited with the hashes after it "
                  "recomputed, or the newest records deleted, would not show")
    if report.ok:
        return (f"audit log intact: {report.records:,} records, each linked to the one "
                f"before{signed}")
    first = report.breaks[0]
    lines = [f"audit log broken at record {first.record}: {len(report.breaks)} "
             f"break{'s' if len(report.breaks) > 1 else ''} in {report.records:,} records"
             f"{signed}"]
    for broken in report.breaks:
        lines.append(f"  {broken.records}: {broken.kind}: {broken.reason}")
    return "\n".join(lines)


def print_public_key(args: argparse.Namespace) -> int:
    """The public key (PEM) and its id, to keep where the database's users cannot
    change it and give to ``audit verify --public-key``."""
    import os

    from xrewards_desk.store import audit

    from .audit_keys import DEFAULT_NAME, AuditKeyError, named_key, read_key_file

    try:
        named = named_key(args.key_file, os.environ)
        if named is None:
            default = data_dir(args.data_dir) / DEFAULT_NAME
            if not default.exists():
                raise Failure(REFUSED, f"there is no audit signing key at {default}: start "
                                       "the server once (it makes one there), or name the "
                                       "key with --key-file FILE")
            named = read_key_file(default), str(default)
    except AuditKeyError as exc:
        raise Failure(REFUSED, str(exc)) from exc
    key = named[0]
    print(f"# Ed25519 audit key {key.key_id} (from {named[1]})")
    print(audit.public_pem(key.public), end="")
    return 0


#: each command by its words (``serve`` has no subcommand)
_COMMANDS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("serve", None): serve, ("users", "add"): add_user, ("audit", "verify"): verify_audit,
    ("audit", "public-key"): print_public_key,
}
