/* cmd_import: placeholder until the import command lands; it refuses clearly. */
#include "cmd.h"

#include <stdio.h>

int cmd_import(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("nfsite import: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}
