"""The plugin as a user's suite meets it: fixtures without a conftest, steps in their own features."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from simulator import Sandbox
from simulator.testing.runs import RunOptions

pytest_plugins = ("pytester",)

USER_FEATURE = """\
Feature: A user's own batch check
  Scenario: One BUY completes at the ask
    Given a sandbox with seed 3 at "2026-03-02T14:00:00Z"
    And the market for ETHUSD is fixed at "2300.00" with a spread of 10 bps
    And a client "firm-a"
    And client "firm-a" has investors ACC00001 to ACC00001
    When "firm-a" opens a NOTIONAL batch "b1" for ETHUSD
    And "firm-a" allocates BUY "100" of ETHUSD to ACC00001 as "a1" in batch "b1"
    And "firm-a" closes batch "b1" with 1 allocation
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "{price}", quantity "0.04345653", fee "0" and net money "100"
"""
USER_TESTS = 'from pytest_bdd import scenarios\n\nscenarios("user.feature")\n'


@pytest.mark.bakkt_sandbox(seed=5, start="2026-04-01T13:30:00Z")
def test_the_marker_sets_seed_and_start(bakkt_sandbox: Sandbox, bakkt_run: RunOptions) -> None:
    """Under --bakkt-seeds the run's seed replaces the marker's; the start stays."""
    seed = 5 if bakkt_run.seed is None else bakkt_run.seed
    assert (bakkt_sandbox.seed, bakkt_sandbox.now) == (seed, datetime(2026, 4, 1, 13, 30, tzinfo=UTC))


def test_without_a_marker_the_ini_defaults_apply(bakkt_sandbox: Sandbox, bakkt_run: RunOptions) -> None:
    seed = 0 if bakkt_run.seed is None else bakkt_run.seed
    assert (bakkt_sandbox.seed, bakkt_sandbox.now) == (seed, datetime(2026, 1, 5, 14, 0, tzinfo=UTC))


@pytest.mark.parametrize(("price", "outcome"), [("2301.15", "passed"), ("2301.16", "failed")])
def test_a_users_suite_runs_the_steps_without_a_conftest(pytester: pytest.Pytester, price: str, outcome: str) -> None:
    """2300 plus 5 bps is 2301.15; 100 / 2301.15 = 0.04345653; a wrong price must fail the scenario."""
    pytester.makefile(".feature", user=USER_FEATURE.format(price=price))
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(**{outcome: 1})
