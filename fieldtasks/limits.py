"""Brute-force limits on signing in, signing up and refreshing tokens: per address, and per account for refused
sign-ins, counted in the Redis the service already runs (the `limits` library, a moving window). Over a limit:
429 `rate_limited` with Retry-After. If Redis is down, nobody is limited rather than everybody refused.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from fieldtasks.config import Config
from fieldtasks.errors import AuthenticationError, TooManyRequestsError

T = TypeVar("T")
# What a 429 carries in the OpenAPI document, on the operations limited here.
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}}


@dataclass(frozen=True)
class AuthLimits:
    limiter: MovingWindowRateLimiter | None  # None: limits are off
    per_address: list[RateLimitItem]
    per_account: list[RateLimitItem]
    prefix: str

    def check_address(self, action: str, address: str | None) -> None:
        """Count this attempt from this address; refuse it over the limit."""
        self._hit(self.per_address, action, address or "unknown")

    @contextmanager
    def account(self, email: str) -> Iterator[None]:
        """Refuse a sign-in for an account with too many refused ones; count this one if it is refused."""
        who = email.strip().lower()[:254]
        self._over(self.per_account, "account", who)
        try:
            yield
        except AuthenticationError:
            self._hit(self.per_account, "account", who)
            raise

    def _hit(self, items: list[RateLimitItem], *keys: str) -> None:
        for item in items:
            if not self._safely(lambda item=item: self.limiter.hit(item, self.prefix, *keys), default=True):
                self._refuse(item, keys)

    def _over(self, items: list[RateLimitItem], *keys: str) -> None:
        for item in items:
            if not self._safely(lambda item=item: self.limiter.test(item, self.prefix, *keys), default=True):
                self._refuse(item, keys)

    def _refuse(self, item: RateLimitItem, keys: tuple[str, ...]) -> None:
        stats = self._safely(lambda: self.limiter.get_window_stats(item, self.prefix, *keys), default=None)
        wait = max(1, math.ceil(stats.reset_time - time.time())) if stats else item.get_expiry()
        raise TooManyRequestsError(f"Too many attempts; try again in {wait} s.", retry_after=wait)

    def _safely(self, call: Callable[[], T], *, default: T) -> T:
        if self.limiter is None:
            return default
        try:
            return call()
        except RedisError:
            return default


def build_auth_limits(config: Config) -> AuthLimits:
    """Nothing connects until the first attempt."""
    limiter = MovingWindowRateLimiter(RedisStorage(config.redis_url)) if config.rate_limits_enabled else None
    return AuthLimits(
        limiter, parse_many(config.auth_limit_per_address), parse_many(config.auth_limit_per_account),
        config.rate_limit_prefix,
    )  # fmt: skip
