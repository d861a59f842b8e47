"""Many seeded worlds (CONTRACT section 17): `bakkt-sim sweep` and `bakkt-sim shrink`.

A run's seed expands into the fault profile it runs under (`plan`); runs
cross seeds with a `--vary` grid (`grid`), execute on Dask workers
(`execute`, `command`, `cluster`, `driver`), and come back as records
grouped by failure signature into the sweep's folder (`output`, `page`).
`shrink` cuts a failing world down to what its failure needs.
"""
