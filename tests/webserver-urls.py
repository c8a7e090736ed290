#!/usr/bin/env python3
"""Every old URL a built site promises to redirect, with the page it must land on.

Usage: webserver-urls.py SITE [ARTICLE-PATH]  (a site folder after import mediawiki,
import bugzilla and build; the wiki report in SITE/report.json, the archive in
SITE/data/bugzilla.sqlite; ARTICLE-PATH the wiki's short URLs, like /wiki/$1).
Prints "REQUEST<TAB>EXPECTED" lines: REQUEST is what a client sends (percent-encoded,
sometimes with a #fragment the client keeps to itself), EXPECTED the decoded path (and
fragment) of the one redirect's Location. The expectations come from the importers' own
records (report, archive, front matter), not from the generated server files."""
import json
import os
import re
import sqlite3
import sys
from urllib.parse import quote

import yaml

site = sys.argv[1]
article = sys.argv[2] if len(sys.argv) > 2 else None
out = []


def add(request, expected):
    out.append((request, expected))


def mw(s):
    """MediaWiki's wfUrlencode: rawurlencode, then these characters back."""
    return quote(s, safe=";@$!*(),/~:")


# Wiki: every title of a page or a redirect, in each spelling of index.php/T,
# index.php?title=T (underscores, spaces as %20 or '+', MediaWiki's and full encoding)
# and the short URL of ARTICLE-PATH.
report = json.load(open(os.path.join(site, "report.json"), encoding="utf-8"))
url_of = {p["title"]: p["url"] for p in report["pages"]}
targets = dict(url_of)
for r in report["redirects"]:
    t = url_of[r["to"]]
    if r.get("fragment"):
        t += "#" + r["fragment"].replace(" ", "_")
    targets[r["from"]] = t
for title, target in sorted(targets.items()):
    key = title.replace(" ", "_")
    add("/wiki/index.php/" + quote(key, safe="/"), target)
    add("/wiki/index.php/" + mw(key), target)
    add("/wiki/index.php/" + quote(title, safe="/"), target)  # spaces as %20
    add("/wiki/index.php?title=" + mw(key), target)
    add("/wiki/index.php?title=" + quote(key, safe="/"), target)
    add("/wiki/index.php?title=" + "+".join(mw(w) for w in title.split(" ")), target)
    add("/wiki/index.php?title=" + mw(title), target)  # spaces as %20
    add("/wiki/index.php?title=" + mw(key) + "&action=history", target)
    add("/wiki/index.php?title=" + mw(key) + "#History", target)
    if article:
        add(article.replace("$1", mw(key)), target)
        add(article.replace("$1", quote(title, safe="/")), target)  # spaces as %20

# Bugzilla: each bug (by number, with a #cN the browser keeps, by alias), each
# attachment (its file, or its bug when the data is not stored), each product.
db = sqlite3.connect(os.path.join(site, "data", "bugzilla.sqlite"))
for bug_id, alias in db.execute("SELECT id, alias FROM bugs ORDER BY id"):
    add("/show_bug.cgi?id=%d" % bug_id, "/bugs/%d/" % bug_id)
    add("/show_bug.cgi?id=%d#c1" % bug_id, "/bugs/%d/" % bug_id)
    for a in re.split(r"[, ]+", alias or ""):
        if a:
            add("/show_bug.cgi?id=" + quote(a, safe=""), "/bugs/%d/" % bug_id)
for att, bug, present in db.execute("SELECT id, bug_id, data IS NOT NULL FROM attachments ORDER BY id"):
    if present:
        files = os.listdir(os.path.join(site, "public", "bugs", "attachments", str(att)))
        assert len(files) == 1, (att, files)
        add("/attachment.cgi?id=%d" % att, "/bugs/attachments/%d/%s" % (att, files[0]))
    else:
        add("/attachment.cgi?id=%d" % att, "/bugs/%d/" % bug)
for (product,) in db.execute("SELECT DISTINCT product FROM bugs ORDER BY product"):
    slug = re.sub(r"[^a-z0-9._-]+", "-", product.lower()).strip("-")
    add("/buglist.cgi?product=" + quote(product, safe=""), "/bugs/product/%s/" % slug)
    if " " in product:
        add("/buglist.cgi?product=" + quote(product).replace("%20", "+"), "/bugs/product/%s/" % slug)

# Aliases from the front matter of every page.
content = os.path.join(site, "content")
for folder, _, files in os.walk(content):
    for f in files:
        if not f.endswith(".md") or f == "_index.md":
            continue
        text = open(os.path.join(folder, f), encoding="utf-8").read()
        fm = yaml.safe_load(text.split("\n---\n", 1)[0][4:]) or {}
        rel = os.path.relpath(os.path.join(folder, f[:-3]), content)
        for a in fm.get("aliases") or []:
            add(quote(a, safe="/"), "/" + rel + "/")

for request, expected in out:
    print(request + "\t" + expected)
