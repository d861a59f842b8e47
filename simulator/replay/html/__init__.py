"""report.html, the page of a replay report (CONTRACT section 14).

`view` reads a RunResult into plain records, `charts` draws them with
matplotlib as inline SVG, `page` fills the Jinja2 template shipped in
`templates/`. The page needs no network: styles, script and charts are inline.
"""
from __future__ import annotations

from simulator.replay.html.page import render_page

__all__ = ["render_page"]
