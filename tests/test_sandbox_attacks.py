"""The sandbox holds against hostile submissions.

One class of attackers (tests/hostile/<attack>/) and two honest students is graded with
the real `mapcourse grade`. Every attack must be contained: no points forged, no
process left alive, no hidden-test source in any output, no file changed outside the
grader's scratch, and the honest students graded exactly as when graded alone.
"""

import hashlib
import json
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.sandbox.processes import leftovers

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = Path(__file__).parent / "hostile"
ATTACKS = sorted(path.name for path in HOSTILE.iterdir() if path.is_dir())
HONEST = ("honest", "victim")

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def grade(class_dir: Path, out: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "mapcourse", "grade", str(class_dir), "--format", "json",
         "--out", str(out), "--jobs", "2", "--timeout", "2"],
        capture_output=True, text=True, timeout=1200, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class Listener:
    """A TCP server on the host's loopback that records whether anyone connected."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.server.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
                self.connections += 1
                connection.close()
            except OSError:
                pass

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


def stage1_only_solution(folder: Path) -> None:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "stage1_mle_coin.py", folder)


def hostile_class(class_dir: Path) -> Listener:
    """Every attack and the honest students in class_dir; the listener the attacks call."""
    listener = Listener()
    for attack in ATTACKS:
        shutil.copytree(HOSTILE / attack, class_dir / attack)
        (class_dir / attack / "port.txt").write_text(str(listener.port))
    for name in HONEST:
        stage1_only_solution(class_dir / name)
    return listener


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    class_dir = tmp_path_factory.mktemp("class")
    out = tmp_path_factory.mktemp("out") / "grades"
    listener = hostile_class(class_dir)
    alone_dir = tmp_path_factory.mktemp("alone")
    stage1_only_solution(alone_dir / "honest")
    alone = grade(alone_dir, tmp_path_factory.mktemp("alone-out") / "grades")
    before = fingerprint(class_dir)
    course_before = fingerprint(ROOT / "solutions") | fingerprint(ROOT / "autograder")
    tmp_results_existed = Path("/tmp/results.json").exists()
    report = grade(class_dir, out)
    listener.close()
    return {"report": report, "alone": alone, "out": out, "class_dir": class_dir,
            "before": before, "course_before": course_before, "listener": listener,
            "tmp_results_existed": tmp_results_existed}


def submission(report: dict, name: str) -> dict:
    return next(s for s in report["submissions"] if s["id"] == name)


@pytest.mark.slow
@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_forges_no_points(graded, attack):
    result = submission(graded["report"], attack)
    assert result["score"] == 0, json.dumps(result["stages"][0], indent=1)


@pytest.mark.slow
def test_every_submission_gets_its_row(graded):
    ids = {s["id"] for s in graded["report"]["submissions"]}
    assert ids == set(ATTACKS) | set(HONEST)
    assert graded["report"]["isolation_level"] == "bubblewrap"
    assert graded["report"]["sandbox"] == "isolated with bubblewrap"


@pytest.mark.slow
@pytest.mark.parametrize("name", HONEST)
def test_honest_students_are_graded_as_when_graded_alone(graded, name):
    alone = submission(graded["alone"], "honest")
    beside_attackers = submission(graded["report"], name)
    assert beside_attackers["stages"] == alone["stages"]
    assert beside_attackers["score"] == 10


@pytest.mark.slow
def test_no_process_outlives_grading(graded):
    assert leftovers() == []


@pytest.mark.slow
def test_no_file_changes_outside_the_scratch(graded):
    assert fingerprint(graded["class_dir"]) == graded["before"]
    course_now = fingerprint(ROOT / "solutions") | fingerprint(ROOT / "autograder")
    assert course_now == graded["course_before"]
    if not graded["tmp_results_existed"]:
        assert not Path("/tmp/results.json").exists()


@pytest.mark.slow
def test_no_connection_reaches_the_host(graded):
    assert graded["listener"].connections == 0


@pytest.mark.slow
def test_no_hidden_test_source_in_any_output(graded):
    source_lines = {line.strip() for line in
                    (ROOT / "autograder" / "test_stage1_mle_coin.py").read_text().splitlines()
                    if len(line.strip()) > 30}
    outputs = [json.dumps(graded["report"])]
    outputs += [path.read_text() for path in graded["out"].rglob("*") if path.is_file()]
    for text in outputs:
        for line in source_lines:
            assert line not in text


@pytest.mark.slow
@pytest.mark.parametrize(("attack", "statuses"), [
    ("infinite_loop", {"timeout"}), ("refuses_to_die", {"timeout"}),
    ("os_exit_in_a_call", {"error"}),
    ("memory_bomb", {"error", "timeout"}),  # MemoryError, unless filling 4 GiB takes longer
])
def test_attacks_are_reported_for_what_they_did(graded, attack, statuses):
    tests = submission(graded["report"], attack)["stages"][0]["tests"]
    mle_test = next(test for test in tests if test["name"] == "mle is the fraction of heads")
    assert mle_test["status"] in statuses, mle_test


@pytest.mark.slow
@pytest.mark.parametrize("attack", ["hangs_at_import", "exits_at_import"])
def test_attacks_at_import_are_import_errors(graded, attack):
    stage = submission(graded["report"], attack)["stages"][0]
    assert stage["status"] == "import-error"
    assert stage["message"]


def identities(report: dict) -> set[tuple[int, int, int]]:
    """(uid, euid, gid) that `records_its_uid` answered with, from its test messages."""
    messages = [test["message"] for test in submission(report, "records_its_uid")["stages"][0]
                ["tests"]]
    found = set()
    for message in messages:
        _, _, rest = message.partition("uid=")
        if rest:
            uid, euid, gid = rest.split()[:3]
            found.add((int(uid), int(euid.removeprefix("euid=")), int(gid.removeprefix("gid="))))
    return found


@pytest.mark.slow
def test_student_code_never_runs_as_root(graded):
    found = identities(graded["report"])
    assert found, "records_its_uid's answers should appear in its messages"
    for uid, euid, gid in found:
        assert 0 not in (uid, euid, gid)


@pytest.mark.slow
def test_a_flood_of_output_is_counted_not_kept(graded):
    feedback = (graded["out"] / "feedback" / "floods_the_output.md").read_text()
    assert "Your stage printed (first 4 KiB of" in feedback
    assert len(feedback.encode()) < 64 * 1024
