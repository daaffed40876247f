"""Probes: /healthz is always up; /readyz names the dependency that is down."""

import shutil
import subprocess

import pytest
from sqlalchemy import text

from fieldtasks import create_app
from fieldtasks.api.context import EXTENSION
from fieldtasks.storage import S3Storage
from tests.conftest import make_environ
from tests.fieldwork import NUTELLA, on_site, photo_bytes, upload
from tests.servers import free_port, wait_until_listening
from tests.storage_server import s3_server


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own, so that stopping it disturbs nobody."""
    port = free_port()
    server = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until_listening(port, server, "redis-server")
    yield server, f"redis://127.0.0.1:{port}/0"
    server.kill()
    server.wait()
    server.stderr.close()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_when_everything_is_up(client, redis):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"}


def test_readyz_reports_a_stopped_redis(private_redis, database_url, tmp_path):
    server, url = private_redis
    client = create_app(make_environ(REDIS_URL=url, STORAGE_DIR=str(tmp_path))).test_client()
    assert client.get("/readyz").status_code == 200
    server.terminate()
    server.wait()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["code"] == "not_ready"
    assert set(response.json["errors"]) == {"redis"}
    assert response.json["errors"]["redis"].startswith("unreachable")


def test_readyz_reports_an_unreachable_database(tmp_path, redis):
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
    client = create_app(make_environ(DATABASE_URL=url, STORAGE_DIR=str(tmp_path))).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert set(response.json["errors"]) == {"database"}


def test_a_request_needing_a_dead_database_is_a_503(tmp_path):
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
    client = create_app(make_environ(DATABASE_URL=url, STORAGE_DIR=str(tmp_path))).test_client()
    response = client.post("/auth/token", json={"email": "a@b.org", "password": "whatever"})
    assert response.status_code == 503
    assert response.json["code"] == "backend_unavailable"


def test_readyz_checks_the_bucket_on_s3(s3, redis):
    ready = create_app(make_environ(STORAGE_URL=f"s3://{s3.new_bucket()}/photos")).test_client().get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"]["storage"] == "ok"
    missing = create_app(make_environ(STORAGE_URL="s3://no-such-bucket/photos")).test_client().get("/readyz")
    assert missing.status_code == 503 and set(missing.json["errors"]) == {"storage"}
    assert "no-such-bucket" in missing.json["errors"]["storage"]


def test_an_upload_while_the_bucket_is_unreachable_is_a_503_and_its_retry_lands(client, app, tmp_path, monkeypatch):
    worker, task = on_site(client)
    res = app.extensions[EXTENSION]
    with s3_server(tmp_path) as server:
        bucket = server.new_bucket()
        storage = S3Storage(server.client(), bucket)
        monkeypatch.setattr(res, "storage", storage)
        probe = upload(client, worker, task["id"], "while-down-1", photo_bytes(seed=1), gtin=NUTELLA)
        assert probe.status_code == 201  # the server answers: a photo lands
    down = upload(client, worker, task["id"], "while-down-2", photo_bytes(seed=2), gtin=NUTELLA)
    assert down.status_code == 503 and down.json["code"] == "backend_unavailable"
    with s3_server(tmp_path) as again:  # the same folder: the same bucket, back
        monkeypatch.setattr(res, "storage", S3Storage(again.client(), bucket))
        retry = upload(client, worker, task["id"], "while-down-2", photo_bytes(seed=2), gtin=NUTELLA)
        assert retry.status_code == 201 and storage.bucket == bucket


def test_a_request_finding_every_pooled_connection_busy_waits_then_gets_a_503(tmp_path):
    pool = {"DB_POOL_SIZE": "1", "DB_MAX_OVERFLOW": "0", "DB_POOL_TIMEOUT_S": "1"}
    app = create_app({**make_environ(STORAGE_DIR=str(tmp_path)), **pool})
    with app.extensions[EXTENSION].database.unit_of_work() as session:
        session.execute(text("SELECT 1"))  # holds the pool's only connection
        response = app.test_client().post("/auth/token", json={"email": "a@b.org", "password": "whatever"})
    assert response.status_code == 503 and response.json["code"] == "backend_unavailable"
