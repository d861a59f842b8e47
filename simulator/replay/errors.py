"""Why a scenario cannot run: the file and the key path of the first problem.

A key path reads like the YAML it points into: `steps[3].request.method`.
"""
from __future__ import annotations

KeyPath = tuple[str | int, ...]


def render_key_path(path: KeyPath) -> str:
    """`("steps", 3, "request", "method")` -> `steps[3].request.method`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


class ScenarioError(Exception):
    """A scenario file that is missing, unreadable YAML, or breaks the format.

    The message always starts with the file, then the key path when the
    problem sits under a key, so a user can go straight to the line.
    """

    def __init__(self, source: str, path: KeyPath, problem: str) -> None:
        self.source = source
        self.path = path
        self.problem = problem
        where = render_key_path(path)
        super().__init__(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")
