"""Many seeded worlds (CONTRACT section 17): the run plan, and later the sweep itself.

Only `plan` exists so far: a run's seed expands into the fault profile it
runs under, and `--set` overrides edit the scenario it replays.
"""
