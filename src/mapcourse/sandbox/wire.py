"""Length-prefixed JSON messages over a file descriptor, with deadlines.

Each message is a 4-byte big-endian length and that many bytes of JSON. Reading
never waits past its deadline and never accepts more than MAX_MESSAGE_BYTES.
"""

from __future__ import annotations

import os
import select
import struct
import time

from mapcourse.sandbox.protocol import MAX_MESSAGE_BYTES, ProtocolError, dumps, loads

_HEADER = struct.Struct(">I")


class Deadline(Exception):
    """No (complete) message arrived before the deadline."""


class Closed(Exception):
    """The other side closed the channel."""


def send(fd: int, message: dict) -> None:
    """Write one message to fd (blocking until written)."""
    payload = dumps(message)
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def receive(fd: int, deadline: float | None = None) -> dict:
    """Read one message from fd; `deadline` is a time.monotonic() value or None."""
    (length,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline))
    if length > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"a message of {length} bytes is over the limit")
    return loads(_read_exactly(fd, length, deadline))


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise Deadline
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise Closed
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
