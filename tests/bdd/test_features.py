"""Binds every feature directly under features/ (the ini's `bdd_features_base_dir`) to pytest.

The steps come from the installed plugin (`simulator.testing.plugin`), exactly
as they would in a user's suite: this module declares nothing else. The
features in features/every_seed/ have their own module, `test_every_seed`.
"""
from __future__ import annotations

from pathlib import Path

from pytest_bdd import scenarios

FEATURES = Path(__file__).resolve().parents[2] / "features"

scenarios(*sorted(path.name for path in FEATURES.glob("*.feature")))
