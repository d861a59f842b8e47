"""Binds every feature under features/ (the ini's `bdd_features_base_dir`) to pytest.

The steps come from the installed plugin (`simulator.testing.plugin`), exactly
as they would in a user's suite: this module declares nothing else.
"""
from __future__ import annotations

from pytest_bdd import scenarios

scenarios(".")
