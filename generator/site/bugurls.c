/* bugurls: the bug tracker's old URLs kept working on a static host: show_bug.cgi/,
 * attachment.cgi/ and buglist.cgi/ as forwarders (index.html with JavaScript that maps
 * the query string to the archived page), and in REDIRECTS_DIR bugs.nginx.conf,
 * bugs-server.nginx.conf, bugs.apache.conf for server-side redirects and attachment
 * headers, plus the _redirects lines. */
#include "site/bugpages.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/webconf.h"
#include "site/bugrefs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char forward_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta name=\"robots\" content=\"noindex\">\n<title>Bug archive</title>\n<script>\n(function () {\n"
	/* the folder above NAME.cgi/: the site's base path, whatever it is */
	"var base = location.pathname.replace(/[^\\/]*\\.cgi(\\/(index\\.html)?)?$/, \"\");\n";
static const char forward_tail[] =
	"</script>\n</head>\n<body>\n<noscript><p>The bug tracker is now a read-only archive: "
	"<a href=\"../bugs/\">list of all bugs</a>.</p></noscript>\n</body>\n</html>\n";

/* Each forwarder reads location.search with URLSearchParams; targets come from a map
 * (aliases, attachments, products) or a numeric id, never from the query string. A
 * folder NAME.cgi/ with index.html, not a file NAME.cgi: every server, default nginx and
 * python3 -m http.server too, sends it as text/html (after a slash redirect that keeps
 * the query string). */
int bugurls_forwarders(struct bug_archive *r)
{
	/* script-safe: a name holding "</script>" cannot end the element early */
	struct json *js = json_new(true);
	struct buf b = BUF_INIT;
	int rc;
	buf_puts(&b, forward_head);
	buf_puts(&b, "var aliases = {");
	size_t n = 0;
	for (size_t i = 0; i < r->nbugs; i++) {
		if (!*r->bugs[i].alias)
			continue;
		char *copy = xstrdup(r->bugs[i].alias), *save = NULL;
		for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
			buf_puts(&b, n++ ? ",\n" : "\n");
			json_cstring(js, &b, tok);
			buf_printf(&b, ": %ld", r->bugs[i].id);
		}
		free(copy);
	}
	buf_puts(&b, "};\nvar id = new URLSearchParams(location.search).get(\"id\") || \"\";\n"
		     "var hash = /^#c[0-9]+$/.test(location.hash) ? location.hash : \"\";\n"
		     "if (Object.prototype.hasOwnProperty.call(aliases, id)) id = String(aliases[id]);\n"
		     "location.replace(base + (/^[0-9]+$/.test(id) ? \"bugs/\" + id + \"/\" + hash : \"bugs/\"));\n"
		     "})();\n");
	buf_puts(&b, forward_tail);
	rc = r->sink->add_file(r->sink->arg, "show_bug.cgi/index.html", b.data, b.len);

	buf_reset(&b);
	buf_puts(&b, forward_head);
	buf_puts(&b, "var files = {");
	n = 0;
	for (size_t i = 0; i < r->natts; i++) {
		struct buf u = BUF_INIT;
		if (r->atts[i].present)
			bugrefs_attachment_url(&u, &r->atts[i]);
		else
			buf_printf(&u, "/bugs/%ld/#a%ld", r->atts[i].bug_id, r->atts[i].id);
		buf_printf(&b, "%s\"%ld\": ", n++ ? ",\n" : "\n", r->atts[i].id);
		json_cstring(js, &b, u.data + 1);
		buf_release(&u);
	}
	buf_puts(&b, "};\nvar id = new URLSearchParams(location.search).get(\"id\") || \"\";\n"
		     "location.replace(base + (Object.prototype.hasOwnProperty.call(files, id) ? files[id] : \"bugs/\"));\n"
		     "})();\n");
	buf_puts(&b, forward_tail);
	if (rc == 0)
		rc = r->sink->add_file(r->sink->arg, "attachment.cgi/index.html", b.data, b.len);

	buf_reset(&b);
	buf_puts(&b, forward_head);
	buf_puts(&b, "var products = {");
	for (size_t i = 0; i < r->nproducts; i++) {
		buf_puts(&b, i ? ",\n" : "\n");
		json_cstring(js, &b, r->products[i].name);
		buf_puts(&b, ": ");
		json_cstring(js, &b, r->products[i].slug);
	}
	buf_puts(&b, "};\nvar p = new URLSearchParams(location.search).get(\"product\") || \"\";\n"
		     "location.replace(base + (Object.prototype.hasOwnProperty.call(products, p) ?"
		     " \"bugs/product/\" + products[p] + \"/\" : \"bugs/\"));\n})();\n");
	buf_puts(&b, forward_tail);
	if (rc == 0)
		rc = r->sink->add_file(r->sink->arg, "buglist.cgi/index.html", b.data, b.len);
	buf_release(&b);
	json_free(js);
	return rc;
}

/* Apache: a query parameter's value as a regex literal, escaping all but [A-Za-z0-9];
 * a space matches "%20" and the "+" that forms send. */
static void apache_query_cond(struct buf *ap, const char *param, const char *enc)
{
	buf_printf(ap, "RewriteCond %%{QUERY_STRING} (?:^|&)%s=", param);
	for (const char *p = enc; *p; p++) {
		if (!strncmp(p, "%20", 3)) {
			buf_puts(ap, "(?:%20|\\+)");
			p += 2;
			continue;
		}
		if (!isalnum((unsigned char)*p))
			buf_putc(ap, '\\');
		buf_putc(ap, *p);
	}
	buf_puts(ap, "(?:&|$)\n");
}

/* Attachment headers for both servers: under /bugs/attachments/ the inert types are
 * stated, nothing is sniffed or run, and each file off the list is sent with the type
 * the archive recorded (made safe by served_type) as a download. */
static void attachment_rules(const struct bug_archive *r, struct buf *ng, struct buf *ap)
{
	const char *bp = r->sink->base_path;
	buf_printf(ng, "# Attachments: the listed types keep theirs; every other file is a download of\n"
		       "# the type the archive recorded, never sniffed. ^~ keeps regex locations (PHP) out.\n"
		       "location ^~ %s/bugs/attachments/ {\n\ttypes {\n", bp);
	buf_printf(ap, "<Location \"%s/bugs/attachments/\">\n\tSetHandler default-handler\n"
		       "\tOptions -ExecCGI -Includes\n\tHeader always set X-Content-Type-Options nosniff\n", bp);
	for (size_t i = 0; i < bug_ninert; i++) {
		buf_printf(ng, "\t\t%s %s;\n", bug_inert_types[i].type, bug_inert_types[i].ext);
		buf_printf(ap, "\tAddType %s .%s\n", bug_inert_types[i].type, bug_inert_types[i].ext);
	}
	buf_puts(ng, "\t}\n\tdefault_type application/octet-stream;\n"
		     "\tadd_header X-Content-Type-Options nosniff always;\n");
	buf_puts(ap, "</Location>\n");
	struct buf u = BUF_INIT;
	for (size_t i = 0; i < r->natts; i++) {
		const struct att_ref *a = &r->atts[i];
		if (!a->present || !a->type)
			continue;
		buf_reset(&u);
		bugrefs_attachment_url(&u, a);
		/* add_header in a location drops the outer ones: nosniff again */
		buf_printf(ng, "\tlocation = %s%s {\n\t\tdefault_type %s;\n"
			       "\t\tadd_header X-Content-Type-Options nosniff always;\n"
			       "\t\tadd_header Content-Disposition attachment always;\n\t}\n", bp, u.data, a->type);
		buf_printf(ap, "<Location \"%s%s\">\n\tForceType %s\n"
			       "\tHeader always set Content-Disposition attachment\n</Location>\n", bp, u.data, a->type);
	}
	buf_puts(ng, "}\n");
	buf_release(&u);
}

/* Old Bugzilla URLs and attachment headers, in REDIRECTS_DIR: bugs.nginx.conf (maps, for
 * http {}), bugs-server.nginx.conf (locations, for server {}) and bugs.apache.conf (for
 * <VirtualHost>); every one also a _redirects line. Keys too long for a map are left
 * out; the static forwarders still answer them. All paths under the base path. */
int bugurls_redirect_maps(struct bug_archive *r)
{
	const struct bugpages_sink *k = r->sink;
	const char *bp = k->base_path;
	/* the Apache pattern of the base path: "^/?sub/" */
	struct buf ng = BUF_INIT, ngs = BUF_INIT, ap = BUF_INIT, enc = BUF_INIT, rx = BUF_INIT, t = BUF_INIT;
	buf_puts(&rx, "^/?");
	if (*bp) {
		webconf_regex_literal(&rx, bp + 1);
		buf_putc(&rx, '/');
	}
	buf_printf(&ng, "# Bugzilla → bug archive redirects, generated by nfsite. Include inside http {},\n"
		       "# after aliases.nginx.conf (it sizes the maps); bugs-server.nginx.conf goes in\n"
		       "# server {}. Browsers keep a #cN fragment across the redirect.\n\n"
		       "map $arg_id $nfsite_bug_url {\n\tdefault %s/bugs/;\n", bp);
	buf_printf(&ngs, "# Bugzilla → bug archive, generated by nfsite. Include inside server {}; the maps\n"
		       "# come from bugs.nginx.conf in http {}.\n"
		       "location = %s/show_bug.cgi { return 301 $nfsite_bug_url; }\n"
		       "location = %s/attachment.cgi { return 301 $nfsite_attachment_url; }\n"
		       "location = %s/buglist.cgi { return 301 $nfsite_buglist_url; }\n", bp, bp, bp);
	buf_printf(&ap, "# Bugzilla → bug archive redirects and attachment headers, generated by nfsite.\n"
		       "# Include inside <VirtualHost> (needs mod_rewrite and mod_headers). Browsers keep\n"
		       "# a #cN fragment across the redirect.\n"
		       "RewriteEngine On\n"
		       "RewriteCond %%{QUERY_STRING} (?:^|&)id=([0-9]+)(?:&|$)\n"
		       "RewriteRule %sshow_bug\\.cgi/?$ %s/bugs/%%1/? [R=301,L]\n", rx.data, bp);
	for (size_t i = 0; i < r->nbugs; i++) {
		buf_printf(&ng, "\t%ld %s/bugs/%ld/;\n", r->bugs[i].id, bp, r->bugs[i].id);
		buf_reset(&t);
		buf_printf(&t, "/bugs/%ld/", r->bugs[i].id);
		buf_reset(&enc);
		buf_printf(&enc, "id=%ld", r->bugs[i].id);
		k->add_redirect(k->arg, "/show_bug.cgi", enc.data, t.data);
		if (!*r->bugs[i].alias)
			continue;
		char *copy = xstrdup(r->bugs[i].alias), *save = NULL;
		for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
			buf_reset(&enc);
			webconf_nginx_arg_key(&enc, tok);
			if (!webconf_key_fits(enc.data))
				continue;
			buf_printf(&ng, "\t%s %s/bugs/%ld/;\n", enc.data, bp, r->bugs[i].id);
			apache_query_cond(&ap, "id", enc.data);
			buf_printf(&ap, "RewriteRule %sshow_bug\\.cgi/?$ %s/bugs/%ld/? [R=301,L]\n", rx.data, bp,
				   r->bugs[i].id);
			buf_reset(&enc);
			buf_puts(&enc, "id=");
			buf_add_urlenc(&enc, tok, strlen(tok));
			k->add_redirect(k->arg, "/show_bug.cgi", enc.data, t.data);
		}
		free(copy);
	}
	buf_printf(&ng, "}\n\nmap $arg_id $nfsite_attachment_url {\n\tdefault %s/bugs/;\n", bp);
	buf_printf(&ap, "RewriteRule %sshow_bug\\.cgi/?$ %s/bugs/? [R=301,L]\n", rx.data, bp);
	for (size_t i = 0; i < r->natts; i++) {
		buf_reset(&t);
		if (r->atts[i].present)
			bugrefs_attachment_url(&t, &r->atts[i]);
		else
			buf_printf(&t, "/bugs/%ld/", r->atts[i].bug_id);
		buf_printf(&ng, "\t%ld %s%s;\n", r->atts[i].id, bp, t.data);
		buf_printf(&ap, "RewriteCond %%{QUERY_STRING} (?:^|&)id=%ld(?:&|$)\n"
			       "RewriteRule %sattachment\\.cgi/?$ %s%s? [R=301,L]\n", r->atts[i].id, rx.data, bp, t.data);
		buf_reset(&enc);
		buf_printf(&enc, "id=%ld", r->atts[i].id);
		k->add_redirect(k->arg, "/attachment.cgi", enc.data, t.data);
	}
	buf_printf(&ng, "}\n\nmap $arg_product $nfsite_buglist_url {\n\tdefault %s/bugs/;\n", bp);
	buf_printf(&ap, "RewriteRule %sattachment\\.cgi/?$ %s/bugs/? [R=301,L]\n", rx.data, bp);
	for (size_t i = 0; i < r->nproducts; i++) {
		buf_reset(&enc);
		webconf_nginx_arg_key(&enc, r->products[i].name);
		if (!webconf_key_fits(enc.data))
			continue;
		buf_printf(&ng, "\t%s %s/bugs/product/%s/;\n", enc.data, bp, r->products[i].slug);
		if (strstr(enc.data, "%20")) {
			/* forms send spaces as '+' */
			buf_putc(&ng, '\t');
			for (const char *p = enc.data; *p; p++) {
				if (!strncmp(p, "%20", 3)) {
					buf_putc(&ng, '+');
					p += 2;
				} else {
					buf_putc(&ng, *p);
				}
			}
			buf_printf(&ng, " %s/bugs/product/%s/;\n", bp, r->products[i].slug);
		}
		apache_query_cond(&ap, "product", enc.data);
		buf_printf(&ap, "RewriteRule %sbuglist\\.cgi/?$ %s/bugs/product/%s/? [R=301,L]\n", rx.data, bp,
			   r->products[i].slug);
		buf_reset(&t);
		buf_printf(&t, "/bugs/product/%s/", r->products[i].slug);
		buf_reset(&enc);
		buf_puts(&enc, "product=");
		buf_add_urlenc(&enc, r->products[i].name, strlen(r->products[i].name));
		k->add_redirect(k->arg, "/buglist.cgi", enc.data, t.data);
	}
	buf_puts(&ng, "}\n");
	buf_printf(&ap, "RewriteRule %sbuglist\\.cgi/?$ %s/bugs/? [R=301,L]\n", rx.data, bp);
	attachment_rules(r, &ngs, &ap);
	int rc = k->add_file(k->arg, REDIRECTS_DIR "bugs.nginx.conf", ng.data, ng.len);
	if (rc == 0)
		rc = k->add_file(k->arg, REDIRECTS_DIR "bugs-server.nginx.conf", ngs.data, ngs.len);
	if (rc == 0)
		rc = k->add_file(k->arg, REDIRECTS_DIR "bugs.apache.conf", ap.data, ap.len);
	buf_release(&ng);
	buf_release(&ngs);
	buf_release(&ap);
	buf_release(&enc);
	buf_release(&rx);
	buf_release(&t);
	return rc;
}
