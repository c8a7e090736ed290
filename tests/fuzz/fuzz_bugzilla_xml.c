/* fuzz_bugzilla_xml: bugzilla_xml_read over arbitrary bytes into a fresh import stage
 * (attachments above 64 bytes become placeholders, so both paths run). The reader
 * takes a path, so the input reaches it through a memfd (fuzz_util.h). */
#include "import/bugzilla/xml.h"
#include "import/bugzilla/stage.h"
#include "base/log.h"

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
	struct bz_opts opts = {.timezone = "UTC", .max_attachment = 64};
	struct bz_stage *st = bz_stage_new("fuzz.xml", &opts);
	if (!st)
		__builtin_trap();
	(void)bugzilla_xml_read(st, path);
	bz_stage_free(st);
	return 0;
}
