"""``xrewards-desk mailbox run [--config FILE] [--data-dir DIR] [--once]``: the mail
gateway, until SIGTERM or Ctrl+C (``--once``: one round, then exit: take the new mail,
send the replies waiting, report).

The configuration comes from FILE (or ``$XREWARDS_GATEWAY_CONFIG``) and the environment
(:mod:`.config`); the secrets only from the environment or a private secrets file. The log
goes to ``gateway.log`` in the data folder and to standard error, without secrets."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from ...exits import USAGE, Failure, run_reported
from .config import CONFIG_ENV

LOG_FILE = "gateway.log"


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mailbox = commands.add_parser(
        "mailbox", help="the rewards@ mailbox's gateway (mail in over IMAP, replies out "
                        "over SMTP)")
    sub = mailbox.add_subparsers(dest="mailbox_command", metavar="SUBCOMMAND")
    run = sub.add_parser(
        "run", help="run the mail gateway until stopped",
        epilog="Secrets (the API, IMAP and SMTP passwords) only from XREWARDS_GATEWAY_API_"
               "PASSWORD, XREWARDS_GATEWAY_IMAP_PASSWORD, XREWARDS_GATEWAY_SMTP_PASSWORD or "
               "a secrets file only its owner may read (XREWARDS_GATEWAY_SECRETS_FILE).")
    run.add_argument("--config", type=Path, metavar="FILE",
                     help=f"the settings (TOML; default ${CONFIG_ENV}, else the "
                          "environment only)")
    run.add_argument("--data-dir", type=Path, metavar="DIR",
                     help="where the gateway keeps its state and log")
    run.add_argument("--once", action="store_true",
                     help="one round (take mail, send replies, report), then exit")


def main(args: argparse.Namespace) -> int:
    return run_reported(_main, args)


def _main(args: argparse.Namespace) -> int:
    if getattr(args, "mailbox_command", None) != "run":
        raise Failure(USAGE, "say what to do: xrewards-desk mailbox run [--config FILE]")
    from .config import ConfigError, load, secrets
    from .runner import Gateway

    path = args.config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV)
                           else None)
    try:
        config = load(path, data_dir=args.data_dir)
        passwords = secrets(config)
    except ConfigError as exc:
        raise Failure(USAGE, str(exc)) from None
    config.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    _logging(config.data_dir / LOG_FILE)
    gateway = Gateway(config, passwords)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("xrewards.mail.gateway").info(
            "signal %s: stopping after this step", signal.Signals(signum).name)
        gateway.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    gateway.run(once=args.once)
    return 0


def _logging(path: Path) -> None:
    from logging.handlers import RotatingFileHandler

    form = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    logger = logging.getLogger("xrewards.mail.gateway")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in (RotatingFileHandler(path, maxBytes=5 * 2**20, backupCount=5,
                                        encoding="utf-8"),
                    logging.StreamHandler(sys.stderr)):
        handler.setFormatter(form)
        logger.addHandler(handler)
    os.chmod(path, 0o600)
