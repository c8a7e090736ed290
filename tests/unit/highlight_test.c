/* highlight_test: unit tests of the highlight module, and a driver for golden files.
 *
 *   highlight_test                  runs the unit tests (unit.h); exit 1 on any failure
 *   highlight_test render LANG FILE prints FILE highlighted as LANG */
#include "base/buf.h"
#include "base/highlight.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HL_HAS(lang, code, needle) hl_has((lang), (code), (needle), true, __LINE__)
#define HL_HAS_NOT(lang, code, needle) hl_has((lang), (code), (needle), false, __LINE__)
#define HL_IS(lang, code, want) hl_is((lang), (code), (want), __LINE__)

static void hl_has(const char *lang, const char *code, const char *needle, bool want, int line)
{
	struct buf out = BUF_INIT;
	highlight_code(lang, code, strlen(code), &out);
	unit_check_at((strstr(out.data, needle) != NULL) == want, __FILE__, line, "%s '%s' in\n«%s»",
	              want ? "missing" : "unexpected", needle, out.data);
	buf_release(&out);
}

static void hl_is(const char *lang, const char *code, const char *want, int line)
{
	struct buf out = BUF_INIT;
	highlight_code(lang, code, strlen(code), &out);
	unit_check_at(!strcmp(out.data, want), __FILE__, line, "got\n«%s»\nwant\n«%s»", out.data, want);
	buf_release(&out);
}

static void test_supported(void)
{
	const char *yes[] = {"nft", "nftables", "nft-invalid", "sh", "bash", "shell", "console", "diff",
	                     "patch", "c", "cpp", "c++", "python", "py", "json", "yaml", "yml", "ini",
	                     "cfg", "xml", "html", "lua", "Python", "JSON"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		CHECKF(highlight_supported(yes[i]), "%s", yes[i]);
	CHECK(!highlight_supported("nosuchlexer"));
	CHECK(!highlight_supported(""));
	CHECK(!highlight_supported(NULL));
	CHECK(!highlight_supported("NFT "));
	HL_IS("nosuchlexer", "print('<a & b>')", "print(&#39;&lt;a &amp; b&gt;&#39;)");
	HL_IS(NULL, "x\"y", "x&quot;y");
}

/* The table-driven lexer (C, Python, JSON, YAML, INI, XML, Lua): one or two cases of
 * each rule; the golden files cover whole programs. */
static void test_lex(void)
{
	HL_IS("c", "#include <a.h>\nint x = 0x1f; // c\n",
	      "<span class=\"hl-m\">#include</span> <span class=\"hl-s\">&lt;a.h&gt;</span>\n"
	      "<span class=\"hl-t\">int</span> x = <span class=\"hl-n\">0x1f</span>; <span class=\"hl-c\">// c</span>\n");
	HL_HAS("c", "return a/*x*/ / b;", "<span class=\"hl-k\">return</span> a<span class=\"hl-c\">/*x*/</span> / b;");
	HL_HAS("c", "s = \"a\\\"b\" + 1", "<span class=\"hl-s\">&quot;a\\&quot;b&quot;</span> + <span class=\"hl-n\">1</span>");
	HL_HAS("c", "if (x) return; ifx returned", "ifx returned");
	HL_HAS("cpp", "class A : public B {}", "<span class=\"hl-k\">class</span> A : <span class=\"hl-k\">public</span> B");
	HL_HAS_NOT("c", "class A", "hl-k");
	HL_HAS("python", "@app.route\ndef f(): pass", "<span class=\"hl-m\">@app.route</span>\n<span class=\"hl-k\">def</span>");
	HL_HAS("python", "x = '''a\n'b'\n''' # c",
	       "<span class=\"hl-s\">&#39;&#39;&#39;a\n&#39;b&#39;\n&#39;&#39;&#39;</span> <span class=\"hl-c\"># c</span>");
	HL_HAS("python", "rb'\\x' if f\"{x}\" else None",
	       "<span class=\"hl-s\">rb&#39;\\x&#39;</span> <span class=\"hl-k\">if</span> <span class=\"hl-s\">f&quot;{x}&quot;</span>");
	HL_IS("json", "{\"k\" : \"v\", \"n\": [1.5e+3, true, null]}",
	      "{<span class=\"hl-v\">&quot;k&quot;</span> : <span class=\"hl-s\">&quot;v&quot;</span>, <span class=\"hl-v\">&quot;n&quot;</span>: "
	      "[<span class=\"hl-n\">1.5e+3</span>, <span class=\"hl-k\">true</span>, <span class=\"hl-k\">null</span>]}");
	HL_IS("yaml", "---\nkey: Yes # c\n- url: http://a/#b\n  'it''s': *ref\n",
	      "<span class=\"hl-m\">---</span>\n<span class=\"hl-v\">key</span>: <span class=\"hl-k\">Yes</span> <span class=\"hl-c\"># c</span>\n"
	      "- <span class=\"hl-v\">url</span>: http://a/#b\n  <span class=\"hl-v\">&#39;it&#39;&#39;s&#39;</span>: <span class=\"hl-v\">*ref</span>\n");
	HL_IS("ini", "; c\n[sec]\nkey = \"v\" ; not a comment\nn=1\n",
	      "<span class=\"hl-c\">; c</span>\n<span class=\"hl-t\">[sec]</span>\n<span class=\"hl-v\">key</span> = "
	      "<span class=\"hl-s\">&quot;v&quot;</span> ; not a comment\n<span class=\"hl-v\">n</span>=<span class=\"hl-n\">1</span>\n");
	HL_IS("xml", "<a href=\"x\">&amp;<!--c--></a>",
	      "<span class=\"hl-k\">&lt;a</span> <span class=\"hl-v\">href</span>=<span class=\"hl-s\">&quot;x&quot;</span>"
	      "<span class=\"hl-k\">&gt;</span><span class=\"hl-n\">&amp;amp;</span><span class=\"hl-c\">&lt;!--c--&gt;</span>"
	      "<span class=\"hl-k\">&lt;/a</span><span class=\"hl-k\">&gt;</span>");
	HL_HAS("html", "1 < 2 & 3", "1 &lt; 2 &amp; 3");
	HL_IS("lua", "--[==[ ]] ]==] local s = [[x]] -- c",
	      "<span class=\"hl-c\">--[==[ ]] ]==]</span> <span class=\"hl-k\">local</span> s = "
	      "<span class=\"hl-s\">[[x]]</span> <span class=\"hl-c\">-- c</span>");
	/* Unterminated strings end at the line (or the input); comments at the input. */
	HL_IS("c", "\"ab\nx /* c", "<span class=\"hl-s\">&quot;ab</span>\nx <span class=\"hl-c\">/* c</span>");
	HL_IS("python", "'''ab\nc", "<span class=\"hl-s\">&#39;&#39;&#39;ab\nc</span>");
	HL_IS("xml", "<a b=\"c", "<span class=\"hl-k\">&lt;a</span> <span class=\"hl-v\">b</span>=<span class=\"hl-s\">&quot;c</span>");
	/* Words run over UTF-8 bytes: no keyword inside "ifé", no span inside "é". */
	HL_IS("c", "if\xc3\xa9 \xc3\xa9if", "if\xc3\xa9 \xc3\xa9if");
}

/* A 1 MB line of each pattern in each language must come out; a rescan per token
 * (quadratic time) would never finish. No timing: only that it completes. Under
 * valgrind (50 times slower) 64 KiB, still 4e9 steps if it were quadratic. */
static void test_long_lines(void)
{
	size_t size = getenv("NFSITE_VALGRIND") ? 1u << 16 : 1u << 20;
	static const char *const units[] = {"- ", "a: ", "x=", "\"\\\"", "'", "[=", "]=", "<a ", "&", "/*", "*/",
	                                    "--", "#", "1.", "\"\" ", "'''", "[[", "<!--", "@", "\xc3\xa9"};
	static const char *const langs[] = {"c", "python", "json", "yaml", "ini", "xml", "lua", "nft", "sh", "console", "diff"};
	struct buf in = BUF_INIT, out = BUF_INIT;
	for (size_t u = 0; u < sizeof(units) / sizeof(*units); u++) {
		buf_reset(&in);
		while (in.len < size)
			buf_puts(&in, units[u]);
		for (size_t l = 0; l < sizeof(langs) / sizeof(*langs); l++) {
			buf_reset(&out);
			highlight_code(langs[l], in.data, in.len, &out);
			CHECKF(out.len >= in.len, "%s: %zu bytes out of %zu of '%s'", langs[l], out.len, in.len, units[u]);
		}
	}
	buf_release(&in);
	buf_release(&out);
}

static void test_nft(void)
{
	HL_IS("nft", "table inet filter {", "<span class=\"hl-k\">table</span> <span class=\"hl-f\">inet</span> "
	                                    "<span class=\"hl-t\">filter</span> {");
	HL_HAS("nft", "type filter hook prerouting priority -150;",
	       "<span class=\"hl-h\">prerouting</span> <span class=\"hl-k\">priority</span> -<span class=\"hl-n\">150</span>;");
	HL_HAS("nft", "ip6 saddr ::1 accept", "<span class=\"hl-f\">ip6</span> <span class=\"hl-k\">saddr</span> "
	                                      "<span class=\"hl-a\">::1</span> <span class=\"hl-k\">accept</span>");
	HL_HAS("nft", "ip daddr 192.168.0.0/16", "<span class=\"hl-a\">192.168.0.0/16</span>");
	HL_HAS("nft", "ip saddr 10.0.0.1-10.0.0.9", "<span class=\"hl-a\">10.0.0.1</span>-<span class=\"hl-a\">10.0.0.9</span>");
	HL_HAS("nft", "ip6 daddr 2001:db8::/32 drop", "<span class=\"hl-a\">2001:db8::/32</span>");
	HL_HAS("nft", "ip6 daddr ::ffff:192.0.2.1 drop", "<span class=\"hl-a\">::ffff:192.0.2.1</span>");
	HL_HAS("nft", "ether saddr 00:11:22:aa:bb:cc", "<span class=\"hl-a\">00:11:22:aa:bb:cc</span>");
	HL_HAS("nft", "dnat to 10.0.0.2:8080", "<span class=\"hl-a\">10.0.0.2</span>:<span class=\"hl-n\">8080</span>");
	HL_HAS("nft", "meta mark 0x1f", "<span class=\"hl-n\">0x1f</span>");
	HL_HAS("nft", "limit rate 10/second", "<span class=\"hl-n\">10</span>/<span class=\"hl-k\">second</span>");
	HL_HAS("nft", "tcp dport 1024-65535", "<span class=\"hl-n\">1024</span>-<span class=\"hl-n\">65535</span>");
	HL_HAS("nft", "add element t s { 1.2.3.4 timeout 1h }", "<span class=\"hl-n\">1h</span>");
	HL_HAS("nft", "iifname $lan_if ip saddr @allowed", "<span class=\"hl-v\">$lan_if</span>");
	HL_HAS("nft", "iifname $lan_if ip saddr @allowed", "<span class=\"hl-v\">@allowed</span>");
	HL_HAS("nft", "comment \"a \\\"quoted\\\" # not a comment\" # real",
	       "<span class=\"hl-s\">&quot;a \\&quot;quoted\\&quot; # not a comment&quot;</span> "
	       "<span class=\"hl-c\"># real</span>");
	HL_HAS("nft", "log prefix \"unterminated\naccept", "<span class=\"hl-s\">&quot;unterminated</span>\n"
	                                                   "<span class=\"hl-k\">accept</span>");
	/* Keywords only as whole words. */
	HL_HAS("nft", "accepted tablet eth0 dropper", "accepted tablet eth0 dropper");
	HL_HAS("nft", "ip6 nexthdr ipv6-icmp", "<span class=\"hl-k\">nexthdr</span> ipv6-icmp");
	/* Words that merely look like hex or addresses stay plain. */
	HL_HAS("nft", "add: deadbeef cafe", "<span class=\"hl-k\">add</span>: deadbeef cafe");
	HL_IS("nft", "", "");
	HL_IS("nft", "<&>", "&lt;&amp;&gt;");
}

static void test_shell(void)
{
	HL_IS("sh", "iptables -A INPUT -p tcp --dport 22 -j ACCEPT",
	      "<span class=\"hl-k\">iptables</span> <span class=\"hl-o\">-A</span> INPUT <span class=\"hl-o\">-p</span> tcp "
	      "<span class=\"hl-o\">--dport</span> <span class=\"hl-n\">22</span> <span class=\"hl-o\">-j</span> ACCEPT");
	HL_HAS("bash", "echo $HOME ${x:-y} $1 $?", "<span class=\"hl-v\">$HOME</span> <span class=\"hl-v\">${x:-y}</span> "
	                                           "<span class=\"hl-v\">$1</span> <span class=\"hl-v\">$?</span>");
	HL_HAS("sh", "nft list ruleset # show it", "<span class=\"hl-c\"># show it</span>");
	HL_HAS("sh", "echo a#b", "a#b");
	HL_HAS("sh", "echo 'it''s' \"q \\\" $x\"", "<span class=\"hl-s\">&#39;it&#39;</span><span class=\"hl-s\">&#39;s&#39;</span>");
	HL_HAS("sh", "echo 'it''s' \"q \\\" $x\"", "<span class=\"hl-s\">&quot;q \\&quot; $x&quot;</span>");
	/* Command position: after sudo, pipes, && and $( ), not in arguments. */
	HL_HAS("sh", "sudo nft -f x | grep nft && ipset list", "<span class=\"hl-k\">sudo</span> <span class=\"hl-k\">nft</span>");
	HL_HAS("sh", "sudo nft -f x | grep nft && ipset list", "<span class=\"hl-k\">grep</span> nft &amp;&amp; <span class=\"hl-k\">ipset</span>");
	HL_HAS("sh", "v=$(nft --version)", "$(<span class=\"hl-k\">nft</span> <span class=\"hl-o\">--version</span>)");
	HL_HAS("sh", "ip addr add 192.0.2.1/24 dev eth0", "<span class=\"hl-a\">192.0.2.1/24</span>");
	/* A continued line keeps its command going. */
	HL_HAS("sh", "nft add rule \\\n  nft", "\\\n  nft");
	HL_HAS("sh", "\nnft", "\n<span class=\"hl-k\">nft</span>");
}

static void test_console(void)
{
	HL_IS("console", "$ nft list tables\ntable inet filter\n# nft flush ruleset\n",
	      "<span class=\"hl-p\">$ </span><span class=\"hl-k\">nft</span> list tables\n"
	      "table inet filter\n"
	      "<span class=\"hl-p\"># </span><span class=\"hl-k\">nft</span> flush ruleset\n");
	HL_HAS("console", "root@gw:~# iptables -L", "<span class=\"hl-p\">root@gw:~# </span><span class=\"hl-k\">iptables</span>");
	HL_HAS("console", "[root@gw ~]# ipset list", "<span class=\"hl-p\">[root@gw ~]# </span><span class=\"hl-k\">ipset</span>");
	/* Output that merely contains a '$' or '#' is not a prompt. */
	HL_IS("console", "cost: 5$ or # of rules", "cost: 5$ or # of rules");
	HL_IS("console", "$ nft add rule \\\n  ip saddr 1.2.3.4 drop\nok\n",
	      "<span class=\"hl-p\">$ </span><span class=\"hl-k\">nft</span> add rule \\\n"
	      "  ip saddr <span class=\"hl-a\">1.2.3.4</span> drop\nok\n");
	HL_IS("console", "$", "<span class=\"hl-p\">$</span>");
}

static void test_diff(void)
{
	HL_IS("diff", "--- a\n+++ b\n@@ -1 +1 @@\n-old <x>\n+new\n ctx",
	      "<span class=\"hl-m\">--- a</span>\n<span class=\"hl-m\">+++ b</span>\n"
	      "<span class=\"hl-m\">@@ -1 +1 @@</span>\n<span class=\"hl-d\">-old &lt;x&gt;</span>\n"
	      "<span class=\"hl-i\">+new</span>\n ctx");
}

/* Removes our span tags and undoes the escaping; must give back the input exactly,
 * with no markup of its own left over. Returns false on any stray '<', '>' or '"'. */
static bool unhighlight(const char *p, size_t n, struct buf *out)
{
	const char *end = p + n;
	while (p < end) {
		if (!strncmp(p, "<span class=\"hl-", 16)) {
			const char *q = strstr(p, "\">");
			if (!q || q - p > 20)
				return false;
			p = q + 2;
		} else if (!strncmp(p, "</span>", 7)) {
			p += 7;
		} else if (*p == '&') {
			static const struct {
				const char *ent;
				char c;
			} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
			size_t i;
			for (i = 0; i < 5; i++)
				if (!strncmp(p, ents[i].ent, strlen(ents[i].ent)))
					break;
			if (i == 5)
				return false;
			buf_putc(out, ents[i].c);
			p += strlen(ents[i].ent);
		} else if (*p == '<' || *p == '>' || *p == '"' || *p == '\'') {
			return false;
		} else {
			buf_putc(out, *p++);
		}
	}
	return true;
}

/* Occurrences of s in b (which may hold NUL bytes). */
static size_t count(const struct buf *b, const char *s)
{
	size_t k = 0, n = strlen(s);
	const char *p = b->data, *end = b->data + b->len;
	while ((p = memmem(p, (size_t)(end - p), s, n))) {
		k++;
		p += n;
	}
	return k;
}

/* Random bytes (biased towards the characters the scanners care about) in every
 * language: output must always be the escaped input plus balanced spans. */
static void test_fuzz(void)
{
	static const char alphabet[] = "$#%\"'`-:./{}()|;&@\\ \n\t0123456789abcdefxnftip<>=_\x00\xff\xc3"
	                               "[]!*?";
	const char *langs[] = {"nft", "sh", "console", "diff", "other", "c", "python", "json",
	                       "yaml", "ini", "xml", "lua"};
	unsigned seed = 12345;
	struct buf in = BUF_INIT, out = BUF_INIT, back = BUF_INIT;
	int bad = 0;
	for (int iter = 0; iter < 20000; iter++) {
		buf_reset(&in);
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 16) % 64;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = seed >> 16;
			char c = (r & 3) ? alphabet[(r >> 2) % (sizeof(alphabet) - 1)] : (char)(r >> 4);
			buf_putc(&in, c);
		}
		for (size_t l = 0; l < sizeof(langs) / sizeof(*langs); l++) {
			buf_reset(&out);
			buf_reset(&back);
			highlight_code(langs[l], in.data, in.len, &out);
			size_t opens = count(&out, "<span"), closes = count(&out, "</span>");
			if (!unhighlight(out.data, out.len, &back) || back.len != in.len ||
			    memcmp(back.data, in.data, in.len) || opens != closes) {
				if (bad++ < 3)
					fprintf(stderr, "fuzz: %s mangles input of %zu bytes\n", langs[l], in.len);
			}
		}
	}
	CHECK(bad == 0);
	buf_release(&in);
	buf_release(&out);
	buf_release(&back);
}

/* True when out[i] closes one of our tags: "</span>" or "<span class=\"hl-x\">". */
static bool tag_closes_at(const struct buf *out, size_t i)
{
	if (out->data[i] != '>' || i < 6)
		return false;
	return !memcmp(out->data + i - 6, "</span", 6) || !memcmp(out->data + i - 6, "\"hl-", 4);
}

/* Valid UTF-8 text (two- and three-byte characters among the ASCII the scanners care
 * about) in every language: no tag comes before a continuation byte, so no span splits
 * a character. */
static void test_fuzz_utf8(void)
{
	static const char *const pieces[] = {"\xc3\xa9", "\xe2\x82\xac", "\"", "'", "#", "-", "/", "*", "<", ">",
	                                     "&", ";", ":", "=", "[", "]", " ", "\n", "a", "if", "1", "@", "!", "."};
	const char *langs[] = {"nft", "sh", "console", "diff", "c", "python", "json", "yaml", "ini", "xml", "lua"};
	unsigned seed = 777;
	struct buf in = BUF_INIT, out = BUF_INIT;
	int bad = 0;
	for (int iter = 0; iter < 5000; iter++) {
		buf_reset(&in);
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 16) % 40;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf_puts(&in, pieces[(seed >> 16) % (sizeof(pieces) / sizeof(*pieces))]);
		}
		for (size_t l = 0; l < sizeof(langs) / sizeof(*langs); l++) {
			buf_reset(&out);
			highlight_code(langs[l], in.data, in.len, &out);
			for (size_t i = 0; i + 1 < out.len; i++) {
				unsigned char next = (unsigned char)out.data[i + 1];
				if (next >= 0x80 && next < 0xc0 && tag_closes_at(&out, i) && bad++ < 3)
					fprintf(stderr, "utf8: %s splits a character in «%s»\n", langs[l], out.data);
			}
		}
	}
	CHECK(bad == 0);
	buf_release(&in);
	buf_release(&out);
}

static int render_file(const char *lang, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 2;
	}
	struct buf src = BUF_INIT, out = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&src, chunk, n);
	fclose(f);
	highlight_code(lang, src.data, src.len, &out);
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&src);
	buf_release(&out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "render"))
		return render_file(argv[2], argv[3]);
	test_supported();
	test_nft();
	test_shell();
	test_console();
	test_diff();
	test_lex();
	test_long_lines();
	test_fuzz();
	test_fuzz_utf8();
	return unit_done();
}
