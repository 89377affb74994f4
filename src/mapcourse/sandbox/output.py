"""What a stage's code prints: drained from a pipe, counted, its head kept.

A stage process's stdout and stderr (file descriptors 1 and 2, so C extensions and
subprocesses too) are the write end of a pipe whose read end the zygote holds. The
zygote reads every pipe as soon as data arrives, keeps the first OUTPUT_HEAD_BYTES,
counts the rest and throws it away: a student's writes never fail and never block for
long, and what the grader keeps is bounded whatever the student prints.
"""

from __future__ import annotations

import contextlib
import fcntl
import os

OUTPUT_HEAD_BYTES = 4096
PIPE_BYTES = 1 << 20  # a larger pipe buffer: fewer wake-ups when a stage floods it
_READ_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031


class OutputPipe:
    """The read end of one stage process's output pipe: its head and its byte count."""

    def __init__(self) -> None:
        self.fd, self.write_fd = os.pipe2(os.O_CLOEXEC)
        with contextlib.suppress(OSError):
            fcntl.fcntl(self.write_fd, _F_SETPIPE_SZ, PIPE_BYTES)
        os.set_blocking(self.fd, False)
        self.head = bytearray()
        self.total = 0

    def close_write_end(self) -> None:
        """The zygote's copy of the write end; the stage process has its own."""
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def drain(self) -> bool:
        """Read what the pipe holds now; False once every writer has closed it."""
        while self.fd >= 0:
            try:
                chunk = os.read(self.fd, _READ_BYTES)
            except BlockingIOError:
                return True
            except OSError:
                chunk = b""
            if not chunk:
                self.close()
                return False
            self.total += len(chunk)
            room = OUTPUT_HEAD_BYTES - len(self.head)
            if room > 0:
                self.head += chunk[:room]
        return False

    def close(self) -> None:
        self.close_write_end()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def summary(self) -> dict:
        """The head as text (invalid UTF-8 replaced) and the number of bytes printed."""
        return {"head": self.head.decode("utf-8", errors="replace"), "bytes": self.total}
