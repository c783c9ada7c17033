#!/usr/bin/env python3
"""Audits the requests bcsync sent through scripts/prism/proxy.py against the spec.

    audit.py SPEC_JSON PRISM_LOG... -- PROXY_LOG...

Prism (`mock --errors`) already refuses a request whose path, method, security or
parameter *values* break the spec, with a 4xx; the proxy logged each answer. Prism does
not object to a query parameter the operation does not declare, so this script checks the
names too. A violation is: a request outside the base path, a 4xx/5xx from Prism, or an
undeclared query parameter. Prints a table of the operations exercised and every
violation; exits 1 when there is one. The Prism logs are cross-checked: every request the
proxy forwarded must show up there as received, and none as failing validation.
"""

import collections
import json
import re
import sys
import urllib.parse


def load_operations(spec):
    params_ref = spec.get("components", {}).get("parameters", {})

    def resolve(p):
        ref = p.get("$ref")
        if ref:
            return params_ref[ref.rsplit("/", 1)[-1]]
        return p

    ops = []
    for template, item in spec["paths"].items():
        shared = [resolve(p) for p in item.get("parameters", [])]
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        for method, op in item.items():
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            params = shared + [resolve(p) for p in op.get("parameters", [])]
            query = {p["name"] for p in params if p.get("in") == "query"}
            ops.append((template.count("{"), template, method.upper(), pattern, query))
    ops.sort(key=lambda o: (o[0], o[1]))  # literal segments win over templated ones
    return ops


def main(argv):
    sep = argv.index("--")
    spec_path, prism_logs, proxy_logs = argv[1], argv[2:sep], argv[sep + 1:]
    with open(spec_path, encoding="utf-8") as f:
        ops = load_operations(json.load(f))
    prefix_re = re.compile(r"^/stores/[^/]+/v3(/.*)?$")

    entries = []
    for path in proxy_logs:
        with open(path, encoding="utf-8") as f:
            entries += [json.loads(line) for line in f if line.strip()]

    violations = []
    notes = []
    exercised = collections.Counter()
    statuses = collections.defaultdict(collections.Counter)
    params_seen = collections.defaultdict(set)
    forwarded = 0
    for e in entries:
        request = f"{e['method']} {e['path']}" + (f"?{urllib.parse.unquote(e['query'])}" if e["query"] else "")
        if e.get("outside_prefix"):
            violations.append(f"{request}: outside the spec's base path /stores/{{store_hash}}/v3")
            continue
        forwarded += 1
        bare = prefix_re.match(e["path"]).group(1) or "/"
        by_path = [o for o in ops if o[3].match(bare)]
        op = next((o for o in by_path if o[2] == e["method"]), None)
        key = f"{e['method']} {op[1] if op else bare}"
        exercised[key] += 1
        statuses[key][e["status"]] += 1
        if not by_path:
            violations.append(f"{request}: no such path in the spec")
        elif op is None:
            violations.append(f"{request}: the spec has no {e['method']} on {by_path[0][1]}")
        if op is not None:
            for name, _ in urllib.parse.parse_qsl(e["query"], keep_blank_values=True):
                params_seen[key].add(name)
                if name not in op[4]:
                    violations.append(f"{request}: query parameter `{name}` is not declared by {op[2]} {op[1]}")
        if e["status"] >= 400:
            detail = e.get("prism", e.get("error"))
            if isinstance(detail, dict):
                msgs = [v.get("message", "") for v in detail.get("validation", [])] or [detail.get("title", "")]
                detail = "; ".join(msgs)
            # 4xx: Prism refused the request. 5xx: Prism (or the proxy) failed to answer,
            # which says nothing about the request; listed, not counted as a violation.
            (violations if e["status"] < 500 else notes).append(f"{request}: Prism answered {e['status']}: {detail}")

    received = failed = 0
    for path in prism_logs:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                received += "Request received" in line
                if "Request did not pass the validation rules" in line:
                    failed += 1
    if failed:
        violations.append(f"Prism's logs show {failed} request(s) that did not pass validation")
    if received != forwarded:
        violations.append(f"the proxy forwarded {forwarded} requests but Prism's logs show {received} received")

    print(f"requests validated by Prism: {forwarded} (Prism's logs: {received} received, {failed} failing validation)")
    print()
    print("| operation | requests | statuses | query parameters sent |")
    print("|---|---:|---|---|")
    for key in sorted(exercised):
        st = ", ".join(f"{s}×{n}" for s, n in sorted(statuses[key].items()))
        ps = ", ".join(f"`{p}`" for p in sorted(params_seen[key])) or "—"
        print(f"| `{key}` | {exercised[key]} | {st} | {ps} |")
    print()
    for n, v in sorted(((n, v) for v, n in collections.Counter(notes).items()), reverse=True):
        print(f"note (not a request violation): {n}× {v}")
    if violations:
        counts = collections.Counter(violations)
        print(f"VIOLATIONS: {len(violations)} ({len(counts)} distinct)")
        for v, n in counts.most_common():
            print(f"  {n}× {v}")
        return 1
    print("violations: none")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
