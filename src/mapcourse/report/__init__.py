"""What the instructor sees after grading a class: report.html in `--out DIR`.

`saved` keeps a run's results in `class.json` so the page can be rebuilt without grading
again; `summary` turns results into the page's facts (distributions, the test groups the
class missed, problems, the slowest submissions); `similarity` finds submissions whose
stage files are suspiciously alike, with each other and with the reference solution
(`fingerprints` normalises and hashes each file once, `index` finds the pairs that share
fingerprints); `plots` draws the figures as inline SVG; `page` writes the self-contained
HTML page and one small page per pair shown side by side.

The report needs what the grader alone does not (`NEEDS`, the report's part of
pyproject.toml's `instructor` extra): `unavailable()` says so before a class is graded,
with the command that installs it, so that `grade --out` never grades for minutes and then
writes no report.
"""

import importlib.util
import sys

NEEDS = ("jinja2>=3.1", "matplotlib>=3.8", "copydetect>=0.5")  # the page, its plots, similarity


def install_command() -> str:
    """The command that installs what report.html needs, into this Python."""
    return f"{sys.executable} -m pip install " + " ".join(f"'{need}'" for need in NEEDS)


def missing() -> list[str]:
    """The packages of NEEDS that this Python cannot import."""
    names = [need.split(">")[0].split("=")[0] for need in NEEDS]
    return [name for name in names if importlib.util.find_spec(name) is None]


def unavailable() -> str:
    """Why report.html cannot be written here, with the command that fixes it; "" when it
    can."""
    if absent := missing():
        return (f"report.html needs {', '.join(absent)}, not installed in this Python: "
                f"{install_command()}")
    return ""
