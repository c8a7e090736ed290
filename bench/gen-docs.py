#!/usr/bin/env python3
"""Writes a deterministic documentation-shaped site for `make bench`, the second corpus,
shaped unlike gen-site.py's: N pages in a section tree three to four levels deep, pages
of very different lengths (a third short notes of under 1.5 KB, long guides of 12-30 KB,
one in twenty a reference page of 10-30 tables), more code per page (nft, sh and plain
output blocks), h2-h4 headings, and links written as a documentation author writes them:
relative between sections (../../sets/page/#heading), to section pages, absolute, and to
headings of this and other pages. Both nfsite (default theme) and Hugo (bench/hugo/)
build it; nfsite checks every link and anchor.

  gen-docs.py N OUT [--seed SEED]

Output is byte-identical for the same arguments."""
import argparse
import os
import posixpath
import random

from corpus import IFACES, WORDS, write
import corpus

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=11)
a = ap.parse_args()
rnd = random.Random(a.seed)

TOPICS = ("sets maps chains tables hooks verdicts counters quotas limits marks zones "
          "helpers queues flowtables offload tracing logging monitoring bridging routing "
          "tunnels vlans namespaces cgroups sockets policies").split()
TAGS = ("nftables iptables conntrack nat firewall kernel tutorial reference howto "
        "migration logging sets").split()
# Top-level sections: none is a path the default theme owns (search, tags, news, ...).
TOP = ["guide", "reference", "howto", "internals", "tools", "examples", "migration",
       "kernel", "userspace", "appendix"]


def words(n):
    return corpus.words(rnd, n)


def sentence():
    return corpus.sentence(rnd, 18)


# --- the section tree: 10 top sections, each with 2-4 subsections, most of those with
# 0-3 of their own, some of which go one level deeper (4 levels below the home page).
sections = []   # section paths, like "guide/sets/flowtables"


def add_section(path, depth):
    sections.append(path)
    if depth == 4:
        return
    n = {1: rnd.randint(2, 4), 2: rnd.randint(0, 3), 3: rnd.randint(0, 2)}[depth]
    names = rnd.sample(TOPICS, n)
    for name in names:
        add_section(path + "/" + name, depth + 1)


for top in TOP:
    add_section(top, 1)

# Pages go to sections round-robin, so every section has some and deep ones as many.
page_sec = [sections[i % len(sections)] for i in range(a.n)]


def page_url(i):
    return "/%s/page-%05d/" % (page_sec[i], i)


def page_kind(i):
    """short, medium, long or tables: fixed by the page number alone."""
    r = random.Random(i * 7919 + a.seed).random()
    if r < 0.35:
        return "short"
    if r < 0.80:
        return "medium"
    if r < 0.95:
        return "long"
    return "tables"


HEAD_BASE = ["Overview", "Configuration", "Examples", "Troubleshooting", "Performance",
             "Compatibility", "Security", "Further reading", "Background", "Limitations",
             "Design", "Usage", "Internals", "Migration", "Testing", "Debugging"]


def headings(i):
    """Page i's headings as (level, text), unique in the page, fixed by i alone, so that
    other pages can link to them before page i is written."""
    r = random.Random(i * 104729 + a.seed)
    kind = page_kind(i)
    n = {"short": r.randint(0, 2), "medium": r.randint(3, 7), "long": r.randint(10, 20),
         "tables": r.randint(10, 30)}[kind]
    out, seen, level = [], set(), 2
    while len(out) < n:
        base = r.choice(HEAD_BASE)
        text = base if r.random() < 0.5 else "%s of %s" % (base, r.choice(TOPICS))
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        out.append((level, text))
        # The next heading: the same level, one deeper (to h4), or back to h2.
        roll = r.random()
        if roll < 0.35 and level < 4:
            level += 1
        elif roll < 0.6:
            level = 2
    return out


def anchor(text):
    return text.lower().replace(" ", "-")


def rel(from_i, to_url):
    """to_url relative to page from_i's URL, as a documentation author writes it."""
    base = page_url(from_i)
    return posixpath.relpath(to_url, base) + "/"


def link(self_i):
    r = rnd.random()
    j = rnd.randrange(a.n)
    if j == self_i:
        j = (j + 1) % a.n
    text = words(rnd.randint(2, 4))
    hs = headings(j)
    frag = "#" + anchor(rnd.choice(hs)[1]) if hs and rnd.random() < 0.5 else ""
    if r < 0.55:
        return "[%s](%s%s)" % (text, rel(self_i, page_url(j)), frag)
    if r < 0.75:
        return "[%s](%s%s)" % (text, page_url(j), frag)
    if r < 0.9:
        sec = rnd.choice(sections)
        return "[the %s section](%s)" % (sec.rsplit("/", 1)[-1], rel(self_i, "/" + sec + "/"))
    own = headings(self_i)
    if own:
        return "[%s](#%s)" % (text, anchor(rnd.choice(own)[1]))
    return "[%s](%s)" % (text, page_url(j))


def paragraph(self_i, nlinks):
    return corpus.paragraph(rnd, nlinks, lambda: link(self_i), 6, 18,
                            "Run `nft -c -f ruleset.nft` first, and *never* flush a **live** table.")


def nft_block():
    rules = []
    for _ in range(rnd.randint(2, 12)):
        rules.append("\t\t%s %s dport { %d, %d } %s # %s" % (
            rnd.choice(["tcp", "udp"]), rnd.choice(["iif \"%s\"" % rnd.choice(IFACES), "ip saddr @allowed",
                                                   "ct state new", "meta l4proto tcp"]),
            rnd.randint(1, 65535), rnd.randint(1, 65535),
            rnd.choice(["accept", "drop", "counter accept", "log prefix \"x \" drop", "jump other"]),
            words(2)))
    return ("```nft\ntable %s %s {\n\tset allowed {\n\t\ttype ipv4_addr\n\t\tflags interval\n"
            "\t\telements = { 10.%d.0.0/16, 192.168.%d.0/24 }\n\t}\n\tchain other {\n\t}\n"
            "\tchain input {\n\t\ttype filter hook input priority %d; policy drop;\n%s\n\t}\n}\n```"
            % (rnd.choice(["inet", "ip", "ip6", "bridge", "netdev"]), rnd.choice(["filter", "nat", "raw"]),
               rnd.randint(0, 255), rnd.randint(0, 255), rnd.choice([-300, -150, 0, 100]),
               "\n".join(rules)))


def sh_block():
    lines = ["# %s" % words(5)]
    for _ in range(rnd.randint(2, 10)):
        lines.append(rnd.choice([
            "nft list chain inet filter input | grep -c counter",
            "nft add rule inet filter input tcp dport %d accept" % rnd.randint(1, 65535),
            "for i in $(seq 1 %d); do nft add element inet filter allowed \"{ 10.0.$i.1 }\"; done" % rnd.randint(2, 50),
            "conntrack -L -p tcp --dport %d 2>/dev/null | wc -l" % rnd.randint(1, 65535),
            "ip link set dev %s up" % rnd.choice(IFACES),
            "echo \"status: $?\" >&2"]))
    return "```sh\n" + "\n".join(lines) + "\n```"


def output_block():
    lines = []
    for _ in range(rnd.randint(3, 12)):
        lines.append("%-12s %8d %8d  %s" % (rnd.choice(IFACES), rnd.randint(0, 10 ** 6),
                                             rnd.randint(0, 10 ** 4), words(3)))
    return "```\n" + "\n".join(lines) + "\n```"


def code_block():
    return rnd.choice([nft_block, nft_block, sh_block, sh_block, output_block])()


def table(rows_lo=3, rows_hi=8):
    cols = rnd.randint(2, 5)
    head = ["Option", "Type", "Default", "Since", "Description"][:cols]
    rows = ["| " + " | ".join(head) + " |", "|" + "|".join([" --- "] * cols) + "|"]
    for _ in range(rnd.randint(rows_lo, rows_hi)):
        cells = ["`%s`" % rnd.choice(WORDS), rnd.choice(["int", "string", "bool", "set"]),
                 str(rnd.randint(0, 999)), "%d.%d" % (rnd.randint(0, 1), rnd.randint(0, 9)),
                 words(rnd.randint(3, 9))][:cols]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def bullets(self_i):
    items = []
    for _ in range(rnd.randint(3, 7)):
        t = words(rnd.randint(4, 12))
        if rnd.random() < 0.25:
            t += " (" + link(self_i) + ")"
        items.append("- " + t)
        if rnd.random() < 0.15:
            items.append("  - " + words(rnd.randint(3, 8)))
    return "\n".join(items)


def numbered():
    return "\n".join("%d. %s" % (k + 1, words(rnd.randint(5, 12))) for k in range(rnd.randint(3, 6)))


def block(i, kind):
    if kind == "tables":
        return table(4, 14) if rnd.random() < 0.8 else paragraph(i, 0)
    roll = rnd.random()
    if roll < 0.40:
        return code_block()
    if roll < 0.55:
        return table()
    if roll < 0.75:
        return bullets(i)
    if roll < 0.85:
        return numbered()
    return paragraph(i, rnd.randint(0, 2))


def page(i):
    kind = page_kind(i)
    title = "%s %s %d" % (rnd.choice(TOPICS).capitalize(), words(rnd.randint(1, 3)), i)
    fm = ["---", "title: \"%s\"" % title]
    if rnd.random() < 0.7:   # the rest fall back to a summary in list pages
        fm.append("description: \"%s\"" % words(rnd.randint(6, 16)))
    if rnd.random() < 0.6:
        fm.append("date: 20%02d-%02d-%02d" % (10 + i % 14, 1 + (i // 3) % 12, 1 + (i // 7) % 28))
    fm.append("weight: %d" % rnd.randint(1, 1000))
    if rnd.random() < 0.5:
        fm.append("tags: [%s]" % ", ".join(sorted(rnd.sample(TAGS, rnd.randint(1, 3)))))
    fm += ["---", ""]
    body = [paragraph(i, 1)]
    if kind != "short":
        body.append(code_block())
    for level, text in headings(i):
        body.append("#" * level + " " + text)
        body.append(paragraph(i, rnd.randint(0, 2)))
        for _ in range({"short": 1, "medium": rnd.randint(1, 2), "long": rnd.randint(1, 3),
                        "tables": rnd.randint(1, 3)}[kind]):
            body.append(block(i, kind))
    want = {"short": 500, "medium": 2500, "long": 10000, "tables": 6000}[kind]
    text = "\n\n".join(body)
    while len(text) < want:
        text += "\n\n" + paragraph(i, rnd.randint(0, 1))
    return "\n".join(fm) + text + "\n"


content = os.path.join(a.out, "content")
write(os.path.join(content, "_index.md"),
      "---\ntitle: \"Documentation\"\ndescription: \"A generated documentation site of %d pages.\"\n---\n\n"
      "Generated documentation for comparing static-site generators. Start with the "
      "[guide](guide/) or the [reference](/reference/).\n" % a.n)
for k, sec in enumerate(sections):
    name = sec.rsplit("/", 1)[-1]
    write(os.path.join(content, sec, "_index.md"),
          "---\ntitle: \"%s\"\ndescription: \"%s\"\nweight: %d\n---\n\n%s\n"
          % (name.capitalize() + " " + words(1), words(8), k + 1,
             " ".join(sentence() for _ in range(rnd.randint(1, 4)))))
for i in range(a.n):
    write(os.path.join(content, page_sec[i], "page-%05d.md" % i), page(i))
