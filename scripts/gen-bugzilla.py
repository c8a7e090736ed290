#!/usr/bin/env python3
"""Writes a synthetic Bugzilla-shaped XML export (show_bug.cgi?ctype=xml) for tests and
benchmarks of `nfsite import bugzilla --xml`. Deterministic for a given --seed.

  gen-bugzilla.py OUT.xml [--bugs N] [--comments N] [--seed S]
                  [--big-attachment BYTES] [--bad-base64] [--bad-id] [--cycle]

--big-attachment adds one attachment of that many bytes to bug 1, written in chunks so
the generator itself stays small in memory. --bad-base64 gives bug 2's attachment data
that is not base64; --bad-id adds a bug whose <bug_id> is "abc" (with a comment and an
attachment); --cycle makes bugs 1 and 2 depend on each other."""
import argparse
import base64
import random
from xml.sax.saxutils import escape, quoteattr

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--bugs", type=int, default=100)
ap.add_argument("--comments", type=int, default=4)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--big-attachment", type=int, default=0)
ap.add_argument("--bad-base64", action="store_true")
ap.add_argument("--bad-id", action="store_true")
ap.add_argument("--cycle", action="store_true")
a = ap.parse_args()
rnd = random.Random(a.seed)

products = {"nftables": ["nft", "libnftnl", "docs"], "iptables": ["iptables", "ip6tables"],
            "ipset": ["ipset"], "conntrack-tools": ["conntrackd", "conntrack"]}
statuses = [("RESOLVED", "FIXED"), ("RESOLVED", "WONTFIX"), ("CONFIRMED", ""), ("NEW", ""),
            ("RESOLVED", "DUPLICATE"), ("VERIFIED", "FIXED"), ("REOPENED", "")]
users = [("user%d@example.org" % i, "User Number %d" % i if i % 7 else "") for i in range(200)]
words = ("table chain rule set map element verdict accept drop counter quota limit meta "
         "ct mark hook priority family inet ip ip6 bridge netdev ingress prerouting").split()


def sentence(n):
    return " ".join(rnd.choice(words) for _ in range(n))


def when(i, k=0):
    return "20%02d-%02d-%02d %02d:%02d:00 -0500" % (10 + i % 14, 1 + i % 12, 1 + i % 28, (i + k) % 24, k % 60)


def user_el(tag, u):
    login, name = u
    return "<%s name=%s>%s</%s>" % (tag, quoteattr(name), escape(login), tag) if name else \
        "<%s>%s</%s>" % (tag, escape(login), tag)


with open(a.out, "w", encoding="utf-8") as f:
    w = f.write
    w('<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>\n'
      '<!DOCTYPE bugzilla SYSTEM "https://bugzilla.example/page.cgi?id=bugzilla.dtd">\n'
      '<bugzilla version="5.2" urlbase="https://bugzilla.example/" maintainer="admin@example.org">\n')
    ids = ["abc"] if a.bad_id else []
    ids += [str(i) for i in range(1, a.bugs + 1)]
    att = 0
    for sid in ids:
        i = int(sid) if sid.isdigit() else 0
        product = rnd.choice(sorted(products))
        component = rnd.choice(products[product])
        status, resolution = rnd.choice(statuses)
        reporter, assignee = rnd.choice(users), rnd.choice(users)
        w("  <bug>\n    <bug_id>%s</bug_id>\n" % sid)
        w("    <creation_ts>%s</creation_ts>\n    <short_desc>%s</short_desc>\n"
          % (when(i), escape("bug %s: %s" % (sid, sentence(6)))))
        w("    <delta_ts>%s</delta_ts>\n    <classification>Unclassified</classification>\n" % when(i, 30))
        w("    <product>%s</product>\n    <component>%s</component>\n" % (product, component))
        w("    <version>1.0</version>\n    <rep_platform>x86_64</rep_platform>\n    <op_sys>Linux</op_sys>\n")
        w("    <bug_status>%s</bug_status>\n    <resolution>%s</resolution>\n" % (status, resolution))
        w("    <keywords>%s</keywords>\n" % ("regression" if i % 5 == 0 else ""))
        w("    <priority>---</priority>\n    <bug_severity>normal</bug_severity>\n")
        if a.cycle and i in (1, 2):
            w("    <dependson>%d</dependson>\n    <blocked>%d</blocked>\n" % (3 - i, 3 - i))
        elif i > 10 and i % 10 == 0:
            w("    <dependson>%d</dependson>\n" % (i - 3))
        w("    <everconfirmed>1</everconfirmed>\n    %s\n    %s\n" % (user_el("reporter", reporter),
                                                                    user_el("assigned_to", assignee)))
        if i % 3 == 0:
            w("    <cc>%s</cc>\n" % rnd.choice(users)[0])
        for c in range(a.comments):
            text = sentence(12 + rnd.randrange(40))
            if c == 1 and i > 1:
                text += "\nSee bug %d comment 1 and https://example.org/x?a=1&b=<2>." % (i - 1)
            w('    <long_desc isprivate="%d">\n      <commentid>%d</commentid>\n' % (1 if c == 3 else 0, i * 100 + c))
            w("      <comment_count>%d</comment_count>\n      %s\n" % (c, user_el("who", rnd.choice(users))))
            w("      <bug_when>%s</bug_when>\n      <thetext>%s</thetext>\n    </long_desc>\n"
              % (when(i, c), escape(text)))
        attachments = []
        if sid == "abc" or i % 10 == 1:
            data = ("--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-%s\n+%s\n" % (sentence(5), sentence(5))).encode()
            attachments.append(("fix-%s.patch" % sid, "text/plain", 1, data, None))
        if a.big_attachment and i == 1:
            attachments.append(("big.bin", "application/octet-stream", 0, None, a.big_attachment))
        if a.bad_base64 and i == 2:
            attachments.append(("bad.txt", "text/plain", 0, b"!", None))
        for name, mime, patch, data, big in attachments:
            att += 1
            size = big if big else len(data)
            w('    <attachment isobsolete="0" ispatch="%d" isprivate="0">\n' % patch)
            w("      <attachid>%d</attachid>\n      <date>%s</date>\n      <delta_ts>%s</delta_ts>\n"
              % (att, when(i, 5), when(i, 5)))
            w("      <desc>%s</desc>\n      <filename>%s</filename>\n      <type>%s</type>\n"
              % (escape(name), escape(name), mime))
            w("      <size>%d</size>\n      %s\n" % (size, user_el("attacher", reporter)))
            w('      <data encoding="base64">')
            if big:
                chunk = bytes(range(256)) * 222  # 56,832 bytes, a multiple of 3
                left = big
                while left > 0:
                    part = chunk[:min(left, len(chunk))]
                    w(base64.encodebytes(part).decode())
                    left -= len(part)
            elif data == b"!":
                w("this is *not* base64 at all!")
            else:
                w(base64.encodebytes(data).decode())
            w("</data>\n    </attachment>\n")
        w("  </bug>\n")
    w("</bugzilla>\n")
