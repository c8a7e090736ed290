/* opts: the table-driven option parser and help printer of every command. */
#include "cmd/opts.h"
#include "base/suggest.h"
#include "cmd/cmd.h"

#include <string.h>

/* The column where descriptions start: wide enough for the longest "-x, --name ARG". */
#define HELP_COL 26

static const struct opt *find(const struct opts_spec *s, const char *a, size_t len)
{
	for (const struct opt *o = s->opts; o->name; o++)
		if ((strlen(o->name) == len && !strncmp(o->name, a, len)) ||
		    (o->alias && strlen(o->alias) == len && !strncmp(o->alias, a, len)))
			return o;
	return NULL;
}

int opts_next(const struct opts_spec *s, int argc, char **argv, int *i, const char **value)
{
	*value = NULL;
	if (*i >= argc)
		return OPTS_END;
	const char *a = argv[(*i)++];
	if (!strcmp(a, "--")) {
		if (*i >= argc)
			return OPTS_END;
		*value = argv[(*i)++];
		return OPTS_ARG;
	}
	if (a[0] != '-' || !a[1]) {
		*value = a;
		return OPTS_ARG;
	}
	const char *eq = !strncmp(a, "--", 2) ? strchr(a, '=') : NULL;
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	const struct opt *o = find(s, a, len);
	if (!o) {
		struct suggest sg = SUGGEST_INIT(a);
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)len, a);
		sg.word = name;
		for (const struct opt *p = s->opts; p->name; p++)
			suggest_try(&sg, p->name);
		if (sg.best)
			fprintf(stderr, "nfsite %s: unknown option '%s' (did you mean '%s'?)\n", s->name, name, sg.best);
		else
			fprintf(stderr, "nfsite %s: unknown option '%s' (see nfsite help %.*s)\n", s->name, name,
			        (int)strcspn(s->name, " "), s->name);
		return -1;
	}
	if (!o->arg) {
		if (eq) {
			fprintf(stderr, "nfsite %s: %s takes no value\n", s->name, o->name);
			return -1;
		}
		return o->key;
	}
	if (eq) {
		*value = eq + 1;
	} else if (*i < argc) {
		*value = argv[(*i)++];
	} else {
		fprintf(stderr, "nfsite %s: %s needs a value (%s)\n", s->name, o->name, o->arg);
		return -1;
	}
	return o->key;
}

void opts_help(const struct opts_spec *s, FILE *out)
{
	/* intro and options are one block: bash completion reads "mediawiki:" to a blank line */
	fputs(s->synopsis, out);
	if (s->intro || s->opts->name)
		fputc('\n', out);
	if (s->intro)
		fputs(s->intro, out);
	for (const struct opt *o = s->opts; o->name; o++) {
		int n = fprintf(out, "  %s%s%s%s%s", o->alias ? o->alias : "", o->alias ? ", " : "", o->name,
		                o->arg ? " " : "", o->arg ? o->arg : "");
		for (const char *h = o->help; *h;) {
			size_t len = strcspn(h, "\n");
			if (n >= HELP_COL) {
				fputc('\n', out);
				n = 0;
			}
			fprintf(out, "%*s%.*s\n", HELP_COL - n, "", (int)len, h);
			n = 0;
			h += len + (h[len] == '\n');
		}
	}
	if (s->outro)
		fprintf(out, "\n%s", s->outro);
}

int opts_usage(const struct opts_spec *s)
{
	fputs(s->synopsis, stderr);
	return EXIT_USAGE;
}
