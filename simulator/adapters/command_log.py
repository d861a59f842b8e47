"""The durable command log (SQLite, WAL): what `--db` keeps.

The sandbox is deterministic, so its state is the product of its seed and
the requests it acknowledged, in order, each at its simulated instant. The
log keeps exactly that, written before the request runs, and a restart
replays it. It also keeps the clock's last reading, and which events the
consumer deleted from its queue, so those are not delivered again.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS commands (
    seq INTEGER PRIMARY KEY,
    sim_ns INTEGER NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    authorization TEXT,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS deleted (
    epoch INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    PRIMARY KEY (epoch, message_id)
);
CREATE TABLE IF NOT EXISTS clock (id INTEGER PRIMARY KEY CHECK (id = 1), sim_ns INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class LoggedCommand:
    sim_ns: int
    method: str
    path: str
    query: dict[str, str]
    authorization: str | None
    body: bytes


class CommandLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL: a commit reaches the WAL file before the answer is sent, which
        # survives the process being killed; only an OS crash could lose it.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def meta(self) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, values: dict[str, str]) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())

    def append(self, command: LoggedCommand) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO commands (sim_ns, method, path, query, authorization, body) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    command.sim_ns,
                    command.method,
                    command.path,
                    json.dumps(command.query, sort_keys=True),
                    command.authorization,
                    command.body,
                ),
            )

    def commands(self) -> Iterator[LoggedCommand]:
        with self._lock:
            rows = self._db.execute(
                "SELECT sim_ns, method, path, query, authorization, body FROM commands ORDER BY seq"
            ).fetchall()
        for sim_ns, method, path, query, authorization, body in rows:
            yield LoggedCommand(sim_ns, method, path, json.loads(query), authorization, bytes(body))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM commands").fetchone()[0])

    def record_clock(self, sim_ns: int) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO clock (id, sim_ns) VALUES (1, ?)", (sim_ns,))

    def clock(self) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT sim_ns FROM clock WHERE id = 1").fetchone()
        return None if row is None else int(row[0])

    def record_deleted(self, epoch: int, message_id: str) -> None:
        """`epoch` counts the resets before the deletion: a reset with the same
        seed mints the same message_ids again, for events not yet delivered."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO deleted (epoch, message_id) VALUES (?, ?)", (epoch, message_id))

    def deleted(self) -> dict[int, set[str]]:
        by_epoch: dict[int, set[str]] = {}
        with self._lock:
            for epoch, message_id in self._db.execute("SELECT epoch, message_id FROM deleted"):
                by_epoch.setdefault(epoch, set()).add(message_id)
        return by_epoch
