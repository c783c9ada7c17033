#!/usr/bin/env python3
"""cpu.py PID...: prints the CPU seconds (user + system) each process tree has used so far.

For each PID: its own utime+stime, its reaped children's (cutime+cstime, which is where
PostgreSQL's finished backends end up, since the postmaster reaps them) and its live
children's. Read from /proc/PID/stat; a PID that is gone prints `nan`. Used by
bench/resync.sh before and after a run: the difference is the run's CPU.
"""
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # The command name is in parentheses and may hold spaces: split after it.
    rest = text[text.rindex(")") + 2 :].split()
    ppid = int(rest[1])
    utime, stime, cutime, cstime = (int(x) for x in rest[11:15])
    return ppid, utime + stime, cutime + cstime


def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if fields(entry)[0] == pid:
                    out.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return out


def tree_seconds(pid):
    try:
        _, own, reaped = fields(pid)
    except OSError:
        return float("nan")
    total = own + reaped
    for child in children(pid):
        try:
            _, c_own, c_reaped = fields(child)
            total += c_own + c_reaped
        except OSError:
            pass  # ended meanwhile: its time is now in `reaped` of a later reading
    return total / TICK


print(" ".join(f"{tree_seconds(int(p)):.2f}" for p in sys.argv[1:]))
