"""A JupyterHub's users on this machine, running the boxes of docs/instructors/nbgrader.md.

`python -m tests.nbgrader.hub SPEC.json`, as root inside a mount namespace of its own
(`unshare --mount --propagation private`), so that nothing it does outlives it:

- /etc is an overlay and /srv a fresh tmpfs: the administrator's box writes the real
  /etc/jupyter/nbgrader_config.py and /srv/nbgrader/exchange, and `useradd` the real
  /etc/passwd, all seen only here;
- a folder on the way to this Python that other users cannot enter (root's home, for a
  Python installed there) is replaced by one they can, holding only the way on, so that
  every user runs this Python, as every user of a hub runs the hub's;
- the users (an instructor, and the students named in the spec) are made with `useradd`,
  their homes under the spec's folder, and removed with `userdel` at the end.

Each box runs, in page order, with `runuser` as its role's user (each student in turn) in
its folder (`~` is that user's home), with `bash -e`; before a student's box that submits,
the student's answer goes into the answer cell of the fetched notebook. Prints one JSON
document: each box's log, and what the test checks. When this machine cannot host the
hub (no overlay or tmpfs mounts, no `useradd` into /etc), it exits with `CANNOT_HOST` and
says why on stderr, before any box runs, so the test skips rather than fails.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

BOX = re.compile(r"<!-- hub: (\w+) in (\S+) -->\n```bash\n(.*?)```", re.DOTALL)
SUBMIT = re.compile(r"nbgrader submit (\S+)")
BOX_TIMEOUT = 600  # seconds for one box
CANNOT_HOST = 77  # exit status: this machine cannot host the hub (a reason on stderr)


class CannotHost(Exception):
    """The namespace's mounts or users cannot be made here; nothing was run."""


def boxes(page: str) -> list[tuple[str, str, str]]:
    """The page's marked boxes, in order: (role, folder, commands)."""
    return BOX.findall(page)


def run(spec: dict) -> dict:
    base = Path(spec["base"])
    try:
        _private_mounts(base, spec["reachable"])
    except (subprocess.CalledProcessError, OSError) as error:
        raise CannotHost(f"cannot make the hub's private /etc, /srv and paths: {_why(error)}"
                         ) from None
    users = {"instructor": spec["prefix"] + "teach",
             **{student: spec["prefix"] + student for student in spec["answers"]}}
    homes = {user: base / "home" / user for user in users.values()}
    (base / "home").mkdir()
    made = []
    try:
        for user, home in homes.items():
            try:
                _call(["useradd", "--create-home", "--home-dir", str(home), "--shell",
                       "/bin/bash", "--user-group", user])
            except subprocess.CalledProcessError as error:
                raise CannotHost(f"cannot add the user {user}: {_why(error)}") from None
            made.append(user)
        logs = []
        for role, folder, commands in boxes(Path(spec["page"]).read_text()):
            for user, answer in _users_of(role, users, spec["answers"]):
                if answer is not None and (submitted := SUBMIT.search(commands)):
                    _answer(homes[user], submitted.group(1), spec["answer_cell"], answer)
                logs.append(_box(user, homes.get(user, Path("/root")), folder, commands,
                                 spec["environment"]))
                if logs[-1]["status"] != 0:
                    break
            else:
                continue
            break
        return {"logs": logs, "homes": {name: str(homes[user]) for name, user in users.items()},
                "modes": _modes(Path("/srv/nbgrader/exchange")),
                "system_config": Path("/etc/jupyter/nbgrader_config.py").read_text()}
    finally:
        for user in made:
            subprocess.run(["userdel", user], capture_output=True)


def _users_of(role: str, users: dict[str, str], answers: dict[str, str]
              ) -> list[tuple[str, str | None]]:
    """Who runs a box of `role`, in turn, and each one's answer (None: no answer)."""
    if role == "administrator":
        return [("root", None)]
    if role == "student":
        return [(users[student], answer) for student, answer in answers.items()]
    return [(users[role], None)]


def _private_mounts(base: Path, reachable: list[str]) -> None:
    overlay = Path(tempfile.mkdtemp(prefix="etc-", dir=base))
    _call(["mount", "-t", "tmpfs", "tmpfs", str(overlay)])
    (overlay / "upper").mkdir()
    (overlay / "work").mkdir()
    _call(["mount", "-t", "overlay", "overlay", "-o",
           f"lowerdir=/etc,upperdir={overlay}/upper,workdir={overlay}/work", "/etc"])
    _call(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/srv"])
    _open_the_way([Path(path) for path in reachable], base)


def _open_the_way(paths: list[Path], base: Path) -> None:
    """Make every folder on the way to each of `paths` enterable by other users, in this
    namespace: a closed folder becomes a tmpfs holding only the ways on, bound to the real
    ones, the outermost first (a way on may be closed too)."""
    closed: dict[Path, set[str]] = {}
    for path in paths:
        for folder in reversed(path.parents):
            if not folder.stat().st_mode & stat.S_IXOTH:
                closed.setdefault(folder, set()).add(path.relative_to(folder).parts[0])
    for folder in sorted(closed, key=lambda folder: len(folder.parts)):
        kept = {}
        for child in sorted(closed[folder]):
            kept[child] = Path(tempfile.mkdtemp(prefix="kept-", dir=base))
            _call(["mount", "--bind", str(folder / child), str(kept[child])])
        _call(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", str(folder)])
        for child, copy in kept.items():
            (folder / child).mkdir()
            _call(["mount", "--bind", str(copy), str(folder / child)])


def _answer(home: Path, assignment: str, answer_cell: str, answer: str) -> None:
    """The student's work: `answer` as the answer cell of the fetched notebook."""
    path = home / assignment / f"{assignment}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = next(cell for cell in notebook.cells if cell.get("id") == answer_cell)
    cell.source = answer
    owner = path.stat()
    nbformat.write(notebook, path)
    os.chown(path, owner.st_uid, owner.st_gid)


def _box(user: str, home: Path, folder: str, commands: str, extra: dict[str, str]) -> dict:
    where = str(home) + folder[1:] if folder.startswith("~") else folder
    environment = {"HOME": str(home), "USER": user, "LOGNAME": user, "LANG": "C.UTF-8",
                   "SHELL": "/bin/bash", **extra}
    script = f"cd {shlex.quote(where)}\n{commands}"
    log = {"user": user, "folder": where, "commands": commands}
    try:
        done = subprocess.run(
            ["runuser", "-u", user, "--", "env", "-i",
             *(f"{key}={value}" for key, value in environment.items()),
             "bash", "-e", "-c", script],
            cwd="/", capture_output=True, text=True, timeout=BOX_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        return {**log, "status": "timeout",
                "output": f"{_text(error.stdout)}{_text(error.stderr)}\n"
                          f"(still running after {BOX_TIMEOUT} s)"}
    return {**log, "status": done.returncode, "output": done.stdout + done.stderr}


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


def _modes(exchange: Path) -> dict[str, str]:
    return {str(path.relative_to(exchange)): f"{stat.S_IMODE(path.stat().st_mode):o}"
            for path in [exchange, *sorted(exchange.rglob("*"))] if path.is_dir()}


def _call(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True)


def _why(error: Exception) -> str:
    if isinstance(error, subprocess.CalledProcessError):
        return f"`{shlex.join(error.cmd)}` said {error.stderr.strip() or error.returncode}"
    return str(error)


if __name__ == "__main__":
    try:
        report = run(json.loads(Path(sys.argv[1]).read_text()))
    except CannotHost as error:
        print(error, file=sys.stderr)
        sys.exit(CANNOT_HOST)
    print(json.dumps(report))
