/* cmd_wikitext: placeholder until the wikitext command lands; it refuses clearly. */
#include "cmd.h"

#include <stdio.h>

int cmd_wikitext(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("nfsite wikitext: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}
