#!/usr/bin/env python3
"""mwapi-server.py: serves recorded api.php answers on 127.0.0.1 for the importer tests.

usage: mwapi-server.py DIR PORTFILE LOGFILE [IMAGES]

DIR/index.json lists {"query": {param: value}, "file": NAME, "fail_once": bool}.
A request whose parameters (any order) equal a recorded query gets DIR/NAME as JSON;
with fail_once, its first request gets a 503 instead (to exercise retries). Anything
else gets a 404 with a MediaWiki-style error. Each request is logged to LOGFILE as
"STATUS<TAB>sorted params as JSON<TAB>User-Agent". The chosen port is written to
PORTFILE once the socket listens. With IMAGES (an upload folder), GET /wiki/images/REL
answers the file IMAGES/REL (logged as "STATUS<TAB>/wiki/images/REL<TAB>User-Agent");
a request for a file that is not there gets a 404. Stop it by its PID.
"""
import http.server
import json
import os
import sys
import urllib.parse


def key(pairs):
    return json.dumps(sorted(pairs), ensure_ascii=False)


def main():
    folder, portfile, logfile = sys.argv[1:4]
    images = os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 else None
    with open(os.path.join(folder, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    table = {}
    for entry in index:
        table[key(entry["query"].items())] = entry
    failed = set()
    log = open(logfile, "a", encoding="utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def send_file(self, url):
            rel = urllib.parse.unquote(url.path[len("/wiki/images/"):])
            path = os.path.normpath(os.path.join(images, rel))
            data = None
            if path.startswith(images + os.sep) and os.path.isfile(path):
                with open(path, "rb") as f:
                    data = f.read()
            log.write("%d\t%s\t%s\n" % (200 if data is not None else 404, url.path,
                                         self.headers.get("User-Agent", "")))
            log.flush()
            if data is None:
                self.answer(404, "not found")
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if images and url.path.startswith("/wiki/images/"):
                self.send_file(url)
                return
            pairs = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
            k = key(pairs)
            entry = table.get(k) if url.path.endswith("/api.php") else None
            if entry is None:
                status, body = 404, json.dumps({"error": {"code": "nfsite-test-unknown",
                                                          "info": "no recorded answer"}})
            elif entry.get("fail_once") and k not in failed:
                failed.add(k)
                status, body = 503, "<html><body>Service Unavailable</body></html>"
            else:
                with open(os.path.join(folder, entry["file"]), encoding="utf-8") as f:
                    status, body = 200, f.read()
            log.write("%d\t%s\t%s\n" % (status, k, self.headers.get("User-Agent", "")))
            log.flush()
            self.answer(status, body)

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()
