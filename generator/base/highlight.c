/* highlight: build-time syntax highlighting of nft, shell, diff, C, C++, Python, JSON,
 * YAML, INI, XML/HTML and Lua code into classed <span>s (see highlight.h for the classes).
 *
 * nft, shell, console and diff have their own small scanners over bytes (their tokens
 * depend on position: command words, prompts, whole lines); the other languages share
 * one table-driven lexer (hl_lex). Scanners only look at ASCII;
 * every other byte (UTF-8 or not) is copied through the HTML escaper untouched, so any
 * input produces well-formed, escaped output and the scan always advances. Nothing here
 * keeps state between calls: the tables are constant, so any thread may call in. */
#include "base/highlight.h"

#include "base/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---- one table-driven lexer for C, C++, Python, JSON, YAML, INI, XML/HTML, Lua ----
 *
 * Debian 12 packages no highlighting library callable from C (source-highlight's is a
 * C++/Boost API, tree-sitter ships no grammars in bookworm), so these languages share
 * one scanner. A struct lexdef says what a language has: comment markers, string
 * quotes, keyword and type tables, and flags for the few constructs that are not
 * comments, strings, numbers or words (C directives, Python decorators, JSON/YAML keys,
 * INI sections and keys, XML tags, Lua long brackets).
 *
 * Every rule moves forward only: a rule that looks ahead (a JSON key's ':', a YAML or
 * INI key on its line) at most rescans what it looked at once, so the time is linear in
 * the input. Tokens end next to an ASCII byte or at the end of the input (bytes from
 * 0x80 up count as word characters), so no span splits a UTF-8 sequence. */

enum {
	LX_ESC = 1 << 0,      /* a backslash escapes the next byte in strings */
	LX_TRIPLE = 1 << 1,   /* """ and ''' strings span lines (Python) */
	LX_PREFIX = 1 << 2,   /* r"", b'', f"", rb"" string prefixes (Python) */
	LX_PREPROC = 1 << 3,  /* # directives at line start (C) */
	LX_DECOR = 1 << 4,    /* @decorator at line start (Python) */
	LX_KEYSTR = 1 << 5,   /* a string followed by ':' is a key (JSON, YAML) */
	LX_YAML = 1 << 6,     /* plain "key:" at line start, ---, %YAML, &anchor, *alias, !tag, '' */
	LX_INI = 1 << 7,      /* [section] and key = value lines, comments at line start */
	LX_XML = 1 << 8,      /* tags, attributes, entities, <!-- -->, <? ?>, <!DOCTYPE> */
	LX_LONG = 1 << 9,     /* Lua long brackets: [[ ]], [==[ ]==], --[[ ]] */
	LX_NOCASE = 1 << 10,  /* keywords in any case (True, ON, Null) */
	LX_HASH_WS = 1 << 11, /* '#' starts a comment only after a space (YAML) */
};

struct lexdef {
	const char *line_comment[2];        /* markers to the end of the line, or NULL */
	const char *block_open, *block_close;
	const char *quotes;                 /* bytes that open a string */
	unsigned flags;
	const char *const *keywords;        /* hl-k, sorted */
	size_t nkeywords;
	const char *const *types;           /* hl-t (types, builtins), sorted */
	size_t ntypes;
};

static const char *const c_keywords[] = {
	"_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert",
	"_Thread_local", "auto", "break", "case", "const", "continue", "default", "do",
	"else", "enum", "extern", "for", "goto", "if", "inline", "register", "restrict",
	"return", "sizeof", "static", "struct", "switch", "typedef", "union", "volatile",
	"while",
};

static const char *const c_types[] = {
	"FILE", "NULL", "_Bool", "_Complex", "bool", "char", "double", "false", "float",
	"int", "int16_t", "int32_t", "int64_t", "int8_t", "intptr_t", "long", "off_t",
	"ptrdiff_t", "short", "signed", "size_t", "ssize_t", "true", "uint16_t", "uint32_t",
	"uint64_t", "uint8_t", "uintptr_t", "unsigned", "void",
};

static const char *const cpp_keywords[] = {
	"_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert",
	"_Thread_local", "alignas", "alignof", "auto", "break", "case", "catch", "class",
	"const", "const_cast", "consteval", "constexpr", "continue", "decltype", "default",
	"delete", "do", "dynamic_cast", "else", "enum", "explicit", "export", "extern",
	"final", "for", "friend", "goto", "if", "inline", "mutable", "namespace", "new",
	"noexcept", "nullptr", "operator", "override", "private", "protected", "public",
	"register", "reinterpret_cast", "restrict", "return", "sizeof", "static",
	"static_assert", "static_cast", "struct", "switch", "template", "this", "throw",
	"try", "typedef", "typeid", "typename", "union", "using", "virtual", "volatile",
	"while",
};

static const char *const py_keywords[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await", "break", "case",
	"class", "continue", "def", "del", "elif", "else", "except", "finally", "for",
	"from", "global", "if", "import", "in", "is", "lambda", "match", "nonlocal", "not",
	"or", "pass", "raise", "return", "try", "while", "with", "yield",
};

static const char *const py_types[] = {
	"Exception", "abs", "all", "any", "bool", "bytearray", "bytes", "dict",
	"enumerate", "filter", "float", "format", "frozenset", "getattr", "hasattr", "int",
	"isinstance", "iter", "len", "list", "map", "max", "min", "next", "object", "open",
	"print", "range", "repr", "reversed", "self", "set", "setattr", "sorted", "str",
	"sum", "super", "tuple", "type", "zip",
};

static const char *const json_keywords[] = {"false", "null", "true"};

/* YAML 1.1 and INI booleans and nulls, matched in any case. */
static const char *const yaml_keywords[] = {"false", "no", "null", "off", "on", "true", "yes"};

static const char *const lua_keywords[] = {
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto",
	"if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true",
	"until", "while",
};

static const char *const lua_types[] = {
	"assert", "coroutine", "error", "getmetatable", "io", "ipairs", "math", "next",
	"os", "pairs", "pcall", "print", "rawequal", "rawget", "rawset", "require",
	"select", "self", "setmetatable", "string", "table", "tonumber", "tostring", "type",
	"utf8", "xpcall",
};

#define TABLE(a) a, NELEM(a)

static const struct lexdef lex_c = {{"//", NULL}, "/*", "*/", "\"'", LX_ESC | LX_PREPROC,
                                    TABLE(c_keywords), TABLE(c_types)};
static const struct lexdef lex_cpp = {{"//", NULL}, "/*", "*/", "\"'", LX_ESC | LX_PREPROC,
                                      TABLE(cpp_keywords), TABLE(c_types)};
static const struct lexdef lex_python = {{"#", NULL}, NULL, NULL, "\"'",
                                         LX_ESC | LX_TRIPLE | LX_PREFIX | LX_DECOR,
                                         TABLE(py_keywords), TABLE(py_types)};
/* JSON has no comments; some JSON files have them anyway (tsconfig, VS Code). */
static const struct lexdef lex_json = {{"//", NULL}, "/*", "*/", "\"", LX_ESC | LX_KEYSTR,
                                       TABLE(json_keywords), NULL, 0};
static const struct lexdef lex_yaml = {{"#", NULL}, NULL, NULL, "\"'",
                                       LX_ESC | LX_KEYSTR | LX_YAML | LX_NOCASE | LX_HASH_WS,
                                       TABLE(yaml_keywords), NULL, 0};
static const struct lexdef lex_ini = {{NULL, NULL}, NULL, NULL, "\"'", LX_INI | LX_NOCASE,
                                      TABLE(yaml_keywords), NULL, 0};
static const struct lexdef lex_xml = {{NULL, NULL}, NULL, NULL, "\"'", LX_XML, NULL, 0, NULL, 0};
static const struct lexdef lex_lua = {{"--", NULL}, NULL, NULL, "\"'", LX_ESC | LX_LONG,
                                      TABLE(lua_keywords), TABLE(lua_types)};

/* Bytes of words: ASCII letters, digits, '_', and every byte of a multibyte sequence. */
static bool is_wordbyte(int c) { return is_word(c) || c >= 0x80; }
static bool is_blank(int c) { return c == ' ' || c == '\t' || c == '\r'; }

static bool starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

/* Position just past the first s at or after p, or end when there is none. */
static const char *past(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);
	const char *q = memmem(p, (size_t)(end - p), s, n);
	return q ? q + n : end;
}

static const char *line_end(const char *p, const char *end)
{
	const char *q = memchr(p, '\n', (size_t)(end - p));
	return q ? q : end;
}

/* A string opened by the quote at p (after any prefix): single-line unless escaped
 * (or triple-quoted with LX_TRIPLE); multiline lets it run over newlines (XML). */
static size_t scan_string(const struct lexdef *d, const char *p, const char *end, bool multiline)
{
	char q = *p;
	const char *s = p + 1;
	bool triple = (d->flags & LX_TRIPLE) && end - p >= 3 && p[1] == q && p[2] == q;
	if (triple)
		s = p + 3;
	while (s < end) {
		if (*s == '\\' && (d->flags & LX_ESC)) {
			s += s + 1 < end ? 2 : 1;
			continue;
		}
		if (*s == '\'' && q == '\'' && (d->flags & LX_YAML) && s + 1 < end && s[1] == '\'') {
			s += 2; /* YAML's 'it''s' */
			continue;
		}
		if (*s == q && (!triple || (end - s >= 3 && s[1] == q && s[2] == q)))
			return (size_t)(s + (triple ? 3 : 1) - p);
		if (*s == '\n' && !triple && !multiline)
			break;
		s++;
	}
	return (size_t)(s - p);
}

/* A Lua long bracket at p ("[[", "[==["), with its body up to the matching close;
 * 0 when p does not open one. */
static size_t scan_long(const char *p, const char *end)
{
	const char *q = p + 1;
	while (q < end && *q == '=')
		q++;
	if (q >= end || *q != '[')
		return 0;
	size_t level = (size_t)(q - p - 1);
	for (q++; (q = memchr(q, ']', (size_t)(end - q))) != NULL;) {
		const char *e = q + 1;
		while (e < end && *e == '=')
			e++;
		if ((size_t)(e - q - 1) == level && e < end && *e == ']')
			return (size_t)(e + 1 - p);
		q = e;
	}
	return (size_t)(end - p);
}

/* A number: 0x hex, or digits with '.', '_' and an exponent, then suffix letters
 * (10UL, 1.5f, 3j). */
static size_t scan_num(const char *p, const char *end)
{
	const char *q = p;
	bool hex = end - q > 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
	if (hex)
		q += 2;
	while (q < end) {
		unsigned char c = (unsigned char)*q;
		if (!hex && (c == 'e' || c == 'E') && q + 1 < end && (q[1] == '+' || q[1] == '-'))
			q += 2;
		else if (is_word(c) || c == '.')
			q++;
		else
			break;
	}
	return (size_t)(q - p);
}

static size_t scan_word(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && is_wordbyte((unsigned char)*q))
		q++;
	return (size_t)(q - p);
}

static const char *word_class(const struct lexdef *d, const char *p, size_t n)
{
	char low[16];
	if (d->flags & LX_NOCASE) {
		if (n >= sizeof low)
			return NULL;
		for (size_t i = 0; i < n; i++)
			low[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
		p = low;
	}
	if (d->nkeywords && in_table(d->keywords, d->nkeywords, p, n))
		return "hl-k";
	if (d->ntypes && in_table(d->types, d->ntypes, p, n))
		return "hl-t";
	return NULL;
}

/* The key of a "key: value" (YAML) or "key = value" (INI) line starting at p: its
 * length without trailing blanks, 0 when the line has none. */
static size_t line_key(const struct lexdef *d, const char *p, const char *end)
{
	const char *q = p;
	for (; q < end && *q != '\n'; q++) {
		if (d->flags & LX_INI) {
			if (*q == '=' || *q == ':')
				break;
		} else if (*q == ':' && (q + 1 == end || is_space((unsigned char)q[1]))) {
			break;
		} else if (in_set(*q, "{}[],\"'") || (*q == '#' && q > p && is_blank((unsigned char)q[-1]))) {
			return 0;
		}
	}
	if (q >= end || *q == '\n')
		return 0;
	while (q > p && is_blank((unsigned char)q[-1]))
		q--;
	return (size_t)(q - p);
}

/* XML outside a tag: a token starting with '<' or '&', 0 for plain text. Sets *in_tag
 * when a start or end tag opens (its name is the span). */
static size_t xml_markup(const char *p, const char *end, const char **cls, bool *in_tag)
{
	if (*p == '&') {
		const char *q = p + 1;
		if (q < end && *q == '#')
			q++;
		while (q < end && is_alnum((unsigned char)*q))
			q++;
		*cls = "hl-n";
		return q > p + 1 && q < end && *q == ';' ? (size_t)(q + 1 - p) : 0;
	}
	if (starts(p, end, "<!--")) {
		*cls = "hl-c";
		return (size_t)(past(p + 4, end, "-->") - p);
	}
	if (starts(p, end, "<![CDATA[")) {
		*cls = "hl-s";
		return (size_t)(past(p + 9, end, "]]>") - p);
	}
	if (starts(p, end, "<?") || starts(p, end, "<!")) {
		*cls = "hl-m";
		return (size_t)(past(p + 2, end, ">") - p);
	}
	const char *q = p + 1;
	if (q < end && *q == '/')
		q++;
	if (q >= end || !(is_alpha((unsigned char)*q) || *q == '_' || (unsigned char)*q >= 0x80))
		return 0;
	while (q < end && (is_wordbyte((unsigned char)*q) || in_set(*q, ":.-")))
		q++;
	*cls = "hl-k";
	*in_tag = true;
	return (size_t)(q - p);
}

/* XML inside a tag: attribute names, quoted values and the closing '>' or "/>". */
static size_t xml_in_tag(const struct lexdef *d, const char *p, const char *end, const char **cls,
                         bool *in_tag)
{
	if (*p == '>' || ((*p == '/' || *p == '?') && p + 1 < end && p[1] == '>')) {
		*cls = "hl-k";
		*in_tag = false;
		return *p == '>' ? 1 : 2;
	}
	if (*p == '"' || *p == '\'') {
		*cls = "hl-s";
		return scan_string(d, p, end, true);
	}
	if (is_wordbyte((unsigned char)*p)) {
		const char *q = p;
		while (q < end && (is_wordbyte((unsigned char)*q) || in_set(*q, ":.-")))
			q++;
		*cls = p[-1] == '=' ? "hl-s" : "hl-v"; /* an unquoted value, or a name */
		return (size_t)(q - p);
	}
	return 0;
}

static void hl_lex(const struct lexdef *d, const char *p, size_t len, struct buf *out)
{
	const char *const start = p, *const end = p + len;
	bool line_start = true, in_tag = false, key_tried = false;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		const char *cls = NULL;
		size_t n = 0;
		if (c == '\n' || (line_start && is_blank(c))) {
			buf_putc(out, (char)c);
			if (c == '\n') {
				line_start = true;
				key_tried = false;
			}
			p++;
			continue;
		}
		bool at_line = line_start;
		line_start = false;
		if (d->flags & LX_XML) {
			n = in_tag ? xml_in_tag(d, p, end, &cls, &in_tag)
			           : (c == '<' || c == '&') ? xml_markup(p, end, &cls, &in_tag) : 0;
			if (!n) {
				cls = NULL;
				/* text, or a tag's spaces and '=': up to the next byte that matters */
				const char *q = p + 1;
				while (q < end && !in_set(*q, in_tag ? "\n>/?\"'=" : "\n<&") &&
				       !(in_tag && is_wordbyte((unsigned char)*q)))
					q++;
				n = (size_t)(q - p);
			}
		} else if (at_line && (d->flags & LX_PREPROC) && c == '#') {
			/* "#  include" is the directive; an #include's <file> reads as a string */
			const char *q = p + 1;
			while (q < end && is_blank((unsigned char)*q))
				q++;
			size_t w = scan_word(q, end);
			bool inc = w == 7 && !memcmp(q, "include", 7);
			span(out, "hl-m", p, (size_t)(q + w - p));
			for (p = q + w; p < end && is_blank((unsigned char)*p); p++)
				buf_putc(out, *p);
			if (!inc || p >= end || *p != '<')
				continue;
			for (q = p; q < end && *q != '>' && *q != '\n';)
				q++;
			n = (size_t)(q - p) + (q < end && *q == '>');
			cls = "hl-s";
		} else if (at_line && (d->flags & LX_DECOR) && c == '@') {
			n = 1;
			while (p + n < end && (is_wordbyte((unsigned char)p[n]) || p[n] == '.'))
				n++;
			cls = "hl-m";
		} else if (at_line && (d->flags & LX_INI) && (c == ';' || c == '#')) {
			n = (size_t)(line_end(p, end) - p);
			cls = "hl-c";
		} else if (at_line && (d->flags & LX_INI) && c == '[') {
			const char *q = line_end(p, end), *r = memchr(p, ']', (size_t)(q - p));
			n = (size_t)((r ? r + 1 : q) - p);
			cls = "hl-t";
		} else if (at_line && (d->flags & LX_YAML) && (p == start || p[-1] == '\n') &&
		           (c == '%' || ((starts(p, end, "---") || starts(p, end, "...")) &&
		                         (p + 3 == end || is_space((unsigned char)p[3]))))) {
			n = c == '%' ? (size_t)(line_end(p, end) - p) : 3; /* %YAML directive, document markers */
			cls = "hl-m";
		} else if (at_line && (d->flags & LX_YAML) && c == '-' && (p + 1 == end || is_space((unsigned char)p[1]))) {
			/* a list item: a key may follow on the same line */
			buf_putc(out, '-');
			p++;
			line_start = true;
			continue;
		} else if (at_line && (d->flags & (LX_YAML | LX_INI)) && !key_tried && !in_set(c, "\"'#")) {
			key_tried = true; /* once a line, or "- - - …" would rescan it for each '-' */
			n = line_key(d, p, end);
			cls = n ? "hl-v" : NULL;
		}
		if (!n && !cls) {
			const char *lc = NULL;
			for (int i = 0; i < 2; i++)
				if (d->line_comment[i] && starts(p, end, d->line_comment[i]))
					lc = d->line_comment[i];
			if (d->block_open && starts(p, end, d->block_open)) {
				n = (size_t)(past(p + strlen(d->block_open), end, d->block_close) - p);
				cls = "hl-c";
			} else if (lc && (d->flags & LX_LONG) && p + 2 < end && p[2] == '[' &&
			           (n = scan_long(p + 2, end)) > 0) {
				n += 2; /* --[[ long comment ]] */
				cls = "hl-c";
			} else if (lc && (!(d->flags & LX_HASH_WS) || at_line || is_blank((unsigned char)p[-1]))) {
				n = (size_t)(line_end(p, end) - p);
				cls = "hl-c";
			} else if ((d->flags & LX_LONG) && c == '[' && (n = scan_long(p, end)) > 0) {
				cls = "hl-s";
			} else if (in_set(c, d->quotes)) {
				n = scan_string(d, p, end, false);
				cls = "hl-s";
				const char *q = p + n;
				while (q < end && is_blank((unsigned char)*q))
					q++;
				if ((d->flags & LX_KEYSTR) && q < end && *q == ':')
					cls = "hl-v";
			} else if ((d->flags & LX_YAML) && in_set(c, "&*!") && p + 1 < end &&
			           (is_wordbyte((unsigned char)p[1]) || p[1] == '!') &&
			           (at_line || is_space((unsigned char)p[-1]) || in_set(p[-1], "[{,"))) {
				n = 1;
				while (p + n < end && (is_wordbyte((unsigned char)p[n]) || in_set(p[n], "-.!/:")))
					n++;
				cls = c == '!' ? "hl-t" : "hl-v";
			} else if (is_digit(c) || (c == '.' && p + 1 < end && is_digit((unsigned char)p[1]))) {
				n = scan_num(p, end);
				cls = "hl-n";
			} else if (is_wordbyte(c)) {
				n = scan_word(p, end);
				bool prefixed = false;
				if ((d->flags & LX_PREFIX) && n <= 2 && p + n < end && in_set(p[n], d->quotes)) {
					prefixed = true;
					for (size_t i = 0; i < n; i++)
						prefixed = prefixed && in_set(p[i], "rRbBuUfF");
				}
				if (prefixed) {
					n += scan_string(d, p + n, end, false);
					cls = "hl-s";
				} else {
					cls = word_class(d, p, n);
				}
			} else {
				/* punctuation and spaces, up to the next byte that may start a token */
				n = 1;
				while (p + n < end && !is_wordbyte((unsigned char)p[n]) && p[n] != '\n' &&
				       !in_set(p[n], d->quotes) && !in_set(p[n], "/#-[.&*!"))
					n++;
			}
		}
		if (cls)
			span(out, cls, p, n);
		else
			buf_add_html(out, p, n);
		p += n;
	}
}

/* ---- dispatch ---- */

enum lang { LANG_NONE, LANG_NFT, LANG_SH, LANG_CONSOLE, LANG_DIFF, LANG_LEX };

/* Names as MediaWiki's SyntaxHighlight (Pygments) spells them, matched in any case. */
static const struct lang_name {
	const char *name;
	enum lang lang;
	const struct lexdef *lex; /* for LANG_LEX */
} lang_names[] = {
	{"bash", LANG_SH, NULL},         {"c", LANG_LEX, &lex_c},
	{"c++", LANG_LEX, &lex_cpp},     {"cfg", LANG_LEX, &lex_ini},
	{"console", LANG_CONSOLE, NULL}, {"cpp", LANG_LEX, &lex_cpp},
	{"diff", LANG_DIFF, NULL},       {"dosini", LANG_LEX, &lex_ini},
	{"html", LANG_LEX, &lex_xml},    {"ini", LANG_LEX, &lex_ini},
	{"json", LANG_LEX, &lex_json},   {"ksh", LANG_SH, NULL},
	{"lua", LANG_LEX, &lex_lua},     {"nft", LANG_NFT, NULL},
	{"nft-invalid", LANG_NFT, NULL}, {"nftables", LANG_NFT, NULL},
	{"patch", LANG_DIFF, NULL},      {"py", LANG_LEX, &lex_python},
	{"py3", LANG_LEX, &lex_python},  {"python", LANG_LEX, &lex_python},
	{"python3", LANG_LEX, &lex_python}, {"sh", LANG_SH, NULL},
	{"shell", LANG_SH, NULL},        {"shell-session", LANG_CONSOLE, NULL},
	{"udiff", LANG_DIFF, NULL},      {"xhtml", LANG_LEX, &lex_xml},
	{"xml", LANG_LEX, &lex_xml},     {"yaml", LANG_LEX, &lex_yaml},
	{"yml", LANG_LEX, &lex_yaml},    {"zsh", LANG_SH, NULL},
};

static const struct lang_name *lang_of(const char *lang)
{
	if (!lang)
		return NULL;
	for (size_t i = 0; i < NELEM(lang_names); i++)
		if (!strcasecmp(lang, lang_names[i].name))
			return &lang_names[i];
	return NULL;
}

bool highlight_supported(const char *lang)
{
	return lang_of(lang) != NULL;
}

void highlight_code(const char *lang, const char *code, size_t len, struct buf *out)
{
	const struct lang_name *l = lang_of(lang);
	switch (l ? l->lang : LANG_NONE) {
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
	case LANG_LEX:
		hl_lex(l->lex, code, len, out);
		break;
	default:
		buf_add_html(out, code, len);
		break;
	}
}
