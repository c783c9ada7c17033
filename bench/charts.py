#!/usr/bin/env python3
"""charts.py [--check] [FILE...]: the benchmark figures as SVG charts for docs/benchmarks.md.

Reads the Markdown tables that bench/resync.sh and bench/quota.sh print (by default
from docs/benchmarks.md, where their output is recorded; or from saved outputs given as
FILEs), and writes, under docs/charts/:

- resync-rate.svg:    customers/s against store size (unthrottled resync);
- resync-memory.svg:  peak RSS against store size;
- quota-wall.svg:     wall time against the quota bound, per plan.

--check writes nothing and exits 1 when a committed chart differs from what the tables
give (so a changed table without regenerated charts is caught). Standard library only.
"""
import html
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "charts"

W, H = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 50
COLORS = ["#1f77b4", "#ff7f0e"]


def tables(text):
    """Every Markdown table in `text`, as a list of dicts keyed by the header cells."""
    found, rows = [], []
    for line in text.splitlines() + [""]:
        line = line.strip()
        if line.startswith("|") and line.endswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if len(rows) >= 3:
            header = rows[0]
            found.append([dict(zip(header, r)) for r in rows[2:]])
        rows = []
    return found


def number(cell):
    return float(cell.replace(",", ""))


def table_with(all_tables, column):
    for t in all_tables:
        if t and column in t[0]:
            return t
    sys.exit(f"charts.py: no table with a '{column}' column in the input")


def nice_max(x):
    """1, 2, 2.5 or 5 times a power of ten, at least x."""
    power = 10 ** (len(str(int(x))) - 1) if x >= 1 else 1
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= x:
            return m * power
    return 10 * power


def fmt(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}".rstrip("0").rstrip(".")


def bar_chart(title, y_label, groups, series_names):
    """groups: [(label, [value per series])]. One bar per series in each group."""
    top = nice_max(max(v for _, vals in groups for v in vals))
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    e = html.escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
        f'font-family="sans-serif" role="img" aria-label="{e(title)}">',
        f'<rect width="{W}" height="{H}" fill="#ffffff"/>',
        f'<text x="{W / 2}" y="22" font-size="15" text-anchor="middle" fill="#222">{e(title)}</text>',
    ]
    for i in range(5):
        v = top * i / 4
        y = TOP + plot_h * (1 - i / 4)
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e4e4"/>')
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{fmt(v)}</text>'
        )
    out.append(
        f'<text x="16" y="{TOP + plot_h / 2}" font-size="12" fill="#333" text-anchor="middle" '
        f'transform="rotate(-90 16 {TOP + plot_h / 2})">{e(y_label)}</text>'
    )
    slot = plot_w / len(groups)
    bar = slot * 0.6 / len(series_names)
    for g, (label, vals) in enumerate(groups):
        x0 = LEFT + slot * g + slot * 0.2
        for s, v in enumerate(vals):
            h = plot_h * v / top
            x = x0 + bar * s
            y = TOP + plot_h - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{COLORS[s]}"/>'
            )
            out.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle" fill="#222">{fmt(v)}</text>'
            )
        out.append(
            f'<text x="{LEFT + slot * (g + 0.5):.1f}" y="{H - BOTTOM + 18}" font-size="12" '
            f'text-anchor="middle" fill="#333">{e(label)}</text>'
        )
    if len(series_names) > 1:
        for s, name in enumerate(series_names):
            x = LEFT + 10 + s * 150
            out.append(f'<rect x="{x}" y="{H - 18}" width="10" height="10" fill="{COLORS[s]}"/>')
            out.append(f'<text x="{x + 14}" y="{H - 9}" font-size="11" fill="#333">{e(name)}</text>')
    out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#888"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def charts(text):
    all_tables = tables(text)
    resync = table_with(all_tables, "customers/s")
    quota = table_with(all_tables, "bound s")
    sizes = [(f"{int(number(r['customers'])):,} customers", r) for r in resync]
    yield "resync-rate.svg", bar_chart(
        "Unthrottled resync: customers/s by store size",
        "customers per second",
        [(label, [number(r["customers/s"])]) for label, r in sizes],
        ["customers/s"],
    )
    yield "resync-memory.svg", bar_chart(
        "Unthrottled resync: peak memory by store size",
        "peak RSS (MiB)",
        [(label, [number(r["peak RSS MiB"])]) for label, r in sizes],
        ["peak RSS MiB"],
    )
    yield "quota-wall.svg", bar_chart(
        "Quota-bound resync: wall time against the bound",
        "seconds",
        [
            (f"{r['plan']} ({r['quota / window (scaled)']}), ×{r['wall / bound']}", [number(r["wall s"]), number(r["bound s"])])
            for r in quota
        ],
        ["wall time", "quota bound (N/250 requests at the quota)"],
    )


def main(args):
    check = "--check" in args
    files = [a for a in args if a != "--check"] or [str(ROOT / "docs" / "benchmarks.md")]
    text = "\n".join(pathlib.Path(f).read_text() for f in files)
    stale = []
    OUT.mkdir(parents=True, exist_ok=True)
    for name, svg in charts(text):
        path = OUT / name
        if check:
            if not path.exists() or path.read_text() != svg:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(svg)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("charts out of date (run bench/charts.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
