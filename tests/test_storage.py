"""Both photo storages keep the same contract: a local folder, and a bucket on a real S3-compatible server."""

from __future__ import annotations

import pytest

from fieldtasks.storage import LocalStorage, S3Storage, storage_from_url
from tests.storage_server import s3_server


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    with s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path, s3):
    if request.param == "local":
        return LocalStorage(tmp_path / "photos")
    return S3Storage(s3.client(), s3.new_bucket(), "deployment-1")


def test_a_photo_is_written_once_under_its_name_and_read_back(storage):
    key = "photos/originals/ab/abcdef.jpg"
    assert not storage.exists(key)
    storage.put(key, b"\xff\xd8 first bytes")
    storage.put(key, b"\xff\xd8 first bytes")  # a retry: the same content, nothing changes
    assert storage.exists(key) and storage.get(key) == b"\xff\xd8 first bytes"
    with pytest.raises(FileNotFoundError):
        storage.get("photos/originals/ab/missing.jpg")


def test_a_key_never_leaves_its_folder_or_prefix(storage):
    with pytest.raises(ValueError, match="escapes"):
        storage.put("../elsewhere.jpg", b"x")


def test_the_s3_prefix_keeps_deployments_apart(s3):
    bucket = s3.new_bucket()
    one, two = S3Storage(s3.client(), bucket, "one"), S3Storage(s3.client(), bucket, "two")
    one.put("photos/a.jpg", b"one's")
    assert one.exists("photos/a.jpg") and not two.exists("photos/a.jpg")
    assert (s3.folder / bucket / "one" / "photos" / "a.jpg").read_bytes() == b"one's"  # really on the server's disk


def test_a_storage_url_names_a_folder_or_a_bucket(tmp_path, monkeypatch):
    assert isinstance(storage_from_url(f"file://{tmp_path}"), LocalStorage)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    bucket = storage_from_url("s3://fieldtasks-photos/paris")
    assert isinstance(bucket, S3Storage) and (bucket.bucket, bucket.prefix) == ("fieldtasks-photos", "paris")
    for wrong in ("ftp://x", "s3://", "photos"):
        with pytest.raises(ValueError, match="file:///"):
            storage_from_url(wrong)
