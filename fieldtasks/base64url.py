"""Unpadded base64url (RFC 4648 section 5, as JWS and our cursors write it), in both directions."""

from __future__ import annotations

import base64


def encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def decode(text: str) -> bytes:
    """The bytes of an unpadded (or padded) base64url text; ValueError (binascii.Error) when it is not one."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
