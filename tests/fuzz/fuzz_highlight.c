/* fuzz_highlight: highlight_code in every language (the first byte picks it).
 * Oracle: the output is the input escaped with balanced spans added: taking out our
 * tags and undoing the five escapes gives the input back byte for byte, and nothing
 * else in it is markup ('<', '>', '"' or '\'' raw). */
#include "base/buf.h"
#include "base/highlight.h"

#include <stdint.h>
#include <string.h>

static const char *const langs[] = {"nft", "sh", "console", "diff", "c", "cpp", "python",
                                    "json", "yaml", "ini", "xml", "html", "lua", "text"};
#define NLANGS (sizeof langs / sizeof *langs)

static void check_round_trip(const char *in, size_t n, const struct buf *out)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	const char *p = out->data, *end = out->data + out->len;
	size_t k = 0;
	long depth = 0;
	while (p < end) {
		if ((size_t)(end - p) >= 19 && !memcmp(p, "<span class=\"hl-", 16) && !memcmp(p + 17, "\">", 2)) {
			if (depth++)
				__builtin_trap(); /* spans never nest */
			p += 19;
		} else if ((size_t)(end - p) >= 7 && !memcmp(p, "</span>", 7)) {
			if (--depth < 0)
				__builtin_trap();
			p += 7;
		} else {
			char c = *p;
			size_t step = 1;
			if (c == '&') {
				size_t i;
				for (i = 0; i < 5; i++) {
					size_t el = strlen(ents[i].ent);
					if ((size_t)(end - p) >= el && !memcmp(p, ents[i].ent, el))
						break;
				}
				if (i == 5)
					__builtin_trap();
				c = ents[i].c;
				step = strlen(ents[i].ent);
			} else if (c == '<' || c == '>' || c == '"' || c == '\'') {
				__builtin_trap();
			}
			if (k >= n || in[k] != c)
				__builtin_trap();
			k++;
			p += step;
		}
	}
	if (k != n || depth)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *lang = langs[data[0] % NLANGS];
	struct buf out = BUF_INIT;
	highlight_code(lang, (const char *)data + 1, size - 1, &out);
	check_round_trip((const char *)data + 1, size - 1, &out);
	buf_release(&out);
	return 0;
}
