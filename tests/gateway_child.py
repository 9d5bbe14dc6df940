"""The mail gateway as a child process that stops itself at a hook, for a test to kill it
there with SIGKILL: ``python -m tests.gateway_child HOOK`` with the gateway's settings and
secrets in the environment (as ``xrewards-desk mailbox run`` reads them). At HOOK
(``filed``, ``accepted`` or ``copied``) it prints ``at HOOK ID`` and waits to be killed."""

from __future__ import annotations

import sys
import time

from xrewards_desk.mail.gateway.config import load, secrets
from xrewards_desk.mail.gateway.runner import Gateway, Hooks


def main() -> None:
    hook = sys.argv[1]

    def stop_here(ident: object, *_rest: object) -> None:
        print(f"at {hook} {ident}", flush=True)
        time.sleep(120)  # the test kills it here

    config = load(None)
    gateway = Gateway(config, secrets(config), hooks=Hooks(**{hook: stop_here}))
    gateway.run(once=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
