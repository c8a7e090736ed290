/* translate_test: which blocks get an nft translation (translate_wanted, no translator
 * needed), and with the translators on PATH, what a few lines become. Run by
 * t2120-translate.sh; `translate_test wanted` runs only the part that needs no tools. */
#include "unit.h"

#include "base/buf.h"
#include "site/translate.h"

#include <stdlib.h>

static bool wanted(const char *lang, const char *code)
{
	return translate_wanted(lang, code, strlen(code));
}

static void test_wanted(void)
{
	CHECK(wanted("iptables", "iptables -A INPUT -j ACCEPT\n"));
	CHECK(wanted("iptables", "-A INPUT -j ACCEPT\n"));
	CHECK(wanted("iptables", "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"));
	CHECK(wanted("iptables-save", "*nat\nCOMMIT\n"));
	CHECK(wanted("ipset", "create foo hash:ip\n"));
	CHECK(wanted("ebtables", "ebtables -A FORWARD -j DROP\n"));
	CHECK(wanted("sh", "# comment\n\nsudo iptables -A INPUT -j ACCEPT\nipset add foo 1.2.3.4\n"));
	CHECK(wanted("", "% iptables -A INPUT -j ACCEPT\n"));
	CHECK(wanted("bash", "iptables -A INPUT \\\n  -p tcp -j ACCEPT\n"));
	CHECK(wanted("console", "# iptables -A INPUT -j ACCEPT\n$ ip6tables-nft -A INPUT -j ACCEPT\n"));
	CHECK(wanted("sh", "iptables -A INPUT -m comment --comment 'a; b' -j ACCEPT # why\n"));
	/* anything else the shell would run, or output, keeps the block as it is */
	CHECK(!wanted("sh", "modprobe x\niptables -A INPUT -j ACCEPT\n"));
	CHECK(!wanted("sh", "iptables-save > rules.v4\n"));
	CHECK(!wanted("sh", "iptables -A INPUT -j ACCEPT; echo done\n"));
	CHECK(!wanted("sh", "iptables -A INPUT -s $(cat ip) -j DROP\n"));
	CHECK(!wanted("sh", "iptables -L | grep x\n"));
	CHECK(!wanted("console", "$ iptables -V\niptables v1.8.9 (nf_tables)\n"));
	CHECK(!wanted("sh", "# only a comment\n"));
	CHECK(!wanted("nft", "add rule ip filter INPUT accept\n"));
	CHECK(!wanted("python", "iptables -A INPUT -j ACCEPT\n"));
	CHECK(!wanted("sh", "iptables-translate -A INPUT -j ACCEPT\n"));
	CHECK(!wanted("iptables", "\n# nothing\n"));
}

static char *translate(struct translator *t, const char *lang, const char *code)
{
	struct buf out = BUF_INIT;
	if (translate_block(t, lang, code, strlen(code), &out) < 0) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

static void test_translate(void)
{
	struct translator *t = translator_new();
	char *s = translate(t, "sh", "iptables -A INPUT -p tcp --dport 22 -j ACCEPT # ssh\n");
	CHECK_STR(s, "add rule ip filter INPUT tcp dport 22 counter accept # ssh\n");
	free(s);
	s = translate(t, "iptables", "iptables -A INPUT \\\n  -i lo -j ACCEPT\niptables -Z\n");
	CHECK_STR(s, "add rule ip filter INPUT iifname \"lo\" counter accept\n"
	             "# untranslated: iptables -Z (Translation not implemented)\n");
	free(s);
	s = translate(t, "ipset", "ipset create a hash:ip\nipset create b hash:ip\nipset add b 192.0.2.1\n");
	CHECK_STR(s, "add table inet global\nadd set inet global a { type ipv4_addr; }\n"
	             "add set inet global b { type ipv4_addr; }\nadd element inet global b { 192.0.2.1 }\n");
	free(s);
	/* ipset-translate's list:set is no nft: shown as its comment, never as a rule */
	s = translate(t, "ipset", "create a hash:ip\ncreate l list:set\nadd l a\n");
	CHECK_STR(s, "add table inet global\nadd set inet global a { type ipv4_addr; }\n"
	             "# invalid translation: add set inet global l { type unknown; } (no nftables set type for it)\n"
	             "# invalid translation: add element inet global l { } (no element)\n");
	free(s);
	CHECK(!translate(t, "sh", "iptables -V\n"));
	translator_free(t);
}

int main(int argc, char **argv)
{
	test_wanted();
	if (argc < 2 || strcmp(argv[1], "wanted"))
		test_translate();
	return unit_done();
}
