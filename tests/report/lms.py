"""What Moodle's import code does with our files, re-written in Python from its source.

Each function names the file and function of moodle/moodle it follows; a file these parsers
reject is one Moodle ignores.
"""

from __future__ import annotations

import csv
import io
import zipfile

# lang/en/assign.php: $string['hiddenuser'], ['recordid'], ['lastmodifiedgrade'];
# lang/en/moodle.php: $string['grade']; assignfeedback_comments: $string['pluginname'].
HIDDENUSER, RECORDID, GRADE = "Participant ", "Identifier", "Grade"
LASTMODIFIEDGRADE, COMMENTS = "Last modified (grade)", "Feedback comments"


def offline_worksheet(text: str, participants: set[int]) -> dict[int, dict[str, str]]:
    """mod/assign/feedback/offline/importgradeslib.php, `init` then `next`: the columns by
    name (all three required, else the import fails), a row's user from the number after
    "Participant ", rows of unknown participants skipped."""
    columns, *records = list(csv.reader(io.StringIO(text)))
    index = {column: i for i, column in enumerate(columns)}
    if not {RECORDID, GRADE, LASTMODIFIEDGRADE} <= set(index):
        raise ValueError("Moodle: invalid grading worksheet (a required column is missing)")
    found = {}
    for record in records:
        number = record[index[RECORDID]][len(HIDDENUSER):]
        if number.isdigit() and int(number) in participants:
            found[int(number)] = {"grade": record[index[GRADE]],
                                  "feedback": record[index[COMMENTS]] if COMMENTS in index
                                  else ""}
    return found


def feedback_zip_path(path: str, participants: set[int]) -> tuple[int, str, str] | None:
    """mod/assign/feedback/file/importziplib.php, `is_valid_filename_for_import`: hidden
    files ignored; each path part split on "_" into at most 5; 4 or more pieces, the second
    numeric and a participant, the third and fourth a plugin; the rest is the file's name.
    Returns (participant, plugin, file name) or None when Moodle ignores the file."""
    name = path.rsplit("/", 1)[-1]
    if path.endswith("/") or name.startswith((".", "~")):
        return None
    parts = path.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit() or int(info[1]) not in participants:
            continue
        if f"{info[2]}_{info[3]}" != "assignfeedback_file":  # the plugins an assignment has
            continue
        rest = info[4] if len(info) == 5 else ""
        return int(info[1]), f"{info[2]}_{info[3]}", "/".join([rest, *parts])
    return None


def feedback_zip(data: bytes, participants: set[int]) -> dict[int, str]:
    """What `import_zip_files` stores: {participant: file name} for each file it accepts."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parsed = [feedback_zip_path(name, participants) for name in archive.namelist()]
    return {found[0]: found[2] for found in parsed if found}
