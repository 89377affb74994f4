"""How long grading may take, as one place states it (the CLI reads it without the grader)."""

STAGE_BUDGET = 60.0
"""Seconds that all the tests of one stage may take together: a stage that hangs in every
test costs about this much, however many test groups it has."""
