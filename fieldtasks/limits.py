"""Brute-force limits on signing in, signing up and refreshing tokens: per address, and per account for refused
sign-ins, counted in the Redis the service already runs (the `limits` library, a moving window). Over a limit:
429 `rate_limited` with Retry-After. If Redis is down, nobody is limited rather than everybody refused.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from fieldtasks.config import Config
from fieldtasks.errors import AuthenticationError, TooManyRequestsError
from fieldtasks.i18n import Sentence

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
        self._enforce(self.per_address, (action, address or "unknown"), count=True)

    @contextmanager
    def account(self, email: str) -> Iterator[None]:
        """Refuse a sign-in for an account with too many refused ones; count this one if it is refused."""
        who = email.strip().lower()[:254]
        self._enforce(self.per_account, ("account", who), count=False)
        try:
            yield
        except AuthenticationError:
            self._enforce(self.per_account, ("account", who), count=True)
            raise

    def _enforce(self, items: list[RateLimitItem], keys: tuple[str, ...], *, count: bool) -> None:
        """Refuse an attempt over any of the limits; `count` records it too. Without Redis, nothing is enforced."""
        if self.limiter is None:
            return
        try:
            for item in items:
                check = self.limiter.hit if count else self.limiter.test
                if not check(item, self.prefix, *keys):
                    stats = self.limiter.get_window_stats(item, self.prefix, *keys)
                    wait = max(1, math.ceil(stats.reset_time - time.time()))
                    raise TooManyRequestsError(
                        Sentence("Too many attempts; try again in {wait} s.", wait=wait), retry_after=wait
                    )
        except RedisError:
            return


def build_auth_limits(config: Config) -> AuthLimits:
    """Nothing connects until the first attempt."""
    limiter = MovingWindowRateLimiter(RedisStorage(config.redis_url)) if config.rate_limits_enabled else None
    return AuthLimits(
        limiter, parse_many(config.auth_limit_per_address), parse_many(config.auth_limit_per_account),
        config.rate_limit_prefix,
    )  # fmt: skip
