"""Make ui/world_110m.json (country outlines as SVG paths) from world-atlas's countries-110m.json.

Run once; the result is committed so the map needs no internet and no geo library:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/make_world_outlines.py package/countries-110m.json ui/world_110m.json

The outlines are Natural Earth's 1:110m Admin 0 countries (public domain), as TopoJSON
by world-atlas (ISC). Projection: equirectangular, x = (lon + 180) * 2, y = (90 - lat) * 2.
"""
from __future__ import annotations

import json
import sys

SCALE = 2.0


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs, indexes) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(pts if not out else pts[1:])
    return out


def unwrap(r: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Keep a ring continuous where it crosses ±180° (Chukotka, Fiji): the map tiles the
    world, so a ring may run past the edge instead of drawing a line across the globe."""
    out, shift = [], 0.0
    for i, (lon, lat) in enumerate(r):
        if i and lon + shift - out[-1][0] > 180:
            shift -= 360
        elif i and lon + shift - out[-1][0] < -180:
            shift += 360
        out.append((lon + shift, lat))
    return out


def path(rings) -> str:
    parts = []
    for r in rings:
        xy = [((lon + 180) * SCALE, (90 - lat) * SCALE) for lon, lat in unwrap(r)]
        cmds, last = [], None
        for x, y in xy:
            p = (round(x, 1), round(y, 1))
            if p != last:
                cmds.append(f"{p[0]:g},{p[1]:g}")
                last = p
        if len(cmds) > 2:
            parts.append("M" + "L".join(cmds) + "Z")
    return "".join(parts)


def main(src: str, dest: str) -> None:
    topo = json.load(open(src, encoding="utf-8"))
    arcs = decode_arcs(topo)
    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("properties", {}).get("name") == "Antarctica":     # no partners there; spans the seam
            continue
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        d = path([ring(arcs, r) for poly in polys for r in poly])
        if d:
            countries.append({"id": g.get("id", ""), "name": g.get("properties", {}).get("name", ""), "d": d})
    out = {"source": "Natural Earth 1:110m Admin 0 countries (public domain), via world-atlas 2.0.2 "
                     "countries-110m.json (ISC, Copyright 2013-2019 Michael Bostock)",
           "projection": "equirectangular: x = (lon + 180) * 2, y = (90 - lat) * 2",
           "width": 360 * SCALE, "height": 180 * SCALE, "countries": countries}
    with open(dest, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
