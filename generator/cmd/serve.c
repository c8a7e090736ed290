/* cmd_serve: options of `nfsite serve`, then serve_run(). */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "serve/serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static const struct opt serve_options[] = {
	{"--source", NULL, "DIR", "site folder (default .)", 's'},
	{"--bind", NULL, "ADDR", "address to listen on (default 127.0.0.1)", 'b'},
	{"--port", NULL, "N", "port (default 1313); when it is busy the next free one of a few", 'p'},
	{"--drafts", NULL, NULL, "include drafts", 'D'},
	{"--broken-links", NULL, "error|warn", "broken links and #anchors fail each build, or are warnings (as for build)", 'L'},
	{"--open", NULL, NULL, "open the site in a browser", 'o'},
	{"--threads", NULL, "N", "request threads, 1-256 (default: number of cores)", 't'},
	{"--dir", NULL, "DIR", "serve an already built folder: no build, no watch", 'd'},
	{NULL, NULL, NULL, NULL, 0},
};

const struct opts_spec serve_spec = {
	"serve",
	"usage: nfsite serve [--source DIR] [--bind ADDR] [--port N] [--drafts] [--open]\n"
	"                    [--broken-links error|warn] [--threads N] [--dir DIR]\n",
	NULL,
	serve_options,
	NULL,
};

int cmd_serve(int argc, char **argv)
{
	struct serve_opts o = {.port = 1313};
	const char *v;
	int c, i = 1;
	while ((c = opts_next(&serve_spec, argc, argv, &i, &v)) != OPTS_END) {
		switch (c) {
		case 'D': o.drafts = true; break;
		case 'L':
			if (!(o.broken_links = config_link_policy(v))) {
				fprintf(stderr, "nfsite serve: --broken-links wants error or warn, not '%s'\n", v);
				return EXIT_USAGE;
			}
			break;
		case 'o': o.open = true; break;
		case 's': o.source = v; break;
		case 'd': o.dir = v; break;
		case 'b': o.bind = v; break;
		case 'p':
			if (parse_int(v, 0, 65535, &o.port) < 0) {
				fprintf(stderr, "nfsite serve: --port wants 0..65535, not '%s'\n", v);
				return EXIT_USAGE;
			}
			break;
		case 't':
			if (parse_int(v, 1, 256, &o.threads) < 0) {
				fprintf(stderr, "nfsite serve: --threads wants 1..256, not '%s'\n", v);
				return EXIT_USAGE;
			}
			break;
		case OPTS_ARG:
			fprintf(stderr, "nfsite serve: unexpected argument '%s'\n", v);
			return opts_usage(&serve_spec);
		default:
			return opts_usage(&serve_spec);
		}
	}
	if (o.dir && (o.source || o.drafts || o.broken_links)) {
		fputs("nfsite serve: --dir serves a built folder; it takes no --source, --drafts or --broken-links\n", stderr);
		return EXIT_USAGE;
	}
	return serve_run(&o) < 0 ? EXIT_CONTENT : 0;
}
