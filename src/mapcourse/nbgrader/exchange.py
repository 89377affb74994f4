"""A shared exchange for a hub where every student is a Unix user.

nbgrader's exchange is one folder every user can write to, with a folder per course that
the instructor owns; its own commands expect these modes (nbgrader/exchange/default/),
and `prepare_exchange` makes them before the first release:

    EXCHANGE/            1777  everyone writes, nobody removes another's files (like /tmp)
      COURSE/            0755  the instructor's: release_assignment refuses any other owner
        outbound/        0755  released assignments, read by every student
        inbound/         2733  submissions: students write, only the instructor lists
        feedback/        0711  feedback pages, fetched by name, never listed

A student's nbgrader finds the exchange through `c.Exchange.root`, which the hub's
administrator sets once for everyone in /etc/jupyter/nbgrader_config.py (`system_config`).
"""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

ROOT_MODE = 0o1777
COURSE_FOLDERS = {".": 0o755, "outbound": 0o755, "inbound": 0o2733, "feedback": 0o711}
SYSTEM_CONFIG = Path("/etc/jupyter/nbgrader_config.py")


class ExchangeSetupError(Exception):
    """The exchange cannot be given nbgrader's modes; the message says who can fix it."""


def system_config(exchange: Path) -> str:
    """The line of /etc/jupyter/nbgrader_config.py that points every user at `exchange`."""
    return f"c.Exchange.root = {str(exchange)!r}"


def prepare_exchange(exchange: Path, course_id: str) -> list[str]:
    """Create `exchange` and its course folders with nbgrader's modes (or mend the modes of
    folders this user owns); return one line per folder made or changed."""
    done = []
    if not exchange.is_dir():
        try:
            exchange.mkdir(parents=True)
        except OSError as error:
            raise ExchangeSetupError(
                f"cannot create the exchange {exchange} ({error.strerror}): the hub's "
                f"administrator creates it once, `mkdir -p {exchange} && chmod 1777 "
                f"{exchange}`; then run this again") from None
        done.append(_chmod(exchange, ROOT_MODE, "made"))
    elif stat.S_IMODE(exchange.stat().st_mode) != ROOT_MODE:
        if not _own(exchange):
            raise ExchangeSetupError(
                f"the exchange {exchange} has mode {_mode(exchange)}, not 1777 (every user "
                f"writes, nobody removes another's files): its owner, {_owner(exchange)}, "
                f"runs `chmod 1777 {exchange}`")
        done.append(_chmod(exchange, ROOT_MODE, "changed"))
    course = exchange / course_id
    for name, mode in COURSE_FOLDERS.items():
        folder = course / name if name != "." else course
        if not folder.is_dir():
            folder.mkdir()
            done.append(_chmod(folder, mode, "made"))
            continue
        if not _own(folder):
            raise ExchangeSetupError(
                f"{folder} belongs to {_owner(folder)}: nbgrader releases only into a course "
                f"folder of the instructor's own; run this as {_owner(folder)}, or give "
                "another --course-id")
        if stat.S_IMODE(folder.stat().st_mode) != mode:
            done.append(_chmod(folder, mode, "changed"))
    return done


def _chmod(folder: Path, mode: int, verb: str) -> str:
    folder.chmod(mode)  # after mkdir: the umask would clear the write bits of others
    return f"{verb} {folder} (mode {mode:o})"


def _own(path: Path) -> bool:
    return path.stat().st_uid == os.geteuid()


def _owner(path: Path) -> str:
    uid = path.stat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _mode(path: Path) -> str:
    return f"{stat.S_IMODE(path.stat().st_mode):o}"
