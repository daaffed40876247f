"""Product identifiers and net quantities: pure functions, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from fieldtasks.i18n import N_, Sentence


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for the digits before it (weights 3,1,3,... from the right)."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalize_gtin(raw: str) -> str:
    """An EAN-13, EAN-8 or UPC-A code with a correct check digit, in the form scanners report.

    UPC-A (12 digits) becomes the EAN-13 with a leading 0, which is how zbar and shelf systems
    report it, so that one product always has one key. Raises ValueError with the reason.
    """
    digits = raw.strip().replace(" ", "").replace("-", "")
    if not digits.isdigit():
        raise ValueError(N_("must contain only digits"))
    if len(digits) not in (8, 12, 13):
        raise ValueError(N_("must have 8 (EAN-8), 12 (UPC-A) or 13 (EAN-13) digits"))
    if gtin_check_digit(digits[:-1]) != int(digits[-1]):
        raise ValueError(Sentence("check digit should be {digit}", digit=gtin_check_digit(digits[:-1])))
    return "0" + digits if len(digits) == 12 else digits


# Units a shelf label's unit price is expressed in, and how to reach them.
_UNITS = {
    "g": ("kg", Decimal("0.001")),
    "kg": ("kg", Decimal(1)),
    "mg": ("kg", Decimal("0.000001")),
    "ml": ("l", Decimal("0.001")),
    "cl": ("l", Decimal("0.01")),
    "dl": ("l", Decimal("0.1")),
    "l": ("l", Decimal(1)),
    "x": ("unit", Decimal(1)),
    "pcs": ("unit", Decimal(1)),
    "unit": ("unit", Decimal(1)),
    "units": ("unit", Decimal(1)),
}
_QUANTITY = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([a-zA-Z]+)\s*$")


@dataclass(frozen=True)
class NetQuantity:
    """A net quantity in the base unit of its unit price: kilograms, litres or units."""

    amount: Decimal
    unit: str  # "kg", "l" or "unit"


def parse_net_quantity(raw: str) -> NetQuantity:
    """'250 g' -> 0.25 kg, '1,5 L' -> 1.5 l, '6 x' -> 6 units. Raises ValueError."""
    match = _QUANTITY.match(raw)
    if not match:
        raise ValueError(N_("write it as a number and a unit, like '250 g', '1 L' or '6 x'"))
    number, unit = match.groups()
    if unit.lower() not in _UNITS:
        raise ValueError(Sentence("unknown unit {unit!r}; use g, kg, ml, cl, l or x", unit=unit))
    base, factor = _UNITS[unit.lower()]
    try:
        amount = Decimal(number.replace(",", ".")) * factor
    except InvalidOperation:
        raise ValueError(N_("is not a number")) from None
    if amount <= 0:
        raise ValueError(N_("must be more than zero"))
    return NetQuantity(amount.normalize(), base)
