/* highlight: build-time syntax highlighting into classed spans (no client script).
 * Languages: nft (keywords, families, hooks, statements, sets, comments, strings,
 * numbers, addresses) and shell (sh, bash, console with prompts). Classes are short
 * and stable: hl-k keyword, hl-f family, hl-h hook, hl-s string, hl-n number,
 * hl-a address, hl-c comment, hl-v variable, hl-p prompt, hl-o option, hl-t type;
 * diff adds hl-i inserted line, hl-d deleted line, hl-m meta (file headers, @@ hunks).
 * Output is the input, HTML-escaped, with spans added: stripping the spans and undoing
 * the escapes gives the exact bytes back, whatever they were (invalid UTF-8, NUL).
 * Stateless and thread-safe. */
#ifndef NFSITE_HIGHLIGHT_H
#define NFSITE_HIGHLIGHT_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* True when lang is one we highlight: "nft" (also "nftables", "nft-invalid"), "sh",
 * "bash", "shell", "zsh", "console" (also "shell-session"), "diff" (also "patch"). */
bool highlight_supported(const char *lang);
/* Appends code as escaped HTML with spans; unknown languages are escaped only. */
void highlight_code(const char *lang, const char *code, size_t len, struct buf *out);

#endif
