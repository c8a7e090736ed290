/* highlight: build-time syntax highlighting of nft, shell and diff code into classed
 * <span>s (see highlight.h for the classes).
 *
 * Each language is a small hand-written scanner over bytes. Scanners only look at ASCII;
 * every other byte (UTF-8 or not) is copied through the HTML escaper untouched, so any
 * input produces well-formed, escaped output and the scan always advances. Nothing here
 * keeps state between calls: the tables are constant, so any thread may call in. */
#include "base/highlight.h"

#include "base/buf.h"

#include <stdlib.h>
#include <string.h>

/* ---- token tables (each sorted in strcmp order: lookups use bsearch) ---- */

static const char *const nft_families[] = {
	"arp", "bridge", "inet", "ip", "ip6", "netdev",
};

static const char *const nft_hooks[] = {
	"egress", "forward", "ingress", "input", "output", "postrouting", "prerouting",
};

/* Chain types, standard priority names and the data types of set declarations. */
static const char *const nft_types[] = {
	"arp_op", "boolean", "ct_dir", "ct_label", "ct_state", "ct_status", "dccp_pkttype",
	"dscp", "dstnat", "ecn", "ether_addr", "ether_type", "filter", "gid", "icmp_code",
	"icmp_type", "icmpv6_code", "icmpv6_type", "iface_index", "iface_type", "ifname",
	"inet_proto", "inet_service", "ipv4_addr", "ipv6_addr", "mangle", "mark", "nat",
	"raw", "realm", "route", "security", "srcnat", "time", "uid", "verdict",
};

static const char *const nft_keywords[] = {
	"accept", "add", "ah", "and", "at", "auto-merge", "burst", "bytes", "ce", "chain",
	"chains", "check", "checksum", "comment", "constant", "continue", "counter",
	"counters", "create", "ct", "daddr", "day", "dccp", "define", "delete", "describe",
	"destroy", "device", "devices", "dnat", "dport", "drop", "dscp", "dup", "dynamic",
	"ecn", "element", "elements", "esp", "established", "ether", "exists", "expires",
	"export", "fib", "flags", "flow", "flowlabel", "flowtable", "flowtables", "flush",
	"frag-off", "fragment", "fwd", "gc-interval", "goto", "handle", "hdrlength",
	"helper", "hook", "hoplimit", "hour", "icmp", "icmpv6", "icmpx", "id", "igmp",
	"iif", "iifname", "iiftype", "import", "include", "index", "insert", "interval",
	"invalid", "ipsec", "jhash", "jump", "l4proto", "label", "length", "level",
	"limit", "limits", "list", "log", "lookup", "map", "maps", "masquerade", "meta",
	"minute", "missing", "mod", "monitor", "new", "nexthdr", "nfproto", "not",
	"notrack", "numgen", "objref", "offload", "oif", "oifname", "oiftype", "or", "osf",
	"over", "packets", "persistent", "pkttype", "policy", "position", "prefix",
	"priority", "protocol", "queue", "quota", "quotas", "random", "rate", "redefine",
	"redirect", "reject", "related", "rename", "replace", "reset", "return", "rt",
	"ruleset", "saddr", "sctp", "secmark", "second", "set", "sets", "size", "snat",
	"socket", "sport", "state", "status", "symhash", "synproxy", "table", "tables",
	"tcp", "th", "timeout", "to", "tproxy", "ttl", "type", "typeof", "udp", "udplite",
	"undefine", "untracked", "update", "version", "vlan", "vmap", "week", "with",
	"xor", "zone",
};

/* Commands recognised at command position in shell code. */
static const char *const sh_commands[] = {
	"alias", "apk", "apt", "apt-get", "arptables", "arptables-legacy", "arptables-nft",
	"arptables-translate", "awk", "bash", "cat", "cd", "chmod", "chown", "conntrack",
	"conntrackd", "cp", "curl", "dmesg", "dnf", "docker", "dpkg", "ebtables",
	"ebtables-legacy", "ebtables-nft", "ebtables-restore", "ebtables-save",
	"ebtables-translate", "echo", "eval", "exit", "export", "false", "find",
	"firewall-cmd", "firewalld", "git", "grep", "head", "insmod", "install", "ip",
	"ip6tables", "ip6tables-legacy", "ip6tables-legacy-restore",
	"ip6tables-legacy-save", "ip6tables-nft", "ip6tables-nft-restore",
	"ip6tables-nft-save", "ip6tables-restore", "ip6tables-restore-translate",
	"ip6tables-save", "ip6tables-translate", "ipset", "ipset-translate", "iptables",
	"iptables-legacy", "iptables-legacy-restore", "iptables-legacy-save",
	"iptables-nft", "iptables-nft-restore", "iptables-nft-save", "iptables-restore",
	"iptables-restore-translate", "iptables-save", "iptables-translate", "journalctl",
	"kill", "kubectl", "less", "ln", "local", "ls", "lsmod", "lsof", "make", "man",
	"mkdir", "modinfo", "modprobe", "mv", "nano", "nfct", "nfnl_osf", "nft", "pacman",
	"ping", "printf", "ps", "read", "readonly", "return", "rm", "rmmod", "sed", "set",
	"sh", "shift", "sleep", "sort", "source", "ss", "sudo", "sysctl", "systemctl",
	"tail", "tar", "tc", "tcpdump", "tee", "test", "touch", "trap", "true", "ufw",
	"ulimit", "ulogd", "ulogd2", "umask", "unset", "update-alternatives", "vi", "vim",
	"virsh", "wait", "wc", "wget", "xtables-legacy-multi", "xtables-monitor",
	"xtables-nft-multi", "yum", "zypper",
};

static const char *const sh_keywords[] = {
	"case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in",
	"then", "until", "while",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct word {
	const char *p;
	size_t n;
};

static int word_cmp(const void *key, const void *elem)
{
	const struct word *w = key;
	const char *s = *(const char *const *)elem;
	size_t sn = strlen(s);
	int c = memcmp(w->p, s, w->n < sn ? w->n : sn);
	if (c)
		return c;
	return w->n < sn ? -1 : w->n > sn;
}

static bool in_table(const char *const *tab, size_t n, const char *p, size_t len)
{
	struct word w = {p, len};
	return bsearch(&w, tab, n, sizeof(*tab), word_cmp) != NULL;
}

/* ---- output helpers ---- */

static void span(struct buf *out, const char *cls, const char *p, size_t n)
{
	if (!n)
		return;
	buf_puts(out, "<span class=\"");
	buf_puts(out, cls);
	buf_puts(out, "\">");
	buf_add_html(out, p, n);
	buf_puts(out, "</span>");
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static bool is_hex(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static bool is_word(int c) { return is_alnum(c) || c == '_'; }
static bool is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
/* strchr() that never matches the NUL byte (input may contain any byte). */
static bool in_set(int c, const char *set) { return c && strchr(set, c); }

/* Length of the decimal run at p. */
static size_t digits(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && is_digit((unsigned char)*q))
		q++;
	return (size_t)(q - p);
}

/* An optional "/NN" prefix length after an address. */
static size_t prefix_len(const char *p, const char *end)
{
	if (p < end && *p == '/') {
		size_t d = digits(p + 1, end);
		if (d >= 1 && d <= 3)
			return d + 1;
	}
	return 0;
}

/* IPv4 dotted quad with optional /prefix; 0 when p does not start one. */
static size_t scan_ipv4(const char *p, const char *end)
{
	const char *q = p;
	for (int i = 0; i < 4; i++) {
		if (i) {
			if (q >= end || *q != '.')
				return 0;
			q++;
		}
		size_t d = digits(q, end);
		if (d < 1 || d > 3)
			return 0;
		q += d;
	}
	if (q < end && (is_alnum((unsigned char)*q) || *q == '.' || *q == '_'))
		return 0;
	q += prefix_len(q, end);
	return (size_t)(q - p);
}

/* IPv6 address (hex groups, at least two colons, "::" allowed, optional /prefix) or a
 * MAC address (six two-digit groups); 0 when p does not start one. */
static size_t scan_ipv6(const char *p, const char *end)
{
	const char *q = p;
	int colons = 0, groups = 0;
	bool dbl = false;
	for (;;) {
		const char *g = q;
		while (q < end && is_hex((unsigned char)*q) && q - g < 5)
			q++;
		size_t gl = (size_t)(q - g);
		if (gl > 4)
			return 0;
		if (gl)
			groups++;
		if (q < end && *q == ':') {
			if (q + 1 < end && q[1] == ':') {
				if (dbl)
					break;
				dbl = true;
				colons += 2;
				q += 2;
				continue;
			}
			if (!gl && !(q > p && q[-1] == ':'))
				return 0;
			colons++;
			q++;
			continue;
		}
		/* An embedded IPv4 tail (::ffff:1.2.3.4). */
		if (gl && q < end && *q == '.' && colons >= 2) {
			size_t v4 = scan_ipv4(g, end);
			if (v4)
				return (size_t)(g - p) + v4;
		}
		break;
	}
	/* Trailing single ':' belongs to the text after the address (a map key). */
	if (q > p && q[-1] == ':' && !(q - 1 > p && q[-2] == ':')) {
		q--;
		colons--;
	}
	if (colons < 2 || (groups == 0 && !dbl))
		return 0;
	if (q < end && (is_alpha((unsigned char)*q) || *q == '_' || *q == '.'))
		return 0;
	q += prefix_len(q, end);
	return (size_t)(q - p);
}

static size_t scan_addr(const char *p, const char *end)
{
	size_t n = scan_ipv4(p, end);
	if (n)
		return n;
	return scan_ipv6(p, end);
}

/* A number: 0x hex or decimal, with trailing unit letters (10mbytes, 1h, 2s). */
static size_t scan_number(const char *p, const char *end)
{
	const char *q = p;
	if (end - q > 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'X') && is_hex((unsigned char)q[2])) {
		q += 2;
		while (q < end && is_hex((unsigned char)*q))
			q++;
	} else {
		q += digits(q, end);
		if (q == p)
			return 0;
	}
	while (q < end && is_word((unsigned char)*q))
		q++;
	return (size_t)(q - p);
}

/* An identifier: letters, digits, '_' and inner '-' (ipv6-icmp, nd-neighbor-solicit). */
static size_t scan_ident(const char *p, const char *end)
{
	const char *q = p;
	while (q < end) {
		unsigned char c = (unsigned char)*q;
		if (is_word(c))
			q++;
		else if (c == '-' && q > p && q + 1 < end && is_word((unsigned char)q[1]))
			q++;
		else
			break;
	}
	return (size_t)(q - p);
}

/* Copies plain bytes up to the next byte a scanner cares about. */
static size_t plain_run(const char *p, const char *end, const char *stops)
{
	const char *q = p;
	while (q < end && !strchr(stops, *q) && *q)
		q++;
	return q == p ? 1 : (size_t)(q - p);
}

/* ---- nft ---- */

static void hl_nft(const char *p, size_t len, struct buf *out)
{
	const char *end = p + len;
	bool word_before = false; /* previous byte continues a word (no token starts) */
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		size_t n;
		if (c == '#') {
			n = 0;
			while (p + n < end && p[n] != '\n')
				n++;
			span(out, "hl-c", p, n);
		} else if (c == '"') {
			n = 1;
			while (p + n < end && p[n] != '"' && p[n] != '\n') {
				if (p[n] == '\\' && p + n + 1 < end && p[n + 1] != '\n')
					n++;
				n++;
			}
			if (p + n < end && p[n] == '"')
				n++;
			span(out, "hl-s", p, n);
		} else if ((c == '$' || c == '@') && p + 1 < end && is_word((unsigned char)p[1])) {
			n = 1 + scan_ident(p + 1, end);
			span(out, "hl-v", p, n);
		} else if (!word_before && (n = scan_addr(p, end)) > 0) {
			span(out, "hl-a", p, n);
		} else if (!word_before && is_digit(c)) {
			n = scan_number(p, end);
			span(out, "hl-n", p, n);
		} else if (!word_before && (is_alpha(c) || c == '_')) {
			n = scan_ident(p, end);
			if (in_table(nft_families, NELEM(nft_families), p, n))
				span(out, "hl-f", p, n);
			else if (in_table(nft_hooks, NELEM(nft_hooks), p, n))
				span(out, "hl-h", p, n);
			else if (in_table(nft_keywords, NELEM(nft_keywords), p, n))
				span(out, "hl-k", p, n);
			else if (in_table(nft_types, NELEM(nft_types), p, n))
				span(out, "hl-t", p, n);
			else
				buf_add_html(out, p, n);
		} else if (word_before && (is_word(c) || c == '.')) {
			/* The rest of a word we did not classify (e.g. "eth0.100"). */
			n = 1;
			while (p + n < end && (is_word((unsigned char)p[n]) || p[n] == '.'))
				n++;
			buf_add_html(out, p, n);
		} else {
			n = plain_run(p, end, "#\"$@_.:-0123456789abcdefghijklmnopqrstuvwxyz"
			                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
			buf_add_html(out, p, n);
		}
		p += n;
		c = (unsigned char)p[-1];
		word_before = is_word(c) || c == '.';
	}
}

/* ---- shell ---- */

/* Words after which the next word is still in command position. */
static bool sh_prefix_word(const char *p, size_t n)
{
	static const char *const w[] = {"command", "env", "exec", "nohup", "sudo", "time", "watch", "xargs"};
	return in_table(w, NELEM(w), p, n);
}

/* Scans shell code [p, end) (no prompt), appending spans. *cmd_pos tells whether the
 * next word is in command position; it is kept across calls so a line continued with a
 * backslash goes on with the same command. */
static void hl_sh_region(const char *p, const char *end, bool *cmd_pos, struct buf *out)
{
	const char *start = p;
	bool at_word_start = true;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		size_t n;
		if (c == '\n') {
			/* A new line starts a new command unless this one ends in a backslash. */
			if (!(p > start && p[-1] == '\\'))
				*cmd_pos = true;
			buf_putc(out, '\n');
			p++;
			at_word_start = true;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			n = 0;
			while (p + n < end && (p[n] == ' ' || p[n] == '\t' || p[n] == '\r'))
				n++;
			buf_add(out, p, n);
			p += n;
			at_word_start = true;
			continue;
		}
		if (c == '#' && at_word_start) {
			n = 0;
			while (p + n < end && p[n] != '\n')
				n++;
			span(out, "hl-c", p, n);
		} else if (c == '\'') {
			n = 1;
			while (p + n < end && p[n] != '\'')
				n++;
			if (p + n < end)
				n++;
			span(out, "hl-s", p, n);
			*cmd_pos = false;
		} else if (c == '"') {
			n = 1;
			while (p + n < end && p[n] != '"') {
				if (p[n] == '\\' && p + n + 1 < end)
					n++;
				n++;
			}
			if (p + n < end)
				n++;
			span(out, "hl-s", p, n);
			*cmd_pos = false;
		} else if (c == '$' && p + 1 < end && p[1] == '(') {
			buf_puts(out, "$(");
			p += 2;
			*cmd_pos = true;
			at_word_start = true;
			continue;
		} else if (c == '$' && p + 1 < end && p[1] == '{') {
			n = 2;
			while (p + n < end && p[n] != '}' && p[n] != '\n')
				n++;
			if (p + n < end && p[n] == '}')
				n++;
			span(out, "hl-v", p, n);
			*cmd_pos = false;
		} else if (c == '$' && p + 1 < end && (is_word((unsigned char)p[1]) || in_set(p[1], "?@#*!$-"))) {
			n = 2;
			if (is_alpha((unsigned char)p[1]) || p[1] == '_')
				while (p + n < end && is_word((unsigned char)p[n]))
					n++;
			span(out, "hl-v", p, n);
			*cmd_pos = false;
		} else if (c == '!' && at_word_start && (p + 1 == end || is_space((unsigned char)p[1]))) {
			buf_putc(out, '!'); /* "if ! cmd": the command follows */
			p++;
			continue;
		} else if (in_set(c, "|;&(){}`")) {
			/* Operators end a command: the next word is a command again. */
			n = 1;
			if (in_set(c, "|;&"))
				while (p + n < end && in_set(p[n], "|;&"))
					n++;
			buf_add_html(out, p, n);
			*cmd_pos = c != ')' && c != '}';
			p += n;
			at_word_start = true;
			continue;
		} else if (c == '-' && at_word_start && p + 1 < end &&
		           (is_alnum((unsigned char)p[1]) || p[1] == '-')) {
			n = 1;
			while (p + n < end && !is_space((unsigned char)p[n]) && !strchr("|;&()<>'\"`", p[n]))
				n++;
			span(out, "hl-o", p, n);
			*cmd_pos = false;
		} else if (at_word_start && (n = scan_addr(p, end)) > 0) {
			span(out, "hl-a", p, n);
			*cmd_pos = false;
		} else if (at_word_start && (is_word(c) || c == '.' || c == '/' || c == '[')) {
			n = 1;
			while (p + n < end && !is_space((unsigned char)p[n]) && !strchr("|;&()<>'\"`$#", p[n]))
				n++;
			bool was_cmd = *cmd_pos;
			bool assign = (is_alpha(c) || c == '_') && memchr(p, '=', n) != NULL;
			bool kw = in_table(sh_keywords, NELEM(sh_keywords), p, n);
			if (was_cmd && !assign && (kw || in_table(sh_commands, NELEM(sh_commands), p, n)))
				span(out, "hl-k", p, n);
			else if (is_digit(c) && digits(p, end) == n)
				span(out, "hl-n", p, n);
			else
				buf_add_html(out, p, n);
			*cmd_pos = was_cmd && (assign || kw || sh_prefix_word(p, n));
		} else {
			n = 1;
			buf_add_html(out, p, n);
		}
		p += n;
		at_word_start = false;
	}
}

static void hl_sh(const char *p, size_t len, struct buf *out)
{
	bool cmd_pos = true;
	hl_sh_region(p, p + len, &cmd_pos, out);
}

/* Length of a prompt at the start of a console line, 0 when the line is output.
 * Prompts: "$ ", "# ", "% " alone, or after a user@host part without spaces
 * ("root@fw:~# ", "[root@fw ~]# "). */
static size_t prompt_len(const char *p, const char *end)
{
	size_t max = (size_t)(end - p);
	if (max > 80)
		max = 80;
	if (max >= 1 && in_set(p[0], "$#%") && (max == 1 || p[1] == ' '))
		return max == 1 ? 1 : 2;
	bool at = false, bracket = p[0] == '[';
	for (size_t i = 0; i < max; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '@')
			at = true;
		else if (c == ']')
			bracket = false;
		else if ((c == ' ' || c == '\t') && !bracket)
			return 0;
		else if (in_set(c, "$#%") && at && !bracket && i > 0 && (i + 1 == max || p[i + 1] == ' '))
			return i + 1 == max ? i + 1 : i + 2;
		else if (c == '\n' || c == '"' || c == '\'')
			return 0;
	}
	return 0;
}

/* console: lines starting with a prompt are commands, highlighted as shell; other lines
 * are program output and are only escaped. A command ending in a backslash continues on
 * the next line, which has no prompt. */
static void hl_console(const char *p, size_t len, struct buf *out)
{
	const char *end = p + len;
	bool continued = false, cmd_pos = true;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		size_t pl;
		if (continued) {
			hl_sh_region(p, line_end, &cmd_pos, out);
		} else if ((pl = prompt_len(p, line_end)) > 0) {
			span(out, "hl-p", p, pl);
			cmd_pos = true;
			hl_sh_region(p + pl, line_end, &cmd_pos, out);
		} else {
			buf_add_html(out, p, (size_t)(line_end - p));
			line_end = p; /* output never continues */
		}
		continued = line_end > p && line_end[-1] == '\\';
		if (eol)
			buf_putc(out, '\n');
		p = eol ? eol + 1 : end;
	}
}

/* ---- diff ---- */

static void hl_diff(const char *p, size_t len, struct buf *out)
{
	const char *end = p + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		size_t n = (size_t)(line_end - p);
		const char *cls = NULL;
		if ((n >= 3 && (!memcmp(p, "+++", 3) || !memcmp(p, "---", 3))) ||
		    (n >= 2 && !memcmp(p, "@@", 2)) || (n >= 5 && !memcmp(p, "diff ", 5)) ||
		    (n >= 6 && !memcmp(p, "index ", 6)))
			cls = "hl-m";
		else if (n && *p == '+')
			cls = "hl-i";
		else if (n && *p == '-')
			cls = "hl-d";
		if (cls)
			span(out, cls, p, n);
		else
			buf_add_html(out, p, n);
		if (eol)
			buf_putc(out, '\n');
		p = eol ? eol + 1 : end;
	}
}

/* ---- dispatch ---- */

enum lang { LANG_NONE, LANG_NFT, LANG_SH, LANG_CONSOLE, LANG_DIFF };

static enum lang lang_of(const char *lang)
{
	static const struct {
		const char *name;
		enum lang lang;
	} names[] = {
		{"bash", LANG_SH},           {"console", LANG_CONSOLE}, {"diff", LANG_DIFF},
		{"nft", LANG_NFT},           {"nft-invalid", LANG_NFT}, {"nftables", LANG_NFT},
		{"patch", LANG_DIFF},        {"sh", LANG_SH},           {"shell", LANG_SH},
		{"shell-session", LANG_CONSOLE}, {"zsh", LANG_SH},
	};
	if (!lang)
		return LANG_NONE;
	for (size_t i = 0; i < NELEM(names); i++)
		if (!strcmp(lang, names[i].name))
			return names[i].lang;
	return LANG_NONE;
}

bool highlight_supported(const char *lang)
{
	return lang_of(lang) != LANG_NONE;
}

void highlight_code(const char *lang, const char *code, size_t len, struct buf *out)
{
	switch (lang_of(lang)) {
	case LANG_NFT:
		hl_nft(code, len, out);
		break;
	case LANG_SH:
		hl_sh(code, len, out);
		break;
	case LANG_CONSOLE:
		hl_console(code, len, out);
		break;
	case LANG_DIFF:
		hl_diff(code, len, out);
		break;
	default:
		buf_add_html(out, code, len);
		break;
	}
}
