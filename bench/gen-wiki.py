#!/usr/bin/env python3
"""Writes a deterministic synthetic MediaWiki XML dump (export-0.11) for `make bench`:
N pages in the main namespace (about 2% of them redirects), a few templates and
categories, with realistic wikitext: headings, bold/italic, bullet and numbered lists,
definition lists, tables, [[internal links]] (some with #section and |label), external
links, template calls, <source>/<syntaxhighlight> blocks, <code>, <ref>, categories.

  gen-wiki.py N OUT.xml [--seed SEED] [--texts DIR]

--texts DIR also writes each main-namespace page's wikitext to DIR/NNNNN.wiki (the same
pages, for converting with pandoc)."""
import argparse
import hashlib
import os
import random
from xml.sax.saxutils import escape

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=11)
ap.add_argument("--texts")
a = ap.parse_args()
rnd = random.Random(a.seed)

WORDS = ("packet filter rule chain table set map verdict accept drop reject counter quota "
         "limit rate meta mark conntrack state established related hook priority family "
         "inet bridge netdev ingress prerouting postrouting input output forward nat "
         "masquerade redirect interface address port protocol element timeout interval "
         "expression statement kernel netlink transaction ruleset atomic flush monitor "
         "trace log prefix flowtable offload queue userspace daemon helper expectation zone "
         "synproxy tproxy socket route lookup update sync failover ulogd plugin stack").split()
NOUNS = ("Conntrack NAT Ruleset Flowtable Queue Helper Logging Sets Maps Bridge Tproxy "
         "Synproxy Counters Quotas Zones Hooks Tables Chains Offload Netlink").split()
CATS = ["Connection tracking", "Logging", "nftables", "Userspace", "Howto", "Reference",
        "Kernel", "Legacy"]
H2 = ["Overview", "Installation", "Configuration", "Examples", "Troubleshooting",
      "Known issues", "See also"]
H3 = ["Kernel side", "Userspace side", "Testing", "Debugging", "Performance"]

TEMPLATES = {
    "Template:Tip": '<div class="nf-tip">\'\'\'{{{title|Tip}}}:\'\'\' {{{1}}}</div>'
                    "<noinclude>A highlighted hint. [[Category:Templates]]</noinclude>",
    "Template:Kernel": "Linux&nbsp;{{{1|?}}}+<noinclude>Minimum kernel version.</noinclude>",
    "Template:Note": '<div class="nf-note">{{{1}}}</div><noinclude>A note.</noinclude>',
}


def words(n):
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def sentence():
    s = words(rnd.randint(7, 15))
    return s[0].upper() + s[1:] + "."


titles = []
seen = set()
for i in range(a.n):
    while True:
        t = "%s %s %d" % (rnd.choice(NOUNS), words(rnd.randint(1, 2)), i)
        if t not in seen:
            break
    seen.add(t)
    titles.append(t)
redirect = set(rnd.sample(range(a.n), a.n // 50))
content_ids = [i for i in range(a.n) if i not in redirect]


def wlink(i):
    j = rnd.choice(content_ids)
    r = rnd.random()
    if r < 0.4:
        return "[[%s]]" % titles[j]
    if r < 0.7:
        return "[[%s|%s]]" % (titles[j], words(rnd.randint(1, 3)))
    if r < 0.85:
        return "[[%s#Overview|%s]]" % (titles[j], words(2))
    return "[https://www.netfilter.org/projects/%s/ %s]" % (rnd.choice(WORDS), words(2))


def para(i, nlinks):
    parts = [sentence() for _ in range(rnd.randint(2, 5))]
    for _ in range(nlinks):
        k = rnd.randrange(len(parts))
        parts[k] = parts[k][:-1] + ", see " + wlink(i) + "."
    r = rnd.random()
    if r < 0.3:
        parts.append("Use '''nft''' with ''care'' and <code>nft list ruleset</code> to check.")
    elif r < 0.4:
        parts.append("Available since {{Kernel|%d.%d}}." % (rnd.randint(3, 6), rnd.randint(0, 19)))
    elif r < 0.5:
        parts.append("This was reported upstream.<ref>%s</ref>" % sentence())
    return " ".join(parts)


def table():
    rows = ['{| class="wikitable"', "! Option !! Default !! Description"]
    for _ in range(rnd.randint(3, 6)):
        rows.append("|-")
        rows.append("| <code>%s</code> || %d || %s" % (rnd.choice(WORDS), rnd.randint(0, 999), words(rnd.randint(4, 8))))
    rows.append("|}")
    return "\n".join(rows)


def source():
    if rnd.random() < 0.5:
        return ('<source lang="bash">\nnft add table inet %s\nnft add chain inet %s input '
                "'{ type filter hook input priority 0; }'\nconntrack -L | grep -c %s\n</source>"
                % (rnd.choice(WORDS), rnd.choice(WORDS), rnd.choice(WORDS)))
    return ('<syntaxhighlight lang="text">\ntable inet filter {\n  chain input {\n'
            "    ct state established,related accept\n    tcp dport %d accept\n  }\n}\n</syntaxhighlight>"
            % rnd.randint(1, 65535))


def blist(i):
    out = []
    for _ in range(rnd.randint(3, 6)):
        t = words(rnd.randint(3, 9))
        if rnd.random() < 0.3:
            t += " " + wlink(i)
        out.append("* " + t)
        if rnd.random() < 0.2:
            out.append("** " + words(rnd.randint(3, 6)))
    return "\n".join(out)


def nlist():
    return "\n".join("# " + words(rnd.randint(4, 9)) for _ in range(rnd.randint(3, 5)))


def dlist():
    return "\n".join("; %s : %s" % (rnd.choice(WORDS), words(rnd.randint(4, 8))) for _ in range(rnd.randint(2, 4)))


def page_text(i):
    if i in redirect:
        return "#REDIRECT [[%s]]" % titles[rnd.choice(content_ids)]
    out = ["'''%s''' is about %s." % (titles[i], words(6)), para(i, 1)]
    if rnd.random() < 0.3:
        out.append("{{Tip|title=Hint|%s}}" % sentence())
    if rnd.random() < 0.3:
        out.append("__TOC__")
    heads = ["Overview"] + rnd.sample(H2[1:-1], 3)
    for h in heads:
        out.append("== %s ==" % h)
        out.append(para(i, rnd.randint(0, 2)))
        kind = rnd.randrange(5)
        if kind == 0:
            out.append(source())
        elif kind == 1:
            out.append(table())
        elif kind == 2:
            out.append(nlist())
        elif kind == 3:
            out.append(dlist())
        else:
            out.append(blist(i))
        if rnd.random() < 0.4:
            out.append("=== %s ===" % rnd.choice(H3))
            out.append(para(i, 1))
            if rnd.random() < 0.5:
                out.append("{{Note|%s}}" % sentence())
    out.append("== See also ==")
    out.append(blist(i))
    if "<ref>" in "\n".join(out):
        out.append("== References ==\n<references />")
    for c in sorted(rnd.sample(CATS, rnd.randint(1, 2))):
        out.append("[[Category:%s]]" % c)
    return "\n\n".join(out)


def stamp(i):
    return "20%02d-%02d-%02dT%02d:%02d:00Z" % (8 + i % 15, 1 + i % 12, 1 + i % 28, i % 24, i % 60)


def page_xml(pid, title, ns, text, ts):
    sha = hashlib.sha1(text.encode()).hexdigest()
    redir = ""
    if text.startswith("#REDIRECT [["):
        redir = '    <redirect title="%s" />\n' % escape(text[12:-2], {'"': "&quot;"})
    return ("  <page>\n    <title>%s</title>\n    <ns>%d</ns>\n    <id>%d</id>\n%s"
            "    <revision>\n      <id>%d</id>\n      <timestamp>%s</timestamp>\n"
            "      <contributor>\n        <username>Bench%d</username>\n        <id>%d</id>\n"
            "      </contributor>\n      <comment>%s</comment>\n      <model>wikitext</model>\n"
            "      <format>text/x-wiki</format>\n"
            '      <text bytes="%d" sha1="%s" xml:space="preserve">%s</text>\n'
            "      <sha1>%s</sha1>\n    </revision>\n  </page>\n"
            % (escape(title), ns, pid, redir, pid, ts, pid % 40, pid % 40 + 2, escape(words(3)),
               len(text.encode()), sha[:31], escape(text), sha[:31]))


NAMESPACES = [(-2, "Media"), (-1, "Special"), (0, ""), (1, "Talk"), (2, "User"),
              (3, "User talk"), (4, "Bench wiki"), (6, "File"), (8, "MediaWiki"),
              (10, "Template"), (12, "Help"), (14, "Category")]

if a.texts:
    os.makedirs(a.texts, exist_ok=True)
with open(a.out, "w", encoding="utf-8") as f:
    f.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.11/ '
            'http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" xml:lang="en">\n'
            "  <siteinfo>\n    <sitename>bench wiki</sitename>\n    <dbname>benchwiki</dbname>\n"
            "    <base>http://127.0.0.1/wiki/index.php/Main_Page</base>\n"
            "    <generator>MediaWiki 1.39.17</generator>\n    <case>first-letter</case>\n"
            "    <namespaces>\n")
    for k, name in NAMESPACES:
        if name:
            f.write('      <namespace key="%d" case="first-letter">%s</namespace>\n' % (k, name))
        else:
            f.write('      <namespace key="%d" case="first-letter" />\n' % k)
    f.write("    </namespaces>\n  </siteinfo>\n")
    pid = 1
    for t, text in sorted(TEMPLATES.items()):
        f.write(page_xml(pid, t, 10, text, stamp(pid)))
        pid += 1
    for c in CATS:
        f.write(page_xml(pid, "Category:" + c, 14, "Pages about %s." % c.lower(), stamp(pid)))
        pid += 1
    for i in range(a.n):
        text = page_text(i)
        f.write(page_xml(pid, titles[i], 0, text, stamp(i)))
        pid += 1
        if a.texts:
            with open(os.path.join(a.texts, "%05d.wiki" % i), "w", encoding="utf-8") as g:
                g.write(text + "\n")
    f.write("</mediawiki>\n")
