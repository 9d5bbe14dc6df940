"""How a command of ``xrewards-desk`` ends: its exit codes, and the one failure that carries
a sentence saying what went wrong and what to do.

A command that cannot do what it was asked raises :class:`Failure`; ``app.run`` prints
``xrewards-desk COMMAND: SENTENCE`` on standard error and exits with its code, never with a
traceback. The codes, for scripts:

====  =====================================================================================
0     done
1     refused or not there: the command ran, but what it was asked is refused, unknown or
      broken (a customer not in the local store, a user name taken, a broken audit chain,
      no store at the path, a mail not taken, a refusal of the server)
2     the command line is wrong (argparse's own code): an unknown option, a missing
      argument, an API address without ``http://``
3     no sign-in: no password given, a wrong one, too many failed sign-ins, the sign-in
      ended
4     no server answers: nothing listens at the address, the host is unknown, or what
      answers is not the X-Points API (a wrong path)
5     no window can open here: no display, or the system libraries a window needs are
      missing
70    an unexpected error (a bug): one sentence, the details with ``XREWARDS_DEBUG=1``
130   interrupted (Ctrl+C)
====  =====================================================================================
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

OK = 0
REFUSED = 1
USAGE = 2
SIGN_IN = 3
UNREACHABLE = 4
NO_DISPLAY = 5
UNEXPECTED = 70
INTERRUPTED = 130

#: set to 1 to see the traceback of an unexpected error instead of its one sentence
DEBUG_ENV = "XREWARDS_DEBUG"


class Failure(Exception):
    """A command ends without doing what it was asked: `sentence` says why and what to do;
    `code` is the exit code (above)."""

    def __init__(self, code: int, sentence: str) -> None:
        super().__init__(sentence)
        self.code = code
        self.sentence = sentence


def command_name(args: Any) -> str:
    """``xrewards-desk sync``, ``xrewards-desk users add``: who speaks in a message."""
    words = ["xrewards-desk"]
    if getattr(args, "command", None):
        words.append(args.command)
        for sub in ("rules_command", "db_command", "users_command", "audit_command",
                    "cases_command"):
            if getattr(args, sub, None):
                words.append(getattr(args, sub))
    return " ".join(words)


def report(args: Any, failure: Failure) -> int:
    """Print `failure`'s sentence as the command's (on standard error); its exit code."""
    print(f"{command_name(args)}: {failure.sentence}", file=sys.stderr)
    return failure.code


def run_reported(command: Callable[[Any], int], args: Any) -> int:
    """`command(args)`'s exit code, a :class:`Failure` said in its one sentence
    (:func:`report`): what a command line's ``main`` returns, through ``app.run`` or called
    directly."""
    try:
        return command(args)
    except Failure as exc:
        return report(args, exc)
