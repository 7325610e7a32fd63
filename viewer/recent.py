"""Recently opened files: a short list kept in a JSON file in the user's config folder.

``$XDG_CONFIG_HOME/dragmesh/recent.json`` (``~/.config/dragmesh/recent.json`` when the variable is
unset), or ``$DRAGMESH_CONFIG_DIR/recent.json``. Each entry is ``{"path": absolute path, "up": [x, y,
z] or null}``, newest first; the up direction a file was last viewed with comes back with it. The
file is written atomically (a temporary file in the same folder, then a rename), and a missing or
damaged file reads as an empty list: the list is a convenience, never a reason to fail. No GUI.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

# How many files the list keeps.
LIMIT = 8


def config_dir() -> Path:
    """The viewer's config folder (see the module docstring); not created here."""
    own = os.environ.get("DRAGMESH_CONFIG_DIR")
    if own:
        return Path(own).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "dragmesh"


@dataclass(frozen=True)
class RecentFile:
    path: str
    up: tuple[float, float, float] | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name

    def exists(self) -> bool:
        return Path(self.path).exists()


class RecentFiles:
    """The list, loaded on creation; :meth:`add` saves it."""

    def __init__(self, path: str | Path | None = None, limit: int = LIMIT):
        self.path = Path(path) if path is not None else config_dir() / "recent.json"
        self.limit = int(limit)
        self.entries: list[RecentFile] = self.load()
        self.error: str | None = None  # why the last save failed, if it did

    def load(self) -> list[RecentFile]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        items = doc.get("recent", []) if isinstance(doc, dict) else []
        entries: list[RecentFile] = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                continue
            up = item.get("up")
            try:
                up = None if up is None else tuple(float(x) for x in up)
            except (TypeError, ValueError):
                up = None
            if up is not None and len(up) != 3:
                up = None
            if all(e.path != item["path"] for e in entries):
                entries.append(RecentFile(item["path"], up))
        return entries[: self.limit]

    def add(self, path: str | Path, up: Sequence[float] | None = None) -> None:
        """Put ``path`` first (once), with the up direction it is viewed with, and save."""
        full = str(Path(path).expanduser().resolve())
        entry = RecentFile(full, None if up is None else tuple(float(x) for x in up))
        self.entries = [entry] + [e for e in self.entries if e.path != full]
        del self.entries[self.limit:]
        self.save()

    def up_of(self, path: str | Path) -> tuple[float, float, float] | None:
        """The up direction ``path`` was last viewed with, or None."""
        full = str(Path(path).expanduser().resolve())
        return next((e.up for e in self.entries if e.path == full), None)

    def existing(self) -> list[RecentFile]:
        """The entries whose file is still there."""
        return [e for e in self.entries if e.exists()]

    def save(self) -> bool:
        """Write the list atomically; False (and ``error`` says why) when the folder is not writable."""
        doc = {"recent": [{"path": e.path, "up": None if e.up is None else list(e.up)} for e in self.entries]}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".recent-", suffix=".json", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(doc, f, indent=1)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            self.error = str(exc)
            return False
        self.error = None
        return True


def dialog_folder(current: str | None, recent: Sequence[RecentFile] = (), cwd: str | Path | None = None) -> str:
    """The folder the Open dialog starts in: the current file's, else the newest recent file's that
    still exists, else the working folder."""
    for candidate in [current] + [e.path for e in recent]:
        if candidate:
            folder = Path(candidate).expanduser().parent
            if folder.is_dir():
                return str(folder.resolve())
    return str(Path(cwd or os.getcwd()).resolve())
