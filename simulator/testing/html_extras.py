"""A scenario's attachments as pytest-html extras: a link to each file, and their contents inline.

Browsers tend to download a linked CSV or JSON-lines file rather than show
it, so the expanded row also shows every attachment as text, each folded
under its name.
"""
from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from pytest_html import extras  # type: ignore[import-untyped]

from simulator.testing.attachments import EVENTS, Attachment, ScenarioAttachments

PRE_STYLE = "white-space: pre-wrap; overflow-wrap: anywhere; max-height: 30em; overflow-y: auto"


def html_extras(captured: ScenarioAttachments) -> list[dict[str, Any]]:
    """The Links column gets the events and the scenario's folder; the expanded row every
    attachment, folded, with a link to its file."""
    return [
        extras.url(quote(captured.path_of(EVENTS)), name=EVENTS),
        extras.url(quote(captured.folder.as_posix()) + "/", name="attachments"),
        extras.html(inline(captured)),
    ]


def inline(captured: ScenarioAttachments) -> str:
    blocks = "".join(
        f'<details><summary><a href="{escape(quote(captured.path_of(attachment.name)))}" target="_blank">'
        f"{escape(attachment.name)}</a> ({size(attachment)})</summary>"
        f'<pre style="{PRE_STYLE}">{escape(shown(attachment))}</pre></details>'
        for attachment in captured.attachments
    )
    return f"<p>Attachments (in {escape(captured.folder.as_posix())}/):</p>{blocks}"


def shown(attachment: Attachment) -> str:
    """The text as the file holds it; events get an empty line between them, as one line each
    wraps into the next."""
    if attachment.name == EVENTS:
        return "\n\n".join(attachment.text.splitlines())
    return attachment.text


def size(attachment: Attachment) -> str:
    if attachment.name == EVENTS:
        count = attachment.body.count(b"\n")
        return f"{count} event{'' if count == 1 else 's'}"
    return f"{len(attachment.body)} bytes"
