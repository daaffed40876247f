"""What people type into the pages' forms, read the way they write it, and money written the way they read it."""

from __future__ import annotations


def price_cents(raw: str) -> int | None:
    """A price as someone types it off a label: 3,49 or 3.49 or 3,49 € (None when left empty); ValueError else."""
    raw = raw.strip().replace(",", ".").replace("€", "").strip()
    if not raw:
        return None
    cents = round(float(raw) * 100)
    if not 0 < cents < 10_000_000:
        raise ValueError(raw)
    return cents


def money(cents: int | None, currency: str) -> str:
    """Cents as a page shows them: 3.49 EUR (nothing for None)."""
    return "" if cents is None else f"{cents / 100:.2f} {currency}"
