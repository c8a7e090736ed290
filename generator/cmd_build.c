/* cmd_build: placeholder */
#include "cmd.h"
int cmd_build(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
int cmd_new(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
