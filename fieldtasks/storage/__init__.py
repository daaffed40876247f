"""Photo bytes behind a small interface; nobody else builds file paths."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol


class PhotoStorage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...


class LocalStorage:
    """A folder (local or a shared mount). Writes are atomic: a reader never sees half a photo."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"storage key escapes the storage folder: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def original_key(sha256: str, extension: str) -> str:
    """Where the photo as uploaded (with its EXIF, never shown to clients) is kept, by content."""
    return f"photos/originals/{sha256[:2]}/{sha256}.{extension}"


def clean_key(sha256: str) -> str:
    """Where the EXIF-free copy is kept, named after the original's content."""
    return f"photos/clean/{sha256[:2]}/{sha256}.jpg"
