/* opts: one table per command that both its parser and its help text come from, so
 * `nfsite help COMMAND` cannot miss an option the command accepts. Options are
 * "--name VALUE", "--name=VALUE" or a flag, each with an optional one-letter alias. */
#ifndef NFSITE_CMD_OPTS_H
#define NFSITE_CMD_OPTS_H

#include <stdio.h>

struct opt {
	const char *name;  /* "--source"; NULL ends a table */
	const char *alias; /* "-s", or NULL */
	const char *arg;   /* the value's placeholder ("DIR"), NULL for a flag */
	const char *help;  /* one description; "\n" starts a continuation line */
	int key;           /* what opts_next returns for it */
};

struct opts_spec {
	const char *name;     /* "build", "import bugzilla": error messages say "nfsite NAME: …" */
	const char *synopsis; /* the usage line(s), starting "usage: nfsite …" */
	const char *intro;    /* prose before the options, or NULL */
	const struct opt *opts;
	const char *outro;    /* prose after the options, or NULL */
};

#define OPTS_ARG (-2) /* opts_next: an argument that is no option */
#define OPTS_END (-3) /* opts_next: nothing left */

/* Reads argv[*i] (from *i = 1) and moves *i past it and its value: returns the option's
 * key with *value set (NULL for a flag), OPTS_ARG with *value the argument, OPTS_END when
 * done, or -1 after reporting an unknown option (with "did you mean") or a missing
 * value. "--" ends the options. */
int opts_next(const struct opts_spec *s, int argc, char **argv, int *i, const char **value);
/* The help: synopsis, intro, one aligned line per option, outro. */
void opts_help(const struct opts_spec *s, FILE *out);
/* Prints the synopsis line(s) to stderr and returns EXIT_USAGE, for usage errors. */
int opts_usage(const struct opts_spec *s);

#endif
