#!/usr/bin/env python3
"""Writes a deterministic synthetic site for `make bench`: N pages of about 5 KB each in
20 sections, that both nfsite (bundled default theme, no site.lua) and Hugo (with
bench/hugo/) build.

  gen-site.py N OUT [--sections S] [--seed SEED]

OUT/content/_index.md is the home page, OUT/content/sNN/_index.md the sections and
OUT/content/sNN/page-NNNNN.md the pages. Each page has front matter (title, description,
date, weight, tags), h2/h3 headings, bullet and numbered lists, a table, ```nft and ```sh
code, and links to other pages written as absolute URL paths (/s03/page-00042/, some with
an #anchor on a heading every page has) plus same-page #anchors, which both generators
resolve and nfsite checks. Output is byte-identical for the same arguments."""
import argparse
import os
import random

from corpus import IFACES, WORDS, write
import corpus

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("out")
ap.add_argument("--sections", type=int, default=20)
ap.add_argument("--seed", type=int, default=7)
a = ap.parse_args()
rnd = random.Random(a.seed)

TAGS = ("nftables iptables ipset conntrack nat firewall performance kernel tutorial "
        "reference howto migration logging sets maps flowtables bridge ipv6").split()
H2 = ["Overview", "Configuration", "Examples", "Troubleshooting", "Performance notes",
      "Compatibility", "Security considerations", "Further reading"]
H3 = ["Basic usage", "Advanced usage", "Common mistakes", "Verifying the result",
      "Kernel requirements", "Userspace tools"]


def words(n):
    return corpus.words(rnd, n)


def sentence():
    return corpus.sentence(rnd, 16)


def slug(s):
    return "".join(c if c.isalnum() else "-" for c in s.lower())


def page_url(i):
    return "/s%02d/page-%05d/" % (i % a.sections + 1, i)


def link(self_i):
    j = rnd.randrange(a.n)
    if j == self_i:
        j = (j + 1) % a.n
    text = words(rnd.randint(2, 4))
    if rnd.random() < 0.25:
        return "[%s](%s#overview)" % (text, page_url(j))
    return "[%s](%s)" % (text, page_url(j))


def paragraph(self_i, nlinks):
    return corpus.paragraph(rnd, nlinks, lambda: link(self_i), 5, 16,
                            "Use `nft list ruleset` to check, and *never* flush a **running** table.")


def nft_block():
    fam = rnd.choice(["inet", "ip", "ip6", "bridge"])
    name = rnd.choice(["filter", "nat", "mangle", "raw"])
    port = rnd.randint(1, 65535)
    return ("```nft\ntable %s %s {\n\tset allowed {\n\t\ttype ipv4_addr\n\t\tflags interval\n"
            "\t\telements = { 10.0.%d.0/24, 192.168.%d.0/24 }\n\t}\n"
            "\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n"
            "\t\tct state established,related accept\n\t\tiif \"%s\" tcp dport %d accept\n"
            "\t\tip saddr @allowed counter accept # %s\n\t}\n}\n```"
            % (fam, name, rnd.randint(0, 255), rnd.randint(0, 255), rnd.choice(IFACES), port,
               words(3)))


def sh_block():
    return ("```sh\n# %s\nnft -f /etc/nftables.conf\nnft list table inet filter | grep -c counter\n"
            "for i in 1 2 3; do\n\tnft add element inet filter allowed \"{ 10.0.$i.1 }\"\ndone\n"
            "echo \"done: $?\"\n```" % words(4))


def table():
    rows = ["| Option | Default | Description |", "| --- | :---: | --- |"]
    for _ in range(rnd.randint(3, 6)):
        rows.append("| `%s` | %d | %s |" % (rnd.choice(WORDS), rnd.randint(0, 999), words(rnd.randint(4, 8))))
    return "\n".join(rows)


def bullets(self_i):
    items = []
    for _ in range(rnd.randint(3, 6)):
        t = words(rnd.randint(4, 10))
        if rnd.random() < 0.2:
            t += " (" + link(self_i) + ")"
        items.append("- " + t)
    return "\n".join(items)


def numbered():
    return "\n".join("%d. %s" % (k + 1, words(rnd.randint(5, 10))) for k in range(rnd.randint(3, 5)))


def page(i):
    title = "%s %s %d" % (rnd.choice(WORDS).capitalize(), rnd.choice(WORDS), i)
    tags = sorted(rnd.sample(TAGS, rnd.randint(1, 3)))
    date = "20%02d-%02d-%02d" % (10 + i % 14, 1 + (i // 3) % 12, 1 + (i // 7) % 28)
    fm = ["---", "title: \"%s\"" % title, "description: \"%s\"" % words(rnd.randint(8, 14)),
          "date: %s" % date, "weight: %d" % rnd.randint(1, 100),
          "tags: [%s]" % ", ".join(tags), "---", ""]
    body = [paragraph(i, 1)]
    heads = ["Overview"] + rnd.sample(H2[1:], 3)
    for h in heads:
        body.append("## " + h)
        body.append(paragraph(i, rnd.randint(0, 2)))
        kind = rnd.randrange(4)
        if h == "Overview":
            body.append(bullets(i))
            body.append(paragraph(i, 1))
        elif kind == 0:
            body.append(nft_block())
            body.append(paragraph(i, 0))
        elif kind == 1:
            body.append(table())
        elif kind == 2:
            body.append(numbered())
        else:
            body.append(sh_block())
        if rnd.random() < 0.4:
            h3 = rnd.choice(H3)
            body.append("### %s" % h3)
            body.append(paragraph(i, 1))
            body.append(bullets(i))
    body.append("Back to the [overview](#overview) or on to [%s](#%s)." % (heads[-1].lower(), slug(heads[-1])))
    # Fill up to ~5 KB with plain paragraphs.
    text = "\n\n".join(body)
    while len(text) < 4200:
        extra = paragraph(i, rnd.randint(0, 1))
        text += "\n\n" + extra
    return "\n".join(fm) + text + "\n"


content = os.path.join(a.out, "content")
write(os.path.join(content, "_index.md"),
      "---\ntitle: \"Benchmark site\"\ndescription: \"A synthetic site of %d pages.\"\n---\n\n"
      "A generated site for comparing static-site generators. Start with the "
      "[first section](/s01/).\n" % a.n)
for s in range(1, a.sections + 1):
    write(os.path.join(content, "s%02d" % s, "_index.md"),
          "---\ntitle: \"Section %d: %s\"\ndescription: \"%s\"\nweight: %d\n---\n\n%s\n"
          % (s, words(2), words(8), s, " ".join(sentence() for _ in range(3))))
for i in range(a.n):
    write(os.path.join(content, "s%02d" % (i % a.sections + 1), "page-%05d.md" % i), page(i))
