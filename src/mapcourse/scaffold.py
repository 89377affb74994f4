"""A new stage, scaffolded: `mapcourse new-stage ID --title TITLE`.

It writes a complete, working stage that an author then rewrites into their own: the
reference solution with its marked regions, the stub generated from it, the visible tests,
the hidden suite with its points (through the `student` handle and mapcourse.checks), the
stage page, a concept page when none is named, and one `[[stages]]` entry appended to
course.toml. The example is the one docs/maintainers/writing-a-stage.md walks through: a
stage that asks for the sample mean, the maximum-likelihood estimate of a Gaussian's mean.
Graded as it is written, the stub scores 0 and the solution full marks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from mapcourse.manifest import MANIFEST_NAME, Course, ManifestError, parse_manifest
from mapcourse.stubs import stub_source

POINTS = 10  # the scaffold's hidden suite: 4 + 3 + 3


class ScaffoldError(Exception):
    """The stage cannot be scaffolded as asked; the message says why."""


SOLUTION = '''\
"""Stage {number}: {title}.

The sample mean of n numbers is the maximum-likelihood estimate of the mean of a Gaussian
with known variance: the log-likelihood -sum((x_i - mu)**2) / (2 sigma**2) is largest at
mu = sum(x_i) / n.

`values` is a non-empty sequence of finite real numbers (a list, a tuple or a 1-D numpy
array). An empty sequence, or one holding nan or an infinity, raises ValueError naming
`values`. The result is a Python float.
"""

import math

import numpy as np


def sample_mean(values) -> float:
    """The mean of `values` as a Python float: the MLE of a Gaussian's mean.

    Raises ValueError naming `values` when it is empty or holds nan or an infinity.
    """
    ### BEGIN SOLUTION
    # Hint: check the values first (any? all finite?), then sum and divide.
    data = np.asarray(values, dtype=float).ravel()
    if data.size == 0:
        raise ValueError("values is empty: the mean of no numbers is undefined")
    if not np.all(np.isfinite(data)):
        raise ValueError(f"values must all be finite numbers, got {{list(data)!r}}")
    return float(math.fsum(data) / data.size)
    ### END SOLUTION
'''

VISIBLE = '''\
"""Visible tests, stage {number}: {title} (run `pytest` here)."""

import numpy as np
import pytest
from {id} import sample_mean

from mapcourse.checks import expect_close, expect_float

MEAN = "The MLE of a Gaussian's mean is the sample mean: the sum over the count"


@pytest.mark.parametrize(("data", "expected"), [
    ([2.0, 4.0], 3.0), ([7.5], 7.5), ([-1.0, 1.0], 0.0), ([1.0, 2.0, 6.0], 3.0),
    ([0.1, 0.2, 0.3], 0.2), ([-4.0, -2.0], -3.0), ([1e6, 3e6], 2e6), ([5.0] * 9, 5.0),
], ids=["two numbers", "one number", "opposites", "three numbers", "tenths", "negatives",
        "large numbers", "nine equal numbers"])
def test_the_mean_of_a_few_numbers(data, expected):
    call = f"sample_mean({{data!r}})"
    expect_close(sample_mean(data), expected, call=call, concept=f"{{MEAN}}.")


@pytest.mark.parametrize(("data", "expected"), [
    ([1, 2], 1.5), ((1, 2, 3, 4), 2.5), (np.array([1, 2, 6]), 3.0),
    (np.array([-1.0, 1.0, 6.0]), 2.0), ([3], 3.0), (np.arange(5), 2.0),
], ids=["a list of ints", "a tuple of ints", "numpy integers", "a numpy array",
        "a single int", "np.arange(5)"])
def test_the_mean_is_a_python_float(data, expected):
    call = f"sample_mean({{data!r}})"
    got = expect_float(sample_mean(data), call=call, concept=f"{{MEAN}}, as a Python float.")
    expect_close(got, expected, call=call, concept=f"{{MEAN}}.")


@pytest.mark.parametrize("data", [
    [], (), np.array([]), [1.0, float("nan")], [float("inf")], [2.0, -float("inf")],
], ids=["an empty list", "an empty tuple", "an empty array", "a nan", "an infinity",
        "minus infinity"])
def test_numbers_that_have_no_mean_are_refused(refuses, data):
    refuses(sample_mean, data, names="values",
            concept="The mean of no numbers, or of a nan or an infinity, is not a number.")
'''

HIDDEN = '''\
"""Hidden suite, stage {number}: {title} ({points} points)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapcourse.checks import expect_close, expect_float, expect_raises

MEAN = "The MLE of a Gaussian's mean is the sample mean: the sum over the count"
finite = st.floats(-1e6, 1e6, allow_nan=False)


@pytest.mark.points(4)
@settings(max_examples=20)
@given(values=st.lists(finite, min_size=1, max_size=30))
def test_sample_mean_is_the_sum_over_the_count(student, values):
    call = f"sample_mean({{values!r}})"
    got = expect_float(student.sample_mean(values), call=call, concept=f"{{MEAN}}, as a float.")
    expect_close(got, math.fsum(values) / len(values), rel=1e-9, abs_tol=1e-9, call=call,
                 concept=f"{{MEAN}}.")


@pytest.mark.points(3)
@pytest.mark.parametrize("values", [
    [3], (1, 2), np.array([1, 2, 4], dtype=np.int64), np.array([0.5, 1.5]),
], ids=["a list of one int", "a tuple of ints", "numpy integers", "a numpy array"])
def test_sample_mean_is_a_python_float_whatever_the_sequence(student, values):
    call = f"sample_mean({{values!r}})"
    got = expect_float(student.sample_mean(values), call=call,
                       concept="Scalar results are Python floats, whatever the input's type.")
    expect_close(got, float(np.mean(values)), call=call, concept=f"{{MEAN}}.")


@pytest.mark.points(3)
@pytest.mark.parametrize("values", [[], (), [1.0, math.nan], [math.inf, 1.0], [-math.inf]],
                         ids=["an empty list", "an empty tuple", "nan", "inf", "-inf"])
def test_sample_mean_refuses_values_without_a_mean(student, values):
    expect_raises(ValueError, lambda: student.sample_mean(values),
                  call=f"sample_mean({{values!r}})", names="values",
                  concept="No numbers, or a nan or an infinity among them, have no mean: "
                          "raise ValueError naming `values`.")
'''

STAGE_PAGE = '''\
--8<-- "stage/{id}/header.md"

You write the sample mean, the maximum-likelihood estimate of a Gaussian's mean.

## What you implement

| function | returns |
|---|---|
| `sample_mean(values)` | $\\bar x = \\frac{{1}}{{n}} \\sum_i x_i$, a Python float |
| `sample_mean([])`, or values with a nan or an infinity | `ValueError` naming `values` |

## The maths

For $x_1, \\dots, x_n \\sim \\mathcal{{N}}(\\mu, \\sigma^2)$ with $\\sigma$ known, the
log-likelihood $-\\sum_i (x_i - \\mu)^2 / (2\\sigma^2)$ is largest where its derivative
$\\sum_i (x_i - \\mu) / \\sigma^2$ is zero: at $\\mu = \\bar x$.
[The textbook page]({up}{concept}) says more.

--8<-- "stage/{id}/hints.md"
'''

CONCEPT_PAGE = '''\
# {title}

--8<-- "exercise/{id}.md"

The textbook page of stage {number}: the idea the stage's functions put into code. The
maximum-likelihood estimate of a Gaussian's mean, with the variance known, is the sample
mean.
'''

MANIFEST_ENTRY = '''
[[stages]]
id = {id}
title = {title}
points = {points}
page = {page}
concept = {concept}
hints = [
    "The sample mean is the sum of the values divided by how many there are.",
    "An empty sequence, or one with nan or an infinity, raises ValueError naming values.",
    "np.asarray(values, dtype=float) takes lists, tuples and arrays; float(...) gives a float.",
]
'''


@dataclass(frozen=True)
class Scaffold:
    """What new-stage writes: path -> text, and the course.toml that has the stage."""

    files: dict[Path, str]
    manifest: str


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def concept_slug(stage_id: str) -> str:
    """`stage7_gaussian_mean` -> `gaussian-mean.md`: the default concept page's name."""
    return re.sub(r"^stage\d+_", "", stage_id).replace("_", "-") + ".md"


def with_stage(manifest: str, entry: str) -> str:
    """course.toml's text with entry placed after its last `[[stages]]` table."""
    lines = manifest.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == "[[stages]]"]
    if not starts:
        return manifest.rstrip("\n") + "\n" + entry
    end = next((i for i in range(starts[-1] + 1, len(lines))
                if lines[i].startswith("[") and lines[i].strip() != "[[stages]]"), len(lines))
    head, tail = "".join(lines[:end]).rstrip("\n") + "\n", "".join(lines[end:])
    return head + entry + ("\n" + tail if tail else "")


def example_texts(stage_id: str, title: str, number: int, concept: str) -> dict[str, str]:
    """The example stage's files by role: solution, stub, visible, hidden, page, concept,
    manifest (its course.toml entry). docs/maintainers/writing-a-stage.md shows these."""
    page = f"stages/{stage_id}.md"
    fields = {"id": stage_id, "title": title, "number": number, "points": POINTS,
              "concept": concept, "up": "../" * page.count("/")}
    solution = SOLUTION.format(**fields)
    return {
        "solution": solution,
        "stub": stub_source(solution, f"{stage_id}.py"),
        "visible": VISIBLE.format(**fields),
        "hidden": HIDDEN.format(**fields),
        "page": STAGE_PAGE.format(**fields),
        "concept": CONCEPT_PAGE.format(**fields),
        "manifest": MANIFEST_ENTRY.format(id=_toml(stage_id), title=_toml(title), points=POINTS,
                                          page=_toml(page), concept=_toml(concept)),
    }


def scaffold(course: Course, stage_id: str, title: str, concept: str | None = None) -> Scaffold:
    """Every file of a new stage appended to course, or ScaffoldError saying what is in the way."""
    if not stage_id.isidentifier() or stage_id.startswith("test"):
        raise ScaffoldError(f"{stage_id!r} cannot be a stage id: it names the module "
                            f"{stage_id}.py, so use letters, digits and _ (e.g. stage7_mean)")
    if any(stage.id == stage_id for stage in course.stages):
        raise ScaffoldError(f"course.toml already has a stage {stage_id!r}")
    docs = course.root / "docs"
    concept_page = concept or concept_slug(stage_id)
    texts = example_texts(stage_id, title, len(course.stages) + 1, concept_page)
    files = {
        course.solutions_dir / f"{stage_id}.py": texts["solution"],
        course.exercises_dir / f"{stage_id}.py": texts["stub"],
        course.exercises_dir / f"test_{stage_id}.py": texts["visible"],
        course.hidden_tests_dir / f"test_{stage_id}.py": texts["hidden"],
        docs / "stages" / f"{stage_id}.md": texts["page"],
    }
    if concept is None:
        files[docs / concept_page] = texts["concept"]
    elif not (docs / concept).is_file():
        raise ScaffoldError(f"there is no concept page docs/{concept}")
    taken = [path for path in files if path.exists()]
    if taken:
        raise ScaffoldError(f"{taken[0].relative_to(course.root)} exists already")
    manifest = with_stage((course.root / MANIFEST_NAME).read_text(), texts["manifest"])
    try:
        parse_manifest(course.root, manifest)
    except ManifestError as error:
        raise ScaffoldError(f"the new entry would break course.toml: {error}") from None
    return Scaffold(files, manifest)


def write_scaffold(course: Course, made: Scaffold) -> list[Path]:
    """Write the stage's files and the new course.toml; return every path written."""
    for path, text in made.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (course.root / MANIFEST_NAME).write_text(made.manifest)
    return [*made.files, course.root / MANIFEST_NAME]
