#!/usr/bin/env bash
# Install the course and what it needs on this machine.
#
#   bash scripts/install.sh        the grader: Python packages and bubblewrap
#   bash scripts/install.sh --all  everything the test suite uses: also nbgrader, the
#                                  textbook's tools (mkdocs, KaTeX from npm) and Chromium
set -euo pipefail
cd "$(dirname "$0")/.."

all=false
[ "${1:-}" = "--all" ] && all=true

# Debian package:command pairs; a package is installed only when its command is missing.
needs=(bubblewrap:bwrap)
$all && needs+=(chromium:chromium nodejs:node npm:npm)
missing=()
for need in "${needs[@]}"; do
    command -v "${need#*:}" >/dev/null 2>&1 || missing+=("${need%%:*}")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing ${missing[*]} (apt-get)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "please install: ${missing[*]} (for example: sudo apt-get install ${missing[*]})" >&2
        exit 1
    fi
fi

extras="student"
$all && extras="all"
python3 -m pip install --quiet --disable-pip-version-check -e ".[$extras]"

if $all; then
    npm ci --silent --no-audit --no-fund
fi
