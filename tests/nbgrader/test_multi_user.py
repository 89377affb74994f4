"""The instructors' page on a real hub: an instructor and two students, each a Unix user.

Every command is copied from the boxes of docs/instructors/nbgrader.md marked
`<!-- hub: ROLE in FOLDER -->`, so the page and this test cannot drift: the
administrator's box sets up /srv/nbgrader/exchange and /etc/jupyter/nbgrader_config.py,
the instructor generates the course and releases a stage, each student fetches it in
their own home, answers (one right, one wrong) and submits, the instructor collects,
autogrades, releases the feedback and grades the collected notebooks with `mapcourse
grade`, and each student fetches their feedback. `hub.py` runs it all as root in a mount
namespace of its own, so the users, /etc/jupyter and /srv/nbgrader live only there.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import mapcourse
from mapcourse.manifest import load_course
from mapcourse.nbgrader.exchange import COURSE_FOLDERS, ROOT_MODE
from mapcourse.nbgrader.notebook import cell_id
from tests import corpus
from tests.nbgrader import hub

COURSE = load_course()
PAGE = COURSE.root / "docs" / "instructors" / "nbgrader.md"
STAGE = COURSE.stage("stage3_gaussian_l2")
WRONG = "l2_penalty_without_the_half"  # the l2 penalty's groups fail: points lost
TOOLS = ("useradd", "userdel", "runuser", "unshare", "mount")
missing = [tool for tool in TOOLS if shutil.which(tool) is None]
HUB_TIMEOUT = 1800  # seconds for the whole page; it takes about a minute


def reachable() -> list[str]:
    """The folders every user of the hub must reach: this Python, and the course."""
    return sorted({sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent),
                   str(COURSE.root), str(Path(mapcourse.__file__).resolve().parent)})


def unreachable_packages() -> list[str]:
    """The packages the users' Python imports from outside `reachable()` (root's own
    user site, PYTHONPATH): other users' Python would not find them."""
    import nbformat

    import nbgrader
    folders = [Path(folder) for folder in reachable()]
    return [module.__name__ for module in (mapcourse, nbgrader, nbformat)
            if not any(Path(module.__file__).resolve().is_relative_to(folder.resolve())
                       for folder in folders)]


def environment() -> dict[str, str]:
    """What every user's shell has: the hub's Python's bin first on PATH, the course's
    checkout as $COURSE (and, when that
    Python is a virtual environment borrowing its base's packages, where Jupyter's
    templates are)."""
    extra = {"PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin", "/bin"]),
             "COURSE": str(COURSE.root)}  # the page's $COURSE: the course's checkout
    if sys.prefix != sys.base_prefix:
        extra["JUPYTER_PATH"] = os.pathsep.join(
            str(Path(prefix) / "share" / "jupyter") for prefix in (sys.prefix, sys.base_prefix))
    return extra


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="making Unix users needs root"),
    pytest.mark.skipif(bool(missing), reason=f"{', '.join(missing)} not installed"),
    pytest.mark.skipif(not Path("/srv").is_dir(), reason="no /srv to mount the exchange's "
                       "folder over"),
    pytest.mark.skipif(bool(unreachable_packages()), reason="other users' Python would not "
                       f"import {', '.join(unreachable_packages())} (installed outside "
                       "this Python's prefix and the course)"),
]


def answers(folder: Path) -> dict[str, str]:
    """Each student's answer cell: ada pastes the reference solution, carl a wrong one."""
    case = next(case for case in corpus.cases("wrong") if case.name == WRONG)
    wrong = corpus.build(case, folder) / STAGE.filename
    return {"ada": (COURSE.solutions_dir / STAGE.filename).read_text(),
            "carl": wrong.read_text()}


@pytest.fixture(scope="module")
def hub_run():
    """Every box of the page run by its users; hub.py's report and the base folder."""
    base = Path(tempfile.mkdtemp(prefix="mapcourse-hub-"))
    base.chmod(0o755)  # the users' homes are in it
    try:
        spec = {
            "base": str(base), "page": str(PAGE), "prefix": f"mc{secrets.token_hex(3)}",
            "answers": answers(base / "answers"),
            "answer_cell": cell_id(STAGE, "answer"),
            "environment": environment(),
            "reachable": reachable(),
        }
        (base / "spec.json").write_text(json.dumps(spec))
        done = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "--", sys.executable, "-m",
             "tests.nbgrader.hub", str(base / "spec.json")],
            cwd=COURSE.root, capture_output=True, text=True, timeout=HUB_TIMEOUT)
        if done.returncode != 0 and "unshare failed" in done.stderr:
            pytest.skip(f"no mount namespace here: {done.stderr.strip()}")
        if done.returncode == hub.CANNOT_HOST:
            pytest.skip(f"this machine cannot host the hub: {done.stderr.strip()[-500:]}")
        assert done.returncode == 0, done.stderr[-3000:]
        yield json.loads(done.stdout), base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_every_box_of_the_page_runs_as_its_user(hub_run):
    report, _ = hub_run
    roles = [role for role, _, _ in hub.boxes(PAGE.read_text())]
    assert {"administrator", "instructor", "student"} <= set(roles)
    for log in report["logs"]:
        assert log["status"] == 0, f"{log['user']} in {log['folder']}:\n{log['commands']}\n" \
                                   f"{log['output'][-3000:]}"
    students = roles.count("student")
    assert len(report["logs"]) == len(roles) + students  # each student box ran twice


def test_the_exchange_has_nbgrader_s_multi_user_modes(hub_run):
    report, _ = hub_run
    modes = report["modes"]
    assert modes["."] == f"{ROOT_MODE:o}"
    for name, mode in COURSE_FOLDERS.items():
        assert modes[os.path.normpath(f"mapcourse/{name}")] == f"{mode:o}", name
    assert "c.Exchange.root = '/srv/nbgrader/exchange'" in report["system_config"]


def scores(report: dict) -> dict[str, dict[str, float]]:
    """Each student's stage score, in `nbgrader export`'s grades.csv and `mapcourse grade`'s."""
    course_dir = Path(report["homes"]["instructor"]) / "mapcourse"
    students = {Path(home).name: name for name, home in report["homes"].items()}
    with (course_dir / "grades.csv").open() as exported, \
            (course_dir / "graded" / "grades.csv").open() as graded:
        return {"nbgrader": {students[row["student_id"]]: float(row["raw_score"])
                             for row in csv.DictReader(exported)},
                "mapcourse": {students[row["id"]]: float(row[STAGE.id])
                              for row in csv.DictReader(graded)}}


def test_the_right_answer_scores_full_marks_and_the_wrong_one_less(hub_run):
    report, _ = hub_run
    found = scores(report)
    assert found["nbgrader"]["ada"] == STAGE.points
    assert 0 < found["nbgrader"]["carl"] < STAGE.points
    assert found["mapcourse"] == found["nbgrader"]  # the collected notebooks, graded again


def test_the_grades_files_have_the_columns_the_page_names(hub_run):
    report, _ = hub_run
    course_dir = Path(report["homes"]["instructor"]) / "mapcourse"
    page = PAGE.read_text()
    export = page[page.index("**`nbgrader export` writes totals only**"):]
    named = re.findall(r"`(\w+)`", export[export.index("with the columns"):export.index(";")])
    with (course_dir / "grades.csv").open() as exported:
        assert next(csv.reader(exported)) == named
    with (course_dir / "graded" / "grades.csv").open() as graded:
        assert next(csv.reader(graded)) == ["id", *(stage.id for stage in COURSE.stages),
                                            "total"]
    assert "`grades.csv`, with the columns `id` (the student), one per stage (its autograded " \
           "points) and `total`" in " ".join(page.split())


def test_each_student_fetched_their_own_feedback(hub_run):
    report, _ = hub_run
    for student, score in scores(report)["nbgrader"].items():
        home = Path(report["homes"][student])
        pages = list((home / STAGE.id / "feedback").glob(f"*/{STAGE.id}.html"))
        assert len(pages) == 1, f"{student}: {pages}"
        assert f"{STAGE.id} (Score: {score:.1f} / " in pages[0].read_text(), student
