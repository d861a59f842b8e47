"""A real headless browser for the page tests of every suite: Debian's chromium, driven by playwright.

The browser is never downloaded: the tests use /usr/bin/chromium, and on a
machine without it they install Debian's package when they can (root with
apt-get), or fail saying how to install it.

One browser serves the whole session: playwright's sync API runs its event
loop in the main thread and a second one cannot start there, so the
replay's and the sweep's page tests share this fixture rather than each
launching their own. The helpers to open and watch a page are in
browser_support.py, a plain module beside this file (this conftest puts
tests/ on sys.path, so test files import it by name).

It also loads the sandbox and its HTTP client before a process's first test
(not at start, so pytest-xdist's controller, which runs none, never does):
the plugin loads them with the first sandbox a test uses, and pytester's
in-process runs unload every module they imported when they end, so a
later run would mix two copies of their classes.
"""
from __future__ import annotations

import importlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM_ARGS
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def sandbox_modules() -> None:
    importlib.import_module("requests")
    importlib.import_module("simulator.sandbox")
HOW_TO_INSTALL = "sudo apt-get update && sudo apt-get install -y chromium"


def install_chromium() -> None:
    """Debian's chromium package, quietly; only as root with apt-get."""
    apt_get = shutil.which("apt-get")
    if apt_get is None or os.geteuid() != 0:
        pytest.fail(f"the report page tests need Debian's chromium at {CHROMIUM}; install it with: {HOW_TO_INSTALL}")
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt_get, "update", "-qq"], [apt_get, "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=quiet, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"`{' '.join(command)}` failed ({done.returncode}):\n{done.stderr}\nInstall it with: {HOW_TO_INSTALL}")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        install_chromium()
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is still missing after installing chromium; install it with: {HOW_TO_INSTALL}")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
