#!/usr/bin/env python3
"""Test tool: an HTTP server on 127.0.0.1 that stands for "another host" in redirect
tests, and logs what every request carried.

  redirect-server.py PORTFILE LOGFILE [--to URL] [--status CODE]

With --to, every GET or HEAD is answered with CODE (default 302) and Location: URL followed by
the request's own path and query; without it, with a 404 JSON error. Each request is
logged as "PATH<TAB>X-BUGZILLA-API-KEY<TAB>Authorization" (a header not sent: "-").
127.0.0.1 on another port is another origin. The chosen port is written to PORTFILE."""
import http.server
import os
import sys

portfile, logfile = sys.argv[1:3]
target, status = None, 302
args = sys.argv[3:]
while args:
    if args[0] == "--to":
        target = args[1]
    elif args[0] == "--status":
        status = int(args[1])
    else:
        sys.exit("unknown option " + args[0])
    args = args[2:]
log = open(logfile, "a", encoding="utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        log.write("%s\t%s\t%s\n" % (self.path, self.headers.get("X-BUGZILLA-API-KEY", "-"),
                                    self.headers.get("Authorization", "-")))
        log.flush()
        body = b'{"error":true,"message":"nothing here"}'
        self.send_response(status if target else 404)
        if target:
            self.send_header("Location", target + self.path)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
