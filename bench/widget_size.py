"""The widget's weight on a shop page: prints widget.js raw and gzipped sizes; exits 1 above 15 KB gzipped.

    python bench/widget_size.py [--limit-kb 15]
"""
from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

WIDGET = Path(__file__).resolve().parents[1] / "helpdesk" / "static" / "widget.js"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-kb", type=float, default=15.0, help="largest gzipped size allowed, in KB")
    args = parser.parse_args()
    raw = WIDGET.read_bytes()
    packed = len(gzip.compress(raw, compresslevel=9, mtime=0))
    limit = int(args.limit_kb * 1024)
    print(f"widget.js: {len(raw)} bytes raw, {packed} bytes gzipped ({packed / 1024:.1f} KB; "
          f"limit {args.limit_kb:g} KB, {packed / limit:.0%} of it)")
    if packed > limit:
        print(f"widget.js is over the limit by {packed - limit} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
