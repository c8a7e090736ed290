/* import_bugzilla: placeholder until the importer lands. */
#include "import_bugzilla.h"
#include "cmd.h"

#include <stdio.h>

int import_bugzilla_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("nfsite import bugzilla: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}
