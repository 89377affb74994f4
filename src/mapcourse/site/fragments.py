"""Markdown fragments the pages include with `--8<--`: manifest facts and computed numbers.

Every fragment is a function of the course manifest or of the reference solutions' output,
so a page never repeats a stage title, a hint or a number by hand.
"""

from __future__ import annotations

import re

import numpy as np

from mapcourse.manifest import Course, Stage
from mapcourse.site.coin import BetaExample, BlindSpot, WorkedExample
from mapcourse.site.regression import GaussianCheck, LaplaceCheck

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<$])")


def escape(text: str) -> str:
    """Plain text made literal in Markdown: *, _, backticks, brackets and $ lose their meaning."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def indent(text: str) -> str:
    """Text indented four spaces, the body of an admonition."""
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def stage_heading(stage: Stage) -> str:
    """'Stage 1: Maximum likelihood for a coin' from the manifest."""
    return f"Stage {stage.number}: {stage.title}"


def exercise_box(course: Course, stage: Stage, depth: int = 0) -> str:
    """Where the stage's exercise lives, for a page `depth` folders below docs/."""
    up = "../" * depth
    return (
        f'!!! abstract "Exercise: {stage_heading(stage)}"\n'
        + indent(
            f"You implement this in `{course.exercises_dir.name}/{stage.filename}`; its visible "
            f"tests are `{course.exercises_dir.name}/test_{stage.filename}`. Run them with "
            f"`mapcourse check {stage.number}`. The [stage page]({up}{stage.page}) lists what "
            f"to implement, the hints and the points ({stage_points(stage)})."
        )
        + "\n"
    )


def stage_points(stage: Stage) -> str:
    """'10 autograded' or '10 autograded + 5 written' (a derivation graded by hand)."""
    written = f" + {stage.derivation_points} written" if stage.derivation else ""
    return f"{stage.points} autograded{written}"


def course_points(course: Course) -> str:
    """'60 autograded + 10 written': every point the course counts."""
    written = sum(stage.derivation_points for stage in course.stages if stage.derivation)
    return f"{course.max_score} autograded" + (f" + {written} written" if written else "")


def reading_note(course: Course, stage: Stage) -> str:
    """For a page a stage reads before its concept page (the next page of the textbook):
    which stage it prepares, and where that stage's exercise box is."""
    return (
        f"This page prepares [{stage_heading(stage)}]({stage.page}); the exercise itself "
        f"(`{course.exercises_dir.name}/{stage.filename}`) is set on the "
        f"[next page]({stage.concept}).\n"
    )


def stage_header(course: Course, stage: Stage) -> str:
    """A stage page's title and the box that says where its files are and how to test them."""
    up = "../" * stage.page.count("/")
    exercises = course.exercises_dir.name
    facts = [
        f"Your file: `{exercises}/{stage.filename}`",
        f"Visible tests: `{exercises}/test_{stage.filename}`",
        f"Check your work: `mapcourse check {stage.number}` (add `--watch` to re-run on save)",
        f"Run the tests yourself: `pytest {exercises}/test_{stage.filename}`",
        f"A hint in the terminal: `mapcourse hint {stage.number}`",
        f"Points: {stage.points} from the tests"
        + (
            f", plus {stage.derivation_points} for the written derivation"
            if stage.derivation
            else ""
        ),
        f"Read first: [the textbook page on this idea]({up}{stage.concept})",
    ]
    box = '!!! abstract "Your exercise"\n' + indent("\n".join(f"- {fact}" for fact in facts))
    return f"# {stage_heading(stage)}\n\n{box}\n"


def stage_hints(stage: Stage) -> str:
    """The manifest's hints, each folded, and the written derivation when the stage has one."""
    parts = ["## Hints", "", "Open one at a time; each gives away a little more than the last.", ""]
    for number, hint in enumerate(stage.hints, start=1):
        parts += [f'??? tip "Hint {number}"', indent(escape(hint)), ""]
    if stage.derivation:
        parts += [
            "## Written derivation",
            "",
            f'!!! question "Derivation ({stage.derivation_points} points, graded by hand)"',
            indent(escape(stage.derivation)),
            "",
        ]
    return "\n".join(parts)


def stages_table(course: Course) -> str:
    """One row per stage, in the manifest's order: page, concept, file, points."""
    rows = [
        f"| {stage.number} | [{stage.title}]({stage.page}) | [concept]({stage.concept}) "
        f"| `{course.exercises_dir.name}/{stage.filename}` | {stage_points(stage)} |"
        for stage in course.stages
    ]
    header = "| Stage | What you build | Read first | Your file | Points |\n|---|---|---|---|---|"
    total = f"| | **Total** | | | **{course_points(course)}** |"
    return "\n".join([header, *rows, total]) + "\n"


def stage_list(course: Course, depth: int) -> str:
    """A numbered list of the stages with their points, for a page `depth` folders down."""
    up = "../" * depth
    lines = []
    for stage in course.stages:
        written = (
            f", plus {stage.derivation_points} for a written derivation, graded by hand"
            if stage.derivation
            else ""
        )
        lines.append(
            f"{stage.number}. [{stage.title}]({up}{stage.page}): {stage.points} points{written}."
        )
    lines += ["", f"In all, {course_points(course)} points."]
    return "\n".join(lines) + "\n"


def blind_spot_numbers(example: BlindSpot) -> str:
    """The MLE of the all-heads coin, as the stage 1 reference computes it."""
    return (
        f"With {example.heads} heads and {example.tails} tails the reference solution gives "
        f"`mle({example.heads}, {example.tails}) = {example.mle!r}` and "
        f"`grid_mle({example.heads}, {example.tails}) = {example.grid_mle!r}`: "
        f"$\\hat\\theta_{{\\text{{MLE}}}} = {example.mle:g}$, a coin that never lands tails.\n"
    )


def worked_table(example: WorkedExample) -> str:
    """The source's table: prior, likelihood, product and posterior for each candidate."""
    table = example.table
    header = (
        "| $\\theta$ | prior $P(\\theta)$ | likelihood $P(D\\mid\\theta)$ | product "
        "| posterior $P(\\theta\\mid D)$ |\n|---:|---:|---:|---:|---:|"
    )
    rows = [
        f"| {theta:g} | {prior:g} | {likelihood:.6g} | {product:.6g} | {posterior:.5f} |"
        for theta, prior, likelihood, product, posterior in zip(
            table.theta,
            table.prior,
            table.likelihood,
            table.product,
            table.posterior,
            strict=True,
        )
    ]
    total = (
        f"| sum | {table.prior.sum():g} | | $P(D) =$ **{table.evidence:.6g}** "
        f"| {table.posterior.sum():g} |"
    )
    return "\n".join([header, *rows, total]) + "\n"


def worked_results(example: WorkedExample) -> str:
    """Evidence, posterior, MAP, posterior mean and MLE of the worked example."""
    table = example.table
    posterior = ", ".join(
        f"$P(\\theta = {theta:g} \\mid D) = {p:.5f}$"
        for theta, p in zip(table.theta, table.posterior, strict=True)
    )
    return (
        f"- Evidence: $P(D) = \\sum_\\theta P(D\\mid\\theta)P(\\theta) = {table.evidence:.6g}$.\n"
        f"- Posterior: {posterior}.\n"
        f"- MAP: $\\hat\\theta_{{\\text{{MAP}}}} = {example.map:g}$, the candidate with the larger "
        "posterior.\n"
        f"- Posterior mean: $\\sum_\\theta \\theta\\,P(\\theta\\mid D) = "
        f"{example.posterior_mean:.5f}$.\n"
        f"- MLE for comparison: ${example.heads}/{example.heads + example.tails} = "
        f"{example.mle:g}$.\n"
    )


def worked_correction(example: WorkedExample) -> str:
    """The admonition that corrects the source's reading of its own worked example."""
    table = example.table
    low, high = sorted(table.posterior)
    body = (
        f'The source reports the MAP estimate {example.map:g} as winning "barely", and says '
        f"the strong prior toward 0.5 \"pulled this from MLE's overconfident {example.mle:g} "
        'estimate". Nothing was pulled. The MLE is '
        f"${example.heads}/{example.heads + example.tails} = {example.mle:g}$, and with this "
        f"prior the MAP estimate is **also {example.map:g}**: the posterior ranks it first, "
        f"{high:.5f} against {low:.5f}. A point estimate over two candidates can only jump "
        "from one to the other; here it stays put.\n\n"
        "What the prior does change is the posterior: it keeps "
        f"{table.posterior[0]:.5f} of its mass on $\\theta = {table.theta[0]:g}$, and the "
        f"posterior mean ${example.posterior_mean:.5f}$ is the number that moves from "
        f"{example.mle:g} toward {table.theta[0]:g}.\n\n"
        'The source\'s "sum = 0.047" adds the rounded products; the evidence is '
        f"{table.evidence:.6g}."
    )
    return (
        '!!! warning "Correction: the prior did not move the MAP estimate here"\n'
        + indent(body)
        + "\n"
    )


def gaussian_check_table(check: GaussianCheck) -> str:
    """log N(theta; 0, I/lam), the L2 penalty and the constant, for one theta."""
    theta = ", ".join(f"{v:g}" for v in check.theta)
    return (
        "| $\\theta$ | $\\lambda$ | $\\log P(\\theta)$ | $\\frac{\\lambda}{2}\\lVert\\theta"
        "\\rVert_2^2$ | $\\frac{d}{2}\\log\\frac{2\\pi}{\\lambda}$ |\n|---|---:|---:|---:|---:|\n"
        f"| ({theta}) | {check.lam:g} | {check.log_prior:.6f} | {check.penalty:.6f} "
        f"| {check.constant:.6f} |\n"
    )


def laplace_check_table(check: LaplaceCheck) -> str:
    """log Laplace(theta; 0, b), the L1 penalty with lam = 1/b and the constant d log(2b)."""
    theta = ", ".join(f"{v:g}" for v in check.theta)
    return (
        "| $\\theta$ | $b$ | $\\log P(\\theta)$ | $\\lambda\\lVert\\theta\\rVert_1$, "
        "$\\lambda = 1/b$ | $d\\log 2b$ |\n|---|---:|---:|---:|---:|\n"
        f"| ({theta}) | {check.b:g} | {check.log_prior:.6f} | {check.penalty:.6f} "
        f"| {check.constant:.6f} |\n"
    )


def sparsity_table(
    rows: list[tuple[float, int, int]], lam_max: float, true_weights: np.ndarray, n: int
) -> str:
    """Exact zeros among the d MAP weights of ridge and of the lasso, at several lam."""
    d = true_weights.size
    lines = [
        f"| $\\lambda$ | $\\lambda/\\lambda_{{\\max}}$ | exact zeros, ridge (of {d}) "
        f"| exact zeros, lasso (of {d}) |",
        "|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {lam:.4g} | {lam / lam_max:.2g} | {ridge_zeros} | {lasso_zeros} |"
        for lam, ridge_zeros, lasso_zeros in rows
    ]
    weights = ", ".join(f"{w:g}" for w in true_weights)
    lines += [
        "",
        f"The data: $n = {n}$ examples of ${d}$ standardised features, $y = Xw + \\varepsilon$ "
        f"with $w = ({weights})$ and noise $\\varepsilon \\sim \\mathcal{{N}}(0, I)$; "
        f"here $\\lambda_{{\\max}} = {lam_max:.4g}$. Ridge uses $\\sigma^2 = 1$.",
    ]
    return "\n".join(lines) + "\n"


def gaps_table(gaps: dict[str, float], lam: float) -> str:
    """weight_decay_gap for each optimizer, and what it means."""
    meaning = {
        "sgd": "coupled: the same as $\\frac{\\lambda}{2}\\lVert w\\rVert^2$ in the loss",
        "adam": "coupled L2: the same as $\\frac{\\lambda}{2}\\lVert w\\rVert^2$ in the loss",
        "adamw": "decoupled: not an L2 term in the loss",
    }
    lines = [
        f"| optimizer | `weight_decay_gap(..., lam={lam:g})` | reading |",
        "|---|---:|---|",
    ]
    lines += [f"| `{name}` | {gap:.3g} | {meaning.get(name, '')} |" for name, gap in gaps.items()]
    return "\n".join(lines) + "\n"


def weight_decay_table(cases: list[tuple[float, float, int, float]]) -> str:
    """weight_decay_for_prior for a few priors, noise variances and data sizes."""
    lines = [
        "| prior precision $\\lambda$ | noise variance $\\sigma^2$ | $n$ "
        "| `weight_decay` $= 2\\sigma^2\\lambda/n$ |",
        "|---:|---:|---:|---:|",
    ]
    lines += [f"| {p:g} | {s:g} | {n} | {wd:g} |" for p, s, n, wd in cases]
    return "\n".join(lines) + "\n"


def beta_results(example: BetaExample) -> str:
    """MLE, Beta MAP and posterior mean of the 3-heads coin."""
    a_post, b_post = example.posterior
    a_flat, b_flat = example.flat_posterior
    return (
        f"| prior | posterior | MLE | MAP (mode) | posterior mean |\n|---|---|---:|---:|---:|\n"
        f"| Beta({example.a:g}, {example.b:g}) | Beta({a_post:g}, {b_post:g}) "
        f"| {example.mle:g} | {example.map:.6g} | {example.posterior_mean:.6g} |\n"
        f"| Beta(1, 1), flat | Beta({a_flat:g}, {b_flat:g}) "
        f"| {example.mle:g} | {example.flat_map:.6g} | {example.flat_mean:.6g} |\n"
    )


def growing_weights(ridge: np.ndarray) -> list[int]:
    """The weights (numbered from 1) whose size along a ridge path, (lams, d), exceeds its start."""
    size = np.abs(ridge)
    return [j + 1 for j in range(ridge.shape[1]) if size[:, j].max() > size[0, j] + 1e-9]


def ridge_growth(ridge: np.ndarray) -> str:
    """What ridge shrinks along its path: the norm of the weights, not each weight."""
    names = [f"$w_{j}$" for j in growing_weights(ridge)]
    growing = (
        f"on this data {', '.join(names[:-1])}{' and ' if len(names) > 1 else ''}{names[-1]} "
        f"grow{'s' * (len(names) == 1)} in size at first and shrink only later"
        if names
        else "on this data each weight shrinks too"
    )
    return (
        "Ridge shrinks the weights as a whole: their norm $\\lVert w\\rVert_2$ falls as "
        f"$\\lambda$ rises. It need not shrink each one: {growing}. None of them reaches zero.\n"
    )


def adamw_drift(weights: np.ndarray, last: int = 10) -> str:
    """How far AdamW's weights, (steps + 1, d), still moved over the last `last` steps."""
    moved = float(np.abs(weights[-1] - weights[-1 - last]).max())
    return (
        f"AdamW has not settled by step {weights.shape[0] - 1}: over its last {last} steps a "
        f"weight still moved by {moved:.2g}, away from the MAP weights.\n"
    )
