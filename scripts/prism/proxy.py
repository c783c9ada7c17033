#!/usr/bin/env python3
"""A tiny reverse proxy between bcsync and Prism, for scripts/prism-check.sh.

bcsync addresses `{api_url}/stores/{hash}/v3/...` (the spec's `servers` URL), while
`prism mock` serves the spec's paths bare (`/customers`, ...): Prism 5 ignores the base
path of `servers`. The proxy strips `--prefix` and forwards everything else untouched
(method, query string, headers, body). It writes one JSON line per request to `--log`:
method, path, query, Prism's status and, for a 4xx/5xx, Prism's answer (the validation
violations when `prism mock --errors` refused the request). A request outside the prefix
is answered 404 here and logged with "outside_prefix": true.

With `--answer-from URL` Prism only validates: a request it accepts is then sent, path
unchanged, to URL (the simulator, `bcsync-sim`), whose answer bcsync gets; a request it
refuses gets Prism's 4xx. So a realistic store drives bcsync down all its request shapes
while Prism checks every one of them. The log then also has "answer_status".

With `--mangle RATE` (0..1, seeded by `--seed`) a share of the 2xx JSON answers is
damaged on the way back — truncated, a field's value swapped for one of the wrong type,
or a record replaced by a scalar — so a run also sees schema-invalid data.

Prints `proxy: listening on http://127.0.0.1:PORT` on stdout once it accepts connections.
"""

import argparse
import http.client
import http.server
import json
import random
import sys
import threading
import urllib.parse

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "trailers", "transfer-encoding", "upgrade", "host", "content-length",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    ap.add_argument("--upstream", required=True, help="Prism's URL, e.g. http://127.0.0.1:4010")
    ap.add_argument("--prefix", required=True, help="stripped from every path, e.g. /stores/abc/v3")
    ap.add_argument("--log", required=True, help="JSON lines, one per request")
    ap.add_argument("--answer-from", help="after Prism accepts a request, answer it from here")
    ap.add_argument("--mangle", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    upstream = urllib.parse.urlsplit(args.upstream)
    answerer = urllib.parse.urlsplit(args.answer_from) if args.answer_from else None
    prefix = args.prefix.rstrip("/")
    log = open(args.log, "a", buffering=1, encoding="utf-8")
    lock = threading.Lock()
    rng = random.Random(args.seed)

    def record(entry):
        with lock:
            log.write(json.dumps(entry) + "\n")

    def mangle(body):
        """A damaged copy of a JSON body and how it was damaged, or (None, None)."""
        with lock:
            if rng.random() >= args.mangle:
                return None, None
            how = rng.choice(["truncate", "wrong_type", "scalar_record", "null_data"])
            pick = rng.random()
        try:
            doc = json.loads(body)
        except ValueError:
            return None, None
        if how == "truncate":
            return body[: int(len(body) * pick)], how
        # The records: `data` of an envelope, else the document itself (consent is a bare
        # object, stored instruments a bare array).
        enveloped = isinstance(doc, dict) and "data" in doc
        records = doc["data"] if enveloped else doc
        if how == "null_data":
            if enveloped:
                doc["data"] = None
                return json.dumps(doc).encode(), how
            return b"null", how
        if isinstance(records, list):
            if not records:
                return b"[" if not enveloped else json.dumps({**doc, "data": "[]"}).encode(), how
            i = int(pick * len(records)) % len(records)
            if how == "scalar_record" or not isinstance(records[i], dict) or not records[i]:
                records[i] = "not a record"
                return json.dumps(doc).encode(), "scalar_record"
            record = records[i]
        elif isinstance(records, dict) and records:
            if how == "scalar_record":
                if enveloped:
                    doc["data"] = "not a record"
                    return json.dumps(doc).encode(), how
                return b'"not a record"', how
            record = records
        else:
            return body[: len(body) // 2], "truncate"
        keys = sorted(record)
        key = keys[int(pick * len(keys)) % len(keys)]
        record[key] = wrong_type(record[key])
        return json.dumps(doc).encode(), f"wrong_type:{key}"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def forward(self):
            split = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            entry = {"method": self.command, "path": split.path, "query": split.query}
            if split.path != prefix and not split.path.startswith(prefix + "/"):
                entry.update(status=404, outside_prefix=True)
                record(entry)
                self.reply(404, [("Content-Type", "text/plain")], b"outside the base path\n")
                return
            target = split.path[len(prefix):] or "/"
            if split.query:
                target += "?" + split.query
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            try:
                status, resp_headers, payload = send(upstream, self.command, target, body, headers)
                if answerer is not None and status < 400:
                    entry["answer_status"], resp_headers, payload = send(
                        answerer, self.command, self.path, body, headers)
            except OSError as e:
                entry.update(status=502, error=str(e))
                record(entry)
                self.reply(502, [("Content-Type", "text/plain")], f"proxy: {e}\n".encode())
                return
            entry["status"] = status
            if status >= 400:
                try:
                    entry["prism"] = json.loads(payload)
                except ValueError:
                    entry["prism"] = payload[:2000].decode("utf-8", "replace")
            elif args.mangle > 0 and entry.get("answer_status", 200) < 300:
                damaged, how = mangle(payload)
                if damaged is not None:
                    payload, entry["mangled"] = damaged, how
            record(entry)
            self.reply(entry.get("answer_status", status), resp_headers, payload)

        def reply(self, status, headers, payload):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.listen), Handler)
    server.daemon_threads = True
    print(f"proxy: listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def send(where, method, target, body, headers):
    """One request to `where`: (status, headers without hop-by-hop ones, body)."""
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    try:
        conn.request(method, target, body=body, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
        return resp.status, kept, payload
    finally:
        conn.close()


def wrong_type(value):
    if isinstance(value, str):
        return 12345
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return "not a number"
    if isinstance(value, list):
        return {"unexpected": "object"}
    if isinstance(value, dict):
        return ["unexpected", "array"]
    return {"was": "null"}


if __name__ == "__main__":
    sys.exit(main())
