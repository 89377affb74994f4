"""The release's generated files, from the templates in mapcourse/templates/student/.

A template (`<file>.in`, so that no tool takes it for a real pyproject.toml) marks each
value as `@name@`, a marker that no TOML, YAML or Markdown uses.
"""

from __future__ import annotations

import json
import re
import textwrap
from importlib.resources import files

from mapcourse.manifest import Course, Stage
from mapcourse.manifest import project_table as project
from mapcourse.progress.runner import visible_tests
from mapcourse.progress.workspace import FOLDER, LOCAL_FILES, page_link
from mapcourse.terms import TEST_TIME_LIMIT, requirement_name

TEMPLATES = files("mapcourse") / "templates" / "student"
DERIVATIONS = "derivations"  # the release's folder of written derivations, one file a stage
# pytest-timeout's options in the release: the grader's per-test limit, with its default
# method (signal where the OS has SIGALRM, thread elsewhere); the plugin makes a test that
# hangs fail alone, naming the function that did not return, and the run go on.
TIME_LIMIT = {"timeout": f"{TEST_TIME_LIMIT:g}"}
TIME_LIMIT_PLUGIN = "mapcourse.timelimit"


class TemplateError(Exception):
    """A template names a value the release does not provide."""


def render(template: str, **values: str) -> str:
    text = (TEMPLATES / template).read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    if left := re.findall(r"@(\w+)@", text):
        raise TemplateError(f"template {template} needs values for {', '.join(left)}")
    return text


def grader_requirements(course: Course) -> str:
    """The packages installed where submissions are graded: the course's dependencies."""
    return ("# Installed where your work is graded (from the course's pyproject.toml).\n"
            + "\n".join(project(course)["dependencies"]) + "\n")


def grader_package_names(course: Course) -> str:
    """`numpy, torch, ...`: the dependencies every grading machine installs (no backports)."""
    return ", ".join(f"`{requirement_name(line)}`" for line in project(course)["dependencies"]
                     if ";" not in line)


def python_version(course: Course) -> str:
    """The oldest Python the course supports: `>=3.11` gives `3.11`."""
    return project(course)["requires-python"].lstrip(">=~ ").split(",")[0]


def readme(course: Course, textbook: str) -> str:
    rows = [f"| {stage.number} | {stage.title} | {_points(stage)} | "
            f"`exercises/{stage.filename}` | {_link(page_link(textbook, stage))} |"
            for stage in course.stages]
    written = [stage for stage in course.stages if stage.derivation]
    return render("README.md.in", title=course.title, count=str(len(course.stages)),
                  textbook=textbook, python=f"{python_version(course)} or newer",
                  time_limit=TIME_LIMIT["timeout"], points=_points_line(course),
                  grader_packages=grader_package_names(course),
                  stage_table="\n".join(rows), derivations=_derivations_section(written),
                  commit_paths=" ".join(["exercises", *([DERIVATIONS] if written else [])]),
                  derivations_item=f"- `{DERIVATIONS}/`: a file for each written derivation, its "
                  "question and room for your answer.\n" if written else "")


def _points(stage: Stage) -> str:
    return f"{stage.points} + {stage.derivation_points} written" if stage.derivation else str(
        stage.points)


def _points_line(course: Course) -> str:
    """`60 points` or `70 points: 60 autograded + 10 written`."""
    written = sum(stage.derivation_points for stage in course.stages if stage.derivation)
    if not written:
        return f"{course.max_score} points, all from tests"
    return (f"{course.max_score + written} points: {course.max_score} autograded + "
            f"{written} written")


def derivation_file(stage: Stage) -> str:
    """Where the stage's written derivation goes in the student's repository."""
    return f"{DERIVATIONS}/{stage.id}.md"


def _derivations_section(stages: list[Stage]) -> str:
    if not stages:
        return ""
    items = "\n".join(f"- Stage {stage.number}, {stage.title} ({stage.derivation_points} "
                      f"points), in `{derivation_file(stage)}`:\n\n{_quoted(stage, '  ')}\n"
                      for stage in stages)
    return f"\n{render('derivations.md.in', items=items.strip(), folder=DERIVATIONS).strip()}\n"


def _quoted(stage: Stage, indent: str = "") -> str:
    """The manifest's question as written: plain text whose formulas (`2*noise_var`,
    `||w||_1`) Markdown would otherwise read as emphasis."""
    lines = ["```text", *textwrap.wrap(stage.derivation or "", 88), "```"]
    return "\n".join(indent + line for line in lines)


def derivation(stage: Stage) -> str:
    """The file a student writes the stage's derivation in: the question, then room."""
    return render("derivation.md.in", number=str(stage.number), title=stage.title,
                  points=str(stage.derivation_points), prompt=_quoted(stage),
                  pdf=derivation_file(stage).removesuffix(".md") + ".pdf")


def _link(target: str) -> str:
    return f"[{target.rstrip('/').rsplit('/', 1)[-1]}]({target})" if "://" in target else target


def pyproject(course: Course) -> str:
    """Install what the stubs and visible tests need: the course's dependencies and its
    `student` extra."""
    meta = project(course)
    needs = [*meta["dependencies"], *meta.get("optional-dependencies", {}).get("student", [])]
    return render("pyproject.toml.in", name=f"{meta['name']}-student", version=meta["version"],
                  title=course.title, requires_python=meta["requires-python"],
                  dependencies="\n".join(f"    {json.dumps(need)}," for need in needs),
                  time_limit="\n".join(f"{key} = {json.dumps(value)}"
                                       for key, value in TIME_LIMIT.items()),
                  plugin=json.dumps(TIME_LIMIT_PLUGIN))


def pytest_ini(course: Course) -> str:
    """The course's exercises/pytest.ini with the time limit set in its [pytest] section
    (pytest reads it, not pyproject.toml, when it is given files of exercises/)."""
    path = course.exercises_dir / "pytest.ini"
    text = path.read_text().rstrip() if path.is_file() else ""
    text += "\n" if text else ""
    header = re.compile(r"^\[pytest\][ \t]*\n", re.M)
    if not header.search(text):
        text += "\n[pytest]\n" if text else "[pytest]\n"
    start = header.search(text).end()  # type: ignore[union-attr]
    following = re.search(r"^\[", text[start:], re.M)
    end = start + following.start() if following else len(text)
    body, plugin = text[start:end], f"-p {TIME_LIMIT_PLUGIN}"
    for key in TIME_LIMIT:
        body = re.sub(rf"^{key}[ \t]*=.*\n?", "", body, flags=re.M)
    if found := re.search(r"^addopts[ \t]*=.*$", body, re.M):
        if plugin not in found.group(0):
            body = body.replace(found.group(0), f"{found.group(0)} {plugin}", 1)
    else:
        body = f"addopts = {plugin}\n{body}"
    limit = "".join(f"{key} = {value}\n" for key, value in TIME_LIMIT.items())
    return text[:start] + limit + body + text[end:]


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
