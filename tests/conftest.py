"""Test-wide settings.

Hypothesis runs a bounded profile in CI (CI=true) and a longer one by hand
(HYPOTHESIS_PROFILE=thorough).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    derandomize=True, print_blob=True)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.register_profile("thorough", max_examples=3000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
#: ../shared beside the checkout; absent in a user's clone, where its tests skip.
SHARED = ROOT.parent / "shared"
