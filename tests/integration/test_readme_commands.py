"""The README's shell commands, run as a newcomer pastes them, do what it says.

Each test takes a fenced block out of README.md as it is written and runs
it: the example scenario with `bakkt-sim replay`, the server walkthrough
with bash against a real `bakkt-sim serve` started by the README's own
command line (only `--port 8080` becomes `--port 0`), the recording, the
reconciliation after the quickstart's replay, and the statement.

In a shell block, lines starting with `#` show what the commands above them
print: `...` (or `…`) stands for any text within a line, and any
`127.0.0.1:PORT` for whatever port the server took. Commands followed by no
such line must print nothing. Every command must succeed (bash with
`set -e -o pipefail`), except where the README says a command exits
otherwise.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
READY_TIMEOUT = 60.0
MARKER = "@@readme-chunk@@"


# reading the README


def section(title: str) -> str:
    """The text under `## title`, up to the next second-level heading."""
    text = README.read_text()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match is not None, f"README.md lost its section {title!r}"
    return match.group(1)


def fenced(text: str, language: str) -> list[str]:
    """The fenced blocks of one language, in order (nested blocks included)."""
    return [m.group(1) for m in re.finditer(rf"^ *```{language}\n(.*?)^ *```$", text, re.S | re.M)]


def sh_block(text: str, containing: str) -> str:
    blocks = [block for block in fenced(text, "sh") if containing in block]
    assert len(blocks) == 1, f"expected one sh block with {containing!r} in the README, found {len(blocks)}"
    return blocks[0]


@dataclass(frozen=True)
class Chunk:
    """Commands, then the output the README shows for them (None: nothing shown)."""

    commands: str
    shown: tuple[str, ...] | None


def chunks(block: str) -> list[Chunk]:
    found: list[Chunk] = []
    commands: list[str] = []
    shown: list[str] = []
    for line in block.splitlines():
        if line.startswith("#"):
            shown.append(line[2:] if line.startswith("# ") else line[1:])
            continue
        if shown:
            found.append(Chunk("\n".join(commands), tuple(shown)))
            commands, shown = [], []
        commands.append(line)
    if commands or shown:
        found.append(Chunk("\n".join(commands), tuple(shown) if shown else None))
    return found


def shown_pattern(lines: Sequence[str]) -> re.Pattern[str]:
    """A regex for output shown as `lines`: `...` is any text within a line, ports are any."""
    parts = re.split(r"(\.\.\.|…|127\.0\.0\.1:\d+)", "\n".join(line.rstrip() for line in lines))
    regex = "".join(
        r"[^\n]*?" if part in ("...", "…") else r"127\.0\.0\.1:\d+" if part.startswith("127.0.0.1:") else re.escape(part)
        for part in parts
    )
    return re.compile(regex)


def assert_prints(chunk: Chunk, printed: str) -> None:
    actual = "\n".join(line.rstrip() for line in printed.strip("\n").splitlines()).strip("\n")
    if chunk.shown is None:
        assert actual == "", f"the README shows no output for\n{chunk.commands}\nbut it printed:\n{actual}"
        return
    expected = "\n".join(chunk.shown)
    assert shown_pattern(chunk.shown).fullmatch(actual), (
        f"README.md says\n{chunk.commands}\nprints\n{expected}\nbut it printed\n{actual}"
    )


# running it


def environment() -> dict[str, str]:
    """The newcomer's shell: this virtualenv active, no AWS settings of the machine."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("CI", None)
    assert shutil.which("bakkt-sim", path=env["PATH"]), f"bakkt-sim is not installed beside {sys.executable}"
    return env


def run_blocks(blocks: Sequence[str], cwd: Path, *, exit_status: int = 0, timeout: float = 180) -> None:
    """Paste the blocks into one bash, in order; check every chunk's output and the final status."""
    pasted = [chunk for block in blocks for chunk in chunks(block)]
    script = ["exec 2>&1", "set -e -o pipefail"]
    for index, chunk in enumerate(pasted):
        script += [f"printf '\\n{MARKER}{index}\\n'", chunk.commands]
    script.append(f"printf '\\n{MARKER}end\\n'")
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)], cwd=cwd, env=environment(), capture_output=True, text=True, timeout=timeout
    )
    pieces = re.split(rf"\n{MARKER}(\d+|end)\n", "\n" + done.stdout)
    printed = dict(zip(pieces[1::2], pieces[2::2], strict=True))
    ran = [key for key in pieces[1::2] if key != "end"]
    finished = "end" in printed
    if exit_status == 0:
        assert done.returncode == 0 and finished, (
            f"exit {done.returncode} in\n{pasted[int(ran[-1])].commands if ran else ''}\n"
            f"which printed:\n{printed.get(ran[-1], '') if ran else done.stdout}"
        )
    else:
        assert done.returncode == exit_status and not finished and len(ran) == len(pasted), (
            f"the README says the last command exits {exit_status}; exit {done.returncode}, output:\n{done.stdout}"
        )
    for index, chunk in enumerate(pasted):
        assert_prints(chunk, printed[str(index)])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    cwd: Path
    ready_line: str

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def start_server(command: str, cwd: Path) -> Server:
    """The README's `bakkt-sim serve` line, on a free port; waits for its ready file."""
    argv = shlex.split(command)
    assert argv[:2] == ["bakkt-sim", "serve"], command
    assert "--ready-file" in argv, "the walkthrough reads the URLs from --ready-file"
    port = argv.index("--port")
    argv[port + 1] = "0"
    ready = cwd / argv[argv.index("--ready-file") + 1]
    out, err = (cwd / "serve.stdout").open("wb"), (cwd / "serve.stderr").open("wb")
    process = subprocess.Popen(argv, cwd=cwd, env=environment(), stdout=out, stderr=err)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited {process.returncode}:\n{(cwd / 'serve.stderr').read_text()}")
        line = (cwd / "serve.stdout").read_text()
        if line.endswith("\n") and ready.exists():
            json.loads(ready.read_text())
            return Server(process, cwd, line.strip())
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"serve was not ready within {READY_TIMEOUT} s:\n{(cwd / 'serve.stderr').read_text()}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    """`bakkt-sim serve` started with the README's first command of the walkthrough."""
    block = chunks(sh_block(section("A real server, for any language"), "bakkt-sim serve --port 8080 --clock manual --db"))
    assert len(block) == 1, "the serve block is one command and its ready line"
    server = start_server(block[0].commands, tmp_path)
    yield server
    if server.process.poll() is None:
        code = server.stop()
        assert code == 0, f"SIGTERM should stop serve with exit 0, got {code}"
    assert_prints(block[0], server.ready_line)
    assert (tmp_path / "sandbox.db").exists(), "--db sandbox.db should have made the file"


def walkthrough() -> str:
    return sh_block(section("A real server, for any language"), "TOKEN=$(")


# the tests


def test_the_quickstart_is_two_commands() -> None:
    blocks = fenced(section("Quickstart"), "sh")
    assert len(blocks) == 2, "the quickstart is two commands"
    assert all(len(block.strip().splitlines()) == 1 for block in blocks), blocks
    assert blocks[0].strip().endswith("bakkt-sim replay scenarios/quickstart.yaml")


def test_the_example_scenario_replays_with_exit_0(tmp_path: Path) -> None:
    text = section("Scenarios")
    (scenario,) = [block for block in fenced(text, "yaml") if block.startswith("version: 1")]
    assert "save it as `my-first-batch.yaml`" in text and "`reports/my-first-batch/`" in text
    (tmp_path / "my-first-batch.yaml").write_text(scenario)
    done = subprocess.run(
        ["bakkt-sim", "replay", "my-first-batch.yaml"], cwd=tmp_path, env=environment(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED" in done.stdout
    summary = json.loads((tmp_path / "reports" / "my-first-batch" / "summary.json").read_text())
    assert summary["passed"] is True
    assert summary["counts"]["emails"] >= 1 and summary["counts"]["files"] >= 1, summary


def control_step_with(scenario: str, expect: str) -> str:
    """The README's scenario with its control step's `expect` replaced by `expect` (YAML lines)."""
    inside = re.search(r"^( +)expect: \{status: 200, body: \{providers: \[\]\}\}.*\n", scenario, re.M)
    assert inside is not None, "the example's control step lost its expect"
    return scenario[: inside.start()] + expect + scenario[inside.end() :]


def test_a_control_steps_expect_goes_where_the_readme_says(tmp_path: Path) -> None:
    text = section("Scenarios")
    (scenario,) = [block for block in fenced(text, "yaml") if block.startswith("version: 1")]
    refused = re.search(r"An `expect` beside `control:` is refused\s+\(`([^`]+)`, exit 2\)", text)
    assert refused is not None, "the README no longer says where a control step's expect must not go"

    def replay(name: str, yaml: str) -> subprocess.CompletedProcess[str]:
        (tmp_path / name).write_text(yaml)
        out = tmp_path / f"out-{Path(name).stem}"
        return subprocess.run(["bakkt-sim", "replay", name, "--out", str(out)],
                              cwd=tmp_path, env=environment(), capture_output=True, text=True)

    beside = replay("beside.yaml", control_step_with(scenario, "    expect: {status: 200}\n"))
    assert beside.returncode == 2 and refused.group(1) in beside.stderr, beside.stdout + beside.stderr

    assert "`expect: {status: 404}`" in text
    unknown = "  - control: {method: POST, path: /sandbox/v1/clients/nobody/accounts, body: {count: 1}, expect: {status: 404}}\n"
    with_refusal = scenario.replace("expect:\n  events:", unknown.rstrip("\n") + "\nexpect:\n  events:", 1)
    assert with_refusal != scenario
    assert replay("refused.yaml", with_refusal).returncode == 0
    without = with_refusal.replace(", expect: {status: 404}}", "}")
    assert replay("unexpected.yaml", without).returncode == 1, "a control call answered 404 without expect must fail"


def test_the_server_walkthrough_with_boto3(served: Server) -> None:
    boto3_block = sh_block(section("A real server, for any language"), "python3 - ")
    run_blocks([walkthrough(), boto3_block], served.cwd)


def test_the_server_walkthrough_with_the_aws_cli(served: Server) -> None:
    aws = shutil.which("aws", path=environment()["PATH"])
    assert aws is not None and subprocess.run([aws, "--version"], capture_output=True).returncode == 0, (
        "this test runs the README's AWS CLI commands: install the AWS CLI as the README says (pipx install awscli)"
    )
    cli_block = sh_block(section("A real server, for any language"), "aws --endpoint-url $AWS sqs receive-message")
    run_blocks([walkthrough(), cli_block], served.cwd)


def test_a_recorded_walkthrough_replays(tmp_path: Path) -> None:
    text = section("A real server, for any language")
    (serve,) = chunks(sh_block(text, "--record bug-42.yaml"))
    server = start_server(serve.commands, tmp_path)
    try:
        run_blocks([walkthrough()], tmp_path)
    finally:
        code = server.stop(signal.SIGINT)
    assert code == 0
    (replay,) = chunks(sh_block(text, "bakkt-sim replay bug-42.yaml"))
    assert "It exits 0 and prints `PASSED`" in text
    done = subprocess.run(shlex.split(replay.commands), cwd=tmp_path, env=environment(), capture_output=True, text=True)
    assert done.returncode == 0 and "PASSED" in done.stdout, done.stdout + done.stderr


def test_the_reconcile_example_runs_after_the_quickstart(tmp_path: Path) -> None:
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    quickstart = fenced(section("Quickstart"), "sh")[0].split("&&")[-1].strip()
    replayed = subprocess.run(shlex.split(quickstart), cwd=tmp_path, env=environment(), capture_output=True, text=True)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    text = section("Reconciliation")
    assert "It exits 1" in text
    run_blocks([sh_block(text, "bakkt-sim reconcile")], tmp_path, exit_status=1)


def test_the_statement_example_prints_what_the_readme_shows() -> None:
    run_blocks([sh_block(section("Statements"), "bakkt-sim statement --scenario")], ROOT)


def test_the_sweep_and_shrink_examples_print_what_the_readme_shows(tmp_path: Path) -> None:
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    text = section("Sweeps: many seeded worlds")
    assert "exits 1 when a run fails" in text
    run_blocks([sh_block(text, "bakkt-sim sweep scenarios/quickstart.yaml --runs 20")], tmp_path, exit_status=1)
    assert (tmp_path / "reports" / "quickstart-sweep" / "report.html").is_file()
    run_blocks([sh_block(text, "bakkt-sim shrink")], tmp_path)
    assert "-min" in (tmp_path / "quickstart.min.yaml").read_text()


def test_gitignore_covers_what_the_readme_leaves_in_the_checkout() -> None:
    git = shutil.which("git")
    assert git is not None and (ROOT / ".git").exists(), "the suite runs from a git checkout, as the README says"
    readme = README.read_text()
    for made in ("--db sandbox.db", "--ready-file ready.json", "cat > ledger.csv", "--out quickstart.min.yaml"):
        assert made in readme, made
    names = ["sandbox.db", "sandbox.db-wal", "sandbox.db-shm", "sandbox.db-journal", "sandbox.db.lock",
             "ready.json", "ledger.csv", "quickstart.min.yaml", "reports/my-first-batch/summary.json",
             "reports/bug-42/report.html", "reports/quickstart-sweep/sweep.json"]
    checked = subprocess.run([git, "check-ignore", "--no-index", "--stdin", "-z"], cwd=ROOT,
                             input="\0".join(names) + "\0", capture_output=True, text=True)
    ignored = set(filter(None, checked.stdout.split("\0")))
    assert ignored == set(names), f"not ignored: {sorted(set(names) - ignored)}"
