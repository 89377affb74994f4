"""Write examples/sample-class/: nine students whose work shows what the grader does.

    python examples/make_sample_class.py [TARGET]

Each student starts from the reference solutions of every stage in course.toml; the table
below says what is different, naming each stage it changes. The folder is generated
(`mapcourse regenerate` runs this script): the test suite fails when it is stale.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from mapcourse.manifest import load_course

HERE = Path(__file__).resolve().parent
COURSE = load_course(HERE.parent)
SOLUTIONS = COURSE.solutions_dir
TARGET = HERE / "sample-class"
STAGES = [stage.id for stage in COURSE.stages]
NOTE = "# Sample submission for the course's demo class (examples/make_sample_class.py).\n"

RIDGE_WITH_LAM = '''

def map_ridge(X, y, noise_var, lam):
    """Forgets that the prior's weight in the normal equations is noise_var * lam."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    return np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
'''
BETA_MAP_IS_THE_MEAN = '''

def beta_map(a, b, heads, tails):
    """Returns the posterior mean where the mode is asked for."""
    a_post, b_post = beta_posterior(a, b, heads, tails)
    return a_post / (a_post + b_post)
'''
LASSO_NEVER_STOPS = '''

def map_lasso(X, y, lam, *, max_iter=10_000, tol=1e-10):
    """Waits for an exact fixed point that floating point never reaches."""
    w = np.zeros(np.shape(X)[1])
    while True:
        w = w + 0.0
'''
SYNTAX_ERROR = '''

def map_estimate(thetas, prior, heads, tails)
    return 0.5
'''
CRASH_AT_IMPORT = '''

raise RuntimeError("this stage file fails as soon as it is imported")
'''
HELPERS = '''"""Shared by hugo's stage files."""


def fraction(part, whole):
    """part / whole as a float."""
    return float(part) / float(whole)
'''
USES_HELPERS = '''

from helpers import fraction


def mle(heads, tails) -> float:
    """The MLE, through hugo's helper module."""
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    if heads + tails == 0:
        raise ValueError("heads and tails are both 0: with no flips the MLE is undefined")
    return fraction(heads, heads + tails)
'''
LOOPS = '''

def log_likelihood(theta, heads, tails):
    """One theta at a time, with plain Python loops."""
    heads, tails = _as_count(heads, "heads"), _as_count(tails, "tails")
    values = np.asarray(theta, dtype=float)
    flat = []
    for value in values.ravel().tolist():
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"theta must lie in [0, 1], got {theta!r}")
        total = 0.0
        if heads:
            total += heads * math.log(value) if value > 0 else -math.inf
        if tails:
            total += tails * math.log1p(-value) if value < 1 else -math.inf
        flat.append(total)
    if values.ndim == 0:
        return flat[0]
    return np.array(flat, dtype=float).reshape(values.shape)
'''

# student -> {stage: change}; a change is None (file missing) or text appended to the
# reference file (later definitions replace earlier ones) or ("replace", text).
STUDENTS: dict[str, dict[str, object]] = {
    "ada": {},
    "ben": {"stage4_laplace_l1": None, "stage5_weight_decay": None,
            "stage6_beta_bayes": BETA_MAP_IS_THE_MEAN},
    "chloe": {"stage3_gaussian_l2": RIDGE_WITH_LAM},
    "dev": {stage: None for stage in ("stage3_gaussian_l2", "stage4_laplace_l1",
                                      "stage5_weight_decay", "stage6_beta_bayes")},
    "emma": {"stage2_map_table": SYNTAX_ERROR},
    "farid": {"stage4_laplace_l1": LASSO_NEVER_STOPS},
    "gina": {"stage5_weight_decay": CRASH_AT_IMPORT},
    "hugo": {"stage1_mle_coin": USES_HELPERS, "helpers.py": ("replace", HELPERS)},
    "iris": {"stage1_mle_coin": LOOPS},
}


def student_copy(stage: str) -> str:
    """The reference stage file as a student would hand it in: no solution markers."""
    lines = (SOLUTIONS / f"{stage}.py").read_text().splitlines(keepends=True)
    return "".join(line for line in lines
                   if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
                   and not line.strip().startswith("# Hint:"))


def build(target: Path) -> None:
    """Write the whole sample class into target (replacing what is there)."""
    if target.exists():
        shutil.rmtree(target)
    for student, changes in STUDENTS.items():
        folder = target / student
        folder.mkdir(parents=True)
        for stage in STAGES:
            change = changes.get(stage, "")
            if change is not None:
                (folder / f"{stage}.py").write_text(NOTE + student_copy(stage) + change)
        for name, change in changes.items():
            if isinstance(change, tuple):
                (folder / name).write_text(change[1])


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
