"""What the test-server modules (redis_servers.py, postgres_servers.py) share: a check that a
loopback port is free, and the `start DIR` / `stop DIR` command line that ctest's fixtures run."""

import socket
import sys


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main(argv, usage, start_all, stop_all):
    """`argv[0] start DIR` clears what an interrupted run left in DIR, then starts the servers;
    `argv[0] stop DIR` stops them. Returns the exit status."""
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print(usage, file=sys.stderr)
        return 2
    if argv[1] == "start":
        stop_all(argv[2])  # leftovers of an interrupted run
        start_all(argv[2])
    else:
        stop_all(argv[2])
    return 0
