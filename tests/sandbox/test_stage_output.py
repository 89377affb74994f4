"""A stage process's output: Python's streams and file descriptors 1 and 2, its children's
too, drained by the zygote, kept up to its head, counted in full."""

import shutil

import pytest

from mapcourse.manifest import load_course
from mapcourse.sandbox.isolated import SandboxRuntime
from mapcourse.sandbox.levels import choose_isolation
from mapcourse.sandbox.output import OUTPUT_HEAD_BYTES

STAGE = "stage1_mle_coin"
PRINTING = '''
import os
import subprocess
import sys

print("python's stdout at import")
sys.stderr.write("python's stderr at import\\n")
os.write(1, b"fd 1 at import\\n")
os.write(2, b"fd 2 at import\\n")
subprocess.run(["sh", "-c", "echo a child on fd 1; echo a child on fd 2 >&2"])


def mle(heads, tails):
    print("inside mle")
    return heads / (heads + tails)


def flood(megabytes):
    block = b"z" * 1_000_000
    for _ in range(megabytes):
        os.write(1, block)
    return megabytes
'''


@pytest.fixture(scope="module")
def runtime():
    if shutil.which("bwrap") is None:
        pytest.skip("needs bubblewrap")
    with SandboxRuntime(choose_isolation(load_course())) as slot:
        yield slot


def open_stage(runtime, tmp_path, source):
    (tmp_path / f"{STAGE}.py").write_text(source)
    session = runtime.open_stage(tmp_path, STAGE)
    session.set_deadline(60)
    return session


@pytest.mark.slow
def test_every_way_of_printing_reaches_the_feedback(runtime, tmp_path):
    session = open_stage(runtime, tmp_path, PRINTING)
    assert session.status == "graded", session.message
    assert session.handle.mle(3, 1) == 0.75
    session.close()
    for line in ("python's stdout at import", "python's stderr at import", "fd 1 at import",
                 "fd 2 at import", "a child on fd 1", "a child on fd 2", "inside mle"):
        assert line in session.output
    assert session.output_bytes == len(session.output.encode())


@pytest.mark.slow
def test_a_flood_is_counted_but_only_its_head_kept(runtime, tmp_path):
    session = open_stage(runtime, tmp_path, PRINTING)
    assert session.handle.flood(300) == 300  # 300 MB: every write succeeds
    session.close()
    assert session.output_bytes >= 300_000_000
    assert len(session.output) == OUTPUT_HEAD_BYTES


@pytest.mark.slow
def test_output_before_an_import_error_is_kept(runtime, tmp_path):
    session = open_stage(runtime, tmp_path, 'print("loading the data")\n1 / 0\n')
    assert session.status == "import-error" and "ZeroDivisionError" in session.message
    session.close()
    assert "loading the data" in session.output
