#!/usr/bin/env python3
"""Build a small SVG sprite from the Tabler Icons npm package (@tabler/icons).

Usage:
    python scripts/build_icon_sprite.py PATH/TO/EXTRACTED/package OUTPUT.svg

PATH is the folder that contains icons/outline/*.svg (e.g. the "package"
folder produced by `npm pack @tabler/icons && tar xzf tabler-icons-*.tgz`).
Each icon becomes <symbol id="ti-NAME">; use it in templates with
<svg class="icon"><use href="{% static 'vendor/tabler-icons/sprite.svg' %}#ti-NAME"/></svg>.
Stdlib only.
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SVG_NS = "http://www.w3.org/2000/svg"

# Icons used by the app (outline style). Add names here and re-run.
ICONS = """
home dashboard building building-community sitemap users user user-plus
user-off user-check shield-check shield-lock key lock history list-search
file-export file-download file-spreadsheet file-type-pdf file-type-docx
file-text settings logout login language world plus edit trash check x
alert-triangle info-circle chevron-right chevron-down search filter api book
certificate calendar mail refresh arrows-sort eye clock device-mobile
fingerprint password link circle-check circle-x menu-2 player-pause
player-play checklist clipboard-list arrows-exchange bell bell-ringing checks
webhook calendar-event database archive adjustments device-laptop file-upload
""".split()

# Presentation attributes copied from each icon's root <svg> to its <symbol>.
KEEP_ATTRS = ("viewBox", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin")


def strip_ns(el):
    """Remove the SVG namespace from tag names so output has no prefixes."""
    for e in el.iter():
        e.tag = e.tag.split("}", 1)[-1]
    return el


def main(pkg_dir, out_path):
    src = Path(pkg_dir) / "icons" / "outline"
    sprite = ET.Element("svg", {"xmlns": SVG_NS})
    missing = []
    for name in ICONS:
        path = src / f"{name}.svg"
        if not path.is_file():
            missing.append(name)
            continue
        root = strip_ns(ET.parse(path).getroot())
        attrs = {"id": f"ti-{name}"}
        attrs.update({k: root.get(k) for k in KEEP_ATTRS if root.get(k)})
        symbol = ET.SubElement(sprite, "symbol", attrs)
        for child in root:
            # Skip Tabler's invisible 24x24 bounding-box path (stroke="none").
            if child.get("stroke") == "none" and child.get("d") == "M0 0h24v24H0z":
                continue
            symbol.append(child)
    ET.indent(sprite, space="")  # one element per line, no extra indentation
    Path(out_path).write_text(ET.tostring(sprite, encoding="unicode") + "\n", encoding="utf-8")
    print(f"wrote {len(ICONS) - len(missing)} symbols to {out_path}")
    if missing:
        print("missing icons (skipped): " + ", ".join(missing), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
