/* cmd: the subcommands dispatched from main.c's table; each lives in its own cmd_*.c.
 * Each returns the process exit status: 0 ok, 1 content/data errors, 2 usage errors. */
#ifndef NFSITE_CMD_H
#define NFSITE_CMD_H

#define EXIT_CONTENT 1
#define EXIT_USAGE 2

int cmd_init(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_new(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_wikitext(int argc, char **argv);

#endif
