"""A desktop client process for the crash test: pushes its outbox and, once the server has
answered the first command, announces it and waits to be killed before storing the answer.

    python tests/crash_client.py API USER PASSWORD STORE_URL MARKER"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from xrewards_desk.store.db import Store
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.runner import Syncer


def main() -> None:
    api, user, password, url, marker = sys.argv[1:6]
    store = Store.open(url)
    client = ApiClient(api)
    client.sign_in(user, password)

    def answered(_command: int) -> None:
        Path(marker).write_text("answered")
        time.sleep(60)  # SIGKILL arrives here: the answer is never stored

    Syncer(store, client, client.base, user).push(answered=answered)


if __name__ == "__main__":
    main()
