"""Product codes as scanners report them, brought to one canonical GTIN (pure)."""

from __future__ import annotations

from fieldtasks.products import gtin_check_digit


def expand_upce(code: str) -> str:
    """UPC-E (8 digits: number system, 6 digits, check) to its 12-digit UPC-A."""
    if len(code) != 8 or not code.isdigit() or code[0] not in "01":
        raise ValueError(f"not a UPC-E code: {code!r}")
    system, d, check = code[0], code[1:7], code[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return system + body + check


def canonical_gtin(data: str, symbology: str) -> str | None:
    """The GTIN a read stands for (EAN-13 or EAN-8), or None when its check digit is wrong."""
    digits = data.strip()
    if not digits.isdigit():
        return None
    if symbology == "upce" and len(digits) == 8:  # some decoders report UPC-E already expanded
        try:
            digits = expand_upce(digits)
        except ValueError:
            return None
    if len(digits) == 12:
        digits = "0" + digits
    if len(digits) not in (8, 13) or gtin_check_digit(digits[:-1]) != int(digits[-1]):
        return None
    return digits
