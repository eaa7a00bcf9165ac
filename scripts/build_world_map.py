"""Build ``src/covered/web/static/world.json``, the offline world map of the web dashboard.

Input is the Natural Earth "Admin 0 - Countries" 1:110m shapefile (public domain). The copy used so far is
the ``naturalearth_lowres`` dataset shipped inside the geopandas 0.14.4 wheel on PyPI::

    pip download geopandas==0.14.4 --no-deps -d /tmp/ne
    cd /tmp/ne && unzip geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/naturalearth_lowres/*'
    python scripts/build_world_map.py /tmp/ne/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp

The shapefile (.shp + .dbf, optional .cpg) is read by the small parser below, so the script needs nothing
beyond the standard library and pycountry (a dependency of covered already). Each country becomes one SVG
path in an equirectangular projection, x = (lon + 180) * 1000/360, y = (90 - lat) * 500/180, keyed by its
ISO 3166-1 alpha-2 code. Antarctica is left out and the viewBox is cropped to the remaining land.
"""

from __future__ import annotations

import argparse
import codecs
import json
import math
import struct
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycountry

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "src" / "covered" / "web" / "static" / "world.json"
DEFAULT_SOURCE = (
    "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (ne_110m_admin_0_countries) v5.1.1, "
    "as redistributed in the geopandas 0.14.4 wheel on PyPI "
    "(geopandas-0.14.4-py3-none-any.whl: geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp); "
    "geopandas replaced iso_a3 -99 by ADM0_A3 for sovereign countries and assigned Crimea to Ukraine"
)
LICENCE = "public domain (Natural Earth)"
ATTRIBUTION = "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com."
PROJECTION = "equirectangular, x = (lon + 180) * 1000/360, y = (90 - lat) * 500/180, Antarctica omitted"

WIDTH = 1000.0
HEIGHT = 500.0
SCALE = 10  # coordinates are kept in integer tenths of a map unit, i.e. rounded to 1 decimal
OMITTED_ALPHA3 = frozenset({"ATA"})  # Antarctica

# iso_a3 is "-99" for some features in Natural Earth; these are fixed from the name field. Kosovo has no
# ISO 3166-1 code; XK is the user-assigned code used by the EU, the IMF and most data providers.
NAME_TO_ALPHA3 = {"France": "FRA", "Norway": "NOR"}
NAME_TO_ALPHA2 = {"Kosovo": "XK"}

# Every one of these must end up in the file, or the build fails.
REQUIRED = (
    *("US", "CN", "GB", "FR", "DE", "AU", "IN", "CA", "JP", "TW", "NO", "NZ", "LT", "DK", "NL", "IT", "UA", "RU"),
    *("BR", "ZA", "ES", "PL", "SE", "FI", "IE", "PT", "CH", "AT", "BE", "KR", "MX", "AR", "ID", "EG", "NG", "XK"),
)

SHP_FILE_CODE = 9994
POLYGON_TYPES = frozenset({5, 15, 25})  # Polygon, PolygonZ, PolygonM; only x and y are read
NULL_SHAPE = 0

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Feature:
    """One shapefile record: its attribute values (as text) and its polygon rings in lon/lat."""

    attributes: dict[str, str]
    rings: list[Ring]


def read_dbf(path: Path, encoding: str) -> list[dict[str, str]]:
    """Read every record of a dBase III table as a name -> stripped text mapping."""
    data = path.read_bytes()
    count, header_len, record_len = struct.unpack_from("<IHH", data, 4)
    fields: list[tuple[str, int]] = []
    offset = 32
    while data[offset] != 0x0D:
        raw_name, length = struct.unpack_from("<11s5xB", data, offset)
        fields.append((raw_name.split(b"\0", 1)[0].decode("ascii"), length))
        offset += 32
    records: list[dict[str, str]] = []
    for index in range(count):
        start = header_len + index * record_len
        if data[start : start + 1] == b"*":  # deleted record; still counts in the .shp numbering
            records.append({})
            continue
        position = start + 1
        record: dict[str, str] = {}
        for name, length in fields:
            record[name] = data[position : position + length].decode(encoding).strip()
            position += length
        records.append(record)
    return records


def read_shp(path: Path) -> Iterator[list[Ring]]:
    """Yield the rings of each record of a polygon shapefile, in file order (no rings for a null shape)."""
    data = path.read_bytes()
    file_code, words = struct.unpack_from(">i20xi", data, 0)
    (shape_type,) = struct.unpack_from("<i", data, 32)
    if file_code != SHP_FILE_CODE:
        raise ValueError(f"{path}: not a shapefile (file code {file_code})")
    if shape_type not in POLYGON_TYPES:
        raise ValueError(f"{path}: shape type {shape_type} is not a polygon type")
    end = min(len(data), words * 2)
    offset = 100
    while offset + 8 <= end:
        _number, content_words = struct.unpack_from(">ii", data, offset)
        content = offset + 8
        offset = content + content_words * 2
        (record_type,) = struct.unpack_from("<i", data, content)
        if record_type == NULL_SHAPE:
            yield []
            continue
        if record_type not in POLYGON_TYPES:
            raise ValueError(f"{path}: record of shape type {record_type} in a polygon file")
        num_parts, num_points = struct.unpack_from("<ii", data, content + 36)
        parts = [*struct.unpack_from(f"<{num_parts}i", data, content + 44), num_points]
        coords = struct.unpack_from(f"<{2 * num_points}d", data, content + 44 + 4 * num_parts)
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        yield [points[parts[i] : parts[i + 1]] for i in range(num_parts)]


def dbf_encoding(shp: Path) -> str:
    """The text encoding named by the .cpg file next to the shapefile, else UTF-8."""
    cpg = shp.with_suffix(".cpg")
    if cpg.exists():
        try:
            return codecs.lookup(cpg.read_text(encoding="ascii").strip()).name
        except LookupError:
            pass
    return "utf-8"


def read_features(shp: Path) -> list[Feature]:
    """Read the attribute table and the geometry of a polygon shapefile."""
    records = read_dbf(shp.with_suffix(".dbf"), dbf_encoding(shp))
    shapes = list(read_shp(shp))
    if len(records) != len(shapes):
        raise ValueError(f"{shp}: {len(shapes)} shapes but {len(records)} attribute records")
    return [Feature(record, rings) for record, rings in zip(records, shapes, strict=True) if record]


def attribute(feature: Feature, *names: str) -> str:
    """The value of the first of ``names`` present in the record, matched case-insensitively."""
    lowered = {key.lower(): value for key, value in feature.attributes.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    raise KeyError(f"none of the fields {names} in {sorted(feature.attributes)}")


def alpha2_for(name: str, alpha3: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a feature, or None if its alpha-3 code does not resolve."""
    if alpha3 in ("", "-99"):
        if name in NAME_TO_ALPHA2:
            return NAME_TO_ALPHA2[name]
        alpha3 = NAME_TO_ALPHA3.get(name, alpha3)
    country = pycountry.countries.get(alpha_3=alpha3)
    return None if country is None else str(country.alpha_2)


def project(lon: float, lat: float) -> tuple[int, int]:
    """Project a point and round it to integer tenths of a map unit."""
    x = (lon + 180.0) * WIDTH / 360.0
    y = (90.0 - lat) * HEIGHT / 180.0
    return round(x * SCALE), round(y * SCALE)


def project_ring(ring: Ring) -> list[tuple[int, int]]:
    """Project a ring, dropping the closing point and points that coincide after rounding."""
    points: list[tuple[int, int]] = []
    for lon, lat in ring:
        point = project(lon, lat)
        if not points or point != points[-1]:
            points.append(point)
    while len(points) > 1 and points[-1] == points[0]:
        points.pop()
    return points


def number(tenths: int) -> str:
    """Format integer tenths as the shortest decimal text (15 -> '1.5', 20 -> '2', -3 -> '-0.3')."""
    sign = "-" if tenths < 0 else ""
    whole, tenth = divmod(abs(tenths), SCALE)
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


def ring_path(points: Sequence[tuple[int, int]]) -> str:
    """An absolute moveto, then relative linetos, closed with Z. Deltas are exact in tenths."""
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{number(x0)} {number(y0)}"]
    if rest:
        deltas: list[str] = []
        px, py = x0, y0
        for x, y in rest:
            deltas.append(f"{number(x - px)} {number(y - py)}")
            px, py = x, y
        parts.append("l" + " ".join(deltas))
    parts.append("Z")
    return "".join(parts)


def build(shp: Path) -> tuple[dict[str, dict[str, str]], str, list[str]]:
    """Build the countries mapping and the viewBox; also return notes on codes fixed and features dropped."""
    notes: list[str] = []
    countries: dict[str, dict[str, str]] = {}
    min_y, max_y = math.inf, -math.inf
    for feature in read_features(shp):
        name = attribute(feature, "name", "NAME")
        alpha3 = attribute(feature, "iso_a3", "ISO_A3")
        if alpha3 in OMITTED_ALPHA3:
            notes.append(f"omitted {name} ({alpha3})")
            continue
        alpha2 = alpha2_for(name, alpha3)
        if alpha2 is None:
            notes.append(f"dropped {name} (iso_a3 {alpha3} is not an ISO 3166-1 code)")
            continue
        if alpha3 in ("", "-99"):
            notes.append(f"fixed {name}: iso_a3 {alpha3} -> {alpha2}")
        projected = [project_ring(ring) for ring in feature.rings]
        rings = [points for points in projected if len(points) >= 3]
        if len(rings) < len(projected):
            notes.append(f"{name} ({alpha2}): {len(projected) - len(rings)} ring(s) too small to keep")
        if not rings:
            notes.append(f"dropped {name} ({alpha2}): no ring survives rounding")
            continue
        min_y = min(min_y, *(y for ring in rings for _, y in ring))
        max_y = max(max_y, *(y for ring in rings for _, y in ring))
        path = " ".join(ring_path(ring) for ring in rings)
        if alpha2 in countries:
            notes.append(f"merged {name} into {alpha2}")
            countries[alpha2]["path"] += " " + path
        else:
            countries[alpha2] = {"name": name, "path": path}
    missing = [code for code in REQUIRED if code not in countries]
    if missing:
        raise ValueError(f"countries missing from the map: {', '.join(missing)}")
    top = math.floor(min_y / SCALE / 5) * 5  # crop to the land, on a 5-unit grid
    bottom = math.ceil(max_y / SCALE / 5) * 5
    view_box = f"0 {top} {int(WIDTH)} {bottom - top}"
    return dict(sorted(countries.items())), view_box, notes


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("shapefile", type=Path, help="ne_110m_admin_0_countries .shp (with its .dbf next to it)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument("--source", default=DEFAULT_SOURCE, help="text of the 'source' field (describe the input)")
    args = parser.parse_args(argv)
    countries, view_box, notes = build(args.shapefile)
    document = {
        "source": args.source,
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "projection": PROJECTION,
        "viewBox": view_box,
        "countries": countries,
    }
    text = json.dumps(document, separators=(",", ":")) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    for note in notes:
        print(note, file=sys.stderr)
    print(f"wrote {args.output}: {len(countries)} countries, {len(text.encode())} bytes, viewBox {view_box}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
