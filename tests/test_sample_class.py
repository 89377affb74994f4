"""The sample class that the README's first command grades: current, and graded as meant."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-class"


def files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*.py"))}


def test_sample_class_is_generated_from_the_current_solutions(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "examples" / "make_sample_class.py"),
                    str(tmp_path / "fresh")], check=True)
    assert files(tmp_path / "fresh") == files(SAMPLE), \
        "examples/sample-class is stale: run `python examples/make_sample_class.py`"


@pytest.fixture(scope="module")
def report() -> dict:
    result = subprocess.run([sys.executable, "-m", "mapcourse", "grade", str(SAMPLE),
                             "--format", "json", "--timeout", "5"],
                            capture_output=True, text=True, cwd=ROOT, timeout=1200)
    assert result.returncode == 0, result.stderr
    return {s["id"]: {stage["stage"].split("_")[0]: stage for stage in s["stages"]}
            for s in json.loads(result.stdout)["submissions"]}


EXPECTED = {  # student -> {stage: status or "lost"}; stages not named get full marks
    "ada": {},
    "ben": {"stage4": "missing", "stage5": "missing", "stage6": "lost"},
    "chloe": {"stage3": "lost"},
    "dev": {"stage3": "missing", "stage4": "missing", "stage5": "missing",
            "stage6": "missing"},
    "emma": {"stage2": "import-error"},
    "farid": {"stage4": "timeout"},
    "gina": {"stage5": "import-error"},
    "hugo": {},
    "iris": {},
}


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_sample_student_is_graded_as_meant(report, student):
    for stage, result in report[student].items():
        expected = EXPECTED[student].get(stage)
        if expected is None:
            assert result["score"] == result["max_score"], (stage, result)
        elif expected in ("missing", "import-error"):
            assert result["status"] == expected and result["score"] == 0
        elif expected == "timeout":
            assert any(test["status"] == "timeout" for test in result["tests"])
            assert result["score"] < result["max_score"]
        else:
            assert result["status"] == "graded" and result["score"] < result["max_score"]
