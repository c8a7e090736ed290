/* mime: extension → Content-Type. The table is small on purpose: it covers what a
 * built site holds; anything else is served as bytes (application/octet-stream). */
#include "base/mime.h"

#include <string.h>
#include <strings.h>

static const struct {
	const char *ext;
	const char *type;
} mime_table[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"json", "application/json"},
	{"xml", "application/xml"},
	{"atom", "application/atom+xml"},
	{"rss", "application/rss+xml"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"webp", "image/webp"},
	{"avif", "image/avif"},
	{"ico", "image/x-icon"},
	{"txt", "text/plain; charset=utf-8"},
	{"md", "text/plain; charset=utf-8"},
	{"nft", "text/plain; charset=utf-8"},
	{"patch", "text/plain; charset=utf-8"},
	{"diff", "text/plain; charset=utf-8"},
	{"sh", "text/plain; charset=utf-8"},
	{"conf", "text/plain; charset=utf-8"},
	{"pdf", "application/pdf"},
	{"woff2", "font/woff2"},
	{"woff", "font/woff"},
	{"ttf", "font/ttf"},
	{"gz", "application/gzip"},
	{"tgz", "application/gzip"},
	{"bz2", "application/x-bzip2"},
	{"xz", "application/x-xz"},
	{"zst", "application/zstd"},
	{"tar", "application/x-tar"},
	{"zip", "application/zip"},
	{"sig", "application/pgp-signature"},
	{"asc", "application/pgp-signature"},
	{"webmanifest", "application/manifest+json"},
	{"wasm", "application/wasm"},
	{"mp4", "video/mp4"},
	{"webm", "video/webm"},
};

const char *mime_type(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name)
		return "application/octet-stream";
	for (size_t i = 0; i < sizeof mime_table / sizeof mime_table[0]; i++)
		if (!strcasecmp(dot + 1, mime_table[i].ext))
			return mime_table[i].type;
	return "application/octet-stream";
}
