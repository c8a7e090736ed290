#!/usr/bin/env python3
"""parsertests.py: `nfsite wikitext --to html` against MediaWiki's own parser tests.

Runs each core test of MediaWiki's tests/parser/parserTests.txt (GPL-2.0-or-later, so it is
downloaded by `make parsertests`, never committed) through the converter and compares the
result with the test's expected HTML for the legacy parser (html/php, else html or html/*).

    scripts/parsertests.py [--nfsite BIN] [--min N] [-v NAME] [--failures] FILE

Tests the converter cannot honour are skipped and counted by reason: disabled ones,
Parsoid-only ones (no html/php, html or html/* section), other modes than plain HTML
(pst, msg, comment, preload, section, replace, showtitle, showindicators, showflags,
cat, ill, property, extension, lastsavedrevision), content languages and variants other
than English, subpages, and tests that change the wiki's configuration (!! config).
The articles the file defines (!! article) are given to nfsite as a MediaWiki XML export
(--xml), so templates and link targets resolve as in MediaWiki; title=[[T]] becomes --title.

Normalisation (the one of scripts/fidelity.py, which this imports): both HTMLs become
token sequences of words, block and phrase elements (synonyms merged, wrappers such as
div and span dropped) and link keys ("link:Title" for a wiki page whether MediaWiki links
it as /wiki/Title or as a red link /index.php?title=Title&action=edit&redlink=1,
"ext:URL" for external ones). A test is exact when the sequences are equal. It prints
"N of M exact", the skip counts and, with --failures, the name of every failing test.
A test whose nfsite run fails (non-zero exit, a crash) counts as failed and is listed.
Python 3 standard library only.
"""
import argparse
import collections
import html
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fidelity  # noqa: E402

UNSUPPORTED = ("pst", "msg", "comment", "preload", "section", "replace", "showtitle",
               "showindicators", "showflags", "cat", "ill", "property", "extension",
               "lastsavedrevision", "subpage", "showmedia", "externallinktarget", "djvu",
               "nohtml", "parsoid=", "styletag", "pst-section")


def parse(path):
    """Yields ("test", dict) and ("article", title, text) in file order."""
    sec, rec, key, buf = None, None, None, []
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^!!\s*(\S+)\s*$", line)
        if not m:
            buf.append(line)
            continue
        word = m.group(1).lower()
        if rec is not None and key is not None:
            rec[key] = "".join(buf)
        buf = []
        if word in ("test", "article"):
            sec, rec, key = word, {}, "name" if word == "test" else "title"
        elif word in ("end", "endarticle"):
            if sec == "test":
                yield "test", rec
            elif sec == "article":
                yield "article", rec["title"].strip(), rec.get("text", "")
            sec, rec, key = None, None, None
        elif rec is not None:
            key = word
        else:
            key = None


def option_words(opts):
    """The option names of an options section (values dropped)."""
    words = []
    opts = re.sub(r"parsoid\s*=\s*\{.*\}", "parsoid", opts, flags=re.S)
    for m in re.finditer(r'([A-Za-z_\-]+)\s*(=\s*("[^"]*"|\[\[[^\]]*\]\]|\{[^}]*\}|[^\s]*))?', opts):
        words.append((m.group(1).lower(), (m.group(3) or "").strip('"')))
    return words


def skip_reason(t):
    words = option_words(t.get("options", ""))
    names = [w for w, _ in words]
    if "disabled" in names:
        return "disabled"
    if not any(k in t for k in ("html/php", "html", "html/*")):
        return "Parsoid only"
    if "parsoid" in names and "html/php" not in t and "html" not in t and "html/*" not in t:
        return "Parsoid only"
    for w, v in words:
        if w in UNSUPPORTED:
            return "mode or output " + w
        if w in ("language", "variant") and v not in ("en", ""):
            return "language or variant other than English"
    if t.get("config", "").strip():
        return "wiki configuration (!! config)"
    return None


def title_option(t):
    for w, v in option_words(t.get("options", "")):
        if w == "title":
            return v[2:-2] if v.startswith("[[") else v
    return None


NS = {"Talk": 1, "User": 2, "User talk": 3, "Project": 4, "Project talk": 5, "File": 6,
      "Image": 6, "File talk": 7, "MediaWiki": 8, "Template": 10, "Template talk": 11,
      "Help": 12, "Category": 14}


def write_export(articles, path):
    """A minimal MediaWiki XML export holding the articles (and Main Page)."""
    pages = {"Main Page": ""}
    for title, text in articles:
        pages[title] = text
    out = ['<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">\n'
           '<siteinfo><sitename>Parser test</sitename><base>http://example.org/wiki/Main_Page</base>'
           '<case>first-letter</case><namespaces>\n']
    for name, n in sorted(set((k, v) for k, v in NS.items() if k != "Image"), key=lambda x: x[1]):
        out.append('<namespace key="%d" case="first-letter">%s</namespace>\n' % (n, name))
    out.append('<namespace key="0" case="first-letter" />\n</namespaces></siteinfo>\n')
    for i, (title, text) in enumerate(pages.items(), 1):
        ns = 0
        if ":" in title:
            pre = title.split(":", 1)[0].replace("_", " ")
            pre = pre[:1].upper() + pre[1:]
            ns = NS.get(pre, 0)
        out.append('<page><title>%s</title><ns>%d</ns><id>%d</id><revision><id>%d</id>'
                   '<timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>Test'
                   '</username><id>1</id></contributor><model>wikitext</model>'
                   '<format>text/x-wiki</format><text xml:space="preserve">%s</text>'
                   '</revision></page>\n' % (html.escape(title), ns, i, i,
                                              html.escape(text.rstrip("\n"))))
    out.append("</mediawiki>\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))


def local_link(path, frag, href):
    """MediaWiki's links in the tests: article path /wiki/$1, script /index.php."""
    if path.startswith("/wiki/"):
        return "link:" + fidelity.title_key(path[len("/wiki/"):]) + frag
    if path == "/index.php":
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
        if "title" in q:
            return "link:" + fidelity.title_key(q["title"][0]) + frag
    return "other:" + href


def mw_link(href):
    return fidelity.link_key(href, local_link)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nfsite", default=os.environ.get("NFSITE", os.path.join(fidelity.ROOT, "nfsite")))
    ap.add_argument("--min", type=int, default=None, help="fail when fewer tests are exact")
    ap.add_argument("-v", dest="verbose", default=None, help="show one test's tokens")
    ap.add_argument("--failures", action="store_true", help="list every failing test")
    ap.add_argument("file", help="MediaWiki's tests/parser/parserTests.txt")
    args = ap.parse_args()

    tests, articles = [], []
    for rec in parse(args.file):
        if rec[0] == "article":
            articles.append((rec[1], rec[2]))
        else:
            tests.append(rec[1])

    tmp = tempfile.mkdtemp(prefix="nfsite-parsertests-")
    dump = os.path.join(tmp, "articles.xml")
    write_export(articles, dump)
    our = fidelity.our_link(fidelity.url_map(args.nfsite, dump,
                                             ["Main Page"] + [t for t, _ in articles]))
    skipped = collections.Counter()
    exact, total, failed, crashed = 0, 0, [], []
    for t in tests:
        name = t.get("name", "").strip()
        why = skip_reason(t)
        if why:
            skipped[why] += 1
            continue
        want = t.get("html/php", t.get("html", t.get("html/*", "")))
        cmd = [args.nfsite, "wikitext", "--to", "html", "--xml", dump]
        title = title_option(t)
        cmd += ["--title", title if title else "Parser test"]
        r = subprocess.run(cmd, input=t.get("wikitext", "").encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        total += 1
        got = r.stdout.decode("utf-8", errors="replace")
        if r.returncode != 0:
            crashed.append("%s (exit %d)" % (name, r.returncode))
            failed.append(name)
            continue
        a = fidelity.tokens(want, mw_link)
        b = fidelity.tokens(got, our)
        if a == b:
            exact += 1
        else:
            failed.append(name)
        if args.verbose and args.verbose == name:
            print("wikitext:\n%s\nmw: %s\nus: %s\nours:\n%s" % (t.get("wikitext", ""), " ".join(a),
                                                               " ".join(b), got))
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    if args.failures:
        for n in failed:
            print("FAIL " + n)
    for why, n in sorted(skipped.items(), key=lambda x: -x[1]):
        print("skipped %4d  %s" % (n, why))
    for c in crashed:
        print("crashed: " + c)
    print("%d of %d exact" % (exact, total))
    if args.min is not None and exact < args.min:
        return 1
    return 0 if not crashed else 1


if __name__ == "__main__":
    sys.exit(main())
