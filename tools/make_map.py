#!/usr/bin/env python3
"""Draws the home page's locator map: the world with Mali and the United States highlighted.

Data: Natural Earth 1:110m countries (public domain), as shipped in geopandas 0.14.4's
`naturalearth_lowres` data set; read with pyshp, so geopandas itself is never imported.

    pip install --no-deps geopandas==0.14.4 pyshp
    python3 tools/make_map.py > templates/assets/mali-us-map.svg
"""
import importlib.util
import os
import sys

import shapefile  # pyshp

HIGHLIGHT = {"MLI": "mali", "USA": "us"}
WIDTH, HEIGHT = 360, 180
TOP, BOTTOM = 84, -60  # latitudes shown: Antarctica is left out


def dataset_path():
    spec = importlib.util.find_spec("geopandas")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("geopandas 0.14.4 is not installed: pip install --no-deps geopandas==0.14.4 pyshp")
    folder = spec.submodule_search_locations[0]
    return os.path.join(folder, "datasets", "naturalearth_lowres", "naturalearth_lowres.shp")


def project(lon, lat):
    x = (lon + 180) / 360 * WIDTH
    y = (TOP - lat) / (TOP - BOTTOM) * HEIGHT
    return f"{x:.1f} {y:.1f}"


def path_data(shape):
    parts = list(shape.parts) + [len(shape.points)]
    rings = []
    for start, end in zip(parts, parts[1:]):
        points = [project(lon, lat) for lon, lat in shape.points[start:end]]
        rings.append("M" + " L".join(points) + "Z")
    return "".join(rings)


def main():
    reader = shapefile.Reader(dataset_path())
    names = [field[0] for field in reader.fields[1:]]
    code_index = names.index("iso_a3")
    paths = {"land": [], "mali": [], "us": []}
    for record, shape in zip(reader.records(), reader.shapes()):
        if record[names.index("continent")] == "Antarctica":
            continue
        kind = HIGHLIGHT.get(record[code_index], "land")
        paths[kind].append(path_data(shape))
    out = sys.stdout
    out.write(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="t">\n')
    out.write('<title id="t">Locator map: Mali and the United States</title>\n')
    out.write("<!-- Map data: Natural Earth (public domain), 1:110m countries, via geopandas 0.14.4 naturalearth_lowres. Drawn by tools/make_map.py. -->\n")
    out.write(f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#dfe9f3"/>\n')
    colours = {"land": "#c8c8c0", "mali": "#14866d", "us": "#b22234"}
    for kind in ("land", "mali", "us"):
        out.write(f'<path fill="{colours[kind]}" stroke="#ffffff" stroke-width="0.2" d="{"".join(paths[kind])}"/>\n')
    out.write("</svg>\n")


if __name__ == "__main__":
    main()
