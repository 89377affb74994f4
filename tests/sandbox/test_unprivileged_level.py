"""Without bubblewrap, the hostile corpus is contained by an unprivileged user.

Bubblewrap is made to fail (MAPCOURSE_BWRAP=/bin/false) and the grader runs as root on
a machine like Gradescope's (`tests.sandbox.readable`): a readable Python, a course
whose hidden suites and solutions only root can read. Every attack must forge no
point, show no line of the hidden suites or the solutions in any output, leave no
process and run as a uid that is not root.
"""

import json
import sys
from pathlib import Path

import pytest

from tests.sandbox.processes import SANDBOX_UIDS, leftovers
from tests.sandbox.readable import ROOT, can_unshare, grade_command, private_course, run_readable
from tests.test_sandbox_attacks import (
    ATTACKS,
    HONEST,
    fingerprint,
    hostile_class,
    identities,
    stage1_only_solution,
    submission,
)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not can_unshare(),
                                 reason="needs root and private mount namespaces")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    work = tmp_path_factory.mktemp("unprivileged")
    (work / "course").mkdir()
    course = private_course(work / "course")
    class_dir = work / "class"
    listener = hostile_class(class_dir)
    before = fingerprint(class_dir)
    tmp_results_existed = Path("/tmp/results.json").exists()
    out = work / "out"
    result = run_readable(grade_command(str(class_dir), "--format", "json", "--out", str(out),
                                        "--jobs", "2", "--timeout", "2"),
                          work / "keep", {"MAPCOURSE_BWRAP": "/bin/false",
                                          "MAPCOURSE_ROOT": str(course)}, timeout=1500)
    listener.close()
    assert result.returncode == 0, result.stderr
    return {"report": json.loads(result.stdout), "stderr": result.stderr, "out": out,
            "course": course, "class_dir": class_dir, "before": before,
            "listener": listener, "tmp_results_existed": tmp_results_existed}


def test_grading_says_it_ran_as_an_unprivileged_user_and_why(graded):
    expected = ("run as an unprivileged user without bubblewrap (bubblewrap could not start: "
                "/bin/false exited with status 1)")
    assert graded["report"]["isolation_level"] == "unprivileged user"
    assert graded["report"]["sandbox"] == expected
    assert expected in graded["stderr"]
    feedback = (graded["out"] / "feedback" / "honest.md").read_text()
    assert f"Your code was {expected}." in feedback


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_forges_no_points(graded, attack):
    result = submission(graded["report"], attack)
    assert result["score"] == 0, json.dumps(result["stages"][0], indent=1)


@pytest.mark.parametrize("name", HONEST)
def test_honest_students_get_full_marks(graded, name):
    assert submission(graded["report"], name)["score"] == 10


def test_student_code_runs_as_an_unprivileged_uid(graded):
    found = identities(graded["report"])
    assert found, "records_its_uid's answers should appear in its messages"
    for uid, euid, gid in found:
        assert uid == euid and uid in SANDBOX_UIDS and gid in SANDBOX_UIDS


def test_no_line_of_the_hidden_suites_or_solutions_in_any_output(graded):
    public = {line.strip() for path in (ROOT / "exercises").glob("*.py")
              for line in path.read_text().splitlines()}  # the stubs, the visible tests
    secrets = set()
    for folder in ("autograder", "solutions"):
        for path in (ROOT / folder).glob("*.py"):
            secrets |= {line.strip() for line in path.read_text().splitlines()
                        if len(line.strip()) > 30} - public
    outputs = {"report": json.dumps(graded["report"])}
    outputs |= {str(path): path.read_text() for path in graded["out"].rglob("*")
                if path.is_file()}
    assert {"grades.csv"} <= {Path(name).name for name in outputs}
    for name, text in outputs.items():
        shown = [line for line in secrets if line in text]
        assert shown == [], name


def test_no_process_outlives_grading(graded):
    assert leftovers() == []


def test_no_file_changes_outside_the_scratch(graded):
    assert fingerprint(graded["class_dir"]) == graded["before"]
    if not graded["tmp_results_existed"]:
        assert not Path("/tmp/results.json").exists()


def test_no_connection_reaches_the_host(graded):
    """Root may give the zygote a network namespace of its own (as here): no network."""
    assert graded["listener"].connections == 0


def test_gradescope_grades_as_an_unprivileged_user_where_bubblewrap_cannot_run(graded,
                                                                               tmp_path):
    """The autograder's own path, on the same kind of machine, with the same course."""
    stage1_only_solution(tmp_path / "submission")
    result = run_readable([sys.executable, "-m", "mapcourse.gradescope", str(tmp_path)],
                          tmp_path / "keep", {"MAPCOURSE_BWRAP": "/bin/false",
                                              "MAPCOURSE_ROOT": str(graded["course"])},
                          timeout=600)
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["score"] == 10, result.stderr
    assert results["output"].startswith("Your code was run as an unprivileged user without "
                                        "bubblewrap (bubblewrap could not start: ")
