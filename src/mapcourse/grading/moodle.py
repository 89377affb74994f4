"""Moodle's assignment imports, in the form its own code reads them.

The grading worksheet (Assignment > View all submissions > Grading action > Upload grading
worksheet) follows mod/assign/feedback/offline/importgradeslib.php,
`assignfeedback_offline_grade_importer::init` and `next`: the columns are found by their
English names, "Identifier" (string `recordid`), "Grade" (`grade`) and "Last modified (grade)"
(`lastmodifiedgrade`), each required; "Feedback comments" (assignfeedback_comments'
`get_editor_fields`) is the comment. A row's user is the number after "Participant " (string
`hiddenuser`), looked up with `assign::get_user_id_for_uniqueid`: an id only Moodle knows,
so the instructor downloads the worksheet and gives it to `--roster`. locallib.php,
`process_import_grades`, then skips without a word a grade above the Moodle assignment's
maximum grade, and a row whose grade Moodle changed more than a minute after the worksheet's
"Last modified (grade)".

The feedback files zip (Grading action > Upload multiple feedback files in a zip) follows
mod/assign/feedback/file/importziplib.php, `is_valid_filename_for_import`: a path part split
on "_" into at most 5 pieces, of which the second is the participant id and the third and
fourth the plugin ("assignfeedback", "file"); the rest is the file's name.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence

WORKSHEET_FILE, FEEDBACK_ZIP = "moodle-worksheet.csv", "moodle-feedback.zip"
PARTICIPANT = "Participant "
WORKSHEET = ("Identifier", "Full name", "Email address", "Grade", "Maximum grade",
             "Last modified (grade)", "Feedback comments")
Row = tuple[str, Mapping[str, str], Sequence[str], str]


def has_participants(roster: Mapping[str, Mapping[str, str]]) -> bool:
    """Whether the roster came from Moodle's grading worksheet (it knows participant ids)."""
    return any(student.get("participant") for student in roster.values())


def worksheet(rows: Sequence[Row], maximum: float) -> str:
    """The grading worksheet filled in: one row per student with a participant id, the grade
    out of the assignment's maximum, and the comment. "Last modified (grade)" is the
    worksheet's own, so Moodle's check that the worksheet is not older than its grade holds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(WORKSHEET)
    for sid, known, scores, comment in rows:
        if not known.get("participant"):
            continue
        total = sum(float(score) for score in scores)
        writer.writerow([f"{PARTICIPANT}{known['participant']}", known.get("name", sid),
                         known.get("email", ""), f"{total:g}", f"{maximum:g}",
                         known.get("moodle_modified", ""),
                         comment or f"Autograded {total:g}/{maximum:g}"])
    return out.getvalue()


def feedback_zip(rows: Sequence[Row], feedback: Mapping[str, str]) -> bytes:
    """feedback/<id>.md of each student with a participant id, as
    "<name>_<participant>_assignfeedback_file_/feedback.md": the folder form of Moodle's own
    "Download all submissions", with the file feedback plugin where a download names the
    submission's; the name loses every character but letters and digits, so no "_" moves
    the participant id out of the second place."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sid, known, _, _ in rows:
            if known.get("participant") and sid in feedback:
                name = re.sub(r"[^A-Za-z0-9]+", " ", known.get("name", sid)).strip() or sid
                folder = f"{name}_{known['participant']}_assignfeedback_file_"
                info = zipfile.ZipInfo(f"{folder}/feedback.md", date_time=(2000, 1, 1, 0, 0, 0))
                archive.writestr(info, feedback[sid], zipfile.ZIP_DEFLATED)
    return out.getvalue()
