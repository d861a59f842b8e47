"""report.html, the page of a replay report (CONTRACT section 14).

`view` reads a RunResult into plain records, `charts` draws them with
matplotlib as inline SVG, `page` fills the Jinja2 template shipped in
`templates/`. The page needs no network: styles, script and charts are inline.

Nothing is imported here: the readers (`events`, `fills`, `settlement`)
serve the sweep's metrics too, which must not load matplotlib with them.
"""
