/* cmd_serve: placeholder until the serve command lands; it refuses clearly. */
#include "cmd.h"

#include <stdio.h>

int cmd_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("nfsite serve: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}
