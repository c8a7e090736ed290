/* cmd_import: `nfsite import mediawiki|bugzilla …` dispatches to the importer. */
#include "cmd/cmd.h"
#include "import/bugzilla/import.h"
#include "import/mediawiki/import.h"

#include <stdio.h>
#include <string.h>

int cmd_import(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: nfsite import mediawiki|bugzilla [OPTIONS] (see nfsite help import)\n", stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "mediawiki"))
		return import_mediawiki_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bugzilla"))
		return import_bugzilla_main(argc - 1, argv + 1);
	fprintf(stderr, "nfsite import: unknown source '%s' (mediawiki or bugzilla)\n", argv[1]);
	return EXIT_USAGE;
}
