"""No line of the hidden suites or solutions reaches a student, whatever their code prints."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from mapcourse.grading import results
from mapcourse.grading.withhold import SHORTEST, WITHHELD, HiddenLines
from mapcourse.manifest import load_course

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "autograder" / "test_stage1_mle_coin.py"


def secret_lines(public: set[str]) -> list[str]:
    """Lines of stage 1's hidden suite long enough to be withheld and not in any stub."""
    return [line.strip() for line in SUITE.read_text().splitlines()
            if len(line.strip()) >= SHORTEST and line.strip() not in public]


def public_lines() -> set[str]:
    return {line.strip() for path in (ROOT / "exercises").glob("*.py")
            for line in path.read_text().splitlines()}


def test_hidden_lines_are_withheld_from_messages_and_output_but_public_ones_stay():
    hidden = HiddenLines(load_course(ROOT))
    secret = secret_lines(public_lines())[0]
    stub_line = next(line.strip() for line in
                     (ROOT / "exercises" / "stage1_mle_coin.py").read_text().splitlines()
                     if len(line.strip()) >= SHORTEST and line.strip().startswith("def "))
    group = results.TestResult("mle", 0.0, 1.0, "error", f"mle raised ValueError: {secret}")
    stage = results.StageResult("stage1_mle_coin", 10, "graded", (group,),
                                output=f"{stub_line}\n{secret}\nshort line\n")
    cleared = hidden.submission(results.SubmissionResult("s", (stage,), 10)).stages[0]
    assert secret not in cleared.tests[0].message and WITHHELD in cleared.tests[0].message
    assert cleared.output == f"{stub_line}\n{WITHHELD}\nshort line\n"
    assert hidden.text("short line") == "short line"


def test_a_trusted_run_that_prints_the_hidden_suite_shows_none_of_it(tmp_path):
    """--no-sandbox lets the code read the course: the report still withholds its lines."""
    submission = tmp_path / "class" / "peeker"
    submission.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "stage1_mle_coin.py", submission)
    with (submission / "stage1_mle_coin.py").open("a") as stage:
        stage.write(f"\nprint(open({str(SUITE)!r}).read()[:3000])\n"
                    f"_mle = mle\n\ndef mle(heads, tails):\n"
                    f"    if heads == 0:\n"
                    f"        raise ValueError(open({str(SUITE)!r}).read()[:3000])\n"
                    f"    return _mle(heads, tails)\n")
    out = tmp_path / "out"
    graded = subprocess.run([sys.executable, "-m", "mapcourse", "grade", str(tmp_path / "class"),
                             "--no-sandbox", "--format", "json", "--out", str(out)],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert graded.returncode == 0, graded.stderr
    texts = {"report": graded.stdout, "terminal": graded.stderr}
    texts |= {str(path): path.read_text() for path in out.rglob("*") if path.is_file()}
    feedback = (out / "feedback" / "peeker.md").read_text()
    assert "Your stage printed" in feedback and WITHHELD in feedback  # it did print the suite
    secrets = secret_lines(public_lines())
    for name, text in texts.items():
        shown = [line for line in secrets if line in text or json.dumps(line)[1:-1] in text]
        assert shown == [], name
