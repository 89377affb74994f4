"""The fork server that runs inside the sandbox: `python -m mapcourse.sandbox.zygote FD`.

It imports the course's modules and codecs once (numpy and torch, for this course, see
`mapcourse.codecs`), then forks one process per (submission, stage) on
request. A forked stage process starts its own session, writes its stdout and stderr
into a pipe the zygote drains (`mapcourse.sandbox.output`), takes its resource limits,
drops to the stage's unprivileged uid, imports the stage file and answers calls
(`mapcourse.sandbox.calls.run_call`) on the socket it was given, until the trusted side
closes it. The zygote also kills on request (`mapcourse.sandbox.reaper`): the stage's
process group, every process of the stage's uid (detached ones too) and the files it
left; the reply carries the head of what the stage printed.

Started as `python -m mapcourse.sandbox.zygote FD [--cut-network] [--codec MODULE]...
[--module MODULE]...`. Control messages arrive on the socket FD (SOCK_SEQPACKET), one
JSON object each, with the stage's socket attached to `fork` requests.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib.util
import json
import os
import resource
import select
import signal
import socket
import sys
from collections.abc import Sequence

from mapcourse import codecs
from mapcourse.sandbox import wire
from mapcourse.sandbox.calls import describe_exception, run_call
from mapcourse.sandbox.output import OutputPipe
from mapcourse.sandbox.reaper import kill
from mapcourse.sandbox.session import import_error_message

STAGE_FD = 3
CLONE_NEWNET = 0x40000000


def warm_up(codec_modules: Sequence[str] = (), modules: Sequence[str] = ()) -> None:
    """Import the course's codecs and modules and warm the codecs, so each fork starts warm."""
    codecs.load(codec_modules)
    codecs.preload(modules)
    codecs.warm_up()


def main(control_fd: int, *, cut_network: bool = False, codec_modules: Sequence[str] = (),
         modules: Sequence[str] = ()) -> None:
    """Serve control requests; meanwhile drain every stage process's output pipe.

    With `cut_network` (a zygote started as root outside bubblewrap) it first moves to
    a network namespace of its own where the kernel allows it, so stage processes have
    no network either.
    """
    control = socket.socket(fileno=control_fd)
    if cut_network:
        _leave_network()
    warm_up(codec_modules, modules)
    gc.freeze()  # stage processes never collect (nor copy) what the zygote imported
    control.send(json.dumps({"ready": os.getpid()}).encode())
    pipes: dict[int, OutputPipe] = {}
    while True:
        open_pipes = {pipe.fd: pipe for pipe in pipes.values() if pipe.fd >= 0}
        readable, _, _ = select.select([control, *open_pipes], [], [])
        for fd in readable:
            if fd in open_pipes:
                open_pipes[fd].drain()
        if control not in readable:
            continue
        try:
            data, fds, _flags, _address = socket.recv_fds(control, 65536, 1)
        except OSError:
            return
        if not data:
            return
        request = json.loads(data)
        if request["op"] == "fork":
            pipe = OutputPipe()
            pid = fork_stage(control, fds[0], pipe, request)
            pipe.close_write_end()
            pipes[pid] = pipe
            reply = {"pid": pid}
            os.close(fds[0])
        elif request["op"] == "kill":
            reply = {"exit": kill(request["pid"], request["uid"], request.get("wait", True))}
            pipe = pipes.pop(request["pid"], None)
            if pipe is not None:
                pipe.drain()
                pipe.close()
                reply["output"] = pipe.summary()
        else:
            reply = {"error": f"unknown op {request['op']!r}"}
        control.send(json.dumps(reply).encode())


def _leave_network() -> None:
    """Move to a network namespace of its own, with no way out, where the kernel lets us
    (CAP_SYS_ADMIN); elsewhere the network stays the host's."""
    ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWNET)


def fork_stage(control: socket.socket, stage_fd: int, pipe: OutputPipe, request: dict) -> int:
    """Fork the process that serves one stage; returns its pid (also its process group)."""
    pid = os.fork()
    if pid:
        return pid
    try:
        control.close()
        os.dup2(pipe.write_fd, 1)  # stdio first: the pipe's fd may be STAGE_FD
        os.dup2(pipe.write_fd, 2)
        os.dup2(stage_fd, STAGE_FD)
        os.closerange(STAGE_FD + 1, 4096)
        os.setsid()
        _enter(request)
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child
        os._exit(70)
    serve(request["stage"], request["directory"])
    os._exit(0)


def _enter(request: dict) -> None:
    """Set limits, become the stage's unprivileged uid (stdio is already the pipe)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.chdir(request["directory"])
    limits = request["limits"]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["output_bytes"],) * 2)
    if limits.get("memory_bytes"):
        resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"],) * 2)
    uid = request.get("uid")
    if uid is not None:
        gid = request.get("gid", uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"],) * 2)
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    if request.get("never_root") and 0 in (*os.getresuid(), *os.getresgid()):
        raise PermissionError("a stage process must not run as root")
    os.environ["HOME"] = request["directory"]


def serve(stage: str, directory: str) -> None:
    """Import the stage file, say so, then answer calls until the channel closes."""
    sys.path.insert(0, directory)
    path = os.path.join(directory, f"{stage}.py")
    try:
        spec = importlib.util.spec_from_file_location(stage, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[stage] = module
        spec.loader.exec_module(module)
    except BaseException as error:  # noqa: BLE001 - any failure at import is the student's
        _flush_output()
        wire.send(STAGE_FD, {"status": "import-error",
                             "message": import_error_message(error, f"{stage}.py")})
        return
    _flush_output()
    wire.send(STAGE_FD, {"status": "ready"})
    namespace = vars(module)
    while True:
        try:
            request = wire.receive(STAGE_FD)
        except (wire.Closed, OSError, ValueError):
            return
        try:
            response = run_call(namespace, request)
            _flush_output()
            wire.send(STAGE_FD, response)
        except (wire.Closed, BrokenPipeError):
            return
        except BaseException as error:  # noqa: BLE001 - report, then keep serving
            wire.send(STAGE_FD, describe_exception(error))


def _flush_output() -> None:
    """Push what Python buffered for stdout and stderr into the pipe before answering: a
    stage process ends by SIGKILL, which no buffer outlives."""
    for stream in (sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(BaseException):
            stream.flush()


def _options(arguments: list[str], flag: str) -> list[str]:
    return [value for option, value in zip(arguments, arguments[1:], strict=False)
            if option == flag]


if __name__ == "__main__":
    main(int(sys.argv[1]), cut_network="--cut-network" in sys.argv[2:],
         codec_modules=_options(sys.argv[2:], "--codec"),
         modules=_options(sys.argv[2:], "--module"))
