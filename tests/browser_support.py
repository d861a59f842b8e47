"""Helpers for the tests that read an HTML page in headless chromium (the `browser` fixture of tests/conftest.py).

A page is opened from its file, offline, with everything it must never do
watched: reach past file://, log an error or warning, throw. Both the
replay's report.html (tests/replay) and the sweep's (tests/sweep) are read
this way. A plain module, not a conftest: tests/ is on sys.path once
tests/conftest.py loads, so any test file can `from browser_support import ...`.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Route

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Chromium run headless in a container: no sandbox, no GPU, and none of its own calls home."""


@dataclass
class Watched:
    """What the page did that it must not: reach past file://, log an error or warning, throw."""

    page: Page
    outside_requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.outside_requests == [], f"the page tried to reach the network: {self.outside_requests}"
        assert self.console == [], f"console errors or warnings: {self.console}"
        assert self.errors == [], f"uncaught page errors: {self.errors}"


def record_console(watched: Watched, message: ConsoleMessage) -> None:
    """Keep the page's console errors and warnings; other messages are the page's own business."""
    if message.type in ("error", "warning"):
        watched.console.append(f"{message.type}: {message.text}")


def block_the_network(context: BrowserContext, watched: Watched) -> None:
    """Let the context load file:// URLs only; abort any other request and note it in `watched`.

    The pages must work offline, as opened from a folder: a request past
    file:// is a fault to report, not a resource to fetch.
    """

    def only_files(route: Route, request: Request) -> None:
        if request.url.startswith("file:"):
            route.continue_()
        else:
            watched.outside_requests.append(request.url)
            route.abort()

    context.route("**/*", only_files)


@contextmanager
def open_offline(browser: Browser, page_file: Path, width: int = 1280, permissions: Sequence[str] = ()) -> Iterator[Watched]:
    """The page at `width` CSS pixels, offline, its console and errors watched; closed on leaving."""
    context = browser.new_context(viewport={"width": width, "height": 900}, permissions=list(permissions))
    watched = Watched(context.new_page())
    block_the_network(context, watched)
    watched.page.on("console", lambda message: record_console(watched, message))
    watched.page.on("pageerror", lambda error: watched.errors.append(str(error)))
    watched.page.goto(page_file.as_uri(), wait_until="load")
    try:
        yield watched
    finally:
        context.close()
