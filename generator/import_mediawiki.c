/* import_mediawiki: placeholder until the importer lands. */
#include "import_mediawiki.h"
#include "cmd.h"

#include <stdio.h>

int import_mediawiki_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("nfsite import mediawiki: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}
