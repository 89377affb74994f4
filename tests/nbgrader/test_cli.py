"""`mapcourse nbgrader DIR`: writes the course, says what is stale, refuses a file."""

from __future__ import annotations

import pytest

from mapcourse.cli import main
from mapcourse.manifest import load_course

ROOT = load_course().root


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


def load_config(course_dir):
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()


def test_the_config_puts_the_root_and_the_exchange_in_the_course_folder(tmp_path):
    course_dir = tmp_path / "course"
    main(["nbgrader", str(course_dir)])
    config = load_config(course_dir)
    assert config.CourseDirectory.root == str(course_dir)
    assert config.Exchange.root == str(course_dir / "exchange")
    assert "exchange/" in (course_dir / ".gitignore").read_text().splitlines()
    assert config.GenerateFeedback.exporter_class.endswith("FeedbackExporter")


def test_the_course_gets_its_own_mathjax(tmp_path):
    course_dir = tmp_path / "course"
    main(["nbgrader", str(course_dir)])
    copied = course_dir / "mathjax" / "tex-svg.js"
    assert copied.read_bytes() == (ROOT / "node_modules/mathjax/es5/tex-svg.js").read_bytes()
    assert "mathjax/" in (course_dir / ".gitignore").read_text().splitlines()


@pytest.mark.parametrize(("text", "error"), [
    ("name,first_name\nada,Ada\n", "no `id` column"),
    ("id,first_name,nickname\nada,Ada,A\n", "unknown column nickname"),
    ("id,first_name\nada,Ada\nada,Ava\n", "the id ada appears twice"),
    ("id,first_name\n,Ada\n", "no id on line 2"),
])
def test_a_roster_nbgrader_would_misread_is_refused_before_anything_runs(tmp_path, capsys,
                                                                         text, error):
    roster = tmp_path / "students.csv"
    roster.write_text(text)
    assert main(["nbgrader", str(tmp_path / "course"), "--roster", str(roster)]) == 2
    assert error in capsys.readouterr().err
    assert not (tmp_path / "course" / "gradebook.db").exists()


def test_a_missing_roster_is_a_usage_error(tmp_path, capsys):
    assert main(["nbgrader", str(tmp_path / "course"), "--roster", "nobody.csv"]) == 2
    assert "no roster at nobody.csv" in capsys.readouterr().err


def test_another_exchange_can_be_named(tmp_path):
    course_dir = tmp_path / "course"
    main(["nbgrader", str(course_dir), "--exchange", str(tmp_path / "shared")])
    assert load_config(course_dir).Exchange.root == str(tmp_path / "shared")
    assert main(["nbgrader", str(course_dir), "--exchange", str(tmp_path / "shared"),
                 "--check"]) == 0
