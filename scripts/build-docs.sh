#!/usr/bin/env bash
# Build the textbook into site/ (or --site-dir DIR): npm ci for KaTeX when node_modules/ lacks
# it, figures and computed fragments from the reference solutions, then mkdocs build --strict.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1
exec python -m mapcourse.site build "$@"
