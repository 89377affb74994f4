"""Starts a child in its own session that outlives the grading (it sleeps for an hour)."""
import subprocess
import sys

MARKER = "mapcourse-hostile-detached-child"
subprocess.Popen([sys.executable, "-c", f"import time; time.sleep(3600)  # {MARKER}"],
                 start_new_session=True, stdin=subprocess.DEVNULL,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def log_likelihood(theta, heads, tails):
    return 12345.0


def mle(heads, tails):
    return 12345.0


def grid_mle(heads, tails, grid_size=1001):
    return 12345.0
