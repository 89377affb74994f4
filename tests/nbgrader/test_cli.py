"""`mapcourse nbgrader DIR`: writes the course, says what is stale, refuses a file."""

from __future__ import annotations

from mapcourse.cli import main


def test_it_writes_the_course_then_finds_it_current(tmp_path, capsys):
    course_dir = tmp_path / "course"
    assert main(["nbgrader", str(course_dir)]) == 0
    assert (course_dir / "nbgrader_config.py").is_file()
    assert (course_dir / "source" / "stage1_mle_coin" / "stage1_mle_coin.ipynb").is_file()
    assert "nbgrader generate_assignment" in capsys.readouterr().out
    assert main(["nbgrader", str(course_dir), "--check"]) == 0


def test_check_reports_a_notebook_edited_by_hand(tmp_path, capsys):
    course_dir = tmp_path / "course"
    main(["nbgrader", str(course_dir)])
    notebook = course_dir / "source" / "stage6_beta_bayes" / "stage6_beta_bayes.ipynb"
    notebook.write_text(notebook.read_text().replace("Stage 6", "Stage six"))
    capsys.readouterr()
    assert main(["nbgrader", str(course_dir), "--check"]) == 1
    assert capsys.readouterr().out.startswith(f"stale: {notebook} ")
    assert main(["nbgrader", str(course_dir)]) == 0
    assert main(["nbgrader", str(course_dir), "--check"]) == 0


def test_the_course_id_goes_into_the_config(tmp_path):
    main(["nbgrader", str(tmp_path), "--course-id", "bayes-2027"])
    assert "c.CourseDirectory.course_id = 'bayes-2027'" in (
        tmp_path / "nbgrader_config.py").read_text()


def test_a_file_is_not_a_course_folder(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("")
    assert main(["nbgrader", str(path)]) == 2
    assert "is a file" in capsys.readouterr().err
