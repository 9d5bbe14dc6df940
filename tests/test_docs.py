"""The README stays a user's README (at most 300 lines, the two Quick start commands, the
test command CI reads running everything), its links and docs/'s lead somewhere, and its
demo examples work on the demo."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from tests.demo_fixture import Demo
from xrewards_desk.store import models as m

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def test_the_readme_is_short_and_has_both_quick_start_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300
    assert "Packaging as a bundle follows" not in text
    assert ".venv/bin/xrewards-desk --demo" in text
    test_command = re.search(r"<!-- test-command -->\n```sh\n(.+)\n```\n<!-- /test-command -->",
                             text)
    assert test_command is not None
    command = test_command.group(1)
    assert command.startswith("python3 -m venv .venv && ")  # sets itself up
    assert command.endswith("-m pytest -q")  # everything: no marker left out
    for name in ("user-guide", "api", "architecture", "testing", "performance"):
        assert (DOCS / f"{name}.md").is_file(), name


def test_every_relative_link_leads_to_a_file() -> None:
    for page in [README, *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), (page.name, target)


def test_the_fast_loop_has_its_measured_time() -> None:
    testing = (DOCS / "testing.md").read_text(encoding="utf-8")
    assert 'pytest -q -m "not slow"' in testing
    assert "FAST_LOOP_FIGURES" not in testing
    assert re.search(r"\d+ s", testing)


def test_the_readmes_demo_examples_are_in_the_demo(demo: Demo) -> None:
    """`search müller` finds customers in the demo, whatever the day it was built, with
    ledgers to show; the README says to take the number from `search` (the demo's
    customers change with the day, its users do not)."""
    from xrewards_desk.store.search import search

    text = README.read_text(encoding="utf-8")
    assert "search müller" in text and "a number that `search` prints" in text
    with demo.service.store.engine.connect() as conn:
        hits = search(conn, "müller")
    assert hits and hits[0].account_id.startswith("XR-") and "Müller" in hits[0].name
    with demo.service.store.session() as s:  # and some of them have a ledger to show
        assert s.scalars(select(m.LedgerEntry.id).where(
            m.LedgerEntry.account_id.in_([h.account_id for h in hits]))).first() is not None
    banner = demo.info.banner()
    # the README quotes the banner's wording (its figures are of the day it was built)
    for line in banner.splitlines()[:3]:
        shape = re.sub(r"\d[\d,.]*", "N", line)
        assert any(re.sub(r"\d[\d,.]*", "N", quoted) == shape
                   for quoted in text.splitlines()), line
