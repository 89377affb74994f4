"""Mutation testing: do the hidden suites catch every small change to the reference?

    python bench/mutation.py [--stage STAGE]... [--jobs N] [--out DIR] [--include-given]
                             [--fail-under PERCENT] [--course DIR]

cosmic-ray makes the mutants: it lists every mutation of each `solutions/<stage>.py`
(`cosmic-ray init`), we skip those outside the solution regions (given code, unless
`--include-given`), and `cosmic-ray exec` applies them one at a time, in place, to
copies of the stage file served by N http workers, running the test command for each.
The test command (`mutation.py client`) asks a grading server (`mutation.py serve`)
to grade the mutated file as a submission with the hidden suite; the reference the
suite compares with comes from a pristine copy of the course (MAPCOURSE_ROOT). The
server imports everything and warms the reference's memo once, then forks one
process per mutant, so a mutant costs only its own test run.

A mutant is killed when its stage loses points (or fails to import), and counts as a
timeout when a call passes the grader's limit or grading passes CPU_LIMIT. Prints
the figures per stage, writes DIR/summary.json and DIR/survivors.md (every survivor
and timeout with its diff), and exits 1 when the kill rate is under --fail-under.
Only the standard library is imported at the top: the client must start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mapcourse.manifest import Course

ROOT = Path(__file__).resolve().parents[1]
CPU_LIMIT = 60  # CPU seconds for grading one mutant, then its process is killed
MUTANT_TIMEOUT = 300.0  # wall seconds cosmic-ray gives the test command
VERDICTS = ("killed", "timeout", "survived", "error")
MARKER = ".mutation-run"


def main(argv: list[str] | None = None) -> int:
    """Dispatch: run the mutation testing (default), or serve/client for the test command."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        return serve(Path(argv[1]), argv[2:])
    if argv[:1] == ["client"]:
        return client(Path(argv[1]), argv[2])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", action="append", help="a stage (id, file or number); "
                        "repeat for several; default: all six")
    parser.add_argument("--jobs", type=int, default=2, help="http workers (default 2)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "mutation",
                        help="working folder, emptied first (default build/mutation)")
    parser.add_argument("--include-given", action="store_true",
                        help="also mutate the given code outside the solution regions")
    parser.add_argument("--fail-under", type=float, default=90.0,
                        help="exit 1 below this percentage killed (default 90)")
    parser.add_argument("--course", type=Path, default=ROOT,
                        help="the course whose solutions and suites to use (default: this "
                             "checkout); a copy with new tests tries them before they land")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    summary = run(args.stage, args.jobs, args.out.resolve(), args.include_given,
                  args.course.resolve())
    return 0 if summary["overall"]["percent_killed"] >= args.fail_under else 1


# --- the grading server and its client (the test command) ---------------------------

def serve(socket_path: Path, stage_ids: list[str]) -> int:
    """Grade the pristine solutions (baseline, warms the memo), then one fork per request."""
    import torch

    from mapcourse.manifest import load_course

    torch.set_num_threads(1)
    course = load_course()
    for stage_id in stage_ids:
        reply = grade_stage(course, course.solutions_dir, stage_id)
        if verdict_of([reply])[0] != "survived":
            print(f"baseline: the reference of {stage_id} does not get full marks: {reply}")
            return 1
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(socket_path))
    listener.listen(16)
    wake_read, wake_write = os.pipe()  # SIGCHLD and SIGTERM wake the select below
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGCHLD, lambda *_: None)
    open_requests: dict[int, socket.socket] = {}
    while not stopping or open_requests:
        ready = select.select([listener, wake_read], [], [], 1.0)[0]
        if wake_read in ready:
            os.read(wake_read, 4096)
        if listener in ready and not stopping:
            connection = listener.accept()[0]
            if (pid := os.fork()) == 0:
                signal.set_wakeup_fd(-1)
                os.close(wake_read)
                os.close(wake_write)
                for inherited in (listener, *open_requests.values()):
                    inherited.close()
                answer(connection, course)
            open_requests[pid] = connection
        if stopping:  # a mutant may wait forever without using CPU
            for pid in open_requests:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        while open_requests and (ended := os.waitpid(-1, os.WNOHANG))[0]:
            pid, status = ended
            connection = open_requests.pop(pid)
            if os.WIFSIGNALED(status):  # after the child's own reply, if it sent one
                died = signal.Signals(os.WTERMSIG(status)).name
                with contextlib.suppress(OSError):
                    connection.sendall(json.dumps({"died": died}).encode() + b"\n")
            connection.close()
    return 0


def answer(connection: socket.socket, course: Course) -> None:
    """In the forked process: grade the requested stage, reply in one JSON line, exit."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        request = json.loads(_read_all(connection))
        try:
            reply = grade_stage(course, Path(request["folder"]), request["stage"])
        except Exception as error:  # noqa: BLE001 - reported as the mutant's error
            reply = {"error": f"{type(error).__name__}: {error}"}
        reply["cpu"] = round(sum(os.times()[:2]), 3)
        connection.sendall(json.dumps(reply).encode() + b"\n")
    finally:
        os._exit(0)  # never return into the server's loop


def grade_stage(course: Course, folder: Path, stage_id: str) -> dict:
    """Grade `folder/<stage_id>.py` with that stage's hidden suite, in this process."""
    import dataclasses

    from mapcourse.grading.runner import grade_submission
    from mapcourse.sandbox.session import LocalRuntime

    one_stage = dataclasses.replace(course, stages=(course.stage(stage_id),))
    stage = grade_submission(one_stage, folder, LocalRuntime()).stages[0]  # the grader's limits
    return {"score": stage.score, "max_score": stage.max_score, "status": stage.status,
            "message": stage.message,
            "tests": [{"name": test.name, "status": test.status, "message": test.message}
                      for test in stage.tests if test.status != "passed"]}


def client(socket_path: Path, stage_id: str) -> int:
    """The test command: grade this folder's stage file; exit 0 only at full marks."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(str(socket_path))
        request = {"folder": os.getcwd(), "stage": stage_id}
        connection.sendall(json.dumps(request).encode())
        connection.shutdown(socket.SHUT_WR)
        replies = [json.loads(line) for line in _read_all(connection).splitlines() if line]
    verdict, lines = verdict_of(replies)
    print(f"verdict: {verdict}", *lines, sep="\n")
    return 0 if verdict == "survived" else 1


def verdict_of(replies: list[dict]) -> tuple[str, list[str]]:
    """killed, timeout, survived or error, with the lines that say why."""
    if not replies:
        return "error", ["the grading process ended without an answer"]
    reply = replies[0]
    if "died" in reply:
        stopped = reply["died"] in ("SIGXCPU", "SIGKILL")
        return ("timeout" if stopped else "killed"), [f"grading process died: {reply['died']}"]
    if "error" in reply:
        return "error", [reply["error"]]
    lines = [f"{reply['status']}: {reply['score']}/{reply['max_score']} in "
             f"{reply.get('cpu', 0):.2f} s CPU {reply['message']}"]
    lines += [f"[{test['status']}] {test['name']}: {test['message']}" for test in reply["tests"]]
    if reply["status"] == "graded" and reply["score"] == reply["max_score"]:
        return "survived", lines
    timed_out = any(test["status"] == "timeout" for test in reply["tests"])
    return ("timeout" if timed_out else "killed"), lines


def _read_all(connection: socket.socket) -> str:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


# --- the run: cosmic-ray over each stage ----------------------------------------------

def run(stage_keys: list[str] | None, jobs: int, out: Path, include_given: bool,
        course_root: Path = ROOT) -> dict:
    """Mutation-test the stages; print and write the figures; return the summary."""
    from mapcourse.manifest import load_course

    course = load_course(course_root)
    stage_ids = [course.stage(key).id for key in stage_keys] if stage_keys else [
        stage.id for stage in course.stages]
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SystemExit(f"{out} is not empty and holds no earlier mutation run: not emptying it")
    shutil.rmtree(out, ignore_errors=True)
    pristine = out / "course"
    pristine.mkdir(parents=True)
    (out / MARKER).write_text("bench/mutation.py empties this folder on its next run\n")
    shutil.copy(course.root / "course.toml", pristine)
    for folder in (course.solutions_dir, course.hidden_tests_dir):
        shutil.copytree(folder, pristine / folder.relative_to(course.root),
                        ignore=shutil.ignore_patterns("__pycache__"))
    workers = [out / "workers" / f"w{index}" for index in range(jobs)]
    for folder in workers:
        shutil.copytree(pristine / course.solutions_dir.relative_to(course.root), folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    socket_path = Path(tempfile.mkdtemp(prefix="mutation-")) / "grader.sock"  # short: AF_UNIX
    started, processes, records, stages = time.perf_counter(), [], [], {}
    try:
        server = _start(processes, [sys.executable, __file__, "serve", str(socket_path),
                                    *stage_ids], out / "server.log", pristine, out)
        _wait_until(socket_path.exists, server, "the grading server", out / "server.log")
        urls = [_start_worker(processes, folder, pristine) for folder in workers]
        for stage_id in stage_ids:
            stage_start = time.perf_counter()
            mutants = mutate_stage(stage_id, out, workers[0], urls, socket_path, include_given)
            records += mutants
            stages[stage_id] = tally(mutants, time.perf_counter() - stage_start)
            print(_row(stage_id, stages[stage_id]), flush=True)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()
        shutil.rmtree(socket_path.parent, ignore_errors=True)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = {"stages": stages, "overall": tally(records, time.perf_counter() - started),
               "cpu_seconds": round(cpu.ru_utime + cpu.ru_stime, 1),
               "given_code": tally(records, 0.0, given=True) if include_given else None,
               "not_killed": [m for m in records if m["verdict"] != "killed"]}
    print(_row("overall", summary["overall"]))
    print(f"CPU time of the whole run, every process: {summary['cpu_seconds']:.0f} s")
    if include_given:
        print(_row("given code (apart)", summary["given_code"]))
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "survivors.md").write_text(survivors_markdown(summary["not_killed"]))
    print(f"survivors, timeouts and errors: {out / 'survivors.md'}")
    return summary


def mutate_stage(stage_id: str, out: Path, folder: Path, urls: list[str], socket_path: Path,
                 include_given: bool) -> list[dict]:
    """cosmic-ray init, skip given code, exec; one dict per mutant that ran."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    config, session = out / f"{stage_id}.toml", out / f"{stage_id}.sqlite"
    test_command = shlex.join([sys.executable, "-S", __file__, "client", str(socket_path),
                               stage_id])
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(f'{stage_id}.py')}\n"
        f"timeout = {MUTANT_TIMEOUT}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(test_command)}\n\n"
        "[cosmic-ray.distributor]\n"
        'name = "http"\n\n'
        "[cosmic-ray.distributor.http]\n"
        f"worker-urls = {json.dumps(urls)}\n")
    log = out / f"{stage_id}.log"
    with log.open("w") as stream:

        def cosmic_ray(command: str) -> None:
            done = subprocess.run([sys.executable, "-m", "cosmic_ray.cli", command, str(config),
                                   str(session)], cwd=folder, stdout=stream, stderr=stream)
            if done.returncode != 0:
                raise SystemExit(f"cosmic-ray {command} failed for {stage_id}; see {log}")

        cosmic_ray("init")
        regions = solution_regions(folder / f"{stage_id}.py")
        with use_db(str(session), WorkDB.Mode.open) as db:
            given = {item.job_id for item in db.pending_work_items
                     if not any(a <= item.mutations[0].start_pos[0] <= b for a, b in regions)}
            if given and not include_given:
                db.set_multiple_results(sorted(given), WorkResult(
                    worker_outcome=WorkerOutcome.SKIPPED, output="given code"))
        cosmic_ray("exec")
    with use_db(str(session), WorkDB.Mode.open) as db:
        return [mutant_record(stage_id, item, result, item.job_id in given)
                for item, result in db.completed_work_items
                if result.worker_outcome != WorkerOutcome.SKIPPED]


def solution_regions(path: Path) -> list[tuple[int, int]]:
    """(first, last) line numbers of each BEGIN SOLUTION ... END SOLUTION region."""
    regions, start = [], 0
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip() == "### BEGIN SOLUTION":
            start = number
        elif line.strip() == "### END SOLUTION":
            regions.append((start, number))
    return regions


def mutant_record(stage_id: str, item: object, result: object, given: bool) -> dict:
    """One mutant: where, which operator, its verdict, diff and the grader's words."""
    mutation = item.mutations[0]
    output = result.output or ""
    if result.worker_outcome != "normal" or result.test_outcome == "incompetent":
        verdict = "error"
    elif result.test_outcome == "survived":
        verdict = "survived"
    elif output == "timeout":
        verdict = "timeout"
    else:
        first = output.partition("\n")[0].removeprefix("verdict: ")
        verdict = first if first in VERDICTS else "error"
    return {"stage": stage_id, "line": mutation.start_pos[0],
            "operator": mutation.operator_name.split("/")[-1],
            "occurrence": mutation.occurrence, "given": given, "verdict": verdict,
            "diff": [line for line in (result.diff or "").splitlines()
                     if line[:1] in "+-" and line[:3] not in ("+++", "---")],
            "output": output[:2000],
            "cpu": float(match[1]) if (match := re.search(r" in ([0-9.]+) s CPU", output)) else 0.0}


def tally(mutants: list[dict], seconds: float, *, given: bool = False) -> dict:
    """Counts per verdict; percent killed counts timeouts as killed, errors as not."""
    chosen = [mutant for mutant in mutants if mutant["given"] == given]
    counts = {verdict: sum(m["verdict"] == verdict for m in chosen) for verdict in VERDICTS}
    killed = counts["killed"] + counts["timeout"]
    percent = round(100 * killed / len(chosen), 1) if chosen else 100.0
    return {"mutants": len(chosen), **counts, "percent_killed": percent,
            "seconds": round(seconds, 1),
            "grading_cpu_seconds": round(sum(m["cpu"] for m in chosen), 1)}


def survivors_markdown(mutants: list[dict]) -> str:
    """Every mutant that was not plainly killed, with its diff and the grader's words."""
    parts = ["# Mutants not killed outright\n"]
    for mutant in mutants:
        where = "given code" if mutant["given"] else "solution"
        parts.append(f"## {mutant['verdict']}: {mutant['stage']} line {mutant['line']} "
                     f"({mutant['operator']} #{mutant['occurrence']}, {where})\n")
        parts.append("```diff\n" + "\n".join(mutant["diff"]) + "\n```\n")
        if mutant["verdict"] != "survived":
            parts.append("```text\n" + mutant["output"].strip() + "\n```\n")
    if not mutants:
        parts.append("None: every mutant was killed.\n")
    return "\n".join(parts)


def _row(name: str, figures: dict) -> str:
    return (f"{name}: {figures['mutants']} mutants, {figures['killed']} killed, "
            f"{figures['timeout']} timeouts, {figures['survived']} survived, "
            f"{figures['error']} errors: {figures['percent_killed']:.1f}% killed "
            f"[{figures['seconds']:.0f} s; grading them took "
            f"{figures['grading_cpu_seconds']:.0f} s CPU]")


def _start(processes: list, command: list[str], log: Path, pristine: Path,
           cwd: Path) -> subprocess.Popen:
    """Start a helper process with the pristine course as MAPCOURSE_ROOT."""
    environment = {**os.environ, "MAPCOURSE_ROOT": str(pristine), "PYTHONDONTWRITEBYTECODE": "1"}
    with log.open("w") as stream:
        process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=stream,
                                   stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def _start_worker(processes: list, folder: Path, pristine: Path) -> str:
    """A cosmic-ray http worker mutating the stage files in `folder`; its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = folder.with_suffix(".log")
    worker = _start(processes, [sys.executable, "-m", "cosmic_ray.cli", "http-worker",
                                "--port", str(port)], log, pristine, folder)
    _wait_until(lambda: _accepts(port), worker, "a cosmic-ray http worker", log)
    return f"http://127.0.0.1:{port}"


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen, what: str, log: Path,
                seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start: {log.read_text()[-2000:]}")
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
