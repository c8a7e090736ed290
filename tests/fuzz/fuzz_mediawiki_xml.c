/* fuzz_mediawiki_xml: mediawiki_xml_read over arbitrary bytes (plain or gzip: the
 * reader goes through gzread), into a fresh staging wiki; when the export reads, the
 * template and link lookups run on it too. The reader takes a path, so the input
 * reaches it through a memfd (fuzz_util.h). */
#include "base/buf.h"
#include "import/mediawiki/wiki.h"
#include "base/log.h"
#include "import/mediawiki/xml.h"

#include "fuzz_util.h"

#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_quiet = true;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_memfd_path(data, size);
	struct mw_wiki *w = NULL;
	if (mw_wiki_new("fuzz.xml", &w) < 0)
		__builtin_trap();
	if (mediawiki_xml_read(w, path) == 0) {
		struct buf b = BUF_INIT;
		(void)mw_wiki_template(w, "Foo", &b);
		buf_reset(&b);
		(void)mw_wiki_link_target(w, "Main Page", &b);
		buf_release(&b);
	}
	mw_wiki_free(w);
	return 0;
}
