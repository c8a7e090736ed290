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

/* Each command's option table and help (cmd/opts.h), defined beside its parser. */
struct opts_spec;
extern const struct opts_spec init_spec, build_spec, new_spec, serve_spec, check_spec,
	import_mediawiki_spec, import_bugzilla_spec, wikitext_spec;

#endif
