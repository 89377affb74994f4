"""The release's generated files, from the templates in mapcourse/templates/student/.

A template (`<file>.in`, so that no tool takes it for a real pyproject.toml) marks each
value as `@name@`, a marker that no TOML, YAML or Markdown uses.
"""

from __future__ import annotations

import json
import re
import sys
from importlib.resources import files

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Gradescope's default image): the same parser, from PyPI
    import tomli as tomllib

from mapcourse.manifest import Course
from mapcourse.progress.runner import visible_tests
from mapcourse.progress.workspace import FOLDER, LOCAL_FILES, page_link

TEMPLATES = files("mapcourse") / "templates" / "student"


class TemplateError(Exception):
    """A template names a value the release does not provide."""


def render(template: str, **values: str) -> str:
    text = (TEMPLATES / template).read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    if left := re.findall(r"@(\w+)@", text):
        raise TemplateError(f"template {template} needs values for {', '.join(left)}")
    return text


def project(course: Course) -> dict:
    """The course's own pyproject.toml `[project]` table: dependencies, Python, version."""
    return tomllib.loads((course.root / "pyproject.toml").read_text())["project"]


def python_version(course: Course) -> str:
    """The oldest Python the course supports: `>=3.11` gives `3.11`."""
    return project(course)["requires-python"].lstrip(">=~ ").split(",")[0]


def readme(course: Course, textbook: str | None) -> str:
    rows = [f"| {stage.number} | {stage.title} | {stage.points} | "
            f"`exercises/{stage.filename}` | {_link(page_link(textbook, stage))} |"
            for stage in course.stages]
    site = textbook or "your instructor gives you its address."
    return render("README.md.in", title=course.title, count=str(len(course.stages)), textbook=site,
                  python=f"{python_version(course)} or newer", stage_table="\n".join(rows))


def _link(target: str) -> str:
    return f"[{target.rstrip('/').rsplit('/', 1)[-1]}]({target})" if "://" in target else target


def pyproject(course: Course) -> str:
    """Install what the stubs and visible tests need: the course's dependencies and its
    `student` extra."""
    meta = project(course)
    needs = [*meta["dependencies"], *meta.get("optional-dependencies", {}).get("student", [])]
    return render("pyproject.toml.in", name=f"{meta['name']}-student", version=meta["version"],
                  title=course.title, requires_python=meta["requires-python"],
                  dependencies="\n".join(f"    {json.dumps(need)}," for need in needs))


def gitignore() -> str:
    return render("gitignore.in", local_state="\n".join(f"{FOLDER}/{name}" for name in LOCAL_FILES))


def classroom_workflow(course: Course) -> str:
    """One autograding step per stage with visible tests, worth the stage's points."""
    steps, env, runners = [], [], []
    for stage in course.stages:
        if not visible_tests(course, stage).is_file():
            continue
        step = f"stage{stage.number}"
        name = json.dumps(f"Stage {stage.number}: {stage.title}")
        steps += [f"      - name: {name}",
                  f"        id: {step}",
                  "        uses: classroom-resources/autograding-command-grader@v1",
                  "        with:",
                  f"          test-name: {name}",
                  f"          command: python -m pytest exercises/test_{stage.id}.py -q",
                  "          timeout: 10",
                  f"          max-score: {stage.points}"]
        env.append(f"          {step.upper()}_RESULTS: \"${{{{ steps.{step}.outputs.result }}}}\"")
        runners.append(step)
    return render("classroom.yml.in", python=python_version(course), steps="\n".join(steps),
                  reporter_env="\n".join(env) or "          {}", runners=",".join(runners))
