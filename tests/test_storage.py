"""Both photo storages keep the same contract: a local folder, and a bucket on a real S3-compatible server."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.storage import LocalStorage, S3Storage, blurred_key, clean_key, storage_from_url
from tests.fieldwork import NUTELLA, on_site, photo_bytes, upload


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


def test_storage_check_finds_missing_and_orphan_objects_and_makes_missing_blurred_copies(
    app, client, runner, connection, tmp_path, monkeypatch
):
    storage = LocalStorage(tmp_path / "photos")
    monkeypatch.setattr(app.extensions[EXTENSION], "storage", storage)
    worker, task = on_site(client)
    plain = upload(client, worker, task["id"], "check-key-1", photo_bytes(seed=1), gtin=NUTELLA).json["id"]
    hidden = upload(client, worker, task["id"], "check-key-2", photo_bytes(seed=2), gtin=NUTELLA, sensitive="true")
    first = runner.invoke(args=["storage", "check"])
    assert first.exit_code == 0, first.output
    assert "checked 2 photo(s) and 5 object(s): 0 missing, 0 orphan(s)" in first.output
    sha = dict(connection.execute(text("SELECT id::text, sha256 FROM photos")).all())
    (storage.root / clean_key(sha[plain])).unlink()  # lost
    (storage.root / blurred_key(sha[hidden.json["id"]])).unlink()  # as if stored before blurred copies were
    storage.put("photos/clean/00/0000.jpg", b"left by a refused upload")
    broken = runner.invoke(args=["storage", "check", "--repair"])
    assert broken.exit_code == 1
    assert f"MISSING {plain}: {clean_key(sha[plain])}" in broken.output
    assert "ORPHAN photos/clean/00/0000.jpg" in broken.output
    assert "1 missing, 1 orphan(s)" in broken.output and "1 blurred copy(ies) made, 0 still" in broken.output
    assert storage.exists(blurred_key(sha[hidden.json["id"]]))


def test_storage_copy_fills_a_bucket_from_a_folder_and_resumes_where_it_stopped(
    app, client, runner, s3, tmp_path, monkeypatch
):
    res = app.extensions[EXTENSION]
    folder = LocalStorage(tmp_path / "photos")
    monkeypatch.setattr(res, "storage", folder)
    worker, task = on_site(client)
    for seed in (1, 2, 3):
        upload(client, worker, task["id"], f"copy-key-{seed}", photo_bytes(seed=seed), gtin=NUTELLA)
    bucket = S3Storage(s3.client(), s3.new_bucket(), "paris")
    already = sorted(folder.keys("photos/"))[0]
    bucket.put(already, folder.get(already))  # a first run stopped after one object
    monkeypatch.setattr(res, "storage", bucket)
    copied = runner.invoke(args=["storage", "copy", "--from", folder.root.as_uri()])
    assert copied.exit_code == 0, copied.output
    assert "copied 5 object(s); 1 were already there; 0 failed" in copied.output
    assert sorted(bucket.keys("photos/")) == sorted(folder.keys("photos/"))
    checked = runner.invoke(args=["storage", "check"])
    assert checked.exit_code == 0 and "3 photo(s) and 6 object(s): 0 missing, 0 orphan(s)" in checked.output
    wrong = runner.invoke(args=["storage", "copy", "--from", "photos"])
    assert wrong.exit_code == 2 and "must be file:///a/folder" in wrong.output
