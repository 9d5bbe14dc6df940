"""Asking for a password on the command line: standard input, the environment, or the
terminal; no password is a sign-in failure in one sentence (exit code 3), never EOFError."""

from __future__ import annotations

import getpass
import os
import sys

from .exits import SIGN_IN, Failure

PASSWORD_ENV = "XREWARDS_PASSWORD"


def _terminal() -> bool:
    """Whether a password can be asked for: a terminal on stdin, or /dev/tty to open."""
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    try:
        with open("/dev/tty", "rb"):
            return True
    except OSError:
        return False


def read_password(user: str, from_stdin: bool) -> str:
    """The password: the first line of standard input (--password-stdin), else
    $XREWARDS_PASSWORD, else asked at the terminal; no password is a sign-in failure."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise Failure(SIGN_IN, "standard input held no password (--password-stdin reads "
                                   "its first line): pipe it in, e.g. printf '%s\\n' "
                                   f"\"$PASSWORD\" | xrewards-desk ..., or set {PASSWORD_ENV}")
        return line
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not _terminal():
        raise Failure(SIGN_IN, f"no password for {user}, and no terminal to ask for one: "
                               f"give it with --password-stdin or the {PASSWORD_ENV} variable")
    try:
        password = getpass.getpass(f"Password for {user}: ")
    except EOFError as exc:
        raise Failure(SIGN_IN, f"no password for {user} was typed: run the command again "
                               "and type it, or give it with --password-stdin") from exc
    if not password:
        raise Failure(SIGN_IN, f"the password for {user} was empty: run the command again "
                               "and type it")
    return password


def read_passphrase(new: bool) -> str | None:
    """The local store's passphrase asked at the terminal (a `new` one twice); None when
    there is no terminal to ask at."""
    if not _terminal():
        return None
    try:
        given = getpass.getpass("New passphrase for the local store: " if new
                                else "Passphrase of the local store: ")
        if new and getpass.getpass("The same passphrase again: ") != given:
            raise Failure(SIGN_IN, "the two passphrases differ: run the command again and "
                                   "type the same one twice")
    except EOFError as exc:
        raise Failure(SIGN_IN, "no passphrase was typed: run the command again and type "
                               "it, or set XREWARDS_STORE_KEY") from exc
    if not given:
        raise Failure(SIGN_IN, "the passphrase was empty: run the command again and type one")
    return given
