"""The project's tests. tests/second_course/ is a course of its own, not tests of this one: its
visible tests and hidden suites run only through that course's commands."""

collect_ignore = ["second_course"]
