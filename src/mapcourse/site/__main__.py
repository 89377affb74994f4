"""`python -m mapcourse.site [generate | build [--site-dir DIR]]`: the textbook's build."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from mapcourse.site.katex import KatexMissing
from mapcourse.site.pipeline import build, generate


def main(argv: list[str] | None = None) -> int:
    """Generate the textbook's files, or generate and build the whole site with mkdocs."""
    parser = argparse.ArgumentParser(prog="python -m mapcourse.site", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("generate", help="write KaTeX, figures and fragments, then stop")
    build_parser = commands.add_parser("build", help="generate, then `mkdocs build --strict`")
    build_parser.add_argument("--site-dir", type=Path, help="where the site goes (default site/)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        if args.command == "generate":
            written = generate()
            print(f"{len(written)} files changed in {time.perf_counter() - start:.1f} s")
            return 0
        status = build(site_dir=args.site_dir)
    except KatexMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"site built in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
