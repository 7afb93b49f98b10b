#!/usr/bin/env python3
"""Launch with a remembered login to the first Audit screen, beside its floor.

    benches/launch.py BIN DATABASE_URL DATA_DIR [RUNS]

Logs in once as finance with "remember me" (the first run types the password), then starts
`BIN --data-dir DATA_DIR --database-url URL --tab audit` RUNS times in a 160x45
pseudo-terminal and times each from exec until the screen shows an audit row, reading the peak
RSS of the child. For a SQLite URL the floor is `sqlite3` reading the 45 newest audit rows with
their names, timed the same way. Talks to nothing but the given database.
"""

import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import fcntl
import time

ROWS, COLS = 45, 160
# An audit row on screen: a time such as "12:04" or "3 min" beside an event name.
AUDIT_ROW = re.compile(rb"(created|updated|approved|paid|released|login|rejected)")


def spawn(argv, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    return pid, fd


def read_until(fd, pattern, timeout):
    seen = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.01)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if pattern.search(seen):
                return seen, True
    return seen, False


def finish(pid, fd):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    # Drain so the child is not blocked writing.
    read_until(fd, re.compile(rb"\Z\A"), 0.3)
    _, status, usage = os.wait4(pid, 0)
    os.close(fd)
    return usage.ru_maxrss / 1024.0


def launch(binary, url, data_dir):
    env = dict(os.environ, TERM="xterm-256color", LANG="en_US.UTF-8")
    argv = [binary, "--data-dir", data_dir, "--database-url", url, "--tab", "audit"]
    start = time.monotonic()
    pid, fd = spawn(argv, env)
    seen, ok = read_until(fd, AUDIT_ROW, 10)
    took = (time.monotonic() - start) * 1000
    rss = finish(pid, fd)
    if not ok:
        sys.exit("no audit row appeared:\n" + seen.decode("utf-8", "replace")[-2000:])
    return took, rss


def remember(binary, url, data_dir):
    env = dict(os.environ, TERM="xterm-256color", LANG="en_US.UTF-8")
    argv = [binary, "--data-dir", data_dir, "--database-url", url, "--as", "finance@obryl.test"]
    pid, fd = spawn(argv, env)
    read_until(fd, re.compile(rb"assword"), 10)
    # With --as the password field has the focus and "remember me" is ticked by default.
    for keys in [b"demo", b"\r"]:
        os.write(fd, keys)
        time.sleep(0.15)
    seen, ok = read_until(fd, re.compile(rb"Projects"), 15)
    time.sleep(0.5)
    os.write(fd, b"q")
    time.sleep(0.3)
    finish(pid, fd)
    if not ok:
        sys.exit("the login did not go through:\n" + seen.decode("utf-8", "replace")[-2000:])


FLOOR_SQL = (
    "SELECT a.id, a.event, a.auditable_type, a.created_at, u.name FROM audit_logs a "
    "LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT 45;"
)


def floor(url):
    path = url.split("://", 1)[1]
    start = time.monotonic()
    p = subprocess.Popen(["sqlite3", path, FLOOR_SQL], stdout=subprocess.PIPE)
    p.stdout.read()
    _, _, usage = os.wait4(p.pid, 0)
    p.returncode = 0
    took = (time.monotonic() - start) * 1000
    return took, usage.ru_maxrss / 1024.0


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    binary, url, data_dir = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    remember(binary, url, data_dir)
    times, peaks = [], []
    for _ in range(runs):
        took, rss = launch(binary, url, data_dir)
        times.append(took)
        peaks.append(rss)
        time.sleep(0.2)
    print("launch ms: " + " / ".join(f"{t:.1f}" for t in times))
    print(f"median {statistics.median(times):.1f} ms, peak RSS {max(peaks):.1f} MiB")
    if url.startswith("sqlite:"):
        floors = [floor(url) for _ in range(runs)]
        ftimes = [t for t, _ in floors]
        frss = max(r for _, r in floors)
        print(
            "floor (sqlite3, 45 newest audit rows): "
            + " / ".join(f"{t:.1f}" for t in ftimes)
            + f" ms, median {statistics.median(ftimes):.1f} ms, RSS {frss:.1f} MiB"
        )


if __name__ == "__main__":
    main()
