"""`python -m simulator` is `bakkt-sim`, for environments without the console script."""
from __future__ import annotations

from simulator.cli import main

main(prog_name="bakkt-sim")
