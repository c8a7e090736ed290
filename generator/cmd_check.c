/* cmd_check: placeholder until the check command lands; it refuses clearly. */
#include "cmd.h"

#include <stdio.h>

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("nfsite check: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}
