"""Photo bytes behind a small interface; nobody else builds file paths."""

from __future__ import annotations

import contextlib
import functools
import mimetypes
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError


class StorageUnavailableError(Exception):
    """The storage could not be reached or refused the request (not a missing photo: that is FileNotFoundError)."""


class PhotoStorage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def keys(self, under: str) -> Iterator[str]: ...

    def link(self, key: str, seconds: int) -> str | None:
        """A URL that opens this object for `seconds` without the service, if the storage can sign one."""
        ...

    def link_origin(self) -> str | None:
        """Where the links of `link` point (scheme, host and port), for a page's Content-Security-Policy; None
        when the service serves the photos itself."""
        ...

    def problem(self) -> str | None:
        """Why this storage cannot be used now (readiness), or None."""
        ...


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

    def keys(self, under: str) -> Iterator[str]:
        """Every key below `under` (a folder prefix such as "photos/"), in no particular order."""
        for path in self._path(under).rglob("*"):
            if path.is_file() and not path.name.startswith(".tmp-"):
                yield path.relative_to(self.root.resolve()).as_posix()

    def link(self, key: str, seconds: int) -> None:
        return None  # the service signs its own links and reads the file

    def link_origin(self) -> None:
        return None  # the service's own links

    def problem(self) -> str | None:
        if self.root.is_dir() and os.access(self.root, os.W_OK | os.X_OK):
            return None
        return f"not a writable folder: {self.root}"


def original_key(sha256: str, extension: str) -> str:
    """Where the photo as uploaded (with its EXIF, never shown to clients) is kept, by content."""
    return f"photos/originals/{sha256[:2]}/{sha256}.{extension}"


def clean_key(sha256: str) -> str:
    """Where the EXIF-free copy is kept, named after the original's content."""
    return f"photos/clean/{sha256[:2]}/{sha256}.jpg"


def blurred_key(sha256: str) -> str:
    """Where the blurred copy of a photo reported sensitive is kept (what a moderator sees before revealing it)."""
    return f"photos/blurred/{sha256[:2]}/{sha256}.jpg"


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
            media_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
            with _reaching(self.bucket):
                self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=media_type)

    def get(self, key: str) -> bytes:
        with _reaching(self.bucket):
            try:
                return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
            except self.client.exceptions.NoSuchKey:
                raise FileNotFoundError(key) from None

    def exists(self, key: str) -> bool:
        with _reaching(self.bucket):
            try:
                self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                    return False
                raise
        return True

    def keys(self, under: str) -> Iterator[str]:
        start = len(self.prefix) + 1 if self.prefix else 0
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(under))
        with _reaching(self.bucket):
            for page in pages:
                for entry in page.get("Contents", []):
                    yield entry["Key"][start:]

    def link(self, key: str, seconds: int) -> str:
        """A presigned GET (SigV4): the client fetches the bytes from the bucket, not through the API."""
        params = {"Bucket": self.bucket, "Key": self._key(key)}
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)

    @functools.cached_property
    def _origin(self) -> str:
        parts = urlsplit(self.link("origin", 60))  # signed locally: nothing is sent to the server
        return f"{parts.scheme}://{parts.netloc}"

    def link_origin(self) -> str:
        return self._origin

    def problem(self) -> str | None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            return f"bucket {self.bucket} unreachable: {type(error).__name__}"
        return None


@contextlib.contextmanager
def _reaching(bucket: str) -> Iterator[None]:
    """Errors of the S3 server or of the way to it, as StorageUnavailableError (a 503 for a request)."""
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailableError(f"bucket {bucket}: {error}") from error


def parse_storage_url(url: str) -> tuple[str, str, str]:
    """("file", folder, "") for `file:///a/folder`, ("s3", bucket, prefix) for `s3://bucket[/prefix]`; anything else
    is a ValueError naming what is accepted."""
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.path.startswith("/") and not parts.netloc and not parts.query:
        return "file", unquote(parts.path), ""
    if parts.scheme == "s3" and parts.netloc and not parts.query:
        return "s3", parts.netloc, parts.path.strip("/")
    raise ValueError(f"must be file:///a/folder or s3://bucket[/prefix], got {url!r}")


def storage_from_url(url: str) -> PhotoStorage:
    """The storage a URL names; boto3 reads an S3 server's endpoint, region and credentials from the usual AWS
    variables."""
    scheme, location, prefix = parse_storage_url(url)
    if scheme == "file":
        return LocalStorage(Path(location))
    import boto3  # only deployments on S3 pay for loading it

    # SigV4 for presigned links too; quick failures, so that a dead server fails a request instead of hanging it.
    settings = BotoConfig(signature_version="s3v4", connect_timeout=3, read_timeout=20, retries={"max_attempts": 3})
    return S3Storage(boto3.client("s3", config=settings), location, prefix)
