"""Binds the features under features/every_seed/: scenarios meant to hold for every seed and fault profile.

The whole suite runs them once, with their own seed; CI runs this module again
with `--bakkt-seeds 20 --bakkt-faults random -n 2`.
"""
from __future__ import annotations

from pytest_bdd import scenarios

scenarios("every_seed")
