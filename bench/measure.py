#!/usr/bin/env python3
"""measure.py CMD...: runs CMD, then prints `wall_seconds peak_rss_kib` on stderr's last line.

Peak RSS is the child's ru_maxrss (KiB on Linux): the memory high-water mark of the
measured process alone, not of the simulator or PostgreSQL.
"""
import resource
import subprocess
import sys
import time

start = time.monotonic()
code = subprocess.call(sys.argv[1:])
wall = time.monotonic() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"MEASURE {wall:.3f} {rss}", file=sys.stderr)
sys.exit(code)
