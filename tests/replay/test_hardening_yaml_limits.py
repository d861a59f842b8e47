"""Scenario YAML that describes too much, or never ends, is refused with exit 2 naming the file (CONTRACT section 15).

Aliases may add at most 10,000 nodes when expanded, an alias may not sit
inside the node it names, and collections nest at most 100 deep. Each is
checked on both parsers (libyaml and PyYAML's own), which must refuse alike,
while a long scenario without aliases still loads.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.replay import load_scenario, source
from simulator.replay.recording import BODY_DEPTH, Exchange, RecordingFile, header, step_document

HEAD = "version: 1\nname: limits\n"
PARSERS = pytest.mark.parametrize(
    "loaders", [source.LOADERS, source.LOADERS[-1:]], ids=["libyaml-first", "pure-python"]
)


def control_step(body: str) -> str:
    """One control step whose body is `body`, as flow YAML: the loader reads every value of it."""
    return f"steps:\n  - control: {{method: POST, path: /sandbox/v1/market/BTCUSD, body: {body}}}\n"


def laughs(levels: int) -> str:
    """The "billion laughs" bomb: each level is nine aliases of the one before."""
    lines = ['    l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"    l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return HEAD + "steps:\n  - control:\n      method: POST\n      path: /sandbox/v1/market/BTCUSD\n      body:\n" + "\n".join(lines) + "\n"


def replay(tmp_path: Path, text: str) -> tuple[Path, Result]:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path, CliRunner().invoke(main, ["replay", str(path), "--out", str(tmp_path / "out")])


def assert_refused(path: Path, result: Result, problem: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"invalid scenario: {path}: line ")
    assert problem in result.stderr


@PARSERS
@pytest.mark.parametrize(
    "body",
    ["&a [*a]", "&a {self: *a}", "&a [1, [2, {deeper: *a}]]", "{? &k [*k] : 1}"],
    ids=["list", "mapping", "nested", "key"],
)
def test_an_alias_inside_the_node_it_names_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loaders: list[source.LoaderClass], body: str
) -> None:
    monkeypatch.setattr(source, "LOADERS", loaders)
    path, result = replay(tmp_path, HEAD + control_step(body))
    assert_refused(path, result, "refers to itself")


@PARSERS
def test_a_small_bomb_is_refused_without_building_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loaders: list[source.LoaderClass]
) -> None:
    monkeypatch.setattr(source, "LOADERS", loaders)
    path, result = replay(tmp_path, laughs(6))  # 9**6 strings: half a million
    assert_refused(path, result, "aliases expand past 10,000 nodes")


def test_the_542_byte_bomb_is_refused_at_once(tmp_path: Path) -> None:
    """The attack as it was found: minutes and 1.8 GB before; a subprocess, so a regression times out instead of swapping."""
    path = tmp_path / "bomb.yaml"
    path.write_text(laughs(9), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "replay", str(path), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2, done.stderr
    assert f"{path}: line " in done.stderr
    assert "aliases expand past 10,000 nodes" in done.stderr
    assert "Traceback" not in done.stderr


def aliased(repeats: int) -> str:
    """`repeats` aliases of a list of 99 strings: each adds that list's 100 nodes."""
    return f"a: &d [{', '.join(['x'] * 99)}]\nb: [{', '.join(['*d'] * repeats)}]\n"


@PARSERS
def test_aliases_may_add_up_to_ten_thousand_nodes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loaders: list[source.LoaderClass]
) -> None:
    monkeypatch.setattr(source, "LOADERS", loaders)
    path = tmp_path / "scenario.yaml"
    path.write_text(aliased(100), encoding="utf-8")
    assert len(source.read_yaml(path)["b"]) == 100
    path, result = replay(tmp_path, aliased(101))
    assert_refused(path, result, "line 2, column 405: aliases expand past 10,000 nodes (at *d)")


@PARSERS
@pytest.mark.parametrize(
    "nesting", ["[" * 100_000 + "]" * 100_000, "\n    " + "- " * 100_000 + "x"], ids=["flow", "block"]
)
def test_nesting_a_hundred_thousand_levels_deep_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loaders: list[source.LoaderClass], nesting: str
) -> None:
    """libyaml's composer crashed the interpreter (exit 139) at this depth, Python's raised RecursionError."""
    monkeypatch.setattr(source, "LOADERS", loaders)
    path, result = replay(tmp_path, HEAD + "description: " + nesting + "\n")
    assert_refused(path, result, "collections nest deeper than 100 levels")


@PARSERS
def test_collections_nest_up_to_a_hundred_levels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loaders: list[source.LoaderClass]
) -> None:
    monkeypatch.setattr(source, "LOADERS", loaders)
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 99 + "]" * 99, encoding="utf-8")  # the document's mapping and 99 lists
    value = source.read_yaml(path)["a"]
    for _ in range(98):
        value = value[0]
    assert value == []
    path, result = replay(tmp_path, "a: " + "[" * 100 + "]" * 100)
    assert_refused(path, result, "line 1, column 103: collections nest deeper than 100 levels")


def test_a_ten_thousand_step_scenario_without_aliases_loads_on_both_parsers(tmp_path: Path) -> None:
    steps = "".join(
        f"  - control: {{method: POST, path: /sandbox/v1/market/BTCUSD, body: {{price: \"{43000 + n}.00\"}}}}\n"
        for n in range(10_000)
    )
    text = HEAD + "steps:\n" + steps
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    assert len(load_scenario(path).steps) == 10_000
    documents = [source.parse(text, loader) for loader in source.LOADERS]
    assert documents[0] == documents[1] == yaml.load(text, Loader=yaml.SafeLoader)


@PARSERS
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("!!int x", "not an integer of at most 4300 digits"),
        ("9" * 5000, "not an integer of at most 4300 digits"),
        ("0x" + "f" * 4000, "not an integer of at most 4300 digits"),
        ("!!bool maybe", "cannot read this value as bool"),
        ("!!float x", "cannot read this value as float"),
        ("!!timestamp x", "cannot read this value as timestamp"),
        ("!!map x", "expected a mapping node, but found scalar"),
        ("!!set [1]", "expected a mapping node, but found sequence"),
        ("{? [a] : 1}", "found unhashable key"),
    ],
    ids=["int-text", "long-int", "long-hex", "bool", "float", "timestamp", "map", "set", "list-key"],
)
def test_values_yaml_cannot_construct_are_yaml_errors_at_their_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loaders: list[source.LoaderClass], value: str, problem: str
) -> None:
    """PyYAML raised ValueError, KeyError, AttributeError or TypeError here: a traceback with exit 1."""
    monkeypatch.setattr(source, "LOADERS", loaders)
    path, result = replay(tmp_path, HEAD + control_step(f"{{v: {value}}}"))
    assert_refused(path, result, f"YAML syntax error: {problem}")


@PARSERS
def test_an_anchor_defined_twice_names_both_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loaders: list[source.LoaderClass]
) -> None:
    """PyYAML's own message printed only "second occurrence"."""
    monkeypatch.setattr(source, "LOADERS", loaders)
    path, result = replay(tmp_path, "a: &x 1\nb: &x 2\n")
    assert_refused(path, result, "line 2, column 4: YAML syntax error: anchor &x is defined twice (first at line 1, column 4)")


@PARSERS
def test_a_forbidden_character_is_named_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loaders: list[source.LoaderClass]
) -> None:
    monkeypatch.setattr(source, "LOADERS", loaders)
    path, result = replay(tmp_path, HEAD + "description: a\x00b\n")
    assert_refused(path, result, "line 3, column 15: YAML syntax error: unacceptable character #x0000")


def nested(levels: int) -> list[object]:
    """A list inside a list, `levels` deep."""
    value: list[object] = []
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize("control", [False, True], ids=["request", "control"])
def test_a_recording_of_bodies_too_deep_for_a_scenario_still_loads(tmp_path: Path, control: bool) -> None:
    """`serve --record` wrote any JSON body as YAML data; one nested past the limit made the recording unreplayable."""
    path = "/sandbox/v1/clients" if control else "/apex-crypto/api/v2/instruments"
    fits, deep = nested(BODY_DEPTH), nested(BODY_DEPTH + 1)
    steps = [
        step_document(Exchange("POST", path, {}, json.dumps(body).encode(), {}, None, 400, answer))
        for body, answer in [(fits, fits), (deep, deep)]
    ]
    recording = tmp_path / "session.yaml"
    file = RecordingFile(recording, header("session", "Deep bodies.", 1, "2026-03-02T14:00:00Z", None))
    for step in steps:
        file.append(step)
    file.close()
    calls = [(step.action.call, step.action.expect) for step in load_scenario(recording).steps]  # type: ignore[union-attr]
    (fitting_call, fitting_expect), (deep_call, deep_expect) = calls
    assert (fitting_call.body, fitting_call.raw_body, fitting_expect.body) == (fits, None, fits)
    assert (deep_call.body, deep_call.raw_body) == (None, json.dumps(deep))
    assert (deep_expect.status, deep_expect.body) == (400, None)
