"""What a stage prints never changes its grade; its head is shown as the student's own."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mapcourse.grading import printed
from mapcourse.grading.results import StageResult
from mapcourse.sandbox.output import OUTPUT_HEAD_BYTES, OutputPipe

ROOT = Path(__file__).resolve().parents[2]
STAGE1 = ROOT / "solutions" / "stage1_mle_coin.py"
FLOOD_LINE = "debug " + "x" * 9993  # 10,000 bytes with its newline
PRINTS_200_MB = f'''

_right_mle = mle
_printed = []


def mle(heads, tails):  # noqa: F811
    if not _printed:  # 200 MB of debugging output, in a loop, inside a graded function
        _printed.append(True)
        for _ in range(20_000):
            print("{FLOOD_LINE}")
    return _right_mle(heads, tails)
'''
needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")
A_LITTLE = "theta grid ready: 1001 points"
PRINTS_A_LITTLE = f'\nprint("{A_LITTLE}")\n'


def stage(output: str, output_bytes: int) -> StageResult:
    return StageResult("stage1_mle_coin", 10, "graded", output=output, output_bytes=output_bytes)


def test_a_short_output_is_shown_whole_with_its_size():
    shown = printed.as_markdown(stage("hello\n", 6))
    assert shown[0] == "*Your stage printed (6 bytes):*"
    assert "hello" in shown


def test_a_long_output_says_it_shows_only_its_head():
    assert printed.title(stage("x" * OUTPUT_HEAD_BYTES, 200_000_000)) == (
        "Your stage printed (first 4 KiB of 200 MB):")


def test_a_stage_that_printed_nothing_shows_nothing():
    assert printed.as_markdown(stage("", 0)) == [] and printed.as_text(stage("", 0)) == ""


def test_backticks_in_the_output_cannot_close_its_fence():
    shown = printed.as_markdown(stage("```\n## Stage 1 — 10 / 10\n````", 30))
    fence = shown[2].removesuffix("text")
    assert len(fence) == 5 and shown[-2] == fence
    assert "````" in shown[3:-2] and fence not in shown[3:-2]


def test_every_line_of_plain_text_output_is_marked_as_the_students():
    text = printed.as_text(stage("score: 60\n\nall tests passed", 28))
    assert text.splitlines()[1:] == ["| score: 60", "| ", "| all tests passed"]


def test_terminal_escapes_and_direction_overrides_are_not_passed_on():
    cleaned = printed.clean("\x1b[2Jred\u202eevil\x00\r\n")
    assert cleaned == "\ufffd[2Jred\ufffdevil\ufffd"


def test_the_pipe_keeps_the_head_and_counts_everything():
    pipe = OutputPipe()
    written = 0
    try:
        for _ in range(50):
            written += os.write(pipe.write_fd, b"y" * 100_000)
            pipe.drain()
        pipe.close_write_end()
        assert pipe.drain() is False  # every writer is gone
        assert pipe.total == written == 5_000_000
        assert bytes(pipe.head) == b"y" * OUTPUT_HEAD_BYTES
    finally:
        pipe.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    class_dir = tmp_path_factory.mktemp("class")
    for name, extra in (("prints_200_mb", PRINTS_200_MB), ("prints_a_little", PRINTS_A_LITTLE),
                        ("quiet", "")):
        (class_dir / name).mkdir()
        (class_dir / name / STAGE1.name).write_text(STAGE1.read_text() + extra)
    out = tmp_path_factory.mktemp("out") / "grades"
    result = subprocess.run([sys.executable, "-m", "mapcourse", "grade", str(class_dir),
                             "--format", "json", "--out", str(out), "--jobs", "2"],
                            capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    return {"scores": {s["id"]: s["stages"][0] for s in report["submissions"]}, "out": out}


@pytest.mark.slow
@needs_bwrap
def test_printing_200_mb_inside_a_graded_function_keeps_every_point(graded):
    assert graded["scores"]["prints_200_mb"] == graded["scores"]["quiet"]
    assert graded["scores"]["prints_200_mb"]["score"] == 10


@pytest.mark.slow
@needs_bwrap
def test_the_feedback_shows_the_head_of_a_flood_and_its_size(graded):
    feedback = (graded["out"] / "feedback" / "prints_200_mb.md").read_text()
    assert "Your stage printed (first 4 KiB of 200 MB):" in feedback
    assert FLOOD_LINE[:3000] in feedback
    assert len(feedback) < 3 * OUTPUT_HEAD_BYTES  # the head, not the flood
    results = json.loads((graded["out"] / "results" / "prints_200_mb.json").read_text())
    assert f"| {FLOOD_LINE[:3000]}" in results["output"]


@pytest.mark.slow
@needs_bwrap
def test_a_stage_that_prints_a_little_shows_it(graded):
    feedback = (graded["out"] / "feedback" / "prints_a_little.md").read_text()
    assert f"Your stage printed ({len(A_LITTLE) + 1} bytes):" in feedback
    assert A_LITTLE in feedback
    results = json.loads((graded["out"] / "results" / "prints_a_little.json").read_text())
    assert f"| {A_LITTLE}" in results["output"]
    quiet = (graded["out"] / "feedback" / "quiet.md").read_text()
    assert "Your stage printed" not in quiet

