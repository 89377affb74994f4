"""Answers every call with the user and groups it runs as: student code is never root."""
import os

IDENTITY = (f"uid={os.getuid()} euid={os.geteuid()} gid={os.getgid()} "
            f"groups={','.join(map(str, os.getgroups())) or 'none'}")


def log_likelihood(theta, heads, tails):
    return IDENTITY


def mle(heads, tails):
    return IDENTITY


def grid_mle(heads, tails, grid_size=1001):
    return IDENTITY
