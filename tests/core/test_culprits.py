"""The hidden suites grade an error's wording exactly where the curriculum names a culprit.

Where no single argument is at fault (no flips for `mle`, data impossible under every
candidate, `beta_map`'s flat or two-mode posterior) the suites pass `names=None` to
`expect_raises`, so only the exception's type is graded; everywhere else they name the
argument the message must mention.
"""

from __future__ import annotations

import ast

from mapcourse.manifest import load_course

COURSE = load_course()
ANY_WORDING = {
    ("stage1_mle_coin", "test_mle_is_the_fraction_of_heads"),
    ("stage2_map_table", "test_posterior_table_follows_bayes_rule_on_random_tables"),
    ("stage2_map_table", "test_data_impossible_under_every_candidate_raise"),
    ("stage6_beta_bayes", "test_beta_map_refuses_a_flat_or_two_peaked_posterior"),
}


def error_checks() -> list[tuple[str, str, ast.expr | None]]:
    """(stage, test, the `names` argument) of every expect_raises call in the hidden suites."""
    found = []
    for stage in COURSE.stages:
        module = ast.parse(COURSE.hidden_suite(stage).read_text())
        for test in module.body:
            if not isinstance(test, ast.FunctionDef):
                continue
            for node in ast.walk(test):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "expect_raises":
                    names = {k.arg: k.value for k in node.keywords}.get("names")
                    found.append((stage.id, test.name, names))
    return found


def is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def test_only_errors_without_a_culprit_are_graded_by_type_alone():
    checks = error_checks()
    assert len(checks) >= 15
    assert [(stage, test) for stage, test, names in checks if names is None] == []
    assert {(stage, test) for stage, test, names in checks if is_none(names)} == ANY_WORDING


def test_every_culprit_check_names_at_least_one_argument():
    for stage, test, names in error_checks():
        if (stage, test) in ANY_WORDING:
            continue
        assert not (isinstance(names, ast.Tuple | ast.List) and not names.elts), (stage, test)
