#!/usr/bin/env python3
"""fidelity.py: how close `nfsite wikitext --to html` comes to MediaWiki's own HTML.

For every page of the MediaWiki fixture (reference/*.wiki and MediaWiki's rendering
reference/*.html) it converts the wikitext (with the fixture's export and upload folder), normalises both HTMLs into one token sequence
(words of text, element structure, link targets) and scores their similarity with
difflib (1.0 = same tokens in the same order). It prints one line per page, then the
mean and the number of exact pages (score 1.0).

    scripts/fidelity.py [--nfsite BIN] [--fixture DIR] [--pandoc] [--min SCORE] [-v PAGE]

--pandoc scores `pandoc -f mediawiki -t html` on the same pages instead (the baseline).
--min makes the exit status 1 when the mean is below SCORE.

Normalisation, the same for every side:
  * text: split into words; entities decoded by the parser
  * structure: start tags of block and phrase elements, with synonyms merged
    (strong=b, em=i, del/strike=s, tt/kbd/samp=code); wrappers without meaning of their
    own (div, span, font, center, small, big) are dropped, as is <code> inside <pre>
  * decoration each renderer adds is dropped: MediaWiki's table of contents, edit links
    and parser-report comments, the footnote back-links of both sides ("↑", "↩") and the
    heading permalinks of our theme
  * a red link: MediaWiki's class="new" link to the edit form and our class="new" link
    without a target (title "T (page does not exist)") both become "link:<title>"
  * a link to a redirect (MediaWiki's form; the browser then follows the redirect) and a
    link to the page it lands on (ours) both become the landing page's key: the wiki's
    redirects and their targets come from reference/index.json
  * links: MediaWiki's /wiki/index.php/Title, ?title=Title&action=edit&redlink=1, our
    page URLs and pandoc's relative "Title" links all become "link:<title>", where our
    URLs are mapped back to titles by asking nfsite for a link to every title of the wiki;
    fragments are compared in slug form; external links by URL.
Python 3 standard library only.
"""
import argparse
import difflib
import html.parser
import json
import os
import re
import subprocess
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SYNONYM = {"strong": "b", "em": "i", "del": "s", "strike": "s", "tt": "code", "kbd": "code",
           "samp": "code", "var": "i", "ins": "u"}
KEEP = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "dl", "dt", "dd", "table",
        "tr", "td", "th", "caption", "pre", "code", "blockquote", "b", "i", "s", "u", "sup",
        "sub", "hr", "br", "a", "img", "abbr", "cite", "q"}
RED = " (page does not exist)"
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source"}


def title_key(t):
    t = urllib.parse.unquote(t).replace("_", " ").strip()
    t = re.sub(r"\s+", " ", t)
    return t[:1].upper() + t[1:]


def frag_key(f):
    f = urllib.parse.unquote(f).lower()
    return re.sub(r"[^0-9a-z\u00c0-\uffff]+", "-", f).strip("-")


class Norm(html.parser.HTMLParser):
    """Turns one HTML document into a list of tokens."""

    def __init__(self, link_of):
        super().__init__(convert_charrefs=True)
        self.link_of = link_of
        self.tokens = []
        self.skip = []     # stack of (tag, depth) of skipped subtrees
        self.stack = []    # open tags, for depth and <pre><code>
        self.text = []     # text since the last token: words run across dropped tags

    def emit(self, tok):
        self.flush()
        self.tokens.append(tok)

    def flush(self):
        self.tokens.extend("".join(self.text).split())
        self.text = []

    def skipping(self):
        return bool(self.skip)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag not in VOID:
            self.stack.append(tag)
        if self.skipping():
            return
        if (a.get("id") == "toc" or "mw-editsection" in cls or "mw-cite-backlink" in cls
                or "footnote-backref" in cls or "data-footnote-backref" in a
                or "anchor" in cls and tag == "a" or a.get("role") == "doc-backlink"):
            if tag not in VOID:
                self.skip.append(len(self.stack))
            return
        tag = SYNONYM.get(tag, tag)
        if tag == "code" and "pre" in self.stack[:-1]:
            return
        if tag not in KEEP:
            return
        if tag == "a":
            title = a.get("title") or ""
            if not a.get("href") and "new" in cls and title.endswith(RED):
                # a red link without a target (a static site has no edit form)
                self.emit("<a link:" + title_key(title[:-len(RED)]) + ">")
            else:
                self.emit("<a " + self.link_of(a.get("href") or "") + ">")
        elif tag == "img":
            self.emit("<img>")
        else:
            self.emit("<" + tag + ">")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if SYNONYM.get(tag, tag) in KEEP or tag in ("div",):
            self.flush()
        if tag in self.stack:
            while self.stack:
                t = self.stack.pop()
                if self.skip and self.skip[-1] > len(self.stack):
                    self.skip.pop()
                if t == tag:
                    break

    def handle_data(self, data):
        if self.skipping():
            return
        self.text.append(data)

    def handle_comment(self, data):
        pass


def mw_link(href):
    if not href:
        return "none"
    p = urllib.parse.urlsplit(href)
    if p.scheme in ("http", "https", "ftp", "mailto", "irc", "news") or href.startswith("//"):
        if p.netloc in ("127.0.0.1",) and p.path.startswith("/wiki/index.php"):
            pass
        else:
            return "ext:" + href
    if href.startswith("#"):
        return "#" + frag_key(href[1:])
    frag = "#" + frag_key(p.fragment) if p.fragment else ""
    if p.path.startswith("/wiki/index.php/"):
        return "link:" + title_key(p.path[len("/wiki/index.php/"):]) + frag
    if p.path.startswith("/wiki/index.php"):
        q = urllib.parse.parse_qs(p.query)
        if "title" in q:
            t = q["title"][0]
            if t.startswith("Special:Upload") and "wpDestFile" in q:
                t = "File:" + q["wpDestFile"][0]
            return "link:" + title_key(t) + frag
    if p.path.startswith("/wiki/images/"):
        return "link:File:" + title_key(p.path.rsplit("/", 1)[-1])
    return "other:" + href


def link_key(href, local):
    """The key of a link in converted HTML: "none", "ext:URL" for anything with a scheme,
    "#key" for a same-page fragment, else local(path, frag, href) where frag is "#key"
    or ""."""
    if not href:
        return "none"
    p = urllib.parse.urlsplit(href)
    if p.scheme or href.startswith("//"):
        return "ext:" + href
    if href.startswith("#"):
        return "#" + frag_key(href[1:])
    frag = "#" + frag_key(p.fragment) if p.fragment else ""
    return local(p.path, frag, href)


def our_link(urlmap):
    def local(path, frag, href):
        if path in urlmap:
            return "link:" + urlmap[path] + frag
        return mw_link(href)
    return lambda href: link_key(href, local)


def pandoc_link(href):
    return link_key(href, lambda path, frag, href: "link:" + title_key(path) + frag)


def tokens(html_text, link_of):
    html_text = re.sub(r"<!--.*?-->", "", html_text, flags=re.S)
    n = Norm(link_of)
    n.feed(html_text)
    n.close()
    n.flush()
    return n.tokens


def redirect_keys(pages):
    """Maps the link key of every redirect of the wiki to the key of the page it lands on
    (chains followed; a target's #fragment kept unless the link gives its own)."""
    to = {title_key(p["title"]): p["redirect_target"] for p in pages
          if p.get("is_redirect") and p.get("redirect_target")}
    final = {}
    for t in to:
        cur, frag, seen = t, "", set()
        while cur in to and cur not in seen:
            seen.add(cur)
            tgt, _, f = to[cur].partition("#")
            cur, frag = title_key(tgt), ("#" + frag_key(f) if f else frag)
        final[t] = (cur, frag)
    return final


def land(toks, final):
    """Link tokens keyed by where the link lands: MediaWiki links a redirect (the browser
    then follows it), nfsite links the page it lands on; both reach the same page."""
    out = []
    for t in toks:
        if t.startswith("<a link:"):
            title, _, frag = t[len("<a link:"):-1].partition("#")
            if title in final:
                dest, dfrag = final[title]
                t = "<a link:" + dest + ("#" + frag if frag else dfrag) + ">"
        out.append(t)
    return out


def url_map(nfsite, dump, titles):
    """Our URL of every title the wiki dump has a page for, asked of nfsite itself."""
    src = "".join("* [[:%s]]\n" % t for t in titles).encode()
    out = run([nfsite, "wikitext", "--to", "html", "--xml", dump], src)
    urlmap = {}
    for t, li in zip(titles, re.findall(r"<li>(.*?)</li>", out, flags=re.S)):
        m = re.search(r'href="([^"#]*)', li)
        if m:
            urlmap.setdefault(html.unescape(m.group(1)), title_key(t))
    return urlmap


def run(cmd, data):
    r = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode not in (0,):
        sys.stderr.write("fidelity: %s exited %d: %s\n" % (cmd[0], r.returncode,
                                                          r.stderr.decode(errors="replace")[:500]))
    return r.stdout.decode("utf-8", errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nfsite", default=os.environ.get("NFSITE", os.path.join(ROOT, "nfsite")))
    ap.add_argument("--fixture", default=os.path.join(ROOT, "tests", "fixtures", "mediawiki"))
    ap.add_argument("--pandoc", action="store_true", help="score pandoc instead")
    ap.add_argument("--min", type=float, default=None, help="fail when the mean is below")
    ap.add_argument("-v", dest="verbose", default=None, help="show the token diff of one slug")
    args = ap.parse_args()

    fx = args.fixture
    ref = os.path.join(fx, "reference")
    index = json.load(open(os.path.join(ref, "index.json"), encoding="utf-8"))
    pages = index["pages"]
    sitename = index.get("sitename", "")
    dump = os.path.join(fx, "dump-current.xml")

    final = redirect_keys(pages)
    urlmap = {} if args.pandoc else url_map(args.nfsite, dump, [p["title"] for p in pages])

    scores = []
    for p in sorted(pages, key=lambda p: p["slug"]):
        slug = p["slug"]
        wiki = open(os.path.join(ref, slug + ".wiki"), "rb").read()
        want = open(os.path.join(ref, slug + ".html"), encoding="utf-8").read()
        if args.pandoc:
            got = run(["pandoc", "-f", "mediawiki", "-t", "html"], wiki)
            link_of = pandoc_link
        else:
            got = run([args.nfsite, "wikitext", "--to", "html", "--title", p["title"],
                       "--site-name", sitename, "--xml", dump,
                       "--images", os.path.join(fx, "images")], wiki)
            link_of = our_link(urlmap)
        a = land(tokens(want, mw_link), final)
        b = land(tokens(got, link_of), final)
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        score = sm.ratio() if (a or b) else 1.0
        scores.append(score)
        print("%.3f  %s" % (score, p["title"]))
        if args.verbose and args.verbose in (slug, p["title"]):
            for op, i1, i2, j1, j2 in sm.get_opcodes():
                if op != "equal":
                    print("   %-7s mw: %s\n           us: %s" % (op, " ".join(a[i1:i2])[:300],
                                                                   " ".join(b[j1:j2])[:300]))
    mean = sum(scores) / len(scores) if scores else 0.0
    print("mean %.4f over %d pages (%s), %d exact" % (mean, len(scores), "pandoc" if args.pandoc else "nfsite",
                                                     sum(1 for s in scores if s == 1.0)))
    if args.min is not None and mean < args.min:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
