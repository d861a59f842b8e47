"""Where a sweep's runs execute: a Dask LocalCluster, or an existing cluster.

Each worker runs one run at a time (one thread per worker process): a run
is CPU-bound Python, so threads would only queue on the interpreter lock.
The local scheduler hands a worker its next run only when the last one is
done (worker saturation 1.0): a run that takes its worker down (a segfault,
the OOM killer) then takes no queued neighbour with it. A cluster given by
address must run the same bakkt-sandbox release as the driver, since a run
on another release could give other bytes: a mismatch is refused before any
run is sent.
"""
from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version

import dask
from distributed import Client, LocalCluster

CONNECT_TIMEOUT = "5s"
WORKERS_TIMEOUT_S = 30
DISTRIBUTION = "bakkt-sandbox"
LOCAL_SETTINGS = {
    "distributed.scheduler.worker-saturation": 1.0,
    # The worker's sampling profiler takes the interpreter lock every 10 ms from
    # the run's own thread: a sweep has no dashboard to show its samples.
    "distributed.worker.profile.enabled": False,
}


class ClusterError(Exception):
    """The cluster cannot take the sweep: unreachable, no workers, another release."""


def installed_version() -> str:
    """This process's bakkt-sandbox release (runs on every worker for the check)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "not installed"


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@contextmanager
def open_cluster(workers: int | None, scheduler: str | None) -> Iterator[Client]:
    """A client of the cluster the options name; the LocalCluster is stopped on the way out."""
    if scheduler is not None:
        with connect(scheduler) as client:
            check_workers(client, scheduler)
            yield client
        return
    with sigint_ignored(), dask.config.set(LOCAL_SETTINGS):
        cluster = LocalCluster(
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: two sweeps at once never contend for 8787
            silence_logs=logging.CRITICAL,  # a run's failure is in its record; Dask's own chatter is not the user's
        )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while worker processes start, so they inherit that.

    Ctrl-C on a terminal signals the whole process group: the workers would
    each die with a traceback of their own, while the driver, which keeps
    its handler, is the one that stops them in order and keeps what finished.
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def connect(address: str) -> Iterator[Client]:
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"--scheduler {address}: cannot reach a Dask scheduler there ({exc})") from None
    try:
        yield client
    finally:
        client.close()


def check_workers(client: Client, address: str) -> None:
    """Refuse a cluster with no worker, or with a worker on another bakkt-sandbox release."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except TimeoutError:
        raise ClusterError(f"--scheduler {address}: no worker joined within {WORKERS_TIMEOUT_S} s") from None
    ours = installed_version()
    try:
        theirs = client.run(installed_version)
    except Exception as exc:  # noqa: BLE001 - a worker that cannot even import the sandbox
        raise ClusterError(f"--scheduler {address}: a worker cannot run bakkt-sandbox {ours} ({exc!r})") from None
    others = {worker: found for worker, found in sorted(theirs.items()) if found != ours}
    if others:
        listed = ", ".join(f"{worker} has {found}" for worker, found in others.items())
        raise ClusterError(f"--scheduler {address}: workers must run bakkt-sandbox {ours} like this machine; {listed}")
