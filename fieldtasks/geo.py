"""Geography helpers: pure, in metres and degrees (WGS 84)."""

from __future__ import annotations

import math

SRID = 4326
MERCATOR_SRID = 3857
MERCATOR_MAX_LAT = 85
VEHICLE_GEOFENCE_M = 50  # a vehicle is found by its code; its reported position is not precise


def is_valid_coordinate(lat: float, lon: float) -> bool:
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def point_wkt(lat: float, lon: float) -> str:
    """EWKT for a point; PostGIS takes longitude first."""
    return f"SRID={SRID};POINT({lon} {lat})"


MAX_PLAUSIBLE_SPEED_KMH = 150.0


def implied_speed_kmh(distance_m: float, seconds: float, accuracy_m: float) -> float:
    """The speed needed between two fixes, giving the benefit of both fixes' stated accuracy."""
    travelled = max(0.0, distance_m - accuracy_m)
    if travelled == 0.0:
        return 0.0
    return travelled / max(seconds, 1.0) * 3.6


FIX_TOLERANCE_M = 25.0  # beyond a geofence, what a good fix's own error may still reach


def allowed_checkin_distance_m(geofence_m: float, accuracy_m: float) -> float:
    """How far from the place a fix may be: its whole accuracy circle inside the geofence plus a small
    tolerance. A vague fix (900 m in a 100 m geofence) proves nothing, wherever its centre falls."""
    return geofence_m + FIX_TOLERANCE_M - max(accuracy_m, 0.0)


def mercator_search_radius(lat: float, radius_m: float) -> float:
    """Web Mercator units that cover `radius_m` metres around latitude `lat`, wherever in the circle.

    Mercator stretches distances by 1/cos(latitude), more towards the poles, so the stretch is
    taken at the circle's edge nearest a pole; the exact test in metres runs after this box.
    """
    edge = min(abs(lat) + radius_m / 111_000, MERCATOR_MAX_LAT)
    return radius_m / math.cos(math.radians(edge))
