"""What a command imports before it runs: `bakkt-sim --help` is a click group and
its options, not the sandbox, and a replay (memory, no base URL) never loads
`requests`, `responses` or moto; pytest loading the plugin and its steps loads no
sandbox either, until a test uses one. A fresh interpreter makes the imports the test's own.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def loaded(code: str, modules: tuple[str, ...]) -> list[str]:
    """Those of `modules` that running `code` left imported."""
    report = f"import sys\n{code}\nprint(sorted(set(sys.modules) & {set(modules)!r}))"
    done = subprocess.run([sys.executable, "-c", report], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    return list(ast.literal_eval(done.stdout.strip().splitlines()[-1]))


def test_the_help_loads_no_sandbox_replay_engine_or_chart_library() -> None:
    code = "from simulator.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    heavy = ("simulator.sandbox", "simulator.replay", "pydantic", "faker", "requests", "moto", "matplotlib", "distributed", "waitress")
    assert loaded(code, heavy) == []


def test_a_replay_loads_neither_requests_nor_moto(tmp_path: Path) -> None:
    code = (
        "from simulator.cli import main\n"
        f"try:\n    main(['replay', 'scenarios/quickstart.yaml', '--out', {str(tmp_path / 'report')!r}, '-q'])\n"
        "except SystemExit as exc:\n    assert exc.code == 0, exc.code"
    )
    assert loaded(code, ("requests", "responses", "moto", "boto3", "waitress", "websockets")) == []


def test_the_pytest_plugin_and_its_steps_load_no_sandbox_until_a_test_uses_one() -> None:
    """Every pytest process of an environment holding the package loads the plugin, an
    xdist controller included, which never runs a test."""
    code = "import importlib\nimport simulator.testing.plugin as plugin\nfor name in plugin.pytest_plugins:\n    importlib.import_module(name)"
    heavy = ("simulator.sandbox", "simulator.runtime", "simulator.replay", "simulator.service.core", "pydantic", "faker", "requests",
             "boto3", "moto", "simpy", "yaml")
    assert loaded(code, heavy) == []
