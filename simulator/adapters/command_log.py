"""The durable command log (SQLite, WAL): what `--db` keeps.

The sandbox is deterministic, so its state is the product of its seed and
the requests it acknowledged, in order, each at its simulated instant. The
log keeps exactly that, written before the request runs, and a restart
replays it. It also keeps the instant the realtime clock was last sent to
(written before the clock moves there), and which events the consumer
deleted from its queue, so those are not delivered again.

One process owns a log at a time: it holds an exclusive `flock` on the
sidecar `<db>.lock`, which holds its process id. The operating system
releases the lock when the process ends, however it ends (kill -9
included), so a lock never outlives its server.
"""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

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
CREATE TABLE IF NOT EXISTS clock_mark (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch INTEGER NOT NULL,
    sim_ns INTEGER NOT NULL
);
"""


class LogInUse(Exception):
    """Another process holds the log; `owner` is its process id as it wrote it (may be empty)."""

    def __init__(self, path: Path, owner: str) -> None:
        super().__init__(f"{path} is in use by another process")
        self.path = path
        self.owner = owner


class LogUnavailable(Exception):
    """A write to the log failed (a full disk, a broken file): what it would have kept was not kept."""


class LoggedCommand(NamedTuple):
    """One row of the log (a named tuple: a restart reads a hundred thousand)."""

    sim_ns: int
    method: str
    path: str
    query: dict[str, str]
    authorization: str | None
    body: bytes


NO_QUERY = json.dumps({})
"""How `append` writes the query of a command that has none, as most have."""


def _query(text: str) -> dict[str, str]:
    """A logged query read back; `{}` without the JSON decoder, which takes a microsecond even for that."""
    return {} if text == NO_QUERY else dict(json.loads(text))


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _take_lock(path: Path) -> int:
    """An open descriptor holding the exclusive lock beside `path`, our process id written in it.

    The lock is never removed: unlinking a lock file lets two processes lock
    two different files of the same name.
    """
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = os.read(fd, 64).decode("ascii", "replace").strip()
        os.close(fd)
        raise LogInUse(path, owner) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


class CommandLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_fd = _take_lock(path)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL: a commit reaches the WAL file before the answer is sent, which
            # survives the process being killed; only an OS crash could lose it.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except BaseException:
            os.close(self._lock_fd)
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()
            os.close(self._lock_fd)

    def meta(self) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, values: dict[str, str]) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())

    def append(self, command: LoggedCommand) -> None:
        """Keep one command, or raise LogUnavailable having kept nothing."""
        self._write(
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
            yield LoggedCommand(sim_ns, method, path, _query(query), authorization, bytes(body))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM commands").fetchone()[0])

    def mark_clock(self, epoch: int, sim_ns: int) -> None:
        """The instant the realtime clock is about to run to, written before it
        moves there; `epoch` counts the resets before it, since a later reset
        takes the clock back to the start and this mark no longer applies."""
        self._write("INSERT OR REPLACE INTO clock_mark (id, epoch, sim_ns) VALUES (1, ?, ?)", (epoch, sim_ns))

    def clock_mark(self, epoch: int) -> int | None:
        """The latest clock mark, if it was made in `epoch`."""
        with self._lock:
            row = self._db.execute("SELECT sim_ns FROM clock_mark WHERE id = 1 AND epoch = ?", (epoch,)).fetchone()
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

    def _write(self, statement: str, parameters: tuple[object, ...]) -> None:
        try:
            with self._lock:
                self._db.execute(statement, parameters)
        except (sqlite3.Error, OSError) as exc:
            raise LogUnavailable(str(exc) or type(exc).__name__) from exc
