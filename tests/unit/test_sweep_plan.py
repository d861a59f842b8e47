"""The run plan: a fault profile is a pure function of the seed; `--set` edits named places only."""
from __future__ import annotations

import pytest

from simulator.sweep.plan import (
    DUPLICATE_RATE,
    FAIL_PUTS,
    LATENCY_MS,
    MAX_DELAY_SECONDS,
    OUTAGE_SECONDS,
    SPREAD_BPS,
    VOLATILITY,
    OverrideError,
    apply_overrides,
    draw_profile,
    parse_override,
    yaml_scalar,
)

SYMBOLS = ("BTCUSD", "ETHUSD")
START = "2026-03-02T14:00:00Z"


def test_same_seed_same_profile() -> None:
    assert draw_profile(7, SYMBOLS, 86_400) == draw_profile(7, reversed(SYMBOLS), 86_400)


def test_different_seeds_differ() -> None:
    profiles = {repr(draw_profile(seed, SYMBOLS, 86_400)) for seed in range(1, 21)}
    assert len(profiles) == 20


def test_a_symbol_does_not_shift_the_others() -> None:
    alone, both = draw_profile(5, ["BTCUSD"], 3600), draw_profile(5, SYMBOLS, 3600)
    assert alone.market["BTCUSD"] == both.market["BTCUSD"]
    assert alone.faults_body() == both.faults_body()


@pytest.mark.parametrize("seed", range(1, 101))
def test_values_within_documented_ranges(seed: int) -> None:
    horizon = 6 * 3600
    profile = draw_profile(seed, SYMBOLS, horizon)
    assert DUPLICATE_RATE[0] <= profile.duplicate_rate <= DUPLICATE_RATE[1]
    assert MAX_DELAY_SECONDS[0] <= profile.max_delay_seconds <= MAX_DELAY_SECONDS[1]
    assert FAIL_PUTS[0] <= profile.fail_puts <= FAIL_PUTS[1]
    assert LATENCY_MS[0] <= profile.latency_ms <= LATENCY_MS[1]
    assert set(profile.market) == set(SYMBOLS)
    for settings in profile.market.values():
        assert VOLATILITY[0] <= settings.volatility <= VOLATILITY[1]
        assert SPREAD_BPS[0] <= settings.spread_bps <= SPREAD_BPS[1]
    for symbol in SYMBOLS:
        windows = [w for w in profile.outages if w.symbol == symbol]
        assert len(windows) <= 3
        for window in windows:
            assert 0 <= window.start_seconds < horizon
            assert OUTAGE_SECONDS[0] <= window.end_seconds - window.start_seconds <= OUTAGE_SECONDS[1]
        for first, second in zip(windows, windows[1:], strict=False):
            assert first.end_seconds <= second.start_seconds


def test_renders_as_control_bodies() -> None:
    profile = next(p for p in (draw_profile(s, ["BTCUSD"], 7200) for s in range(1, 50)) if p.outages)
    body = profile.faults_body()
    assert set(body) == {"queue", "s3", "fills"}
    assert set(profile.market_bodies()["BTCUSD"]) == {"volatility", "spreadBps"}
    changes = profile.timed_changes(START)
    assert [change.body["outage"] for change in changes] == [True, False] * len(profile.outages)
    assert all(change.path == "/sandbox/v1/market/BTCUSD" for change in changes)
    assert [c.at_ns for c in changes] == sorted(c.at_ns for c in changes)


DOCUMENT = {
    "version": 1,
    "name": "x",
    "seed": 1,
    "market": {"BTCUSD": {"price": "43000.00", "volatility": 0}},
    "steps": [{"advance": {"seconds": 5}}],
}


def test_set_changes_what_it_names() -> None:
    overrides = [
        parse_override("market.BTCUSD.volatility=0.9"),
        parse_override("market.BTCUSD.spreadBps=12"),
        parse_override("steps.0.advance.seconds=60"),
        parse_override("name=renamed"),
    ]
    changed = apply_overrides(DOCUMENT, overrides)
    assert changed["market"]["BTCUSD"] == {"price": "43000.00", "volatility": 0.9, "spreadBps": 12}
    assert changed["steps"][0]["advance"]["seconds"] == 60
    assert changed["name"] == "renamed"
    assert DOCUMENT["market"]["BTCUSD"]["volatility"] == 0  # type: ignore[index]


def test_set_reads_instants_as_text() -> None:
    assert yaml_scalar("2026-03-02T15:00:00Z") == "2026-03-02T15:00:00Z"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("market.ETHUSD.volatility=1", "market.ETHUSD"),
        ("nothing.here=1", "nothing"),
        ("steps.3.advance.seconds=1", "steps.3"),
        ("steps.x=1", "steps.x"),
        ("name.deeper=1", "name"),
        ("seed=3", "seed"),
        ("market.BTCUSD.volatility", "market.BTCUSD.volatility"),
        ("market.BTCUSD.volatility=[1, 2]", "market.BTCUSD.volatility"),
    ],
)
def test_unknown_or_invalid_path_is_an_error_naming_it(text: str, named: str) -> None:
    with pytest.raises(OverrideError) as caught:
        apply_overrides(DOCUMENT, [parse_override(text)])
    assert named in str(caught.value)
