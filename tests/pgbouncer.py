"""A real PgBouncer (Debian's `pgbouncer`, which `make test` installs) in transaction pooling mode, in front of the
test database, on a free port: what README's "How it scales out" advises in front of PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.servers import free_port, wait_until_listening

SERVER_CONNECTIONS = 4  # per database and user: PgBouncer's default_pool_size


@contextlib.contextmanager
def pgbouncer(database_url: str) -> Iterator[str]:
    """Yields the database URL through PgBouncer (transaction pooling, SERVER_CONNECTIONS connections). Its files
    are in a folder of /tmp (pytest's are private to root, and PgBouncer runs as `postgres`)."""
    url, port = make_url(database_url), free_port()
    folder = Path(tempfile.mkdtemp(prefix="fieldtasks-pgbouncer-"))
    (folder / "users.txt").write_text(f'"{url.username}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n{url.database} = host={url.host} port={url.port} dbname={url.database}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder}/users.txt\npool_mode = transaction\n"
        f"default_pool_size = {SERVER_CONNECTIONS}\nmax_client_conn = 500\n"
        f"logfile = {folder}/pgbouncer.log\npidfile = {folder}/pgbouncer.pid\n"
    )
    command = [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root: as PostgreSQL's own user, then
        shutil.chown(folder, "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_listening(port, process, "pgbouncer")
        yield url.set(port=port).render_as_string(hide_password=False)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
        shutil.rmtree(folder, ignore_errors=True)
