/* translate: nft translations of iptables-family blocks (see translate.h). */
#include "site/translate.h"

#include "base/buf.h"
#include "base/hash.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A translator that hangs must not hang the build. */
#define RUN_TIMEOUT_MS 10000

enum tool { T_IPT, T_IP6T, T_EBT, T_ARPT, T_IPT_SAVE, T_IP6T_SAVE, T_IPSET, NTOOLS, T_NONE = NTOOLS };

static const char *const tool_names[NTOOLS] = {
	"iptables-translate",         "ip6tables-translate",         "ebtables-translate", "arptables-translate",
	"iptables-restore-translate", "ip6tables-restore-translate", "ipset-translate",
};

struct translator {
	char *path[NTOOLS]; /* NULL when not on PATH */
	uint64_t key;
	struct translate_store store; /* .get NULL: none */
	atomic_uint missing; /* bit per tool a block needed and did not find */
};

static char *find_on_path(const char *name, struct stat *st)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		char *f = xasprintf("%.*s/%s", (int)n, n ? p : ".", name);
		if (stat(f, st) == 0 && S_ISREG(st->st_mode) && access(f, X_OK) == 0)
			return f;
		free(f);
		p += n + (p[n] == ':');
	}
	return NULL;
}

struct translator *translator_new(void)
{
	struct translator *t = xcalloc(1, sizeof *t);
	uint64_t h = hash_bytes(HASH_SEED, "translate 2", 12);
	for (int i = 0; i < NTOOLS; i++) {
		struct stat st;
		t->path[i] = find_on_path(tool_names[i], &st);
		if (!t->path[i])
			continue;
		/* The binary's identity stands for its version: asking it would cost a process. */
		long long id[] = {st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
		h = hash_bytes(hash_bytes(h, t->path[i], strlen(t->path[i]) + 1), id, sizeof id);
	}
	t->key = h ? h : 1;
	return t;
}

void translator_set_store(struct translator *t, const struct translate_store *store)
{
	t->store = store ? *store : (struct translate_store){0};
}

uint64_t translator_key(const struct translator *t)
{
	return t->key;
}

void translator_free(struct translator *t)
{
	if (!t)
		return;
	unsigned missing = atomic_load(&t->missing);
	if (missing) {
		struct buf names = BUF_INIT;
		for (int i = 0; i < NTOOLS; i++)
			if (missing & 1u << i)
				buf_printf(&names, "%s%s", names.len ? ", " : "", tool_names[i]);
		warn_at(NULL, 0, "%s not found on PATH: iptables and ipset blocks are shown without nft translations "
		        "(Debian packages iptables, ipset)", names.data);
		buf_release(&names);
	}
	for (int i = 0; i < NTOOLS; i++)
		free(t->path[i]);
	free(t);
}

/* --- reading a block ------------------------------------------------------------------ */

static enum tool fence_tool(const char *lang)
{
	static const char *const fences[] = {"iptables", "ip6tables", "ebtables", "arptables",
	                                     "iptables-save", "ip6tables-save", "ipset"};
	for (int i = 0; i < NTOOLS; i++)
		if (!strcmp(lang, fences[i]))
			return (enum tool)i;
	return T_NONE;
}

static bool shell_lang(const char *lang)
{
	static const char *const shells[] = {"", "sh", "bash", "shell", "zsh", "console", "shell-session"};
	for (size_t i = 0; i < sizeof shells / sizeof *shells; i++)
		if (!strcmp(lang, shells[i]))
			return true;
	return false;
}

/* The tool for a command word: iptables, iptables-nft, iptables-legacy, … */
static enum tool command_tool(const char *w, size_t n)
{
	static const char *const words[] = {"iptables", "ip6tables", "ebtables", "arptables"};
	for (int i = 0; i < 4; i++) {
		size_t k = strlen(words[i]);
		if (n >= k && !memcmp(w, words[i], k) &&
		    (n == k || (n == k + 4 && !memcmp(w + k, "-nft", 4)) || (n == k + 7 && !memcmp(w + k, "-legacy", 7))))
			return (enum tool)i;
	}
	return n == 5 && !memcmp(w, "ipset", 5) ? T_IPSET : T_NONE;
}

/* One logical line (backslash-newline continuations joined) of a block, classified. */
struct line {
	char *text;     /* the line as written, continuations joined */
	enum tool tool; /* T_NONE: blank, comment or not a command */
	const char *args; /* into text: what follows the command word */
	bool comment;   /* blank or a comment: copied to the translation */
};

static void line_free(struct line *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i].text);
	free(l);
}

static size_t skip_ws(const char *s)
{
	return strspn(s, " \t");
}

/* Splits code into logical lines and finds each one's command. */
static struct line *read_lines(const char *lang, const char *code, size_t len, size_t *n)
{
	struct line *l = NULL;
	size_t cap = 0;
	*n = 0;
	bool console = !strcmp(lang, "console") || !strcmp(lang, "shell-session");
	enum tool fence = fence_tool(lang);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < len;) {
		buf_reset(&b);
		while (i < len) {
			const char *nl = memchr(code + i, '\n', len - i);
			size_t e = nl ? (size_t)(nl - code) : len;
			size_t end = e;
			while (end > i && code[end - 1] == '\r')
				end--;
			bool cont = end > i && code[end - 1] == '\\';
			buf_add(&b, code + i, cont ? end - 1 - i : end - i);
			i = e + 1;
			if (!cont)
				break;
		}
		ALLOC_GROW(l, *n + 1, cap);
		struct line *ln = &l[(*n)++];
		ln->text = xstrdup(b.len ? b.data : "");
		ln->tool = T_NONE;
		ln->args = NULL;
		const char *s = ln->text + skip_ws(ln->text);
		ln->comment = !*s || (*s == '#' && !(console && s[1] == ' '));
		if (ln->comment)
			continue;
		if ((*s == '$' || *s == '%' || (console && *s == '#')) && s[1] == ' ')
			s += 2;
		else if (console)
			continue; /* output, not a command */
		s += skip_ws(s);
		if (!strncmp(s, "sudo ", 5))
			s += 5 + skip_ws(s + 5);
		size_t w = strcspn(s, " \t");
		enum tool t = command_tool(s, w);
		if (t != T_NONE) {
			ln->tool = t;
			ln->args = s + w + skip_ws(s + w);
		} else if (fence != T_NONE && (*s == '-' || fence == T_IPSET)) {
			/* `-A INPUT …` in an iptables fence, `add foo 1.2.3.4` in an ipset one */
			ln->tool = fence;
			ln->args = s;
		}
	}
	buf_release(&b);
	return l;
}

/* iptables-save output: the first line that is not blank or a comment starts a table. */
static enum tool save_tool(const char *lang, const char *code, size_t len)
{
	enum tool f = fence_tool(lang);
	if (f == T_IPT_SAVE || f == T_IP6T_SAVE)
		return f;
	if (f != T_IPT && f != T_IP6T)
		return T_NONE;
	for (size_t i = 0; i < len;) {
		i += strspn(code + i, " \t\r\n");
		if (i < len && code[i] != '#')
			return code[i] == '*' ? (f == T_IPT ? T_IPT_SAVE : T_IP6T_SAVE) : T_NONE;
		const char *nl = memchr(code + i, '\n', len - i);
		i = nl ? (size_t)(nl - code) + 1 : len;
	}
	return T_NONE;
}

/* Splits a command's arguments as the shell would for a simple command: quotes and
 * backslashes, a trailing comment into *comment. -1 for anything a shell would run
 * differently (pipes, redirections, lists, substitutions). */
static int split_args(const char *s, char ***argv, size_t *argc, const char **comment)
{
	struct buf w = BUF_INIT;
	size_t cap = 0;
	*argv = NULL;
	*argc = 0;
	*comment = NULL;
	int rc = 0;
	while (*s) {
		s += skip_ws(s);
		if (!*s)
			break;
		if (*s == '#') {
			*comment = s;
			break;
		}
		buf_reset(&w);
		bool word = false;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '\'') {
				const char *e = strchr(s + 1, '\'');
				if (!e)
					goto bad;
				buf_add(&w, s + 1, (size_t)(e - s - 1));
				s = e + 1;
			} else if (*s == '"') {
				for (s++; *s && *s != '"'; s++) {
					if (*s == '`' || (*s == '$' && s[1] == '('))
						goto bad;
					if (*s == '\\' && s[1] && strchr("\"\\$`", s[1]))
						s++;
					buf_putc(&w, *s);
				}
				if (!*s)
					goto bad;
				s++;
			} else if (*s == '\\' && s[1]) {
				buf_putc(&w, s[1]);
				s += 2;
			} else if (strchr(";|&<>`(){}", *s) || (*s == '$' && s[1] == '(')) {
				goto bad;
			} else {
				buf_putc(&w, *s++);
			}
			word = true;
		}
		if (word) {
			ALLOC_GROW(*argv, *argc + 2, cap);
			(*argv)[(*argc)++] = xstrdup(w.len ? w.data : "");
			(*argv)[*argc] = NULL;
		}
	}
	if (0) {
bad:
		rc = -1;
	}
	buf_release(&w);
	return rc;
}

static void argv_free(char **argv, size_t argc)
{
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* A line that needs no shell to run: its arguments split. */
static bool simple_command(const struct line *l)
{
	char **argv;
	size_t argc;
	const char *comment;
	int rc = split_args(l->args, &argv, &argc, &comment);
	argv_free(argv, argc);
	return rc == 0;
}

bool translate_wanted(const char *lang, const char *code, size_t len)
{
	if (save_tool(lang, code, len) != T_NONE)
		return true;
	bool fence = fence_tool(lang) != T_NONE;
	if (!fence && !shell_lang(lang))
		return false;
	size_t n;
	struct line *l = read_lines(lang, code, len, &n);
	size_t commands = 0;
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		if (l[i].comment)
			continue;
		if (l[i].tool != T_NONE && simple_command(&l[i]))
			commands++;
		else if (!fence)
			ok = false; /* a shell block must be nothing but such commands */
	}
	line_free(l, n);
	return ok && commands > 0;
}

const char *translate_source_name(const char *lang, const char *code, size_t len)
{
	enum tool t = save_tool(lang, code, len);
	if (t == T_IPT_SAVE)
		return "iptables-save";
	if (t == T_IP6T_SAVE)
		return "ip6tables-save";
	t = fence_tool(lang);
	if (t != T_NONE)
		return lang;
	size_t n;
	struct line *l = read_lines(lang, code, len, &n);
	static const char *const names[] = {"iptables", "ip6tables", "ebtables", "arptables", "", "", "ipset"};
	const char *name = NULL;
	for (size_t i = 0; i < n; i++) {
		if (l[i].tool == T_NONE)
			continue;
		if (name && strcmp(name, names[l[i].tool]))
			name = "commands";
		else if (!name)
			name = names[l[i].tool];
	}
	line_free(l, n);
	return name ? name : "commands";
}

/* --- running a translator --------------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Runs path with argv (no shell), in on its stdin (a memfd: no pipe to block on or die
 * of SIGPIPE from), collecting stdout and stderr. Returns the exit status, or -1 when it
 * could not start, was killed, or took longer than RUN_TIMEOUT_MS (then killed; the
 * reason in err). */
static int run(const char *path, char *const argv[], const char *in, size_t inlen, struct buf *out, struct buf *err)
{
	int ofd[2] = {-1, -1}, efd[2] = {-1, -1}, ifd = -1, status = -1;
	if (pipe2(ofd, O_CLOEXEC) < 0 || pipe2(efd, O_CLOEXEC) < 0 ||
	    (ifd = memfd_create("nfsite-translate", MFD_CLOEXEC)) < 0 || write_all(ifd, in, inlen) < 0 ||
	    lseek(ifd, 0, SEEK_SET) < 0) {
		buf_printf(err, "%s", strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, ifd, 0);
	posix_spawn_file_actions_adddup2(&fa, ofd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, efd[1], 2);
	pid_t pid;
	int e = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(ofd[1]);
	close(efd[1]);
	ofd[1] = efd[1] = -1;
	if (e) {
		buf_printf(err, "%s", strerror(e));
		goto out;
	}
	struct pollfd pf[2] = {{.fd = ofd[0], .events = POLLIN}, {.fd = efd[0], .events = POLLIN}};
	struct buf *sink[2] = {out, err};
	long long deadline = now_ms() + RUN_TIMEOUT_MS;
	bool timed_out = false;
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(pf, 2, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			timed_out = true;
			break;
		}
		for (int k = 0; k < 2; k++) {
			if (pf[k].fd < 0 || !pf[k].revents)
				continue;
			char chunk[4096];
			ssize_t r = read(pf[k].fd, chunk, sizeof chunk);
			if (r > 0)
				buf_add(sink[k], chunk, (size_t)r);
			else if (r == 0 || errno != EINTR)
				pf[k].fd = -1; /* closed below */
		}
	}
	if (timed_out)
		kill(pid, SIGKILL);
	int ws;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		buf_printf(err, "timed out after %d s", RUN_TIMEOUT_MS / 1000);
	else if (WIFEXITED(ws))
		status = WEXITSTATUS(ws);
	else
		buf_printf(err, "killed by signal %d", WTERMSIG(ws));
out:
	for (int k = 0; k < 2; k++) {
		if (ofd[k] >= 0)
			close(ofd[k]);
		if (efd[k] >= 0)
			close(efd[k]);
	}
	if (ifd >= 0)
		close(ifd);
	return status;
}

/* --- translating ---------------------------------------------------------------------- */

/* How a block's translation went. */
struct outcome {
	bool lasting; /* false when a translator could not run to its end (timeout, signal):
	               * the result is shown but not cached */
	size_t made;  /* lines of nft the translators gave */
};

/* The first line of a translator's complaint, for a comment. */
static void first_line(const struct buf *err, struct buf *out)
{
	const char *s = err->len ? err->data : "";
	s += strspn(s, " \t\n");
	size_t n = strcspn(s, "\n");
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	buf_add(out, s, n);
}

static void add_untranslated(struct buf *out, const char *line, const struct buf *err)
{
	buf_puts(out, "# untranslated: ");
	buf_puts(out, line + skip_ws(line));
	if (err->len) {
		buf_puts(out, " (");
		first_line(err, out);
		buf_putc(out, ')');
	}
	buf_putc(out, '\n');
}

/* Why a line a translator printed is not nft that loads, or NULL: ipset-translate gives a
 * list:set `{ type unknown; }` and each of its members an empty `add element … { }`. */
static const char *invalid_output(const char *s, size_t n)
{
	static const char type[] = "{ type unknown; }";
	if (n >= sizeof type - 1 && !memcmp(s + n - (sizeof type - 1), type, sizeof type - 1))
		return "no nftables set type for it";
	if (n > 12 && !memcmp(s, "add element ", 12) && !memcmp(s + n - 3, "{ }", 3))
		return "no element";
	return NULL;
}

/* Copies a translator's output as an nft script: `nft 'add rule …'` becomes
 * `add rule …`, and the date stamps of iptables-restore-translate go (the page must not
 * change from one build to the next). "add table" lines already given are not repeated
 * (each ipset group starts with one). A line nft would refuse stays, as a comment saying
 * why, and does not count as made. */
static size_t add_output_lines(struct buf *out, const char *res, size_t len, bool prefixed, const char *comment,
                               struct buf *tables)
{
	size_t made = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(res + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - res) : len;
		const char *s = res + i;
		size_t n = e - i;
		i = e + 1;
		if (n >= 4 && !memcmp(s, "nft ", 4)) {
			s += 4;
			n -= 4;
		} else if (prefixed) {
			continue; /* not a translation: `iptables-translate -V` prints its version */
		}
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
			n--;
		if (n && s[0] == '\'') {
			s++;
			n--;
			if (n && s[n - 1] == '\'')
				n--;
		}
		while (n && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		if (!n || (n > 15 && !memcmp(s, "# Translated by", 15)) || (n > 14 && !memcmp(s, "# Completed on", 14)))
			continue;
		if (n > 10 && !memcmp(s, "add table ", 10)) {
			struct buf key = BUF_INIT;
			buf_add(&key, s, n);
			buf_putc(&key, '\n');
			bool seen = tables->len && strstr(tables->data, key.data);
			if (!seen)
				buf_add(tables, key.data, key.len);
			buf_release(&key);
			if (seen)
				continue;
		}
		const char *invalid = invalid_output(s, n);
		if (invalid) {
			buf_printf(out, "# invalid translation: %.*s (%s)\n", (int)n, s, invalid);
			continue;
		}
		buf_add(out, s, n);
		if (comment) {
			buf_putc(out, ' ');
			buf_puts(out, comment);
		}
		buf_putc(out, '\n');
		made++;
	}
	return made;
}

/* The "line N" a restore-style translator names in its error (1-based), or 0. */
static size_t error_line(const struct buf *err)
{
	const char *s = err->data;
	while (s && (s = strstr(s, "line"))) {
		s += 4;
		s += strspn(s, ": ");
		char *end;
		unsigned long v = strtoul(s, &end, 10);
		if (end != s)
			return v;
	}
	return 0;
}

/* Feeds lines[0..n) to a restore-style translator as one input. A line it rejects is
 * taken out and the rest tried again, so one bad line costs only itself; rejected
 * lines follow the translation as comments, as written (shown[i]). */
static void run_restore(const struct translator *t, enum tool tool, char **lines, char **shown, size_t n,
                        struct buf *out, struct buf *tables, struct outcome *o)
{
	char *argv_save[] = {(char *)tool_names[tool], "-f", "/dev/stdin", NULL};
	char *argv_ipset[] = {(char *)tool_names[tool], "restore", NULL};
	char **argv = tool == T_IPSET ? argv_ipset : argv_save;
	bool *bad = xcalloc(n + 1, sizeof *bad);
	struct buf in = BUF_INIT, res = BUF_INIT, err = BUF_INIT, notes = BUF_INIT;
	size_t *map = xcalloc(n + 1, sizeof *map);
	for (size_t tries = 0; tries <= n; tries++) {
		buf_reset(&in);
		buf_reset(&res);
		buf_reset(&err);
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (bad[i])
				continue;
			buf_puts(&in, lines[i]);
			buf_putc(&in, '\n');
			map[++m] = i;
		}
		if (!m)
			break;
		int st = run(t->path[tool], argv, in.data, in.len, &res, &err);
		if (st < 0)
			o->lasting = false;
		if (st == 0) {
			o->made += add_output_lines(out, res.data, res.len, false, NULL, tables);
			break;
		}
		size_t at = st > 0 ? error_line(&err) : 0;
		if (at >= 1 && at <= m) {
			bad[map[at]] = true;
			add_untranslated(&notes, shown[map[at]], &err);
			continue;
		}
		/* No line to blame: the whole group stays as it was. */
		for (size_t k = 1; k <= m; k++)
			add_untranslated(&notes, shown[map[k]], &err);
		break;
	}
	buf_add(out, notes.data, notes.len);
	free(bad);
	free(map);
	buf_release(&in);
	buf_release(&res);
	buf_release(&err);
	buf_release(&notes);
}

/* One command line through its per-command translator. */
static void run_command(const struct translator *t, const struct line *l, struct buf *out, struct buf *tables,
                        struct outcome *o)
{
	char **args;
	size_t argc;
	const char *comment;
	struct buf res = BUF_INIT, err = BUF_INIT;
	if (!t->path[l->tool]) {
		buf_printf(&err, "%s is not installed", tool_names[l->tool]);
		add_untranslated(out, l->text, &err);
		goto out;
	}
	if (split_args(l->args, &args, &argc, &comment) < 0) {
		argv_free(args, argc);
		buf_puts(&err, "not a simple command");
		add_untranslated(out, l->text, &err);
		goto out;
	}
	char **argv = xcalloc(argc + 2, sizeof *argv);
	argv[0] = (char *)tool_names[l->tool];
	memcpy(argv + 1, args, argc * sizeof *args);
	int st = run(t->path[l->tool], argv, "", 0, &res, &err);
	if (st < 0)
		o->lasting = false;
	free(argv);
	size_t before = out->len, made = 0;
	if (st == 0)
		made = add_output_lines(out, res.data, res.len, true, comment, tables);
	o->made += made;
	if (!made) {
		buf_truncate(out, before);
		add_untranslated(out, l->text, &err);
	}
	argv_free(args, argc);
out:
	buf_release(&res);
	buf_release(&err);
}

/* Returns -1 when a translator is missing, else 0 (o says how it went). */
static int translate_now(struct translator *t, const char *lang, const char *code, size_t len, struct buf *out,
                         struct outcome *o)
{
	struct buf tables = BUF_INIT;
	enum tool save = save_tool(lang, code, len);
	size_t n;
	struct line *l = read_lines(lang, code, len, &n);
	unsigned need = 0;
	if (save != T_NONE)
		need = 1u << save;
	for (size_t i = 0; i < n && save == T_NONE; i++)
		if (l[i].tool != T_NONE)
			need |= 1u << l[i].tool;
	unsigned missing = 0;
	for (int i = 0; i < NTOOLS; i++)
		if ((need & 1u << i) && !t->path[i])
			missing |= 1u << i;
	/* Debian 12's iptables has no arptables-translate: not worth a warning, and its lines
	 * in a mixed block are marked as untranslated (run_command). */
	if (missing & ~(1u << T_ARPT))
		atomic_fetch_or(&t->missing, missing & ~(1u << T_ARPT));
	if (missing & ~(1u << T_ARPT) || need == missing) {
		line_free(l, n);
		return -1;
	}
	if (save != T_NONE) {
		char **lines = xcalloc(n + 1, sizeof *lines);
		for (size_t i = 0; i < n; i++)
			lines[i] = l[i].text;
		run_restore(t, save, lines, lines, n, out, &tables, o);
		free(lines);
	} else {
		for (size_t i = 0; i < n;) {
			if (l[i].comment) {
				buf_puts(out, l[i].text + skip_ws(l[i].text));
				buf_putc(out, '\n');
				i++;
			} else if (l[i].tool == T_IPSET) {
				/* Consecutive ipset commands form one restore input: `add` needs its `create`. */
				size_t j = i;
				char **lines = xcalloc(n + 1, sizeof *lines), **shown = xcalloc(n + 1, sizeof *shown);
				for (; j < n && l[j].tool == T_IPSET; j++) {
					lines[j - i] = (char *)l[j].args;
					shown[j - i] = l[j].text;
				}
				run_restore(t, T_IPSET, lines, shown, j - i, out, &tables, o);
				free(lines);
				free(shown);
				i = j;
			} else if (l[i].tool != T_NONE) {
				run_command(t, &l[i], out, &tables, o);
				i++;
			} else {
				struct buf none = BUF_INIT;
				add_untranslated(out, l[i].text, &none);
				i++;
			}
		}
	}
	while (out->len && out->data[out->len - 1] == '\n')
		buf_truncate(out, out->len - 1);
	buf_putc(out, '\n');
	line_free(l, n);
	buf_release(&tables);
	return 0;
}

int translate_block(struct translator *t, const char *lang, const char *code, size_t len, struct buf *out)
{
	uint64_t key = hash_bytes(HASH_SEED, &t->key, sizeof t->key);
	key = hash_bytes(hash_bytes(key, lang, strlen(lang) + 1), code, len);
	char *hit = t->store.get ? t->store.get(t->store.arg, key) : NULL;
	if (hit) {
		int rc = *hit ? 0 : -1;
		buf_puts(out, hit);
		free(hit);
		return rc;
	}
	size_t before = out->len;
	struct outcome o = {.lasting = true};
	if (translate_now(t, lang, code, len, out, &o) < 0)
		return -1;
	/* Nothing translated (`iptables -V`, `iptables -S`): the block shows alone. Cached
	 * as "" like any result. */
	if (!o.made)
		buf_truncate(out, before);
	if (t->store.put && o.lasting)
		t->store.put(t->store.arg, key, out->data ? out->data + before : "");
	return o.made ? 0 : -1;
}
