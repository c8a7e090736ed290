/* cmd_serve: options of `nfsite serve`, then serve_run(). */
#include "cmd/cmd.h"
#include "serve/serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int serve_usage(void)
{
	fputs("usage: nfsite serve [--source DIR] [--bind ADDR] [--port N] [--drafts] [--open]\n", stderr);
	return EXIT_USAGE;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_opts o = {.port = 1313};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--drafts")) {
			o.drafts = true;
		} else if (!strcmp(a, "--open")) {
			o.open = true;
		} else if (!strcmp(a, "--source") && v) {
			o.source = v;
			i++;
		} else if (!strcmp(a, "--dir") && v) {
			/* hidden: serve an already built folder, no build, no watch */
			o.dir = v;
			i++;
		} else if (!strcmp(a, "--bind") && v) {
			o.bind = v;
			i++;
		} else if (!strcmp(a, "--port") && v) {
			if (parse_int(v, 0, 65535, &o.port) < 0) {
				fprintf(stderr, "nfsite serve: --port wants 0..65535, not '%s'\n", v);
				return EXIT_USAGE;
			}
			i++;
		} else if (!strcmp(a, "--threads") && v) {
			if (parse_int(v, 1, 256, &o.threads) < 0) {
				fprintf(stderr, "nfsite serve: --threads wants 1..256, not '%s'\n", v);
				return EXIT_USAGE;
			}
			i++;
		} else {
			fprintf(stderr, "nfsite serve: unknown or incomplete option '%s'\n", a);
			return serve_usage();
		}
	}
	if (o.dir && (o.source || o.drafts)) {
		fputs("nfsite serve: --dir serves a built folder; it takes no --source or --drafts\n", stderr);
		return EXIT_USAGE;
	}
	return serve_run(&o) < 0 ? EXIT_CONTENT : 0;
}
