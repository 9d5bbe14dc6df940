"""Where a sign-in token is kept: the OS keyring, or, where no keyring backend works, this
process's memory only (and the person is told). Never a file, never a log."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

# keyring (its backends found through the packages' entry points, ~25 ms and 8 MB) is
# imported where a token is first read or kept: off the GUI thread at start (issue 23)

SERVICE = "xrewards-desk"


@dataclass
class Tokens:
    """Tokens by (API, user name)."""

    memory: dict[str, str] = field(default_factory=dict)
    #: why the keyring could not be used, once it failed (shown to the person)
    warning: str | None = None

    @staticmethod
    def _key(api: str, user: str) -> str:
        return f"{api.rstrip('/')}|{user}"

    def _usable(self) -> bool:
        import keyring

        backend = keyring.get_keyring()
        priority = getattr(backend, "priority", 0)
        name = type(backend).__module__
        if (priority is not None and priority <= 0) or name.endswith((".fail", ".null")):
            self.warning = ("no usable keyring on this machine: the sign-in is kept in "
                            "memory for this session only, and asked for again next time")
            return False
        return True

    def get(self, api: str, user: str) -> str | None:
        key = self._key(api, user)
        if key in self.memory:
            return self.memory[key]
        if not self._usable():
            return None
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(SERVICE, key)
        except KeyringError as exc:
            self.warning = f"the keyring could not be read ({exc}); signing in again"
            return None

    def put(self, api: str, user: str, token: str) -> None:
        key = self._key(api, user)
        if self._usable():
            import keyring
            from keyring.errors import KeyringError

            try:
                keyring.set_password(SERVICE, key, token)
                self.memory.pop(key, None)
                return
            except KeyringError as exc:
                self.warning = (f"the keyring refused the sign-in ({exc}): it is kept in "
                                "memory for this session only")
        self.memory[key] = token

    def forget(self, api: str, user: str) -> None:
        key = self._key(api, user)
        self.memory.pop(key, None)
        if self._usable():
            import keyring
            from keyring.errors import KeyringError

            with contextlib.suppress(KeyringError):  # nothing stored there
                keyring.delete_password(SERVICE, key)
