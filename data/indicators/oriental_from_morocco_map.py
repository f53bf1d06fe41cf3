"""Rebuild oriental_provinces.geojson from the npm package morocco-map (ODbL-1.0).

    cd /tmp && npm pack morocco-map && tar xzf morocco-map-*.tgz
    python data/indicators/oriental_from_morocco_map.py /tmp/package/data/provinces.json

Keeps the Oriental's eight provinces, decodes the TopoJSON arcs, drops points closer
than ``TOLERANCE`` degrees to the previous one and rounds to 3 decimals (about 100 m):
enough for a choropleth, a few kilobytes in the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ORIENTAL = ("MA-OUJ", "MA-BER", "MA-NAD", "MA-DRI", "MA-TAI", "MA-JRA", "MA-GUF", "MA-FIG")
TOLERANCE = 0.01
OUT = Path(__file__).with_name("oriental_provinces.geojson")


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    kept: list[tuple[float, float]] = []
    for point in points:
        if not kept or max(abs(point[0] - kept[-1][0]), abs(point[1] - kept[-1][1])) >= TOLERANCE:
            kept.append(point)
    if kept[-1] != points[-1]:
        kept.append(points[-1])
    return [[round(x, 3), round(y, 3)] for x, y in kept]


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["provinces"]["geometries"]:
        if geometry["id"] not in ORIENTAL:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        coordinates = [[ring(arcs, r) for r in polygon] for polygon in polygons]
        features.append(
            {
                "type": "Feature",
                "id": geometry["id"],
                "properties": {"name": geometry["properties"]["name"]},
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "license": "ODbL-1.0",
        "attribution": "morocco-map by Saad Yousfi, https://github.com/yousfiSaad/morocco-map",
        "features": sorted(features, key=lambda feature: ORIENTAL.index(feature["id"])),
    }
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
