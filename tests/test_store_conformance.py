"""Every conformance vector, replayed through the store instead of memory (issue 3, item 2):
each action loads the state it touches from the database, applies it through the engine,
and saves what it wrote in one transaction. The results must equal the vectors'."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED
from xrewards_desk.conformance import run_vector, vector_files
from xrewards_desk.store.ledger import Ledger

OURS = sorted(vector_files([ROOT / "tests" / "vectors"]))
PUBLIC = sorted(vector_files([SHARED / "vectors"])) if (SHARED / "vectors").is_dir() else []


def _replay(backend, path: Path) -> None:  # type: ignore[no-untyped-def]
    stores = []

    def fresh() -> Ledger:
        store = backend.new_store()
        stores.append(store)
        return Ledger(store)

    try:
        result = run_vector(path, fresh)
    finally:
        for store in stores:
            store.close()
    assert result.malformed is None, result.malformed
    assert result.mismatch is None, result.line()


@pytest.mark.skipif(not PUBLIC, reason="../shared/vectors is not beside this checkout")
@pytest.mark.parametrize("path", PUBLIC, ids=lambda p: p.stem)
def test_public_vector_through_the_store(backend, path: Path) -> None:  # type: ignore[no-untyped-def]
    _replay(backend, path)


@pytest.mark.parametrize("path", OURS, ids=lambda p: p.stem)
def test_our_vector_through_the_store(backend, path: Path) -> None:  # type: ignore[no-untyped-def]
    _replay(backend, path)
