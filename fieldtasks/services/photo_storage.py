"""Photos against their storage: every photo row has its objects, every object has a row; a folder copied into a
bucket. Transactions are short and closed before any storage I/O; the I/O runs on a few threads (S3 is latency-bound).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from sqlalchemy import func, select

from fieldtasks.db import Database
from fieldtasks.images import blur
from fieldtasks.models import Photo
from fieldtasks.storage import PhotoStorage, blurred_key

BATCH = 500
THREADS = 8
PHOTOS_FOLDER = "photos/"

Progress = Callable[[int], None]  # called with how many more things were done


@dataclass
class StorageReport:
    photos: int = 0
    objects: int = 0
    missing: list[str] = field(default_factory=list)  # "photo id: key" a row names and the storage lacks
    orphans: list[str] = field(default_factory=list)  # keys no photo names
    blurred_missing: int = 0  # sensitive photos stored before blurred copies were (their copy is made on demand)
    blurred_made: int = 0


@dataclass
class CopyReport:
    copied: int = 0
    present: int = 0  # already in the target: a resumed copy skips them
    failed: list[str] = field(default_factory=list)


def _expected(photo) -> list[str]:
    """The keys a photo row (original_key, clean_key, sha256, sensitive) names."""
    return [photo.original_key, photo.clean_key, *([blurred_key(photo.sha256)] if photo.sensitive else [])]


def count_photos(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Photo)) or 0


def _photo_batches(database: Database) -> Iterator[list]:
    """Every photo's keys, BATCH rows at a time by id, each batch read in its own short transaction."""
    after = uuid.UUID(int=0)
    while True:
        with database.unit_of_work() as session:
            rows = session.execute(
                select(Photo.id, Photo.original_key, Photo.clean_key, Photo.sha256, Photo.sensitive)
                .where(Photo.id > after)
                .order_by(Photo.id)
                .limit(BATCH)
            ).all()
        if not rows:
            return
        yield rows
        after = rows[-1].id


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check_storage(
    database: Database, storage: PhotoStorage, *, repair: bool = False, progress: Progress = lambda n: None
) -> StorageReport:
    """Look for each photo's original and clean copy (and the blurred one of a sensitive photo), then for objects
    no photo names. `repair` makes the blurred copies that photos stored before them lack."""
    report = StorageReport()
    with ThreadPoolExecutor(THREADS) as pool:
        for rows in _photo_batches(database):
            wanted = [key for row in rows for key in _expected(row)]
            found = dict(zip(wanted, pool.map(storage.exists, wanted), strict=True))  # on every thread
            for row in rows:
                report.missing += [f"{row.id}: {key}" for key in (row.original_key, row.clean_key) if not found[key]]
                if not row.sensitive or found[blurred_key(row.sha256)]:
                    continue
                if repair and found[row.clean_key]:
                    storage.put(blurred_key(row.sha256), blur(storage.get(row.clean_key)))
                    report.blurred_made += 1
                else:
                    report.blurred_missing += 1
            report.photos += len(rows)
            progress(len(rows))
    for keys in _chunks(storage.keys(PHOTOS_FOLDER), BATCH):
        report.objects += len(keys)
        report.orphans += _unnamed(database, keys)
    return report


def _unnamed(database: Database, keys: list[str]) -> list[str]:
    """The keys of this batch that no photo names (the name's stem is the photo's SHA-256)."""
    shas = {PurePosixPath(key).stem for key in keys}
    with database.unit_of_work() as session:
        rows = session.execute(
            select(Photo.original_key, Photo.clean_key, Photo.sha256, Photo.sensitive).where(Photo.sha256.in_(shas))
        ).all()
    named = {key for row in rows for key in _expected(row)}
    return [key for key in keys if key not in named]


def copy_storage(source: PhotoStorage, target: PhotoStorage, *, progress: Progress = lambda n: None) -> CopyReport:
    """Copy every photo object from `source` into `target`, skipping those already there: run it again after an
    interruption and it goes on where it stopped (objects are named by their content and written whole)."""
    report = CopyReport()

    def copy(key: str) -> bool | OSError | ValueError:
        """True when copied, False when already there, the error of an object that could not be."""
        if target.exists(key):
            return False
        try:
            target.put(key, source.get(key))
        except (OSError, ValueError) as error:  # one bad object is reported; the copy goes on
            return error
        return True

    with ThreadPoolExecutor(THREADS) as pool:
        for keys in _chunks(source.keys(PHOTOS_FOLDER), BATCH):
            for key, outcome in zip(keys, pool.map(copy, keys), strict=True):
                if isinstance(outcome, Exception):
                    report.failed.append(f"{key}: failed: {outcome}")
                elif outcome:
                    report.copied += 1
                else:
                    report.present += 1
            progress(len(keys))
    return report
