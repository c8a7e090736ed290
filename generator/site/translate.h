/* translate: the nftables translation of an iptables-family code block, made at build
 * time by netfilter's own translators run as subprocesses (no shell): iptables-translate,
 * ip6tables-translate, ebtables-translate, arptables-translate (one per command line),
 * iptables-restore-translate and ip6tables-restore-translate (iptables-save output on
 * stdin), ipset-translate (ipset commands as `ipset-translate restore` input).
 *
 * Blocks translated: fences `iptables`, `ip6tables`, `ebtables`, `arptables`,
 * `iptables-save`, `ip6tables-save`, `ipset`, and shell blocks (sh, bash, shell, console,
 * or no language) made only of such commands. A line a translator refuses becomes a
 * comment naming it and the translator's message; a translator's own `# …` comment for
 * what it cannot express is kept: nothing is dropped.
 *
 * Results are kept in a translate_store (the build cache) by block text and the identity of the
 * translator binaries (path, size, mtime, inode: a package upgrade changes it), so a
 * rebuild runs no translator for a block it saw before. */
#ifndef NFSITE_TRANSLATE_H
#define NFSITE_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct translator;

/* Where translations are kept between builds (site.c hands in the build cache's table,
 * so this module needs no cache of its own). get returns a string the caller frees, or
 * NULL when key is unknown. */
struct translate_store {
	char *(*get)(void *arg, uint64_t key);
	void (*put)(void *arg, uint64_t key, const char *nft);
	void *arg;
};

/* Looks the translators up on PATH (no subprocess yet). */
struct translator *translator_new(void);
/* Where translations are kept between builds; NULL for none. */
void translator_set_store(struct translator *t, const struct translate_store *store);
/* Which translators this build has, for the site key (installing one renders again). */
uint64_t translator_key(const struct translator *t);
/* True when a block of fence language lang (first word of the info string, "" for none)
 * is one to translate. */
bool translate_wanted(const char *lang, const char *code, size_t len);
/* The name of the source tab for lang's block ("iptables", "ipset", …). */
const char *translate_source_name(const char *lang, const char *code, size_t len);
/* Appends the nft translation of a wanted block to out (plain text) and returns 0, or
 * returns -1 when there is none to show: a translator it needs is not installed (noted
 * for translator_free's warning), or no line translated (`iptables -V`). Thread-safe. */
int translate_block(struct translator *t, const char *lang, const char *code, size_t len, struct buf *out);
/* Warns once when blocks went untranslated for want of a translator, and frees t. */
void translator_free(struct translator *t);

#endif
