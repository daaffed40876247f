"""Store lists from clients' files (CSV or GeoJSON points), checked row by row: pure, no I/O.

A bad row never spoils the file: it is reported with its line, field and reason, and the good
rows go on. Spreadsheets exported in French (`;` separator, decimal commas, Windows-1252) are read too.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fieldtasks.geo import is_valid_coordinate
from fieldtasks.i18n import N_, Sentence

MIN_GEOFENCE_M = 50
MAX_GEOFENCE_M = 5000
DEFAULT_GEOFENCE_M = 100
CSV_COLUMNS = ("name", "address", "lat", "lon", "geofence_m", "store_ref", "osm_type", "osm_id")
MAX_STORE_REF = 100
OSM_TYPES = ("NODE", "WAY", "RELATION")  # as Open Prices writes them


@dataclass(frozen=True)
class StoreRow:
    line: int
    name: str
    address: str
    lat: float
    lon: float
    geofence_m: int
    store_ref: str | None = None  # the client's own identifier of the store
    osm_type: str | None = None  # with osm_id: the store's OpenStreetMap element
    osm_id: int | None = None


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str


class UnreadableFileError(ValueError):
    """The file as a whole cannot be read (not CSV, not GeoJSON, no usable header)."""


def check_store(line: int, values: Mapping[str, Any], decimal_comma: bool = False) -> StoreRow | RowError:
    """One store's values, checked: the first problem found is the row's error."""
    name = str(values.get("name") or "").strip()
    if not name:
        return RowError(line, "name", N_("is empty"))
    if len(name) > 200:
        return RowError(line, "name", N_("is longer than 200 characters"))
    address = str(values.get("address") or "").strip()[:500]
    coordinates = {}
    for field in ("lat", "lon"):
        number = _number(values.get(field), decimal_comma)
        if number is None:
            return RowError(line, field, N_("is not a number"))
        coordinates[field] = number
    if not is_valid_coordinate(coordinates["lat"], coordinates["lon"]):
        field = "lat" if not -90 <= coordinates["lat"] <= 90 else "lon"
        return RowError(line, field, N_("is out of range (lat -90..90, lon -180..180)"))
    geofence = values.get("geofence_m")
    if geofence in (None, ""):
        geofence_m = DEFAULT_GEOFENCE_M
    else:
        number = _number(geofence, decimal_comma)
        if number is None or number != int(number):
            return RowError(line, "geofence_m", N_("is not a whole number of metres"))
        geofence_m = int(number)
        if not MIN_GEOFENCE_M <= geofence_m <= MAX_GEOFENCE_M:
            return RowError(
            line, "geofence_m",
            Sentence("must be between {low} and {high} metres", low=MIN_GEOFENCE_M, high=MAX_GEOFENCE_M),
        )  # fmt: skip
    references = _references(line, values)
    if isinstance(references, RowError):
        return references
    return StoreRow(line, name, address, coordinates["lat"], coordinates["lon"], geofence_m, *references)


def _references(line: int, values: Mapping[str, Any]) -> tuple[str | None, str | None, int | None] | RowError:
    """The client's store_ref, and the OpenStreetMap element (osm_type and osm_id, both or neither)."""
    store_ref = str(values.get("store_ref") or "").strip() or None
    if store_ref and len(store_ref) > MAX_STORE_REF:
        return RowError(line, "store_ref", Sentence("is longer than {most} characters", most=MAX_STORE_REF))
    osm_type = str(values.get("osm_type") or "").strip().upper() or None
    raw_id = values.get("osm_id")
    if osm_type is None and raw_id in (None, ""):
        return store_ref, None, None
    if osm_type not in OSM_TYPES:
        return RowError(line, "osm_type", N_("must be NODE, WAY or RELATION (with an osm_id)"))
    number = _number(raw_id, decimal_comma=False)
    if number is None or number != int(number) or not 0 < number < 2**63:
        return RowError(line, "osm_id", N_("must be the OpenStreetMap element's number (with an osm_type)"))
    return store_ref, osm_type, int(number)


def _number(value: Any, decimal_comma: bool) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if decimal_comma:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


MAX_STORES = 5000  # per file or request: a larger list is refused before any row is checked


def parse_stores(data: bytes, media_type: str) -> tuple[list[StoreRow], list[RowError]]:
    """Rows and per-row errors from a CSV or GeoJSON file; UnreadableFileError if neither, or if it holds more
    than MAX_STORES stores (counted before any row is read)."""
    if media_type in ("application/geo+json", "application/json"):
        return _parse_geojson(data)
    if media_type in ("text/csv", "application/csv", "text/plain"):
        return _parse_csv(data)
    raise UnreadableFileError("send text/csv or application/geo+json")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _parse_csv(data: bytes) -> tuple[list[StoreRow], list[RowError]]:
    if data.count(b"\n") > MAX_STORES + 1:  # cheap: before decoding or parsing anything
        raise _too_many()
    text = _decode(data)
    if not text.strip():
        raise UnreadableFileError("the file is empty")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [cell.strip().lower() for cell in records[0]]
    has_header = "name" in header
    columns = header if has_header else list(CSV_COLUMNS)
    missing = {"name", "lat", "lon"} - set(columns)
    if missing:
        raise UnreadableFileError(f"the header lacks the column(s) {', '.join(sorted(missing))}")
    rows, errors = [], []
    for index, record in enumerate(records[1:] if has_header else records, start=2 if has_header else 1):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(columns):
            errors.append(
                RowError(
                    index,
                    "row",
                    Sentence("has {count} columns, expected at most {most}", count=len(record), most=len(columns)),
                )
            )
            continue
        result = check_store(index, dict(zip(columns, record, strict=False)), decimal_comma=delimiter == ";")
        (errors if isinstance(result, RowError) else rows).append(result)
    return rows, errors


def _parse_geojson(data: bytes) -> tuple[list[StoreRow], list[RowError]]:
    try:
        document = json.loads(_decode(data))
    except json.JSONDecodeError as error:
        raise UnreadableFileError(f"not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise UnreadableFileError("expected a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise UnreadableFileError("the FeatureCollection has no features list")
    if len(features) > MAX_STORES:
        raise _too_many()
    rows, errors = [], []
    for index, feature in enumerate(features, start=1):
        result = _feature_store(index, feature)
        (errors if isinstance(result, RowError) else rows).append(result)
    return rows, errors


def _too_many() -> UnreadableFileError:
    return UnreadableFileError(f"more than {MAX_STORES} stores in one file; split it")


def _feature_store(index: int, feature: Any) -> StoreRow | RowError:
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return RowError(index, "geometry", N_("is not a Point"))
    position = geometry.get("coordinates")
    if not isinstance(position, list) or len(position) < 2:
        return RowError(index, "geometry", N_("has no [longitude, latitude] coordinates"))
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return RowError(index, "properties", N_("is not an object"))
    return check_store(index, {**properties, "lon": position[0], "lat": position[1]})


def duplicate_key(row: StoreRow) -> tuple[str, str]:
    """Two rows are the same store when name and address match, ignoring case."""
    return row.name.casefold(), row.address.casefold()
