"""Every price format of French shelf labels the grammar knows."""

import pytest

from fieldtasks.ocr.grammar import parse_prices, parse_promotions, unit_price_agrees


@pytest.mark.parametrize(
    ("text", "cents"),
    [("2,49 €", 249), ("2,49€", 249), ("2.49", 249), ("2€49", 249), ("€ 2,49", 249), ("EUR 12,05", 1205), ("3 €", 300)],
)
def test_shelf_prices(text, cents):
    [price] = parse_prices(text)
    assert (price.amount_cents, price.kind, price.unit) == (cents, "price", None)


@pytest.mark.parametrize(
    ("text", "cents", "unit"),
    [
        ("13,24 € / kg", 1324, "kg"),
        ("13,24€/KG", 1324, "kg"),
        ("1,32 €/L", 132, "l"),
        ("le kg : 13,24 €", 1324, "kg"),
        ("Prix au kg 9,96 €", 996, "kg"),
        ("0,50 € la pièce", 50, "unit"),
        ("Prix/kg 13,24 €", 1324, "kg"),
        ("€/kg : 13,24", 1324, "kg"),
        ("Pr/kg 84,84", 8484, "kg"),
        ("/l 2.05", 205, "l"),
    ],
)
def test_unit_prices(text, cents, unit):
    [price] = parse_prices(text)
    assert (price.amount_cents, price.kind, price.unit) == (cents, "unit_price", unit)


def test_a_label_line_with_both():
    prices = parse_prices("Nutella 400 g 3,31 € soit 8,28 €/kg")
    assert [(p.amount_cents, p.kind) for p in prices] == [(331, "price"), (828, "unit_price")]


def test_bare_numbers_are_not_prices():
    assert parse_prices("400 g lot de 6") == []


def test_promotions():
    assert [(p.percent, p.on_item) for p in parse_promotions("-30%")] == [(30, None)]
    assert [(p.percent, p.on_item) for p in parse_promotions("2e à -50 %")] == [(50, 2)]
    assert [(p.percent, p.on_item) for p in parse_promotions("2ème à -60%")] == [(60, 2)]


def test_unit_price_cross_check():
    assert unit_price_agrees(331, 828, 0.4)  # 8,28 €/kg x 400 g = 3,31 €
    assert not unit_price_agrees(331, 1324, 0.4)
