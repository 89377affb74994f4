"""A located upload as a submission folder, and what its feedback says about it.

The folder holds each chosen stage file under its stage's own name (a notebook as its
code cells) and the helpers `uploads.locate` picked; the sandbox grades it like any
submission folder. Each stage's note names the file graded and the files ignored; a
missing stage's message names the file expected and what the upload holds instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mapcourse.grading.discover import Submission
from mapcourse.grading.results import SubmissionResult
from mapcourse.grading.uploads import (
    KIND_WORDS,
    MAX_LISTED,
    Candidate,
    StageChoice,
    Upload,
    stage_source,
)


def write_folder(upload: Upload, target: Path) -> None:
    """Write the submission folder of `upload` into the new folder `target`."""
    target.mkdir()
    for choice in upload.stages:
        if choice.chosen is None:
            continue
        if choice.chosen.kind == "notebook":
            (target / choice.filename).write_text(stage_source(choice.chosen), encoding="utf-8")
        else:  # byte for byte, as a flat submission's file reaches the sandbox
            shutil.copyfile(choice.chosen.path, target / choice.filename)
    for name, relative in upload.helpers.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(upload.root / relative, target / name)


@contextlib.contextmanager
def submission_folder(submission: Submission) -> Iterator[Path]:
    """The folder to grade: the submission's own, or its upload assembled in scratch."""
    if submission.upload is None:
        yield submission.path
        return
    scratch = Path(tempfile.mkdtemp(prefix="mapcourse-upload-"))
    try:
        write_folder(submission.upload, scratch / submission.id)
        yield scratch / submission.id
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def explain(result: SubmissionResult, upload: Upload | None) -> SubmissionResult:
    """`result` with each stage's note, and each missing stage's message, for `upload`."""
    if upload is None:
        return result
    stages = []
    for stage in result.stages:
        choice = upload.choice(stage.stage)
        if choice.chosen is None:
            stage = dataclasses.replace(stage, message=missing_message(upload, choice))
        elif note := stage_note(upload, choice):
            stage = dataclasses.replace(stage, note=note)
        stages.append(stage)
    return dataclasses.replace(result, stages=tuple(stages))


def stage_note(upload: Upload, choice: StageChoice) -> str:
    """What was graded for a stage, when the upload left a choice or used another name."""
    chosen = choice.chosen
    if chosen is None:
        return ""
    folders = {c.chosen.folder for c in upload.stages if c.chosen is not None}
    parts = []
    if chosen.kind == "notebook":
        parts.append(f"Graded the code cells of `{chosen.relative}` as `{choice.filename}` "
                     "(lines starting with % or ! dropped).")
    elif chosen.kind == "copy":
        parts.append(f"Graded `{chosen.relative}` as `{choice.filename}` ({KIND_WORDS['copy']}: "
                     f"name it `{choice.filename}` next time).")
    elif choice.ignored or len(folders) > 1 or chosen.folder in upload.clashes:
        parts.append(f"Graded `{chosen.relative}`.")
    if chosen.stub and parts:
        parts.append("It is still the untouched stub: nothing in it is written yet.")
    if choice.ignored:
        parts.append("Ignored " + ", ".join(f"`{c.relative}` ({_why_not(c, chosen)})"
                                            for c in choice.ignored) + ".")
    if clashes := upload.clashes.get(chosen.folder):
        parts.append(f"Not copied beside it: {', '.join(clashes)}; this stage imports the "
                     "module of that name from the other folder.")
    return " ".join(parts)


def missing_message(upload: Upload, choice: StageChoice) -> str:
    """`stage3_gaussian_l2.py` is not there; what the upload holds instead (a few files)."""
    stem = choice.filename.removesuffix(".py")
    text = (f"`{choice.filename}` is not in the submission (nor a copy such as "
            f"`{stem} (1).py`, nor a notebook `{stem}.ipynb`)")
    unreadable = [f"`{name}` ({why})" for name, why in upload.unreadable.items()
                  if name.rpartition("/")[2].lower().startswith(stem.lower())]
    if unreadable:
        text += "; could not read " + ", ".join(unreadable)
    if upload.others:
        text += f"; found instead: {_listed(upload.others)}"
    elif not any(c.chosen for c in upload.stages) and upload.non_code:
        text += f"; the submission holds no .py or .ipynb file, only {_listed(upload.non_code)}"
    return text + f". Name the file `{choice.filename}` and submit it again."


def _why_not(candidate: Candidate, chosen: Candidate) -> str:
    """Why `choose` ranked `candidate` below `chosen`, in its order of rules."""
    if candidate.stub and not chosen.stub:
        return "an untouched stub"
    if candidate.depth != chosen.depth:
        return "deeper in the submission"
    if candidate.mtime != chosen.mtime:
        return "older"
    if candidate.kind != chosen.kind:
        return KIND_WORDS[candidate.kind]
    return "the same in every rule: the first by path is graded"


def _listed(names: tuple[str, ...]) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:MAX_LISTED])
    return shown + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")
