"""The conformance vectors: the project's own (tests/vectors) and, where ../shared is
beside the checkout, the program's public ones, which must all pass."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED
from xrewards_desk.conformance import main, run_vector

OWN = ROOT / "tests" / "vectors"
SHARED_VECTORS = SHARED / "vectors"


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.mark.parametrize("path", _files(OWN), ids=lambda p: p.stem)
def test_own_vector(path: Path) -> None:
    result = run_vector(path)
    assert result.passed, result.line()


def test_own_vectors_are_many() -> None:
    assert len(_files(OWN)) >= 15


NO_SHARED = "../shared/vectors is not beside the checkout"


@pytest.mark.skipif(not SHARED_VECTORS.is_dir(), reason=NO_SHARED)
@pytest.mark.parametrize("path", _files(SHARED_VECTORS), ids=lambda p: p.stem)
def test_shared_vector(path: Path) -> None:
    result = run_vector(path)
    assert result.passed, result.line()


@pytest.mark.skipif(not SHARED_VECTORS.is_dir(), reason=NO_SHARED)
def test_runner_reports_all_shared_vectors_passed() -> None:
    out = io.StringIO()
    assert main([str(SHARED_VECTORS)], out) == 0
    lines = out.getvalue().splitlines()
    assert lines[-1] == f"{len(_files(SHARED_VECTORS))} passed, 0 failed"
    assert all(line.startswith("PASS ") for line in lines[:-1])


def _write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


REGISTER = {"at": "2025-01-02T09:00:00+01:00", "do": "register", "account": "A",
            "org": "ACME", "billing": "ACME-1", "email": "a@acme.example"}


def test_a_wrong_expectation_names_step_field_expected_and_got(tmp_path: Path) -> None:
    # R8: 1000.00 EUR at bronze earns floor(1000.00 × 1) = 1000, so 999 is wrong on purpose.
    path = _write(tmp_path, "wrong.json", {"name": "wrong on purpose", "steps": [
        REGISTER,
        {"at": "2025-01-03T10:00:00+01:00", "do": "order", "order": "O1", "account": "A",
         "net": "1000.00"},
        {"at": "2025-01-04T10:00:00+01:00", "do": "pay", "order": "O1"},
        {"at": "2025-01-05T10:00:00+01:00", "do": "deliver", "order": "O1"},
        {"at": "2025-01-05T11:00:00+01:00", "check": {"account": "A", "balance": 999}},
    ]})
    out = io.StringIO()
    assert main([str(path)], out) == 1
    first, last = out.getvalue().splitlines()
    assert first == ("FAIL wrong on purpose: step 5 (2025-01-05T11:00:00+01:00): A.balance:"
                     " expected 999, got 1000")
    assert last == "0 passed, 1 failed"


def test_an_expected_refusal_that_does_not_come_fails(tmp_path: Path) -> None:
    path = _write(tmp_path, "noerr.json", {"name": "no refusal", "steps": [
        REGISTER,
        {"at": "2025-01-03T10:00:00+01:00", "do": "order", "order": "O1", "account": "A",
         "net": "10.00", "error": "invalid_amount"},
    ]})
    result = run_vector(path)
    assert not result.passed
    assert "error: expected \"invalid_amount\", got \"accepted\"" in result.line()


@pytest.mark.parametrize(("content", "why"), [
    ("{not json", "not JSON"),
    ("[]", "one JSON object"),
    ({"name": "x", "steps": []}, "'steps' must be a non-empty list"),
    ({"name": "x", "steps": [{"at": "2025-01-01T00:00:00", "do": "register"}]}, "no offset"),
    ({"name": "x", "steps": [{**REGISTER, "do": "teleport"}]}, "unknown action 'teleport'"),
    ({"name": "x", "steps": [REGISTER, {"at": "2025-01-03T10:00:00+01:00", "do": "order",
                                        "order": "O1", "account": "A", "net": 12.5}]},
     "'net' must be an amount as a string"),
    ({"name": "x", "steps": [REGISTER, {**REGISTER, "at": "2025-01-01T09:00:00+01:00",
                                        "account": "B"}]}, "goes back in time"),
    ({"name": "x", "users": {"sam": "boss"}, "steps": [REGISTER]}, "'users'"),
    ({"name": "x", "steps": [REGISTER, {"at": "2025-01-02T10:00:00+01:00",
                                        "check": {"account": "A", "colour": "red"}}]},
     "unknown check field 'colour'"),
])
def test_a_malformed_file_is_reported_clearly_not_with_a_traceback(
        tmp_path: Path, content: object, why: str) -> None:
    path = _write(tmp_path, "bad.json", content)
    out = io.StringIO()
    assert main([str(path)], out) == 1
    text = out.getvalue()
    assert "Traceback" not in text
    line = text.splitlines()[0]
    assert line.startswith("FAIL ") and "malformed vector bad.json" in line and why in line, line
    assert text.splitlines()[-1] == "0 passed, 1 failed"


def test_the_command_line_runs_the_runner_and_exits_non_zero_on_failure(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", {"name": "registers", "steps": [
        REGISTER, {"at": "2025-01-02T10:00:00+01:00",
                   "check": {"account": "A", "balance": 0, "status": "active"}}]})
    _write(tmp_path, "bad.json", "{")
    ok = subprocess.run([sys.executable, "-m", "xrewards_desk.conformance", str(good)],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines() == ["PASS registers", "1 passed, 0 failed"]
    both = subprocess.run([sys.executable, "-m", "xrewards_desk.app", "rules", "check",
                           str(tmp_path)], capture_output=True, text=True, check=False)
    assert both.returncode == 1
    assert both.stdout.splitlines()[-1] == "1 passed, 1 failed"
    assert both.stderr == ""
