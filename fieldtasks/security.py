"""Password hashing (argon2), short-lived access tokens (JWT, HS256), signed photo links and signed work records
(Ed25519)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import jwt
import rfc8785
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldtasks import base64url
from fieldtasks.errors import AuthenticationError
from fieldtasks.i18n import N_

_ALGORITHM = "HS256"
_AUDIENCE = "fieldtasks-api"


class Passwords:
    """argon2id hashing; tests use the cheapest profile so a suite of many sign-ups stays fast."""

    def __init__(self, *, cheap: bool = False):
        self._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST) if cheap else PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        # Verified when the email is unknown, so that such a login costs as much as a wrong password.
        return self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when `password` matches; always spends one argon2 verification."""
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False


def new_opaque_token() -> tuple[str, str]:
    """A random token for the client and the SHA-256 hex digest the database keeps."""
    token = secrets.token_urlsafe(32)
    return token, hash_opaque_token(token)


def hash_opaque_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class AccessClaims:
    """Who a valid access token speaks for."""

    user_id: uuid.UUID
    role: str
    organization_id: uuid.UUID | None
    expires_at: datetime
    api_key_id: uuid.UUID | None = None  # set when the caller is a client's server, with an API key


class AccessTokens:
    """Issues and checks the bearer tokens the API accepts."""

    def __init__(self, secret: str, ttl: timedelta):
        self._secret = secret
        self.ttl = ttl

    def issue(
        self, *, user_id: uuid.UUID, role: str, organization_id: uuid.UUID | None, now: datetime
    ) -> tuple[str, datetime]:
        expires_at = now + self.ttl
        claims = {
            "sub": str(user_id),
            "role": role,
            "org": str(organization_id) if organization_id else None,
            "aud": _AUDIENCE,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM), expires_at

    def decode(self, token: str, *, now: datetime) -> AccessClaims:
        """Check signature, audience and expiry against `now`; raise AuthenticationError with a precise code."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                audience=_AUDIENCE,
                options={"require": ["sub", "exp", "iat", "aud"], "verify_exp": False, "verify_iat": False},
            )
            expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo)
            user_id = uuid.UUID(claims["sub"])
            organization_id = uuid.UUID(claims["org"]) if claims.get("org") else None
        except (jwt.InvalidTokenError, ValueError, TypeError):
            raise AuthenticationError("The access token is not valid.", code="invalid_token") from None
        if expires_at <= now:
            raise AuthenticationError("The access token has expired; refresh it.", code="token_expired")
        return AccessClaims(user_id, str(claims.get("role", "")), organization_id, expires_at)


class PhotoLinks:
    """Time-limited links to a photo's EXIF-free copy, signed so that they need no account to open."""

    def __init__(self, secret: str, ttl: timedelta):
        self._key = hashlib.sha256(b"photo-links:" + secret.encode()).digest()
        self.ttl = ttl

    def _signature(self, photo_id: str, view: str, expires: int) -> str:
        return hmac.new(self._key, f"{photo_id}:{view}:{expires}".encode(), hashlib.sha256).hexdigest()

    def sign(self, photo_id: uuid.UUID, *, now: datetime, view: str = "clean") -> tuple[int, str]:
        """A link to the `clean` copy, or the `blurred` one; the view is part of what is signed."""
        expires = int((now + self.ttl).timestamp())
        return expires, self._signature(str(photo_id), view, expires)

    def is_valid(
        self, photo_id: uuid.UUID, expires: int, signature: str, *, now: datetime, view: str = "clean"
    ) -> bool:
        expected = self._signature(str(photo_id), view, expires)
        given = signature.encode("utf-8", "replace")  # compared as bytes: any text is merely wrong, never an error
        return hmac.compare_digest(expected.encode(), given) and now.timestamp() < expires


def canonical_json(value: Any) -> bytes:
    """The bytes a signature covers: the JSON Canonicalization Scheme (RFC 8785), which any language rebuilds
    from the parsed document (JavaScript: the `canonicalize` package, or JSON.stringify with sorted keys)."""
    return rfc8785.dumps(value)


def _legacy_canonical_json(value: Any) -> bytes:
    """What records of format 1 were signed over: Python's json with sorted keys (kept to verify them)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


LEGACY_FORMAT = "fieldtasks.work-record/1"


class RecordSigner:
    """Signs work records with the platform's Ed25519 key; anyone can check them with the public key."""

    ALGORITHM = "Ed25519"

    def __init__(self, seed: bytes):
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        self._public = self._private.public_key()
        self.public_bytes = self._public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.key_id = hashlib.sha256(self.public_bytes).hexdigest()[:16]

    @classmethod
    def from_secret(cls, secret: str) -> RecordSigner:
        """A key derived from the app's secret, when no WORK_RECORD_SIGNING_KEY is configured."""
        return cls(hashlib.sha256(b"work-records:" + secret.encode()).digest())

    def sign(self, record: dict[str, Any]) -> dict[str, Any]:
        signature = self._private.sign(canonical_json(record))
        return {
            "record": record,
            "signature": {"alg": self.ALGORITHM, "key_id": self.key_id, "value": base64url.encode(signature)},
        }

    def verify(self, document: Any) -> str | None:
        """None when the document is a record this key signed, unchanged; otherwise why not."""
        if not isinstance(document, dict) or not isinstance(document.get("record"), dict):
            return N_("Not a work record: a JSON file with a record and its signature was expected.")
        signature = document.get("signature")
        if not isinstance(signature, dict) or signature.get("alg") != self.ALGORITHM:
            return N_("The record carries no Ed25519 signature.")
        if signature.get("key_id") != self.key_id:
            return N_("The record is signed with another key than this platform's.")
        record = document["record"]
        signed = _legacy_canonical_json if record.get("format") == LEGACY_FORMAT else canonical_json
        try:
            self._public.verify(base64url.decode(str(signature.get("value", ""))), signed(record))
        except (InvalidSignature, ValueError, rfc8785.CanonicalizationError):
            return N_("The signature does not match the record: it was changed, or not signed by this platform.")
        return None

    def public_jwk(self) -> dict[str, str]:
        """The public key as a JSON Web Key (RFC 8037), for anyone who checks records offline."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": base64url.encode(self.public_bytes),
            "kid": self.key_id,
            "use": "sig",
        }
