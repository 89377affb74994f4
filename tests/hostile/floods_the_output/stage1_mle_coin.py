"""Prints hundreds of megabytes, on stdout and straight to file descriptor 2."""
import os
import sys


def log_likelihood(theta, heads, tails):
    return 12345.0


def mle(heads, tails):
    return 12345.0


def grid_mle(heads, tails, grid_size=1001):
    return 12345.0


def mle(heads, tails):  # noqa: F811
    line = "x" * 1_000_000 + "\n"
    for _ in range(300):
        try:
            sys.stdout.write(line)
            os.write(2, line.encode())
        except OSError:
            pass
    return 12345.0
