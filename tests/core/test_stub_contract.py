"""The stub carries the contract: each function's docstring states what the curriculum says.

CONTRACT lists, per stage and function, the clauses of the course's curriculum as short
key phrases; each must appear in that function's docstring in the generated stub
(`exercises/<stage>.py`, read with `ast`), whitespace aside. MODULE is the module
docstring, which states the shared count conventions once; a function that takes counts
points to it with COUNTS.
"""

from __future__ import annotations

import ast

import pytest

from mapcourse.manifest import load_course

COURSE = load_course()
MODULE = "<module>"
COUNTS = "Counts: see the module docstring"
COUNT_RULES = ("non-negative whole numbers", "numpy integer", "3.0",
               "negative, fractional, nan or infinite count raises ValueError naming that count",
               "`heads` or `tails`", "TypeError", "Python floats")
SEQUENCE = ("theta**heads * (1 - theta)**tails", "no binomial coefficient", "0**0 == 1")
ANY_MESSAGE = "any message"
OPEN = "Left open (not graded)"

CONTRACT: dict[str, dict[str, tuple[str, ...]]] = {
    "stage1_mle_coin": {
        MODULE: SEQUENCE + COUNT_RULES,
        "log_likelihood": ("heads*log(theta) + tails*log(1 - theta)", "0*log(0) = 0",
                           "scalar theta gives a float", "array-like theta",
                           "ndarray of the same shape", "-inf, never nan",
                           "ValueError naming `theta`", "outside [0, 1]", "is nan", COUNTS),
        "mle": ("heads / (heads + tails)", "as a float", "ValueError", "no flips at all",
                "undefined", ANY_MESSAGE, COUNTS),
        "grid_mle": ("np.linspace(0, 1, grid_size)", "largest log_likelihood", "as a float",
                     "Ties go to the smallest theta", "ValueError naming `grid_size`",
                     "grid_size < 2", OPEN, "not a whole number (2.5, nan, inf)",
                     COUNTS),
    },
    "stage2_map_table": {
        MODULE: SEQUENCE + COUNT_RULES + ("P(D) = sum over theta of P(D | theta) P(theta)",),
        "posterior_table": ("as a PosteriorTable", "float64", "in the given order",
                            "log space", "posterior = w / sum(w)", "own sum",
                            "sums to 1 within 1e-12", "no nan",
                            "heads + tails = 10**7", "underflow to 0.0",
                            "prior 0 has posterior exactly 0",
                            "ValueError naming `thetas` or `prior`", "empty",
                            "different lengths", "naming `thetas` for a duplicate theta",
                            "outside [0, 1]", "naming `prior` for a negative prior",
                            "differs from 1 by more than 1e-9", ANY_MESSAGE,
                            "impossible under every candidate with positive prior", OPEN,
                            "nan or infinite entry of `thetas` or `prior`",
                            "a nan prior passes", COUNTS),
        "map_estimate": ("largest posterior", "as a float", "exact tie goes to the first",
                         "ValueError as posterior_table does", ANY_MESSAGE, COUNTS),
        "posterior_mean": ("theta * P(theta | D)", "as a float",
                           "ValueError as posterior_table does", ANY_MESSAGE, COUNTS),
    },
    "stage3_gaussian_l2": {
        MODULE: ("lists, tuples or numpy arrays", "Python floats"),
        "gaussian_log_prior": ("N(0, 1/lam)", "-(lam/2) * sum(theta**2) + (d/2) * "
                               "log(lam / (2*pi))", "normalising constant included",
                               "as a float", "any shape", "a scalar is one parameter",
                               "Normal(0, lam**-0.5).log_prob(theta).sum()",
                               "ValueError naming `lam` when lam <= 0 or is not finite",
                               "naming `theta` when an entry is nan or infinite"),
        "l2_penalty": ("(lam/2) * sum(theta**2)", "a float",
                       "-gaussian_log_prior(theta, lam) == l2_penalty(theta, lam) + C(lam, d)",
                       "ValueError naming `lam` when lam <= 0 or is not finite",
                       "naming `theta` when an entry is nan or infinite"),
        "map_ridge": ("y ~ N(Xw, noise_var I)", "w ~ N(0, I/lam)", "ndarray of shape (d,)",
                      "||y - Xw||^2 / (2*noise_var) + (lam/2)*||w||^2",
                      "(X.T X + noise_var*lam*I) w = X.T y", "X is (n, d), y is (n,)",
                      "work when d > n", "ValueError naming `lam` when lam <= 0",
                      "`noise_var` when noise_var <= 0", "nan or infinite value",
                      "`X` or `y` when their shapes do not match", OPEN,
                      "X that is not 2-D"),
    },
    "stage4_laplace_l1": {
        MODULE: ("lists, tuples or numpy arrays", "Python floats"),
        "laplace_log_prior": ("Laplace(0, b)", "-sum|theta|/b - d*log(2b)", "A float",
                              "Laplace(0, b).log_prob(theta).sum()",
                              "ValueError naming `b` when b <= 0", OPEN,
                              "nan or infinite `b` or entry of `theta`"),
        "l1_penalty": ("lam * sum|theta|", "a float", "lam = 1/b",
                       "-laplace_log_prior(theta, b) == l1_penalty(theta, 1/b) + d*log(2*b)",
                       "ValueError naming `lam` when lam < 0", OPEN,
                       "nan or infinite `lam` or entry of `theta`"),
        "soft_threshold": ("sign(z) * max(|z| - t, 0) elementwise", "an ndarray",
                           "proximal operator of t*|.|", "Exactly 0.0 wherever |z| <= t",
                           "ValueError naming `t` when t < 0", OPEN,
                           "nan or infinite `t` or entry of `z`"),
        "map_lasso": ("0.5*||y - Xw||^2 + lam*||w||_1", "ndarray of shape (d,)",
                      "unit noise variance", "Laplace prior of scale 1/lam", "exactly 0.0",
                      "for lam >= max|X.T y| all are", "X_j.T (y - Xw) = lam*sign(w_j)",
                      "|X_j.T (y - Xw)| <= lam where w_j == 0",
                      "within 1e-6 * max(1, max|X.T y|)", "ValueError naming `lam` when lam < 0",
                      "reaching max_iter is not an error", "return the weights reached", OPEN,
                      "nan or infinite `lam` or entry of `X` or `y`", "X that is not 2-D",
                      "shapes do not match"),
    },
    "stage5_weight_decay": {
        MODULE: ("any torch.nn.Module", "X is (n, d) and y is (n, 1), float32"),
        "l2_penalty_torch": ("(lam/2) * sum over parameters of ||p||^2",
                             "differentiable scalar Tensor", "gradient is lam * p",
                             "weight_decay=lam adds to each gradient in SGD and Adam",
                             "off by a factor of 2", "ValueError naming `lam` when lam < 0",
                             OPEN, "nan or infinite `lam`"),
        "map_loss_l1": ("loss + lam * sum of |p| over all parameters", "a Tensor",
                        "ValueError naming `lam` when lam < 0", OPEN, "nan or infinite `lam`"),
        "train": ("Full-batch", "in place", "`steps` steps", "returns `model` itself",
                  "MSELoss() (mean) + l2_penalty_torch(model, l2)", '"sgd", "adam" or "adamw"',
                  "defaults except lr and weight_decay",
                  "ValueError naming `optimizer` when it is unknown", "`lr` when lr <= 0",
                  "`steps` when steps < 0", "`weight_decay` or `l2` when negative", OPEN,
                  "`steps` that is not a whole number",
                  "nan or infinite `lr`, `weight_decay` or `l2`"),
        "weight_decay_gap": ("Largest |difference| between parameters", "weight_decay=lam",
                             "l2=lam", "A float", "two deep copies",
                             "model passed in is left unchanged", "About 0 (<= 1e-6)",
                             '"sgd" and "adam"', 'clearly positive for "adamw"'),
        "weight_decay_for_prior": ("mean MSELoss", "a float", "noise_var", "n examples",
                                   "wd = 2*noise_var*prior_precision/n", "SGD or Adam",
                                   "ValueError naming `prior_precision` or `noise_var`",
                                   "`n` when n < 1", OPEN, "`n` that is not a whole number",
                                   "nan or infinite `prior_precision` or `noise_var`"),
    },
    "stage6_beta_bayes": {
        MODULE: COUNT_RULES + ("Beta(a + heads, b + tails) = Beta(a', b')",),
        "beta_posterior": ("(a + heads, b + tails)", "tuple of two floats",
                           "ValueError naming `a` when a <= 0", "`b` when b <= 0", OPEN,
                           "nan or infinite `a` or `b`", COUNTS),
        "beta_map": ("mode of the posterior Beta(a', b')", "as a float",
                     "(a'-1)/(a'+b'-2) when a', b' > 1", "0.0 when a' <= 1 <= b'",
                     "1.0 when b' <= 1 <= a'", "(not both 1)", "ValueError", ANY_MESSAGE,
                     "a' == b' == 1", "every theta is a mode", "both are below 1",
                     "two modes", "With a = b = 1 the MAP is the MLE", "0.8",
                     "as beta_posterior", COUNTS),
        "posterior_mean": ("a' / (a' + b')", "a float", "next flip is heads",
                           "as beta_posterior", COUNTS),
    },
}


def docstrings(source: str) -> dict[str, str]:
    """The module docstring (as MODULE) and each top-level function's, whitespace collapsed."""
    module = ast.parse(source)
    found = {MODULE: ast.get_docstring(module) or ""}
    found |= {node.name: ast.get_docstring(node) or "" for node in module.body
              if isinstance(node, ast.FunctionDef)}
    return {name: " ".join(text.split()) for name, text in found.items()}


def missing_clauses(docstring: str, clauses: tuple[str, ...]) -> list[str]:
    """The clauses a docstring does not state."""
    text = " ".join(docstring.split())
    return [clause for clause in clauses if " ".join(clause.split()) not in text]


def exercise_functions(source: str) -> set[str]:
    """The functions a student writes: those whose stub body raises NotImplementedError."""
    return {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)
            and any(isinstance(statement, ast.Raise) and "NotImplementedError" in
                    ast.unparse(statement) for statement in node.body)}


def stub(stage_id: str) -> str:
    return (COURSE.exercises_dir / COURSE.stage(stage_id).filename).read_text()


CLAUSES = [(stage, function) for stage, functions in CONTRACT.items() for function in functions]


def test_the_contract_covers_every_stage_and_every_function_a_student_writes():
    assert list(CONTRACT) == [stage.id for stage in COURSE.stages]
    for stage in CONTRACT:
        assert set(CONTRACT[stage]) - {MODULE} == exercise_functions(stub(stage)), stage


@pytest.mark.parametrize(("stage", "function"), CLAUSES,
                         ids=[f"{stage}.{function}" for stage, function in CLAUSES])
def test_the_stub_docstring_states_every_clause_of_the_contract(stage, function):
    docs = docstrings(stub(stage))
    assert missing_clauses(docs[function], CONTRACT[stage][function]) == []


def test_every_function_that_takes_counts_points_to_the_count_rules_of_its_module():
    for stage, functions in CONTRACT.items():
        for node in ast.parse(stub(stage)).body:
            if isinstance(node, ast.FunctionDef) and node.name in functions and \
                    {"heads", "tails"} <= {argument.arg for argument in node.args.args}:
                assert COUNTS in functions[node.name], f"{stage}.{node.name}"
                assert set(COUNT_RULES) <= set(functions[MODULE]), stage


def test_a_sentence_removed_from_a_docstring_is_reported_as_a_missing_clause():
    docstring = docstrings(stub("stage1_mle_coin"))["log_likelihood"]
    clauses = CONTRACT["stage1_mle_coin"]["log_likelihood"]
    sentence = "Raises ValueError naming `theta` when a theta lies outside [0, 1] or is nan."
    assert sentence in docstring and missing_clauses(docstring, clauses) == []
    assert missing_clauses(docstring.replace(sentence, ""), clauses) == [
        "ValueError naming `theta`", "outside [0, 1]", "is nan"]


def test_a_clause_split_across_lines_still_counts():
    clauses = ("Ties go to the smallest",)
    assert missing_clauses("Ties go to the\n    smallest theta.", clauses) == []
