#!/usr/bin/env python3
"""Runs a command and prints the seconds from its start until a marker line appears
on its output (then kills it if it is still running). Exit 1 if the marker never comes.
usage: boot_time.py MARKER TIMEOUT -- COMMAND..."""
import os
import select
import signal
import subprocess
import sys
import time

marker, timeout = sys.argv[1].encode(), float(sys.argv[2])
cmd = sys.argv[sys.argv.index("--") + 1:]
start = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, start_new_session=True)
buf = b""
found = None
while time.monotonic() - start < timeout:
    r, _, _ = select.select([p.stdout], [], [], 0.05)
    if r:
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        if marker in buf:
            found = time.monotonic() - start
            break
if p.poll() is None:
    os.killpg(p.pid, signal.SIGKILL)
p.wait()
if found is None:
    sys.stderr.write(buf[-2000:].decode(errors="replace"))
    sys.exit(1)
print("%.3f" % found)
