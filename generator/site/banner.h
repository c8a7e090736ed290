/* banner: site-wide banners defined as data in site.lua, evaluated per page at build time.
 *   banners = { { id=, level= "info"|"notice"|"warning"|"deprecation", message= (Markdown),
 *                 link=, link_text=, start= "YYYY-MM-DD", ["end"]= "YYYY-MM-DD",
 *                 deadline= "YYYY-MM-DD", dismissible= bool, order= int,
 *                 match= RULE }, … }
 *   RULE = { path= "glob" | {globs}, section= "/docs/" | {…}, tag= "x" | {…},
 *            kind= "bug" | {…}, param= { key = value }, source= "regex",
 *            lua= function(page) return bool end, all= {RULE…}, any= {RULE…}, ["not"]= RULE }
 *   (several keys in one table must all hold; a bare function is a lua rule)
 * Per page: front matter `banner: {…}` adds one; `banners: false` opts out of rule banners.
 * Dates are compared with the build time (SOURCE_DATE_EPOCH when set). */
#ifndef NFSITE_BANNER_H
#define NFSITE_BANNER_H

#include <lua.h>
#include <stddef.h>
#include <time.h>

struct config;
struct page;
struct tmpl;
struct banner_out;
struct banners;

/* Reads and checks the definitions (one error per bad field, naming site.lua:line).
 * *out is owned by the caller (banners_free). */
int banners_load(const struct config *cfg, struct banners **out);
void banners_free(struct banners *b);
/* The banners page p carries, in order. Lua rules run in t's state. *out is an array the
 * caller frees with banner_out_free. Returns -1 after reporting a failing Lua rule. */
int banners_for_page(const struct banners *b, struct tmpl *t, const struct page *p, time_t now,
                     struct banner_out **out, size_t *n);
void banner_out_free(struct banner_out *b, size_t n);

#endif
