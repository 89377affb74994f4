"""A shared exchange with nbgrader's modes, and the page's hub boxes that set it up.

`test_multi_user.py` runs the page on real users (as root, slow); these check, anywhere and
fast, what `mapcourse nbgrader DIR --exchange EXCHANGE` makes, mends and refuses, and that
the page's boxes give each user the commands the issue of a hub is about.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from mapcourse.cli import main
from mapcourse.manifest import load_course
from mapcourse.nbgrader import exchange as shared
from mapcourse.nbgrader.exchange import (
    COURSE_FOLDERS,
    ROOT_MODE,
    SYSTEM_CONFIG,
    ExchangeSetupError,
    prepare_exchange,
    system_config,
)
from tests.nbgrader import hub

PAGE = load_course().root / "docs" / "instructors" / "nbgrader.md"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_it_makes_the_exchange_and_the_course_folders_with_nbgrader_s_modes(tmp_path):
    exchange = tmp_path / "srv" / "exchange"
    done = prepare_exchange(exchange, "mapcourse")
    assert mode(exchange) == ROOT_MODE
    for name, expected in COURSE_FOLDERS.items():
        assert mode(exchange / "mapcourse" / name) == expected, name
    assert done[0] == f"made {exchange} (mode 1777)"
    assert len(done) == 1 + len(COURSE_FOLDERS)
    assert prepare_exchange(exchange, "mapcourse") == []  # nothing left to do


def test_it_mends_the_modes_of_folders_of_its_own(tmp_path):
    exchange = tmp_path / "exchange"
    prepare_exchange(exchange, "mapcourse")
    inbound = exchange / "mapcourse" / "inbound"
    inbound.chmod(0o755)  # students could not hand in
    exchange.chmod(0o755)
    assert prepare_exchange(exchange, "mapcourse") == [
        f"changed {exchange} (mode 1777)", f"changed {inbound} (mode 2733)"]
    assert mode(inbound) == 0o2733


def test_an_exchange_of_someone_else_s_that_is_not_1777_is_refused_with_the_fix(
        tmp_path, monkeypatch):
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o755)
    exchange.chmod(0o755)
    monkeypatch.setattr(shared.os, "geteuid", lambda: exchange.stat().st_uid + 1)
    with pytest.raises(ExchangeSetupError, match=re.escape(f"runs `chmod 1777 {exchange}`")):
        prepare_exchange(exchange, "mapcourse")
    assert not (exchange / "mapcourse").exists()


def test_a_course_folder_of_someone_else_s_is_refused(tmp_path, monkeypatch):
    exchange = tmp_path / "exchange"
    prepare_exchange(exchange, "mapcourse")
    monkeypatch.setattr(shared.os, "geteuid", lambda: exchange.stat().st_uid + 1)
    with pytest.raises(ExchangeSetupError, match="releases only into a course folder of the "
                                                 "instructor's own.*--course-id"):
        prepare_exchange(exchange, "mapcourse")


def test_an_exchange_that_cannot_be_made_names_the_administrator_s_commands(tmp_path):
    (tmp_path / "srv").write_text("a file, not a folder")
    exchange = tmp_path / "srv" / "exchange"
    with pytest.raises(ExchangeSetupError, match=re.escape(
            f"`mkdir -p {exchange} && chmod 1777 {exchange}`")):
        prepare_exchange(exchange, "mapcourse")


def test_the_command_makes_the_exchange_and_prints_the_line_for_every_user(tmp_path, capsys):
    exchange = tmp_path / "exchange"
    assert main(["nbgrader", str(tmp_path / "course"), "--exchange", str(exchange)]) == 0
    out = capsys.readouterr().out
    assert f"made {exchange / 'mapcourse' / 'inbound'} (mode 2733)" in out
    assert f"{SYSTEM_CONFIG}" in out and system_config(exchange) in out
    config = (tmp_path / "course" / "nbgrader_config.py").read_text()
    assert system_config(exchange) in config  # the course names the same folder


def test_a_refused_exchange_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "srv").write_text("")
    exchange = tmp_path / "srv" / "exchange"
    assert main(["nbgrader", str(tmp_path / "course"), "--exchange", str(exchange)]) == 2
    assert "cannot create the exchange" in capsys.readouterr().err


def commands_of(role: str) -> str:
    return "\n".join(commands for who, _, commands in hub.boxes(PAGE.read_text())
                     if who == role)


def test_the_page_gives_students_nbgrader_s_commands_with_no_configuration_of_their_own():
    students = commands_of("student")
    for command in ("fetch_assignment", "submit", "fetch_feedback"):
        assert re.search(rf"^nbgrader {command} \S+ --course mapcourse\b", students,
                         re.MULTILINE), command
    assert "Exchange" not in students and "--config" not in students


def test_the_page_gives_the_instructor_the_grading_commands():
    instructor = commands_of("instructor")
    for command in ("generate_assignment", "release_assignment", "collect", "autograde",
                    "generate_feedback", "release_feedback", "export"):
        assert re.search(rf"^nbgrader {command}\b", instructor, re.MULTILINE), command
    assert re.search(r"^mapcourse --course \"\$COURSE\" grade submitted/ ", instructor,
                     re.MULTILINE)
    assert "nbconvert" not in instructor  # its scripts kept the test cells


def test_the_administrator_s_box_sets_the_exchange_the_instructor_names():
    administrator = commands_of("administrator")
    exchange = Path(re.search(r"--exchange (\S+)", commands_of("instructor")).group(1))
    assert f"chmod {ROOT_MODE:o} {exchange}" in administrator
    assert f'echo "{system_config(exchange)}" >> {SYSTEM_CONFIG}' in administrator

