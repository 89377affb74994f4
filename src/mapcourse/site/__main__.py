"""`python -m mapcourse.site [generate | build [--site-dir DIR] | pdf [--site-dir DIR]]`: the
textbook's build, and the whole book as one PDF."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from mapcourse.manifest import find_root
from mapcourse.site.katex import KatexMissing
from mapcourse.site.pdf import PDF_NAME, PrintError, print_book
from mapcourse.site.pipeline import build, generate


def main(argv: list[str] | None = None) -> int:
    """Generate the textbook's files, or generate and build the whole site with mkdocs."""
    parser = argparse.ArgumentParser(prog="python -m mapcourse.site", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("generate", help="write KaTeX, figures and fragments, then stop")
    build_parser = commands.add_parser("build", help="generate, then `mkdocs build --strict`")
    build_parser.add_argument("--site-dir", type=Path, help="where the site goes (default site/)")
    pdf_parser = commands.add_parser(
        "pdf", help=f"build, then print the whole book to {PDF_NAME} in the site with Chromium"
    )
    pdf_parser.add_argument("--site-dir", type=Path, help="where the site goes (default site/)")
    pdf_parser.add_argument("--output", type=Path, help=f"the PDF (default SITE/{PDF_NAME})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        if args.command == "generate":
            written = generate()
            print(f"{len(written)} files changed in {time.perf_counter() - start:.1f} s")
            return 0
        status = build(site_dir=args.site_dir)
        if args.command == "pdf" and status == 0:
            built = time.perf_counter()
            pdf = print_book(args.site_dir or find_root() / "site", args.output)
            print(f"{pdf} printed in {time.perf_counter() - built:.1f} s", file=sys.stderr)
    except (KatexMissing, PrintError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"site built in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
