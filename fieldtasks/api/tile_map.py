"""A small map for a page without a mapping library: the 3 x 3 web-map tiles around a point, and where other points
fall on them (in percent of the map's side, for CSS). The tile server is configuration (MAP_TILE_URL); when its
tiles cannot load, the page still lists the places with their distances."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from fieldtasks.geo import MERCATOR_MAX_LAT

TILE = 256
ZOOM = 15  # about 5 m a pixel in Paris: a neighbourhood on a phone's screen
SPAN = 3  # tiles a side


@dataclass(frozen=True)
class TileMap:
    tiles: list[tuple[str, float, float]]  # (url, left %, top %)
    pins: list[tuple[int, float, float]]  # (number in the list, left %, top %), the points inside the map
    here: tuple[float, float]  # the phone, (left %, top %)


def tile_origin(url_template: str) -> str:
    """The tile server's origin, the one other place a page with a map loads images from ("" without a map)."""
    parts = urlsplit(url_template)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _pixel(lat: float, lon: float, zoom: int = ZOOM) -> tuple[float, float]:
    """Web Mercator pixel coordinates at `zoom` (the world is 2^zoom tiles a side)."""
    scale = TILE * 2**zoom
    lat = max(min(lat, MERCATOR_MAX_LAT), -MERCATOR_MAX_LAT)
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    return x, y


def zoom_to_fit(points: list[tuple[float, float]], most: int = ZOOM) -> int:
    """The closest zoom (at most `most`) at which every point fits in the map's middle, around their centre."""
    for zoom in range(most, 0, -1):
        xs, ys = zip(*(_pixel(lat, lon, zoom) for lat, lon in points), strict=True)
        if max(xs) - min(xs) <= TILE * (SPAN - 1) and max(ys) - min(ys) <= TILE * (SPAN - 1):
            return zoom
    return 0


def tile_map(
    url_template: str, centre: tuple[float, float], points: list[tuple[float, float]], zoom: int = ZOOM
) -> TileMap:
    cx, cy = _pixel(*centre, zoom)
    first_x, first_y = math.floor(cx / TILE) - SPAN // 2, math.floor(cy / TILE) - SPAN // 2
    side = TILE * SPAN
    tiles = [
        (url_template.format(z=zoom, x=first_x + dx, y=first_y + dy), 100 * dx / SPAN, 100 * dy / SPAN)
        for dy in range(SPAN)
        for dx in range(SPAN)
    ]

    def percent(x: float, y: float) -> tuple[float, float]:
        return 100 * (x - first_x * TILE) / side, 100 * (y - first_y * TILE) / side

    pins = []
    for number, point in enumerate(points, start=1):
        left, top = percent(*_pixel(*point, zoom))
        if 0 <= left <= 100 and 0 <= top <= 100:
            pins.append((number, round(left, 2), round(top, 2)))
    here = percent(cx, cy)
    return TileMap(tiles, pins, (round(here[0], 2), round(here[1], 2)))


def fitted_map(url_template: str, points: list[tuple[float, float]]) -> TileMap:
    """A map centred on the points' box, at the closest zoom that shows them all (a client's stores)."""
    lats, lons = [lat for lat, _ in points], [lon for _, lon in points]
    centre = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    return tile_map(url_template, centre, points, zoom=zoom_to_fit(points))
