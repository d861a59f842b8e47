"""Subset matching and `${uuid:NAME}` substitution."""
from __future__ import annotations

import uuid

import pytest

from simulator.replay.matching import matches, mismatches
from simulator.replay.substitution import Substitution, placeholder_problem


@pytest.mark.parametrize(
    ("expected", "actual"),
    [("200", "200.00"), ("200.00", "200"), (200, "200"), ("0.00932796", "0.009327960"), (1.5, "1.50"), ("-3", "-3.0")],
)
def test_decimals_compare_by_value(expected: object, actual: object) -> None:
    assert matches(expected, actual)


@pytest.mark.parametrize(
    ("expected", "actual"),
    [("200", "200.01"), (True, 1), ("1", True), ("OPEN", "open"), ("1e2", "100"), (None, "0")],
)
def test_values_that_only_look_alike_differ(expected: object, actual: object) -> None:
    assert not matches(expected, actual)


def test_a_nested_subset_matches_and_extra_keys_are_ignored() -> None:
    actual = {"status": "COMPLETE", "price": "43021.5", "request": {"side": "BUY", "amount": "200"}, "id": "x"}
    assert matches({"request": {"amount": "200.00"}, "price": "43021.50"}, actual)
    assert matches({}, actual)


def test_lists_match_element_by_element_with_the_same_length() -> None:
    actual = {"positions": [{"currency": "BTC", "current": "0.5"}, {"currency": "ETH", "current": "2"}]}
    assert matches({"positions": [{"currency": "BTC"}, {"current": "2.0"}]}, actual)
    assert not matches({"positions": [{"currency": "ETH"}, {"currency": "BTC"}]}, actual)
    [short] = mismatches({"positions": [{"currency": "BTC"}]}, actual, "body")
    assert str(short).startswith("body.positions: expected a list of 1, actual a list of 2: ")


def test_a_mismatch_names_the_path_and_shows_expected_beside_actual() -> None:
    actual = {"status": "REJECTED", "request": {"amount": "10"}, "items": [1, 2]}
    expected = {"status": "COMPLETE", "request": {"amount": "11", "side": "BUY"}, "items": [1, 3]}
    found = mismatches(expected, actual, "body")
    assert [str(m) for m in found] == [
        'body.status: expected "COMPLETE", actual "REJECTED"',
        'body.request.amount: expected "11", actual "10"',
        'body.request.side: expected "BUY", actual (missing)',
        "body.items[1]: expected 3, actual 2",
    ]


def test_a_shape_mismatch_says_what_was_expected() -> None:
    [found] = mismatches({"a": {"b": 1}}, {"a": "text"})
    assert str(found) == '$.a: expected an object, actual "text"'


def test_long_actual_values_are_shortened() -> None:
    [found] = mismatches("x", "y" * 500)
    assert len(found.actual) < 200
    assert found.actual.endswith("...")


def test_the_same_name_gives_the_same_uuid_everywhere() -> None:
    resolve = Substitution(7)
    result = resolve({"a": "${uuid:b1}", "list": ["/batch/${uuid:b1}"], "${uuid:b1}": 1, "n": 5})
    value = result["a"]
    assert uuid.UUID(value).version == 4
    assert result == {"a": value, "list": [f"/batch/{value}"], value: 1, "n": 5}


def test_uuids_follow_the_seed_and_the_name() -> None:
    assert Substitution(7)("${uuid:b1}") == Substitution(7)("${uuid:b1}")
    assert Substitution(7)("${uuid:b1}") != Substitution(8)("${uuid:b1}")
    assert Substitution(7)("${uuid:b1}") != Substitution(7)("${uuid:b2}")


def test_only_uuid_placeholders_are_accepted() -> None:
    assert placeholder_problem("id ${uuid:n1-buy.2}") is None
    assert placeholder_problem("no placeholder, $ and { alone") is None
    problem = placeholder_problem("${uuid:}")
    assert problem is not None and "unknown placeholder ${uuid:}" in problem
    assert placeholder_problem("${env:HOME}") is not None
