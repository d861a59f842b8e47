"""The in-process router: each active sandbox answers under its own base URL, the rest goes on."""
from __future__ import annotations

import pytest
import requests
import responses
from requests.adapters import HTTPAdapter

from simulator import Sandbox, SandboxError
from simulator.api.inprocess import ROUTER

CLOCK = "/sandbox/v1/clock"


def test_requests_under_a_base_url_path_reach_its_sandbox_with_the_path_below_it() -> None:
    with (
        Sandbox(seed=1, start="2026-03-02T14:00:00Z", aws="memory", base_url="https://host.test/w1") as first,
        Sandbox(seed=2, start="2026-03-03T14:00:00Z", aws="memory", base_url="https://host.test/w2/") as second,
    ):
        assert requests.get(f"{first.base_url}{CLOCK}", timeout=5).json()["now"] == "2026-03-02T14:00:00.000Z"
        assert requests.get(f"{second.base_url}{CLOCK}", timeout=5).json()["now"] == "2026-03-03T14:00:00.000Z"
        with pytest.raises(SandboxError, match=r"https://host.test/w1 is the base URL of an active sandbox"):
            Sandbox(aws="memory", base_url="https://host.test").start()
        with pytest.raises(SandboxError, match=r"https://host.test/w2 is the base URL of an active sandbox"):
            Sandbox(aws="memory", base_url="https://host.test/w2/deeper").start()


def test_other_requests_reach_the_transport_that_stood_before_which_comes_back_after() -> None:
    with responses.RequestsMock() as own:
        own.get("https://elsewhere.test/ping", json={"pong": True})
        theirs = HTTPAdapter.send
        with Sandbox(aws="memory") as sb:
            assert HTTPAdapter.send is not theirs
            assert requests.get("https://elsewhere.test/ping", timeout=5).json() == {"pong": True}
            assert requests.get(f"{sb.base_url}{CLOCK}", timeout=5).status_code == 200
        assert HTTPAdapter.send is theirs
        assert requests.get("https://elsewhere.test/ping", timeout=5).json() == {"pong": True}
    assert HTTPAdapter.send is responses._real_send


def test_the_transport_stays_while_any_sandbox_is_active_whatever_the_order_they_stop() -> None:
    original = HTTPAdapter.send
    first = Sandbox(aws="memory", base_url="https://w1.sandbox.test").start()
    moto = Sandbox().start()
    second = Sandbox(aws="memory", base_url="https://w2.sandbox.test").start()
    first.stop()
    assert requests.get(f"{moto.base_url}{CLOCK}", timeout=5).status_code == 200
    assert requests.get(f"{second.base_url}{CLOCK}", timeout=5).status_code == 200
    moto.stop()
    assert requests.get(f"{second.base_url}{CLOCK}", timeout=5).status_code == 200
    second.stop()
    assert HTTPAdapter.send is original
    assert ROUTER.mount_of(f"{second.base_url}{CLOCK}") is None


def test_a_started_sandbox_cannot_start_again() -> None:
    with Sandbox(aws="memory") as sb, pytest.raises(SandboxError, match="already started"):
        sb.start()


def test_a_refused_start_leaves_nothing_behind() -> None:
    original = HTTPAdapter.send
    with Sandbox(seed=7) as active:
        with pytest.raises(SandboxError, match="seed=7"):
            Sandbox(seed=8, base_url="https://w8.sandbox.test").start()
        assert ROUTER.mount_of(f"https://w8.sandbox.test{CLOCK}") is None
        assert requests.get(f"{active.base_url}{CLOCK}", timeout=5).status_code == 200
    assert HTTPAdapter.send is original


def test_a_sandbox_without_a_base_url_mounts_none() -> None:
    with Sandbox(aws="memory", base_url=None) as sb, Sandbox(aws="memory", base_url=None) as other:
        assert sb.call("GET", CLOCK).status == other.call("GET", CLOCK).status == 200
        with Sandbox(aws="memory") as mounted:
            assert requests.get(f"{mounted.base_url}{CLOCK}", timeout=5).status_code == 200
