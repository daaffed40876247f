"""Photo bytes behind a small interface; nobody else builds file paths."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import ClientError


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


class S3Storage:
    """A bucket (under a prefix) of any S3-compatible server, through boto3. The client comes configured: endpoint,
    region and credentials from the usual AWS variables (`AWS_ENDPOINT_URL` included)."""

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    def _key(self, key: str) -> str:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"storage key escapes the storage prefix: {key!r}")
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        if not self.exists(key):  # photos are named by their content: one already there is this one
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


def storage_from_url(url: str) -> PhotoStorage:
    """`file:///path` (a folder) or `s3://bucket/prefix` (boto3 reads the endpoint and credentials from the
    environment); anything else is a ValueError naming what is accepted."""
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.path:
        return LocalStorage(Path(parts.path))
    if parts.scheme == "s3" and parts.netloc:
        return S3Storage(boto3.client("s3"), parts.netloc, parts.path)
    raise ValueError(f"must be file:///a/folder or s3://bucket[/prefix], got {url!r}")
