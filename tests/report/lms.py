"""What Canvas's and Moodle's import code does with our files, re-written in Python from it.

Each function names the file and function of moodle/moodle or instructure/canvas-lms it
follows; a file these parsers reject is one the platform rejects or ignores.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

# lang/en/assign.php: $string['hiddenuser'], ['recordid'], ['lastmodifiedgrade'];
# lang/en/moodle.php: $string['grade']; assignfeedback_comments: $string['pluginname'].
HIDDENUSER, RECORDID, GRADE = "Participant ", "Identifier", "Grade"
LASTMODIFIEDGRADE, COMMENTS = "Last modified (grade)", "Feedback comments"


def offline_worksheet(text: str, participants: set[int],
                      maximum: float = float("inf")) -> dict[int, dict[str, str]]:
    """mod/assign/feedback/offline/importgradeslib.php, `init` then `next`: the columns by
    name (all three required, else the import fails), a row's user from the number after
    "Participant ", rows of unknown participants skipped. Then locallib.php,
    `process_import_grades`: a grade that is empty, below 0 or above the Moodle assignment's
    maximum grade is skipped without a word, so `maximum` is that setting."""
    columns, *records = list(csv.reader(io.StringIO(text)))
    index = {column: i for i, column in enumerate(columns)}
    if not {RECORDID, GRADE, LASTMODIFIEDGRADE} <= set(index):
        raise ValueError("Moodle: invalid grading worksheet (a required column is missing)")
    found = {}
    for record in records:
        number = record[index[RECORDID]][len(HIDDENUSER):]
        grade = record[index[GRADE]]
        if not (number.isdigit() and int(number) in participants):
            continue
        if grade == "" or not 0 <= float(grade) <= maximum:
            continue
        found[int(number)] = {"grade": grade,
                              "feedback": record[index[COMMENTS]] if COMMENTS in index else ""}
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


# Canvas: app/models/gradebook_importer.rb (instructure/canvas-lms), class GradebookImporter.
NON_ASSIGNMENT = ("Current Score", "Current Points", "Current Grade", "Final Score",
                  "Final Points", "Final Grade", "Override Score", "Override Grade",
                  "Override Status")


class InvalidHeaderRow(ValueError):
    """Canvas's GradebookImporter::InvalidHeaderRow: the upload fails as a whole."""


def canvas_gradebook(text: str, students: dict[str, dict[str, str]]) -> dict:
    """What `parse!` makes of a gradebook CSV: `header?`, `update_column_count` and
    `strip_non_assignment_columns` (the student columns, ending at "Section"), `process_pp`
    (the "Points Possible" row gives new assignments their points) and `process_student`
    (a student by Canvas ID in the second column, then SIS User ID, SIS Login ID, then name).
    `students` are Canvas's, {canvas id: {"sis_user_id", "sis_login_id", "name"}}; returns
    {"assignments": {title: points}, "grades": {canvas id or "new: name": [grades]}}."""
    header, *rows = list(csv.reader(io.StringIO(text)))
    if not (len(header) > 3 and "Student" in header[0] and "ID" in header[1]):
        raise InvalidHeaderRow("row_has_student_headers?")
    columns, sis_user, sis_login = 3, None, None
    if "SIS Login ID" in header[2]:
        sis_login, columns = 2, 4
    elif "SIS User ID" in header[2] and "SIS Login ID" in header[3]:
        sis_user, sis_login, columns = 2, 3, 5
    if "Section" not in header[columns - 1]:
        raise InvalidHeaderRow("last_student_info_column must be Section")
    titles = [t for t in header[columns:] if not any(n in t for n in NON_ASSIGNMENT)]
    index = {title: header.index(title) for title in titles}
    points: dict[str, str | None] = dict.fromkeys(titles)
    grades: dict[str, list[str]] = {}
    for row in rows:
        if row and "Points Possible" in row[0]:
            points |= {t: row[i] for t, i in index.items() if i < len(row) and row[i]}
            continue
        if all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", c, re.I) for c in row):
            continue
        grades[_canvas_student(row, students, sis_user, sis_login)] = [
            row[i].strip() for i in index.values()]
    return {"assignments": points, "grades": grades}


def _canvas_student(row, students, sis_user, sis_login) -> str:
    if row[1].strip() in students:
        return row[1].strip()
    for column, key in ((sis_user, "sis_user_id"), (sis_login, "sis_login_id")):
        if column is not None and row[column]:
            found = [cid for cid, s in students.items() if s.get(key) == row[column]]
            if found:
                return found[0]
    found = [cid for cid, s in students.items() if s.get("name") == row[0]]
    return found[0] if found else f"new: {row[0]}"  # User.new(name:): a new student


# Moodle: grade/import/csv/classes/load_data.php (gradeimport_csv_load_data). Columns the
# instructor maps to "Ignore" in the import form: the other user fields, and the feedback.
IGNORED = ("Username", "ID number", "Email address", "Feedback")
def moodle_grade_csv(text: str, user_field: str, users: dict[str, int],
                     items: dict[str, float]) -> dict[int, dict[str, float]]:
    """`map_user_data_with_value`: a row with a blank user field is skipped, an unknown user
    fails the import (`check_user_exists`); each other column fills the existing grade item
    the instructor maps it to (`update_grade_item`, here the item of the same name in `items`,
    {name: maximum}). A "new grade item" (`import_new_grade_item`) has only a name, so Moodle
    gives it its default maximum, 100; here an unknown column fails, as our docs say to map
    every column to an item made beforehand. Returns {user id: {item: grade}}."""
    header, *rows = list(csv.reader(io.StringIO(text)))
    column = header.index(user_field)
    graded = [name for i, name in enumerate(header) if i != column and name in items]
    if unknown := [name for i, name in enumerate(header)
                   if i != column and name not in items and name not in IGNORED]:
        raise ValueError(f"Moodle: no grade item for {unknown}: it would be a new item out "
                         "of 100")
    found: dict[int, dict[str, float]] = {}
    for row in rows:
        if not row[column]:
            continue
        if row[column] not in users:
            raise ValueError(f"Moodle: user mapping error, no user with {user_field} "
                             f"{row[column]!r}")
        found[users[row[column]]] = {name: float(row[header.index(name)]) for name in graded}
    return found
