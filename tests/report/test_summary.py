"""The facts the report shows, computed from the results alone."""

import dataclasses

from mapcourse.report.summary import concept_title, hidden_docstrings, problems, summarise


def test_groups_are_sorted_by_failure_rate_with_their_concept(small_class, course):
    summary = summarise(small_class, course)
    first = summary.groups[0]
    assert first.name == f"{course.stages[0].id} second group"
    assert (first.failed, first.ran) == (2, 3)  # di's stage 1 did not import: not run
    assert first.concept == concept_title(course, course.stages[0])
    rates = [group.failure_rate for group in summary.groups]
    assert rates == sorted(rates, reverse=True)


def test_messages_that_differ_only_in_their_numbers_are_one_message(small_class, course):
    messages = summarise(small_class, course).groups[0].messages
    assert len(messages) == 1
    assert messages[0].count == 2 and messages[0].students == ("bo", "cy")
    assert messages[0].example.startswith("mle(3, 1) returned 0.5")


def test_problems_name_the_students_concerned(small_class, course):
    found = problems(small_class, course)
    assert [(p.student, p.stage.number) for p in found["missing files"]] == [("cy", 2)]
    assert [(p.student, p.detail) for p in found["import errors"]] == [
        ("di", "SyntaxError: expected ':' (line 3)")]
    assert [p.student for p in found["timeouts"]] == ["di"]
    assert [p.student for p in found["crashes"]] == ["di"]
    assert "killed by SIGSEGV" in found["crashes"][0].detail


def test_the_slowest_submissions_come_first(small_class, course):
    assert [s.id for s in summarise(small_class, course).slowest] == ["di", "bo", "ana", "cy"]


def test_concept_titles_come_from_the_textbook_pages(course):
    titles = [concept_title(course, stage) for stage in course.stages]
    assert all(title and not title.endswith(".md") and "`" not in title for title in titles)


def test_hidden_docstrings_hold_nothing_but_docstrings(course, tmp_path):
    suite = tmp_path / "test_stage1_mle_coin.py"
    suite.write_text('def test_mle_is_the_fraction(student):\n'
                     '    """The MLE is heads / (heads + tails).\n\n    More detail."""\n'
                     '    assert student.mle(3, 1) == 0.75\n'
                     'def test_without_a_docstring(student):\n    pass\n')
    fake = dataclasses.replace(course, hidden_tests_dir=tmp_path)
    assert hidden_docstrings(fake, course.stages[0]) == {
        "mle is the fraction": "The MLE is heads / (heads + tails)."}
