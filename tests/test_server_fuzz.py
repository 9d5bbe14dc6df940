"""Schemathesis against the server's own OpenAPI document, over real HTTP, signed in as
each role (R27, the mail gateway's too), with every check it has (``--checks all``: no
5xx, statuses and bodies as documented, schema-valid data accepted, schema-violating data
refused, required headers required, methods and Allow as listed, ...) and the project's
own (tests/fuzz_hooks.py: every 4xx the contract's problem). Issue 18 item 6: 0 failures,
not only 0 server errors.

Profiles (XREWARDS_FUZZ_PROFILE):

* ``ci`` (the default): the fuzzing and stateful phases, XREWARDS_FUZZ_EXAMPLES (4) cases
  per operation: about 120 requests a role, a few hundred in all, in about 20 s;
* ``deep``: every phase (coverage adds about 2,200 boundary and negative cases a role),
  XREWARDS_FUZZ_EXAMPLES (50) per operation, for a run before a release.

The seed is printed on failure (``st run --seed`` repeats the run)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server_harness import PASSWORD, Server, earn, register
from xrewards_desk.domain.model import Role

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tests" / "schemathesis.toml"
#: one person of each role (tests/server_harness.PEOPLE; the mail gateway's made below)
ROLES = {"agent": "anna", "team_lead": "tessa", "compliance": "clara", "service": "shop",
         "mail_gateway": "gateway"}
PROFILES: dict[str, tuple[str, int]] = {
    "ci": ("fuzzing,stateful", 4),
    "deep": ("examples,coverage,fuzzing,stateful", 50),
}


def _profile() -> tuple[str, int]:
    name = os.environ.get("XREWARDS_FUZZ_PROFILE", "ci")
    phases, examples = PROFILES[name]
    return phases, int(os.environ.get("XREWARDS_FUZZ_EXAMPLES", examples))


@pytest.mark.parametrize("role", sorted(ROLES))
def test_schemathesis_with_every_check_finds_nothing(server: Server, role: str,
                                                      tmp_path: Path) -> None:
    register(server, "XR-1")
    register(server, "XR-2")
    earn(server, "XR-1", "O-1", "250.00")
    person = ROLES[role]
    if role == "mail_gateway":
        server.service.add_user(person, "Mail gateway", Role.MAIL_GATEWAY, PASSWORD, "en")
    token = server.as_(person).token
    phases, examples = _profile()
    st = Path(sys.executable).with_name("st")
    run = subprocess.run(
        [str(st), "--config-file", str(CONFIG), "run", server.base + "/openapi.json",
         "--checks", "all", "--phases", phases, "--max-examples", str(examples),
         "--exclude-path", "/v1/sign-out",  # it would end the sign-in the others use
         "--workers", "1", "--no-color", "--request-timeout", "30"],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT), "XR_FUZZ_TOKEN": token})
    out = run.stdout
    assert run.returncode == 0, out[-12_000:] + run.stderr[-2_000:]
    counted = re.search(r"(\d+) generated, (\d+) passed", out)
    assert counted is not None, out[-3_000:]
    generated, passed = int(counted.group(1)), int(counted.group(2))
    assert generated == passed and generated >= 50, out[-3_000:]
    assert "failure" not in out.split("SUMMARY")[-1].lower(), out[-3_000:]
    # signed in all along: the operations were reached past authentication
    assert server.as_(person).get("/me").status_code == 200


def test_sign_out_ends_the_sign_in(server: Server) -> None:
    """The operation left out above: the token it ends answers 401 from then on."""
    import requests

    bye = server.as_("anna")
    assert requests.post(server.base + "/sign-out", headers=bye.headers(),
                         timeout=10).status_code == 204
    assert bye.get("/me").status_code == 401
