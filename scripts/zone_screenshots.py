"""Photograph the zone charts and copy the chosen pictures into docs/screenshots/.

Runs the browser tests that render every zone's SVG and the overview charts in Chromium
(tests/e2e/browser/test_zone_charts.py: they write build/zones/*.svg and
build/screenshots/*.png), then copies the pictures the docs show (README.md and
docs/zones.md) into docs/screenshots/. Tests never write into docs/; only this script
does. ``--copy-only`` copies what an earlier run left in build/screenshots/.

Run: ``python scripts/zone_screenshots.py`` (a ``make screenshots`` step).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
CHOSEN = (
    "zone-face.png",
    "zone-scalp.png",
    "zone-thigh-left-lateral.png",
    "overview-body-front.png",
    "overview-body-back.png",
    "overview-face.png",
)
"""The pictures the docs show, as the browser tests name them in build/screenshots/."""


def main() -> int:
    if "--copy-only" not in sys.argv:
        test = ROOT / "tests" / "e2e" / "browser" / "test_zone_charts.py"
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", str(test)], cwd=ROOT)
        if done.returncode != 0:
            return done.returncode
    missing = [name for name in CHOSEN if not (BUILD / name).is_file()]
    if missing:
        print(f"not in {BUILD}: {', '.join(missing)}; run without --copy-only", file=sys.stderr)
        return 1
    DOCS.mkdir(parents=True, exist_ok=True)
    for name in CHOSEN:
        shutil.copyfile(BUILD / name, DOCS / name)
        print(f"docs/screenshots/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
