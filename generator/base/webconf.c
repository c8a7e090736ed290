/* webconf: quoting for generated nginx and Apache configuration, and the nginx map
 * settings. See webconf.h. */
#include "base/webconf.h"
#include "base/buf.h"

#include <ctype.h>
#include <string.h>

/* A key longer than a bucket is fatal (nginx -t fails); too few buckets only costs a
 * warning and a slower table. 2048-byte buckets hold any key up to WEBCONF_KEY_MAX;
 * 262,144 of them hold millions of keys, and a map of more than 2,621 keys costs 2 MB
 * (nginx then tries sizes from max_size - 1000 up, quickly). */
const char webconf_nginx_map_settings[] =
	"# Sizes for every map nfsite writes; nginx takes them at the first map of http {}.\n"
	"map_hash_bucket_size 2048;\n"
	"map_hash_max_size 262144;\n";

bool webconf_key_fits(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if (*p < 0x20 || *p == 0x7f || n >= WEBCONF_KEY_MAX)
			return false;
	return true;
}

/* The words a map reads as its own parameters rather than as a key. */
static bool map_keyword(const char *s)
{
	return !strcmp(s, "default") || !strcmp(s, "hostnames") || !strcmp(s, "include") ||
	       !strcmp(s, "volatile");
}

void webconf_nginx_quote(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	if (*s == '~' || map_keyword(s))
		buf_putc(b, '\\');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void webconf_nginx_arg_key(struct buf *b, const char *s)
{
	if (map_keyword(s))
		buf_putc(b, '\\');
	for (; *s; s++) {
		if (*s == '~')
			buf_puts(b, "%7E");
		else
			buf_add_urlenc(b, s, 1);
	}
}

void webconf_regex_literal(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p >= 0x80 || strchr("/_-,:;@!~%=&'<>", *p))
			buf_putc(b, *p);
		else if (strchr(".^$*+?()[]{}|", *p))
			buf_printf(b, "\\%c", *p);
		else
			buf_printf(b, "\\x%02x", *p);
	}
}

void webconf_apache_subst(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '%' || *s == '$' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
}
