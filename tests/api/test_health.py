"""Probes: /healthz is always up; /readyz names the dependency that is down."""

import shutil
import socket
import subprocess
import time

import pytest
from redis import Redis

from fieldtasks import create_app
from tests.conftest import make_environ


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own, so that stopping it disturbs nobody."""
    port = free_port()
    server = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    probe = Redis(port=port)
    for _ in range(100):
        try:
            probe.ping()
            break
        except Exception:
            time.sleep(0.05)
    yield server, f"redis://127.0.0.1:{port}/0"
    server.kill()
    server.wait()


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
