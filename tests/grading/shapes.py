"""Upload shapes for the tests: stage files from the reference solutions, their stubs,
notebooks."""

import json
from pathlib import Path

from mapcourse.manifest import load_course
from mapcourse.stubs import stub_source

COURSE = load_course(Path(__file__).resolve().parents[2])
STAGES = [stage.id for stage in COURSE.stages]


def solution(stage_id: str) -> str:
    return (COURSE.solutions_dir / f"{stage_id}.py").read_text()


def stub(stage_id: str) -> str:
    return stub_source(solution(stage_id), f"{stage_id}.py")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def notebook(*cells: str) -> str:
    """An nbformat 4 notebook: a markdown cell, then `cells` as code cells."""
    code = [{"cell_type": "code", "source": cell.splitlines(keepends=True), "metadata": {},
             "outputs": [], "execution_count": None} for cell in cells]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "markdown", "source": "# My work",
                                  "metadata": {}}, *code]})


def chosen(upload, stage_id: str) -> str | None:
    choice = upload.choice(stage_id)
    return choice.chosen.relative if choice.chosen else None
