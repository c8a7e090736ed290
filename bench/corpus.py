"""What both generated corpora of `make bench` share (gen-site.py, gen-docs.py): the
vocabulary, the prose made from it, drawn from the caller's seeded random.Random so each
generator stays byte-identical for its arguments, and writing a file."""
import os

WORDS = ("packet filter rule chain table set map verdict accept drop reject counter quota "
         "limit rate meta mark conntrack state established related new invalid hook "
         "priority family inet bridge netdev ingress egress prerouting postrouting input "
         "output forward nat masquerade redirect snat dnat interface address port protocol "
         "element timeout flag interval concatenation expression statement kernel netlink "
         "transaction ruleset atomic replace flush list monitor trace log prefix level "
         "flowtable offload hardware software queue userspace daemon helper expectation "
         "zone synproxy tproxy socket fib route reverse path lookup dynamic update").split()
IFACES = ["eth0", "eth1", "wlan0", "br0", "ens3", "lo"]


def words(rnd, n):
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def sentence(rnd, longest):
    s = words(rnd, rnd.randint(8, longest))
    return s[0].upper() + s[1:] + "."


def paragraph(rnd, nlinks, link, most, longest, aside):
    """2 to most sentences, nlinks of them ending in ", see LINK" (link() makes one),
    and aside after them three times in ten."""
    parts = [sentence(rnd, longest) for _ in range(rnd.randint(2, most))]
    for _ in range(nlinks):
        k = rnd.randrange(len(parts))
        parts[k] = parts[k][:-1] + ", see " + link() + "."
    if rnd.random() < 0.3:
        parts.append(aside)
    return " ".join(parts)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
