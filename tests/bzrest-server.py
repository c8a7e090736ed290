#!/usr/bin/env python3
"""Test tool: serves the recorded Bugzilla REST responses of the fixture
(tests/fixtures/bugzilla/rest/) on 127.0.0.1, as rest.cgi answered them.

  bzrest-server.py FIXTURE_REST_DIR PORTFILE [--fail-first N] [--status CODE]

Requests under /rest/ map to files through FIXTURE_REST_DIR/INDEX.md (its table gives
request, file and status). A request with an X-BUGZILLA-API-KEY header (or
Bugzilla_api_key in the query) gets the admin/ recording, else anon/.
/rest/bug?limit=L&offset=O pages through the recorded id-list answer, as Bug.search does.
A request under /moved/ is answered 301 to the same path under /rest/ (a redirect
within the origin).
--fail-first N answers the first N requests with --status (default 503) and a
Retry-After: 0 header, to exercise back-off. The chosen port is written to PORTFILE."""
import http.server
import json
import os
import re
import sys
import urllib.parse

root = sys.argv[1]
portfile = sys.argv[2]
fail_first = 0
fail_status = 503
args = sys.argv[3:]
while args:
    if args[0] == "--fail-first":
        fail_first = int(args[1])
        args = args[2:]
    elif args[0] == "--status":
        fail_status = int(args[1])
        args = args[2:]
    else:
        sys.exit("unknown option " + args[0])

routes = {}  # (auth, request) -> (file, status)
row = re.compile(r"^\| (anon|admin) \| `([^`]+)` \| `([^`]+)` \| (\d+) \|")
with open(os.path.join(root, "INDEX.md"), encoding="utf-8") as f:
    for line in f:
        m = row.match(line)
        if m:
            routes[(m.group(1), m.group(2))] = (m.group(3), int(m.group(4)))

state = {"served": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, status, body, extra=None):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        state["served"] += 1
        if state["served"] <= fail_first:
            return self.send(fail_status, '{"error":true,"message":"try later"}', {"Retry-After": "0"})
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        auth = "admin" if (self.headers.get("X-BUGZILLA-API-KEY") or "Bugzilla_api_key" in query) else "anon"
        if url.path.startswith("/moved/"):
            self.send_response(301)
            self.send_header("Location", "/rest/" + self.path[len("/moved/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not url.path.startswith("/rest/"):
            return self.send(404, '{"error":true,"message":"not found"}')
        path = url.path[len("/rest"):]
        if path == "/bug" and "limit" in query:
            return self.page(auth, int(query["limit"][0]), int(query.get("offset", ["0"])[0]))
        q = {k: v for k, v in urllib.parse.parse_qsl(url.query) if k != "Bugzilla_api_key"}
        request = path + ("?" + urllib.parse.urlencode(q, safe=",") if q else "")
        hit = routes.get((auth, request))
        if not hit:
            return self.send(404, '{"error":true,"code":32614,"message":"no recording for %s"}' % request)
        with open(os.path.join(root, hit[0]), "rb") as f:
            self.send(hit[1], f.read())

    def page(self, auth, limit, offset):
        name = routes[(auth, "/bug?id=" + ",".join(str(i) for i in range(1, 26)))][0]
        with open(os.path.join(root, name), encoding="utf-8") as f:
            doc = json.load(f)
        bugs = sorted(doc["bugs"], key=lambda b: b["id"])
        doc["bugs"] = bugs[offset:offset + limit]
        self.send(200, json.dumps(doc))


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
