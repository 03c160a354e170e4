#!/usr/bin/env python3
"""Draws the home page's locator map: Africa with Mali, large enough to read, and beside it the world
with Mali and the United States, for where the two countries lie.

Data: Natural Earth 1:110m countries (public domain), as shipped in geopandas 0.14.4's
`naturalearth_lowres` data set; read with pyshp, so geopandas itself is never imported.

    pip install --no-deps geopandas==0.14.4 pyshp
    python3 tools/make_map.py > templates/assets/mali-us-map.svg

Small: coordinates rounded to the panel's pixel grid and written as relative moves, rings that round to
nothing left out. Valid SVG (the Nu checker's --also-check-svg): the title is the accessible name, and a
style sheet inside gives dark colours under prefers-color-scheme: dark (an <img>'s SVG follows the page's).
"""
import importlib.util
import os
import sys

import shapefile  # pyshp

HIGHLIGHT = {"MLI": "mali", "USA": "us"}
WIDTH, HEIGHT = 360, 180
# Panels: (x, y, width, height of the panel in the SVG; west, east, north, south in degrees; pixel step)
AFRICA = (0, 0, 180, 180, -20.0, 55.0, 38.0, -37.0, 1.0)
WORLD = (184, 45, 176, 90, -170.0, 190.0, 84.0, -60.0, 1.0)


def dataset_path():
    spec = importlib.util.find_spec("geopandas")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("geopandas 0.14.4 is not installed: pip install --no-deps geopandas==0.14.4 pyshp")
    folder = spec.submodule_search_locations[0]
    return os.path.join(folder, "datasets", "naturalearth_lowres", "naturalearth_lowres.shp")


def number(value):
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def ring_path(points, panel):
    """A ring in the panel's pixels, as an absolute move then relative lines; None if it is too small or
    entirely outside the panel."""
    x0, y0, width, height, west, east, north, south, step = panel
    projected = []
    for lon, lat in points:
        x = x0 + (lon - west) / (east - west) * width
        y = y0 + (north - lat) / (north - south) * height
        # Outside the panel a ring only needs to close: clamped to just beyond its edge, its far points
        # collapse into a few.
        x, y = min(max(x, x0 - step), x0 + width + step), min(max(y, y0 - step), y0 + height + step)
        point = (round(x / step) * step, round(y / step) * step)
        if not projected or projected[-1] != point:
            projected.append(point)
    xs, ys = [p[0] for p in projected], [p[1] for p in projected]
    if len(projected) < 3 or max(xs) < x0 or min(xs) > x0 + width or max(ys) < y0 or min(ys) > y0 + height:
        return None
    if max(xs) - min(xs) < step and max(ys) - min(ys) < step:
        return None
    parts = [f"M{number(projected[0][0])} {number(projected[0][1])}l"]
    moves = []
    for (ax, ay), (bx, by) in zip(projected, projected[1:]):
        moves.append(f"{number(bx - ax)} {number(by - ay)}")
    return parts[0] + " ".join(moves) + "z"


def main():
    reader = shapefile.Reader(dataset_path())
    names = [field[0] for field in reader.fields[1:]]
    code_index, continent_index = names.index("iso_a3"), names.index("continent")
    panels = {"africa": AFRICA, "world": WORLD}
    paths = {(panel, kind): [] for panel in panels for kind in ("land", "mali", "us")}
    for record, shape in zip(reader.records(), reader.shapes()):
        if record[continent_index] == "Antarctica":
            continue
        kind = HIGHLIGHT.get(record[code_index], "land")
        parts = list(shape.parts) + [len(shape.points)]
        for name, panel in panels.items():
            for start, end in zip(parts, parts[1:]):
                ring = ring_path(shape.points[start:end], panel)
                if ring:
                    paths[(name, kind)].append(ring)
    out = sys.stdout
    out.write(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">\n')
    out.write("<title>Locator maps: Mali in Africa, and Mali and the United States in the world</title>\n")
    out.write("<!-- Map data: Natural Earth (public domain), 1:110m countries, via geopandas 0.14.4 naturalearth_lowres. Drawn by tools/make_map.py. -->\n")
    out.write("<style>.sea{fill:#dfe9f3}.land{fill:#c8c8c0;stroke:#fff;stroke-width:.4}.mali{fill:#14866d}.us{fill:#b22234}"
              ".frame{fill:none;stroke:#8a8a84;stroke-width:1}"
              "@media (prefers-color-scheme:dark){.sea{fill:#1d2733}.land{fill:#4a4d55;stroke:#1d2733}.mali{fill:#5fd0b1}.us{fill:#ff7b86}.frame{stroke:#6b6e76}}</style>\n")
    for name, panel in panels.items():
        x0, y0, width, height = panel[:4]
        out.write(f'<rect class="sea" x="{x0}" y="{y0}" width="{width}" height="{height}"/>\n')
        out.write(f'<svg x="{x0}" y="{y0}" width="{width}" height="{height}" viewBox="{x0} {y0} {width} {height}">\n')
        for kind in ("land", "mali", "us"):
            if paths[(name, kind)]:
                out.write(f'<path class="land {kind}" d="{"".join(paths[(name, kind)])}"/>\n')
        out.write("</svg>\n")
        out.write(f'<rect class="frame" x="{x0 + .5}" y="{y0 + .5}" width="{width - 1}" height="{height - 1}"/>\n')
    out.write("</svg>\n")


if __name__ == "__main__":
    main()
