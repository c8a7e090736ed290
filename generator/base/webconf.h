/* webconf: the nginx and Apache configuration text nfsite writes (alias, wiki and
 * Bugzilla redirect maps, attachment headers). One place for the quoting, so no
 * imported string can end a token or start a directive, and for the map settings
 * every generated nginx map relies on. */
#ifndef NFSITE_WEBCONF_H
#define NFSITE_WEBCONF_H

#include <stdbool.h>

struct buf;

/* nginx reads map_hash_bucket_size and map_hash_max_size once per http {} block, at its
 * first map, and its defaults (64, 2048) fail on a key longer than about 46 bytes or on
 * a few thousand keys. _nfsite/redirects/aliases.nginx.conf opens with these lines (see
 * CONFIG.md): buckets for any key up to WEBCONF_KEY_MAX, and room for millions of keys. A
 * longer key is left out of every map (webconf_key_fits). */
#define WEBCONF_KEY_MAX 1000
extern const char webconf_nginx_map_settings[];

/* True when s fits in a map key or a rewrite pattern: at most WEBCONF_KEY_MAX bytes and
 * no control character. */
bool webconf_key_fits(const char *s);

/* s as an nginx double-quoted string: '"' and '\' escaped, a leading '~' or one of a
 * map's keywords escaped, so a title is never taken for a regex or a parameter. */
void webconf_nginx_quote(struct buf *b, const char *s);

/* s as a map key compared with a query argument ($arg_NAME, which nginx keeps
 * percent-encoded): percent-encoded like buf_add_urlenc, '~' too (a leading one would
 * start a regex), and a map keyword escaped. Needs no quotes. */
void webconf_nginx_arg_key(struct buf *b, const char *s);

/* s as a PCRE matching it literally: metacharacters backslash-escaped, spaces, quotes
 * and backslashes as \xHH (nothing a config parser could take for a quote). */
void webconf_regex_literal(struct buf *b, const char *s);

/* s as an Apache RewriteRule substitution: '%', '$' and '\' escaped, so nothing in it
 * is a back-reference. */
void webconf_apache_subst(struct buf *b, const char *s);

#endif
