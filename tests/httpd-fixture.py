#!/usr/bin/env python3
"""Test HTTP server for `nfsite check --external` (python3 stdlib only, 127.0.0.1 only).

usage: httpd-fixture.py PORTFILE
Binds 127.0.0.1 on a free port, writes the port to PORTFILE and serves until killed.

  /ok         200              /missing    404            /error      500
  /redirect   301 -> /ok       /loop       302 -> /loop   /ratelimit  429
  /slow       200 after 5 s    /reset      connection reset (RST, no answer)
  /nohead     405 to HEAD, 200 to GET
  /hold       200 after 0.3 s (for the per-host connection limit)
  /__stats    request counts, one "METHOD PATH COUNT" line each, and "max-inflight N":
              the most requests that were being answered at once (not counted itself)
"""
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
lock = threading.Lock()
inflight = 0
max_inflight = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        global inflight, max_inflight
        path = self.path.split("?", 1)[0]
        if path == "/__stats":
            with lock:
                text = "".join("%s %d\n" % (k, v) for k, v in sorted(counts.items()))
                text += "max-inflight %d\n" % max_inflight
            return self.answer(200, text.encode())
        with lock:
            key = "%s %s" % (self.command, path)
            counts[key] = counts.get(key, 0) + 1
            if path == "/hold":
                inflight += 1
                max_inflight = max(max_inflight, inflight)
        if path == "/hold":
            time.sleep(0.3)
            with lock:
                inflight -= 1  # before answering: the client cannot start another yet
            return self.answer(200, b"held\n")
        if path == "/ok":
            return self.answer(200, b"ok\n")
        if path == "/redirect":
            return self.answer(301, b"", [("Location", "/ok")])
        if path == "/loop":
            return self.answer(302, b"", [("Location", "/loop")])
        if path == "/missing":
            return self.answer(404, b"not found\n")
        if path == "/error":
            return self.answer(500, b"boom\n")
        if path == "/ratelimit":
            return self.answer(429, b"slow down\n", [("Retry-After", "60")])
        if path == "/slow":
            time.sleep(5)
            return self.answer(200, b"late\n")
        if path == "/nohead":
            if self.command == "HEAD":
                return self.answer(405, b"", [("Allow", "GET")])
            return self.answer(200, b"got\n")
        if path == "/reset":
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        return self.answer(404, b"no such fixture\n")

    def do_GET(self):
        self.route()

    def do_HEAD(self):
        self.route()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # resets and clients that hung up are expected here


def main():
    server = Server(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
