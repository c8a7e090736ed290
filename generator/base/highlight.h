/* highlight: build-time syntax highlighting into classed spans (no client script).
 * Languages: nft (keywords, families, hooks, statements, sets, comments, strings,
 * numbers, addresses), shell (sh, bash, console with prompts), diff, and through one
 * table-driven lexer C, C++, Python, JSON, YAML, INI, XML/HTML and Lua. Classes are
 * short and stable: hl-k keyword, hl-f family, hl-h hook, hl-s string, hl-n number,
 * hl-a address, hl-c comment, hl-v variable (also JSON/YAML/INI keys, XML attributes,
 * YAML anchors), hl-p prompt, hl-o option, hl-t type (also builtins, INI sections,
 * YAML tags); hl-m meta (diff file headers and @@ hunks, C directives, Python
 * decorators, YAML document markers, XML declarations); diff adds hl-i inserted line
 * and hl-d deleted line. XML tags are hl-k, entities hl-n.
 * Output is the input, HTML-escaped, with spans added: stripping the spans and undoing
 * the escapes gives the exact bytes back, whatever they were (invalid UTF-8, NUL); no
 * span starts or ends inside a UTF-8 sequence. Time is linear in the input.
 * Stateless and thread-safe. */
#ifndef NFSITE_HIGHLIGHT_H
#define NFSITE_HIGHLIGHT_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* True when lang (any case) is one we highlight, by MediaWiki's SyntaxHighlight
 * (Pygments) names: "nft" (also "nftables", "nft-invalid"); "sh", "bash", "shell",
 * "ksh", "zsh"; "console", "shell-session"; "diff", "udiff", "patch"; "c"; "cpp",
 * "c++"; "python", "py", "python3", "py3"; "json"; "yaml", "yml"; "ini", "cfg",
 * "dosini"; "xml", "html", "xhtml"; "lua". */
bool highlight_supported(const char *lang);
/* Appends code as escaped HTML with spans; unknown languages are escaped only. */
void highlight_code(const char *lang, const char *code, size_t len, struct buf *out);

#endif
