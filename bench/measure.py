#!/usr/bin/env python3
"""measure.py CMD...: runs CMD, then prints `MEASURE wall_seconds peak_rss_kib cpu_seconds`
on stderr's last line.

Peak RSS is the child's ru_maxrss (KiB on Linux): the memory high-water mark of the
measured process alone, not of the simulator or PostgreSQL. CPU seconds are the
child's user + system time.
"""
import resource
import subprocess
import sys
import time

start = time.monotonic()
code = subprocess.call(sys.argv[1:])
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
print(f"MEASURE {wall:.3f} {usage.ru_maxrss} {cpu:.2f}", file=sys.stderr)
sys.exit(code)
