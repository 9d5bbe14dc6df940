"""The gateway's configuration: a TOML file and the environment; its secrets apart.

Settings (the file's ``[section] key``, or the variable ``XREWARDS_GATEWAY_SECTION_KEY``,
which wins)::

    [api]   url, user                      the API and the mail gateway user (R27)
    [imap]  host, port, security, user, inbox, taken_folder, taken_flag, sent, idle,
            poll_seconds
    [smtp]  host, port, security, user, from_address
    [gateway] data_dir, replies_seconds, report_seconds, retry_seconds, retry_max_seconds

``security`` is ``tls`` (implicit TLS: IMAPS 993, SMTPS 465), ``starttls`` (143, 587) or
``none`` (plain text: a server on this machine only). ``taken_folder`` empty: a message
filed as a case keeps its place in the inbox and gets the keyword ``taken_flag``;
otherwise it is moved there.

Secrets (the API password, the IMAP and SMTP passwords) never come from the file above
nor from the command line: from ``XREWARDS_GATEWAY_API_PASSWORD``,
``XREWARDS_GATEWAY_IMAP_PASSWORD``, ``XREWARDS_GATEWAY_SMTP_PASSWORD``, else from a secrets
file (``XREWARDS_GATEWAY_SECRETS_FILE``, or ``secrets_file`` under ``[gateway]``) with the
keys ``api_password``, ``imap_password``, ``smtp_password``, which must belong to the
service user and be readable by nobody else (mode 0600 or 0400).
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

Security = Literal["tls", "starttls", "none"]
ENV_PREFIX = "XREWARDS_GATEWAY_"
SECRETS_ENV = ENV_PREFIX + "SECRETS_FILE"
CONFIG_ENV = ENV_PREFIX + "CONFIG"
SECRET_KEYS = ("api_password", "imap_password", "smtp_password")
TAKEN_FLAG = "$XRewardsTaken"
#: a message that is no mail at all (empty, no headers): never a case, not tried again
REFUSED_FLAG = "$XRewardsRefused"
_DEFAULT_PORTS = {("imap", "tls"): 993, ("imap", "starttls"): 143, ("imap", "none"): 143,
                  ("smtp", "tls"): 465, ("smtp", "starttls"): 587, ("smtp", "none"): 25}


class ConfigError(ValueError):
    """The configuration cannot be used; the message says what to change, in one sentence."""


@dataclass(frozen=True)
class Imap:
    """The mailbox: where it is, who signs in, and its folders."""

    host: str
    port: int
    user: str
    security: Security = "tls"
    """tls (IMAPS), starttls, or none (a server on this machine only)"""
    inbox: str = "INBOX"
    taken_folder: str | None = None
    """where a filed message is moved; None: it stays, with the keyword `taken_flag`"""
    taken_flag: str = TAKEN_FLAG
    sent: str = "Sent"
    idle: bool = True
    """IDLE where the server offers it; False: poll every `poll_seconds`"""
    poll_seconds: float = 60.0


@dataclass(frozen=True)
class Smtp:
    """The submission server the replies go out through, and their From: address."""

    host: str
    port: int
    security: Security
    #: None: the server takes mail without signing in (a relay on this machine)
    user: str | None
    from_address: str


@dataclass(frozen=True)
class GatewayConfig:
    api: str
    api_user: str
    imap: Imap
    smtp: Smtp
    data_dir: Path
    #: how often the replies waiting to be sent are asked for
    replies_seconds: float = 10.0
    #: the gateway's state is reported this often (and on each change)
    report_seconds: float = 60.0
    #: a temporary failure (SMTP 4xx, the API or a server gone) is tried again after
    #: this, doubling each time up to `retry_max_seconds`
    retry_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    secrets_file: Path | None = None


@dataclass(frozen=True)
class Secrets:
    api_password: str = field(repr=False)
    imap_password: str = field(repr=False)
    smtp_password: str | None = field(default=None, repr=False)


_FIELDS: dict[str, tuple[str, ...]] = {
    "api": ("url", "user"),
    "imap": ("host", "port", "security", "user", "inbox", "taken_folder", "taken_flag",
             "sent", "idle", "poll_seconds"),
    "smtp": ("host", "port", "security", "user", "from_address"),
    "gateway": ("data_dir", "replies_seconds", "report_seconds", "retry_seconds",
                "retry_max_seconds", "secrets_file"),
}


def _read_file(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"the configuration file {path} cannot be read: "
                          f"{exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"the configuration file {path} is not valid TOML: {exc}") from None
    out: dict[str, dict[str, Any]] = {}
    for section, values in data.items():
        if section not in _FIELDS or not isinstance(values, dict):
            raise ConfigError(f"{path}: unknown section [{section}]; known: "
                              f"{', '.join(_FIELDS)}")
        for key in values:
            if "password" in key or ("secret" in key and key != "secrets_file"):
                raise ConfigError(f"{path}: [{section}] {key}: a secret does not belong in "
                                  f"the configuration file; give it in the environment or "
                                  f"the secrets file ({SECRETS_ENV})")
            if key not in _FIELDS[section]:
                raise ConfigError(f"{path}: [{section}] has no setting {key}; known: "
                                  f"{', '.join(_FIELDS[section])}")
        out[section] = dict(values)
    return out


def _merged(path: Path | None, env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    settings = _read_file(path) if path is not None else {}
    for section, keys in _FIELDS.items():
        for key in keys:
            name = f"{ENV_PREFIX}{section}_{key}".upper()
            if env.get(name, "") != "":
                settings.setdefault(section, {})[key] = env[name]
    return settings


def _get(settings: dict[str, dict[str, Any]], section: str, key: str,
         default: Any = None, required: bool = False) -> Any:
    value = settings.get(section, {}).get(key, default)
    if required and (value is None or value == ""):
        raise ConfigError(f"[{section}] {key} is not set: give it in the configuration file "
                          f"or as {ENV_PREFIX}{section.upper()}_{key.upper()}")
    return value


def _number(section: str, key: str, value: Any, *, whole: bool = False) -> Any:
    try:
        number = int(value) if whole else float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"[{section}] {key} must be a number, not {value!r}") from None
    if number <= 0 or (whole and number > 65535):
        raise ConfigError(f"[{section}] {key} is out of range: {value!r}")
    return number


def _security(section: str, value: Any) -> Security:
    text = str(value).lower()
    if text not in ("tls", "starttls", "none"):
        raise ConfigError(f"[{section}] security must be tls, starttls or none, not {value!r}")
    return cast(Security, text)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"[imap] idle must be true or false, not {value!r}")


def load(path: Path | None, env: Mapping[str, str] | None = None,
         data_dir: Path | None = None) -> GatewayConfig:
    """The configuration from `path` (None: the environment only) and `env` (default: the
    process's). ConfigError with what to change."""
    env = os.environ if env is None else env
    s = _merged(path, env)
    api = str(_get(s, "api", "url", required=True)).rstrip("/")
    if not api.startswith(("http://", "https://")):
        raise ConfigError(f"[api] url must begin with http:// or https://, not {api!r}")
    imap_security = _security("imap", _get(s, "imap", "security", "tls"))
    smtp_security = _security("smtp", _get(s, "smtp", "security", "starttls"))
    taken_folder = _get(s, "imap", "taken_folder") or None
    imap = Imap(
        host=str(_get(s, "imap", "host", required=True)),
        port=_number("imap", "port", _get(s, "imap", "port",
                                          _DEFAULT_PORTS["imap", imap_security]), whole=True),
        security=imap_security, user=str(_get(s, "imap", "user", required=True)),
        inbox=str(_get(s, "imap", "inbox", "INBOX")),
        taken_folder=str(taken_folder) if taken_folder else None,
        taken_flag=str(_get(s, "imap", "taken_flag", TAKEN_FLAG)),
        sent=str(_get(s, "imap", "sent", "Sent")),
        idle=_flag(_get(s, "imap", "idle", True)),
        poll_seconds=_number("imap", "poll_seconds", _get(s, "imap", "poll_seconds", 60)))
    from_address = str(_get(s, "smtp", "from_address", required=True))
    if "@" not in from_address:
        raise ConfigError(f"[smtp] from_address must be an e-mail address, not "
                          f"{from_address!r}")
    smtp_user = _get(s, "smtp", "user")
    smtp = Smtp(
        host=str(_get(s, "smtp", "host", required=True)),
        port=_number("smtp", "port", _get(s, "smtp", "port",
                                          _DEFAULT_PORTS["smtp", smtp_security]), whole=True),
        security=smtp_security, user=str(smtp_user) if smtp_user else None,
        from_address=from_address)
    folder = data_dir or _get(s, "gateway", "data_dir")
    if folder is None:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir("xrewards-desk", appauthor=False)) / "mail-gateway"
    secrets_file = env.get(SECRETS_ENV) or _get(s, "gateway", "secrets_file")

    def seconds(key: str, default: float) -> float:
        value: float = _number("gateway", key, _get(s, "gateway", key, default))
        return value

    return GatewayConfig(
        api=api, api_user=str(_get(s, "api", "user", required=True)), imap=imap, smtp=smtp,
        data_dir=Path(folder).expanduser(), replies_seconds=seconds("replies_seconds", 10),
        report_seconds=seconds("report_seconds", 60),
        retry_seconds=seconds("retry_seconds", 30),
        retry_max_seconds=seconds("retry_max_seconds", 3600),
        secrets_file=Path(secrets_file).expanduser() if secrets_file else None)


def check_private(path: Path) -> None:
    """ConfigError unless `path` is a regular file of this user that nobody else may read
    or write (mode 0600 or 0400)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ConfigError(f"the secrets file {path} cannot be read: "
                          f"{exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"the secrets file {path} is not a regular file")
    if info.st_mode & 0o077:
        raise ConfigError(
            f"the secrets file {path} may be read by others (mode "
            f"{stat.S_IMODE(info.st_mode):04o}); make it readable by its owner only: "
            f"chmod 600 {path}")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise ConfigError(f"the secrets file {path} belongs to another user (uid "
                          f"{info.st_uid}); it must belong to the user the gateway runs as")


def secrets(config: GatewayConfig, env: Mapping[str, str] | None = None) -> Secrets:
    """The passwords: each from its variable, else from the secrets file (checked to be
    private). ConfigError naming what is missing (never a secret's value)."""
    env = os.environ if env is None else env
    found: dict[str, str] = {}
    if config.secrets_file is not None:
        check_private(config.secrets_file)
        try:
            data = tomllib.loads(config.secrets_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            raise ConfigError(f"the secrets file {config.secrets_file} cannot be "
                              "read") from None
        except tomllib.TOMLDecodeError:  # its message may quote a line with a secret
            raise ConfigError(f"the secrets file {config.secrets_file} is not valid TOML "
                              "(key = \"value\" lines)") from None
        unknown = sorted(set(data) - set(SECRET_KEYS))
        if unknown:
            raise ConfigError(f"the secrets file {config.secrets_file} has unknown keys "
                              f"{', '.join(unknown)}; known: {', '.join(SECRET_KEYS)}")
        found = {k: str(v) for k, v in data.items()}
    for key in SECRET_KEYS:
        if env.get(f"{ENV_PREFIX}{key}".upper()):
            found[key] = env[f"{ENV_PREFIX}{key}".upper()]
    for key in ("api_password", "imap_password"):
        if not found.get(key):
            raise ConfigError(f"no {key.replace('_', ' ')}: set {ENV_PREFIX}{key.upper()} or "
                              f"put {key} in the secrets file ({SECRETS_ENV})")
    if config.smtp.user and not found.get("smtp_password"):
        raise ConfigError(f"[smtp] user is set but there is no SMTP password: set "
                          f"{ENV_PREFIX}SMTP_PASSWORD or put smtp_password in the secrets "
                          "file")
    return Secrets(found["api_password"], found["imap_password"], found.get("smtp_password"))
