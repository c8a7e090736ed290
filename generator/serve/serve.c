/* serve: the preview server (see serve.h).
 *
 * Threads and who owns what:
 *   - the main thread builds, watches (inotify) and waits for signals (signalfd);
 *   - libmicrohttpd's thread pool answers requests; it only reads the output folder and
 *     the shared state below, under srv->lock.
 *
 * Live reload, one generation counter:
 *
 *   save ──► inotify ──► quiet 20 ms ──►  site_build ──► gen++ ──► resume SSE clients
 *                                                                        │
 *   page ◄── reload / swap CSS ◄── "event: reload|css" ◄── client.gen != gen
 *
 * An SSE client with nothing to say is suspended (MHD_suspend_connection) from inside
 * its content reader, so no thread waits on it; a rebuild (or the 20 s keep-alive)
 * resumes it. Every event carries "<instance>-<gen>"; the page keeps the last one it
 * saw in sessionStorage and reloads when a fresh connection reports another, so a
 * save missed during a reconnect or a server restart still reaches the page.
 *
 * Path safety: the raw request path (MHD's unescaping is switched off) is decoded here;
 * encoded "/" or NUL, backslashes, empty, "." and ".." segments are refused with 400,
 * and every file is opened with openat2(RESOLVE_BENEATH) from the output root, so a
 * symbolic link pointing outside the site is a 404. A request whose Host names anything
 * but the bound address or localhost is a 421 (see host_allowed).
 *
 * Stopping: SIGINT and SIGTERM stay blocked (read from a signalfd) from before the
 * private folder is made until it is removed, so a second signal cannot cut the cleanup. */
#include "serve/serve.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/mime.h"
#include "base/url.h"
#include "site/site.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SERVE_QUIET_MS 20     /* a burst of saves ends after this much silence */
#define SERVE_MAX_WAIT_MS 1000 /* but a build starts at most this long after the first */
#define SERVE_PING_MS 20000   /* SSE keep-alive, also finds clients that went away */
#define SERVE_PORT_TRIES 10   /* a busy --port moves up this many ports at most */
#define SERVE_LIVE_TAG "<script src=\"/__nfsite/live.js\"></script>"

extern char **environ;

struct sse_client {
	struct server *srv;
	struct MHD_Connection *conn;
	unsigned long gen;  /* last generation told to this client */
	bool hello_sent;
	bool suspended;
	bool ping;
	struct buf out;     /* bytes formatted but not yet handed to MHD */
	size_t out_off;
	struct sse_client *prev, *next;
};

struct server {
	const struct serve_opts *opts;
	struct sockaddr_storage addr; /* bound, with the port in use */
	bool any_addr;                /* bound to 0.0.0.0 or :: */
	char *root;   /* folder served, absolute */
	char *tmpdir; /* private folder removed at exit; NULL with --dir */
	char *base_url;
	const char *source;
	struct site_state *state; /* what the last build keeps for the next (builder thread only) */
	struct MHD_Daemon *mhd;
	char instance[20];

	pthread_mutex_t lock; /* guards everything below */
	bool ready;           /* first build finished */
	bool failed;          /* last build failed */
	struct buf errors;    /* its error lines */
	unsigned long gen;        /* bumped by every build that changed what pages show */
	unsigned long reload_gen; /* generation of the last change that needs a full reload */
	bool closing;
	struct sse_client *clients;
};

/* ---- live reload script ------------------------------------------------------- */

static const char live_js[] =
	"/* nfsite serve: live reload (injected only by the preview server) */\n"
	"(function () {\n"
	"\tif (!window.EventSource) return;\n"
	"\tvar key = 'nfsite-live';\n"
	"\tfunction last() { try { return sessionStorage.getItem(key); } catch (e) { return null; } }\n"
	"\tfunction seen(g) { try { sessionStorage.setItem(key, g); } catch (e) {} }\n"
	"\tvar es = new EventSource('/__nfsite/events');\n"
	"\tes.addEventListener('hello', function (e) {\n"
	"\t\tvar prev = last();\n"
	"\t\tseen(e.data);\n"
	"\t\tdocument.documentElement.setAttribute('data-nfsite-live', e.data);\n"
	"\t\tif (prev && prev !== e.data) location.reload();\n"
	"\t});\n"
	"\tes.addEventListener('reload', function (e) { seen(e.data); location.reload(); });\n"
	"\tes.addEventListener('css', function (e) {\n"
	"\t\tseen(e.data);\n"
	"\t\tdocument.documentElement.setAttribute('data-nfsite-live', e.data);\n"
	"\t\tvar links = document.querySelectorAll('link[rel~=\"stylesheet\"]');\n"
	"\t\tfor (var i = 0; i < links.length; i++) {\n"
	"\t\t\tvar u = new URL(links[i].href, location.href);\n"
	"\t\t\tif (u.origin !== location.origin) continue;\n"
	"\t\t\tu.searchParams.set('nfsite', e.data);\n"
	"\t\t\tlinks[i].href = u.href;\n"
	"\t\t}\n"
	"\t});\n"
	"})();\n";

/* ---- responses ---------------------------------------------------------------- */

static void add_common_headers(struct MHD_Response *r, const char *type)
{
	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
}

static enum MHD_Result send_buffer(struct MHD_Connection *conn, unsigned status, const char *type,
				   const char *data, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	add_common_headers(r, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
	return send_buffer(conn, status, "text/plain; charset=utf-8", text, strlen(text));
}

/* The page shown instead of every HTML page while the last build failed (or before the
 * first one finished). It carries the live script, so it goes away by itself. */
static enum MHD_Result send_status_page(struct server *srv, struct MHD_Connection *conn)
{
	struct buf page = BUF_INIT;
	pthread_mutex_lock(&srv->lock);
	bool ready = srv->ready;
	buf_puts(&page, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	if (ready) {
		buf_puts(&page, "<title>Build failed — nfsite serve</title>\n");
	} else {
		buf_puts(&page, "<title>Building — nfsite serve</title>\n");
	}
	buf_puts(&page, "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;"
			"padding:0 1rem;color:#222}h1{color:#b00020}pre{background:#fff4f4;border:1px solid #e0b4b4;"
			"padding:1rem;overflow:auto;white-space:pre-wrap}</style>\n</head><body>\n");
	if (ready) {
		buf_puts(&page, "<h1 id=\"nfsite-build-error\">Build failed</h1>\n"
				"<p>The last build stopped with these errors. Fix the file and save: "
				"this page reloads by itself.</p>\n<pre>");
		buf_add_html(&page, srv->errors.data, srv->errors.len);
		buf_puts(&page, "</pre>\n");
	} else {
		buf_puts(&page, "<h1>Building…</h1>\n<p>The first build is running; this page reloads "
				"when it is done.</p>\n");
	}
	pthread_mutex_unlock(&srv->lock);
	buf_puts(&page, SERVE_LIVE_TAG "\n</body></html>\n");
	enum MHD_Result ret = send_buffer(conn, ready ? MHD_HTTP_INTERNAL_SERVER_ERROR : MHD_HTTP_SERVICE_UNAVAILABLE,
					  "text/html; charset=utf-8", page.data, page.len);
	buf_release(&page);
	return ret;
}

/* ---- paths -------------------------------------------------------------------- */

/* Turns the raw request path into a path relative to the output root (empty for "/").
 * Returns false for anything that is not a plain path inside the site. */
static bool url_to_rel(const char *url, struct buf *rel, bool *slash)
{
	if (url[0] != '/')
		return false;
	buf_reset(rel);
	size_t seg = 0; /* start of the current segment in rel */
	const char *p = url + 1;
	for (;;) {
		int c = (unsigned char)*p;
		if (c == '/' || c == 0) {
			size_t n = rel->len - seg;
			const char *s = rel->data + seg;
			if (n == 0 && c == '/')
				return false; /* "//", absolute-looking paths */
			if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
				return false;
			if (c == 0)
				break;
			buf_putc(rel, '/');
			seg = rel->len;
			p++;
			continue;
		}
		if (c == '%') {
			c = url_hex_byte(p + 1);
			if (c < 0)
				return false;
			if (c == 0 || c == '/')
				return false; /* no file name holds these */
			p += 3;
		} else {
			p++;
		}
		if (c == '\\' || c < 0x20 || c == 0x7f)
			return false;
		buf_putc(rel, c);
	}
	*slash = rel->len == 0 || rel->data[rel->len - 1] == '/';
	if (rel->len && rel->data[rel->len - 1] == '/')
		buf_truncate(rel, rel->len - 1);
	return rel->len == 0 || fs_rel_is_safe(rel->data, rel->len);
}

/* Opens root/rel without ever leaving root (symbolic links included). Returns the fd,
 * or -1 with errno set. */
static int open_beneath(const char *root, const char *rel)
{
	int dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dfd, rel[0] ? rel : ".", &how, sizeof how);
	if (fd < 0 && errno == ENOSYS) {
		/* Kernels before 5.6: resolve fully and check the prefix. */
		char *full = xasprintf("%s/%s", root, rel), *real = realpath(full, NULL);
		size_t n = strlen(root);
		if (real && !strncmp(real, root, n) && (real[n] == '/' || real[n] == 0))
			fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		else
			errno = ENOENT;
		free(full);
		free(real);
	}
	int saved = errno;
	close(dfd);
	errno = saved;
	return fd;
}

static bool is_html(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm"));
}

static bool etag_matches(const char *header, const char *etag)
{
	if (!header)
		return false;
	while (*header == ' ')
		header++;
	return !strcmp(header, "*") || strstr(header, etag) != NULL;
}

static enum MHD_Result send_file(struct MHD_Connection *conn, unsigned status, int fd,
				 const struct stat *st, const char *name, bool etag)
{
	char tag[80];
	snprintf(tag, sizeof tag, "\"%llx-%llx-%llx.%lx\"", (unsigned long long)st->st_ino,
		 (unsigned long long)st->st_size, (unsigned long long)st->st_mtim.tv_sec,
		 (unsigned long)st->st_mtim.tv_nsec);
	if (etag && etag_matches(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							      MHD_HTTP_HEADER_IF_NONE_MATCH), tag)) {
		close(fd);
		struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, tag);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
		enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, r);
		MHD_destroy_response(r);
		return ret;
	}
	/* MHD owns fd from here and closes it with the response. */
	struct MHD_Response *r = MHD_create_response_from_fd((size_t)st->st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	add_common_headers(r, mime_type(name));
	if (etag)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, tag);
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static bool build_failed(struct server *srv)
{
	pthread_mutex_lock(&srv->lock);
	bool bad = srv->failed || !srv->ready;
	pthread_mutex_unlock(&srv->lock);
	return bad;
}

/* The site's own 404.html with status 404, or a plain one. */
static enum MHD_Result send_not_found(struct server *srv, struct MHD_Connection *conn)
{
	if (build_failed(srv))
		return send_status_page(srv, conn);
	int fd = open_beneath(srv->root, "404.html");
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		return send_file(conn, MHD_HTTP_NOT_FOUND, fd, &st, "404.html", false);
	if (fd >= 0)
		close(fd);
	return send_text(conn, MHD_HTTP_NOT_FOUND, "404 not found\n");
}

static enum MHD_Result serve_static(struct server *srv, struct MHD_Connection *conn, const char *url)
{
	struct buf rel = BUF_INIT;
	enum MHD_Result ret;
	bool slash = false;
	if (!url_to_rel(url, &rel, &slash)) {
		ret = send_text(conn, MHD_HTTP_BAD_REQUEST, "400 bad request\n");
		goto out;
	}
	int fd = open_beneath(srv->root, rel.data);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		ret = send_not_found(srv, conn);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		if (!slash) {
			/* url is the raw path, already validated: no "//", so the Location stays on
			 * this site. */
			char *loc = xasprintf("%s/", url);
			struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
			if (!r) {
				free(loc);
				ret = MHD_NO;
				goto out;
			}
			MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, loc);
			add_common_headers(r, NULL);
			ret = MHD_queue_response(conn, MHD_HTTP_MOVED_PERMANENTLY, r);
			MHD_destroy_response(r);
			free(loc);
			goto out;
		}
		if (rel.len)
			buf_putc(&rel, '/');
		buf_puts(&rel, "index.html");
		fd = open_beneath(srv->root, rel.data);
		if (fd < 0 || fstat(fd, &st) < 0) {
			if (fd >= 0)
				close(fd);
			ret = send_not_found(srv, conn);
			goto out;
		}
	} else if (slash) {
		close(fd); /* a file asked for as a folder */
		ret = send_not_found(srv, conn);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		ret = send_not_found(srv, conn);
		goto out;
	}
	if (is_html(rel.data) && build_failed(srv)) {
		close(fd);
		ret = send_status_page(srv, conn);
		goto out;
	}
	ret = send_file(conn, MHD_HTTP_OK, fd, &st, rel.data, true);
out:
	buf_release(&rel);
	return ret;
}

/* ---- Server-Sent Events -------------------------------------------------------- */

static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sse_client *c = cls;
	struct server *srv = c->srv;
	(void)pos;
	pthread_mutex_lock(&srv->lock);
	if (c->out_off >= c->out.len) {
		buf_reset(&c->out);
		c->out_off = 0;
		if (srv->closing) {
			pthread_mutex_unlock(&srv->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (!c->hello_sent) {
			buf_printf(&c->out, "retry: 1000\nevent: hello\ndata: %s-%lu\n\n", srv->instance, srv->gen);
			c->hello_sent = true;
			c->gen = srv->gen;
		} else if (c->gen != srv->gen) {
			buf_printf(&c->out, "event: %s\ndata: %s-%lu\n\n",
				   c->gen < srv->reload_gen ? "reload" : "css", srv->instance, srv->gen);
			c->gen = srv->gen;
		} else if (c->ping) {
			buf_puts(&c->out, ": ping\n\n");
			c->ping = false;
		} else {
			/* Nothing to say: park the connection until notify() resumes it. */
			c->suspended = true;
			MHD_suspend_connection(c->conn);
			pthread_mutex_unlock(&srv->lock);
			return 0;
		}
	}
	size_t n = c->out.len - c->out_off;
	if (n > max)
		n = max;
	memcpy(out, c->out.data + c->out_off, n);
	c->out_off += n;
	pthread_mutex_unlock(&srv->lock);
	return (ssize_t)n;
}

static void sse_free(void *cls)
{
	struct sse_client *c = cls;
	struct server *srv = c->srv;
	pthread_mutex_lock(&srv->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&srv->lock);
	buf_release(&c->out);
	free(c);
}

static enum MHD_Result serve_events(struct server *srv, struct MHD_Connection *conn)
{
	struct sse_client *c = xcalloc(1, sizeof *c);
	c->srv = srv;
	c->conn = conn;
	buf_init(&c->out);
	pthread_mutex_lock(&srv->lock);
	c->next = srv->clients;
	if (c->next)
		c->next->prev = c;
	srv->clients = c;
	pthread_mutex_unlock(&srv->lock);
	/* sse_free unlinks and frees c once MHD is done with the response. */
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, sse_read, c, sse_free);
	if (!r) {
		sse_free(c);
		return MHD_NO;
	}
	add_common_headers(r, "text/event-stream; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* Wakes every parked client (for news, a ping, or shutdown). Resuming happens outside
 * the lock: a suspended connection cannot go away until it is resumed. */
static void notify(struct server *srv, bool ping)
{
	size_t n = 0, cap = 0;
	struct MHD_Connection **wake = NULL;
	pthread_mutex_lock(&srv->lock);
	for (struct sse_client *c = srv->clients; c; c = c->next) {
		if (ping)
			c->ping = true;
		if (!c->suspended)
			continue;
		c->suspended = false;
		ALLOC_GROW(wake, n + 1, cap);
		wake[n++] = c->conn;
	}
	pthread_mutex_unlock(&srv->lock);
	for (size_t i = 0; i < n; i++)
		MHD_resume_connection(wake[i]);
	free(wake);
}

/* ---- request dispatch ----------------------------------------------------------- */

/* DNS rebinding: a page of any site can point its own name at 127.0.0.1 and then read
 * this server's answers as its own origin. Its requests carry that name in Host, so only
 * the names this server is reached by directly are answered: the address it listens on,
 * localhost and the loopback addresses (any address once bound to all of them, still
 * never a name), each with or without the port. */
static bool host_allowed(const struct server *srv, const char *host)
{
	if (!host)
		return false;
	char name[INET6_ADDRSTRLEN + 8];
	const char *port;
	if (host[0] == '[') {
		const char *close = strchr(host, ']');
		if (!close || (size_t)(close - host) >= sizeof name)
			return false;
		memcpy(name, host + 1, (size_t)(close - host - 1));
		name[close - host - 1] = 0;
		port = close + 1;
		if (*port && *port != ':')
			return false;
		if (!strchr(name, ':'))
			return false; /* brackets are for IPv6 */
	} else {
		size_t n = strcspn(host, ":");
		if (n >= sizeof name)
			return false;
		memcpy(name, host, n);
		name[n] = 0;
		port = host + n;
	}
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)&srv->addr;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)&srv->addr;
	int bound = ntohs(srv->addr.ss_family == AF_INET6 ? b6->sin6_port : b4->sin_port);
	if (*port) {
		char *end;
		long p = strtol(port + 1, &end, 10);
		if (!port[1] || *end || port[1] == '-' || port[1] == '+' || p != bound)
			return false;
	}
	if (!strcasecmp(name, "localhost"))
		return true;
	struct in_addr a4;
	struct in6_addr a6;
	if (host[0] != '[' && inet_pton(AF_INET, name, &a4) == 1)
		return srv->any_addr || ntohl(a4.s_addr) >> 24 == 127 ||
		       (srv->addr.ss_family == AF_INET && a4.s_addr == b4->sin_addr.s_addr);
	if (host[0] == '[' && inet_pton(AF_INET6, name, &a6) == 1)
		return srv->any_addr || IN6_IS_ADDR_LOOPBACK(&a6) ||
		       (srv->addr.ss_family == AF_INET6 && IN6_ARE_ADDR_EQUAL(&a6, &b6->sin6_addr));
	return false;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size,
			      void **req_cls)
{
	static int seen_headers;
	struct server *srv = cls;
	(void)version;
	(void)upload_data;
	if (!host_allowed(srv, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))) {
		*upload_data_size = 0;
		return send_text(conn, MHD_HTTP_MISDIRECTED_REQUEST,
		                 "421 misdirected request: the preview server answers to its own address and "
		                 "localhost only\n");
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		*upload_data_size = 0;
		return send_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "405 method not allowed\n");
	}
	/* The first call only announces the headers; answering then would make MHD close
	 * the connection (it cannot know whether a body follows), so keep-alive needs the
	 * answer on the second call. A GET body is read and dropped. */
	if (!*req_cls) {
		*req_cls = &seen_headers;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!strcmp(url, "/__nfsite/events"))
		return serve_events(srv, conn);
	if (!strcmp(url, "/__nfsite/live.js"))
		return send_buffer(conn, MHD_HTTP_OK, "text/javascript; charset=utf-8", live_js, sizeof live_js - 1);
	return serve_static(srv, conn, url);
}

/* Leaves the path as it came (MHD would decode %2f and %00 before we could look). */
static size_t keep_escaped(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

/* ---- watching ------------------------------------------------------------------- */

#define WATCH_MASK (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | \
		    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

static const char *const watched_dirs[] = {"content", "faq", "templates", "static", "data", NULL};

struct watcher {
	int fd;
	char *source;
	char **paths; /* indexed by watch descriptor; NULL when unused */
	int npaths;
	int root_wd;  /* the source folder itself: site.lua and the watched folders */
};

static bool watch_ignored(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.' || (n && name[n - 1] == '~') || !strcmp(name, "4913"))
		return true;
	if (strstr(name, ".tmp-"))
		return true;
	static const char *const tails[] = {".swp", ".swx", ".swo", ".tmp", ".kate-swp", NULL};
	for (int i = 0; tails[i]; i++) {
		size_t t = strlen(tails[i]);
		if (n >= t && !strcmp(name + n - t, tails[i]))
			return true;
	}
	return false;
}

static void watch_tree(struct watcher *w, const char *path)
{
	int wd = inotify_add_watch(w->fd, path, WATCH_MASK);
	if (wd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			warn_at(path, 0, "cannot watch: %s", strerror(errno));
		return;
	}
	if (wd >= w->npaths) {
		int n = wd + 64;
		w->paths = xreallocarray(w->paths, (size_t)n, sizeof *w->paths);
		memset(w->paths + w->npaths, 0, (size_t)(n - w->npaths) * sizeof *w->paths);
		w->npaths = n;
	}
	free(w->paths[wd]);
	w->paths[wd] = xstrdup(path);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = xasprintf("%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			watch_tree(w, sub);
		free(sub);
	}
	closedir(d);
}

static int watch_start(struct watcher *w, const char *source)
{
	w->source = xstrdup(source);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return error_at(source, 0, "cannot watch: %s", strerror(errno));
	w->root_wd = inotify_add_watch(w->fd, source, IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
							     IN_MOVED_TO | IN_ATTRIB | IN_ONLYDIR);
	if (w->root_wd < 0)
		return error_at(source, 0, "cannot watch: %s", strerror(errno));
	for (int i = 0; watched_dirs[i]; i++) {
		char *p = xasprintf("%s/%s", source, watched_dirs[i]);
		watch_tree(w, p);
		free(p);
	}
	return 0;
}

static void watch_stop(struct watcher *w)
{
	if (w->fd >= 0)
		close(w->fd);
	for (int i = 0; i < w->npaths; i++)
		free(w->paths[i]);
	free(w->paths);
	free(w->source);
}

static bool is_watched_dir(const char *name)
{
	for (int i = 0; watched_dirs[i]; i++)
		if (!strcmp(name, watched_dirs[i]))
			return true;
	return false;
}

/* Files edited in place since the last build, for site_rebuild's fast scan; any other
 * kind of change (a file added, removed or renamed away, a folder, site.lua, an
 * overflow) makes the list unusable and the build scans everything. */
struct changes {
	char **paths; /* relative to the source folder */
	size_t n, cap;
	bool unknown;
};

static void changes_add(struct changes *c, const struct watcher *w, int wd, const char *name)
{
	if (c->unknown || wd < 0 || wd >= w->npaths || !w->paths[wd]) {
		c->unknown = true;
		return;
	}
	size_t sl = strlen(w->source);
	const char *dir = w->paths[wd];
	if (strncmp(dir, w->source, sl) || dir[sl] != '/') {
		c->unknown = true;
		return;
	}
	char *rel = xasprintf("%s/%s", dir + sl + 1, name);
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->paths[i], rel)) {
			free(rel);
			return;
		}
	ALLOC_GROW(c->paths, c->n + 1, c->cap);
	c->paths[c->n++] = rel;
}

static void changes_clear(struct changes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->paths[i]);
	free(c->paths);
	memset(c, 0, sizeof *c);
}

/* Drains pending events. Sets *changed when a source changed, and clears *css_only
 * when a change was anything but a stylesheet; records what changed in *what. */
static void watch_read(struct watcher *w, bool *changed, bool *css_only, struct changes *what)
{
	char ev[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->fd, ev, sizeof ev);
		if (n <= 0)
			return;
		for (char *p = ev; p < ev + n;) {
			struct inotify_event *e = (struct inotify_event *)p;
			p += sizeof *e + e->len;
			if (e->mask & IN_Q_OVERFLOW) {
				*changed = true;
				*css_only = false;
				what->unknown = true;
				continue;
			}
			if (e->mask & IN_IGNORED) {
				if (e->wd >= 0 && e->wd < w->npaths) {
					free(w->paths[e->wd]);
					w->paths[e->wd] = NULL;
				}
				continue;
			}
			const char *name = e->len ? e->name : "";
			if (e->wd == w->root_wd) {
				if (!strcmp(name, "site.lua")) {
					*changed = true;
					*css_only = false;
					what->unknown = true;
				} else if (is_watched_dir(name) && (e->mask & IN_ISDIR)) {
					if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
						char *sub = xasprintf("%s/%s", w->source, name);
						watch_tree(w, sub);
						free(sub);
					}
					*changed = true;
					*css_only = false;
					what->unknown = true;
				}
				continue;
			}
			if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				*changed = true;
				*css_only = false;
				what->unknown = true;
				continue;
			}
			if (!e->len || watch_ignored(name))
				continue;
			if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)) && e->wd < w->npaths &&
			    w->paths[e->wd]) {
				char *sub = xasprintf("%s/%s", w->paths[e->wd], name);
				watch_tree(w, sub);
				free(sub);
			}
			/* A file created empty is followed by IN_CLOSE_WRITE; a folder counts now. A
			 * new file may be a new page: the build must scan (a rename over an existing
			 * page, as editors save, is an edit; the build checks the path is known). */
			if ((e->mask & IN_CREATE) && !(e->mask & IN_ISDIR)) {
				what->unknown = true;
				continue;
			}
			*changed = true;
			if ((e->mask & (IN_ISDIR | IN_DELETE | IN_MOVED_FROM)))
				what->unknown = true;
			else
				changes_add(what, w, e->wd, name);
			size_t len = strlen(name);
			if ((e->mask & IN_ISDIR) || len < 4 || strcmp(name + len - 4, ".css"))
				*css_only = false;
		}
	}
}

/* ---- building ------------------------------------------------------------------- */

static void serve_build(struct server *srv, bool css_only, const struct changes *what)
{
	struct buf errs = BUF_INIT;
	struct build_stats st = {0};
	struct build_opts o = {
		.source = srv->source,
		.dest = srv->root,
		.base_url = srv->base_url,
		.drafts = srv->opts->drafts,
		.broken_links = srv->opts->broken_links,
		.jobs = 0,
		.inject_html = SERVE_LIVE_TAG,
		.changed = what && !what->unknown ? (const char *const *)what->paths : NULL,
		.nchanged = what ? what->n : 0,
	};
	int rc;
	log_capture(&errs);
	if (!srv->state)
		srv->state = site_state_new();
	rc = site_rebuild(&o, &st, srv->state);
	log_capture(NULL);
	pthread_mutex_lock(&srv->lock);
	bool was_bad = srv->failed || !srv->ready;
	bool changed = rc < 0 || was_bad || st.written || st.removed;
	srv->ready = true;
	srv->failed = rc < 0;
	buf_reset(&srv->errors);
	if (rc < 0)
		buf_add(&srv->errors, errs.data, errs.len);
	if (changed) {
		srv->gen++;
		if (!css_only || rc < 0 || was_bad)
			srv->reload_gen = srv->gen;
	}
	pthread_mutex_unlock(&srv->lock);
	if (rc < 0)
		info("build failed; the browser shows the errors until the next save fixes them");
	else
		info("built %zu pages (%zu written, %zu unchanged, %zu removed%s) in %.0f ms", st.pages, st.written,
		     st.unchanged, st.removed, st.bodies_only ? "; only the edited text" : "", st.seconds * 1000);
	buf_release(&errs);
	if (changed)
		notify(srv, false);
}

/* ---- start and stop ------------------------------------------------------------- */

static int make_addr(const char *bind, int port, struct sockaddr_storage *ss, bool *v6)
{
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	*v6 = false;
	if (inet_pton(AF_INET, bind, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, bind, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return 0;
	}
	return error_at(NULL, 0, "--bind: '%s' is not an IPv4 or IPv6 address", bind);
}

static void open_browser(const char *url)
{
	pid_t pid;
	char *argv[] = {"xdg-open", (char *)url, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	int err = posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		warn_at(NULL, 0, "--open: cannot run xdg-open (%s); open %s yourself", strerror(err), url);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int serve_loop(struct server *srv, int sfd, struct watcher *w)
{
	bool pending = false, css_only = true;
	struct changes what = {0};
	int64_t first = 0, deadline = 0;
	for (;;) {
		struct pollfd pfd[2] = {{.fd = sfd, .events = POLLIN}, {.fd = w ? w->fd : -1, .events = POLLIN}};
		int timeout = SERVE_PING_MS;
		if (pending) {
			int64_t left = deadline - now_ms();
			timeout = left < 0 ? 0 : (int)left;
		}
		int n = poll(pfd, 2, timeout);
		if (n < 0 && errno != EINTR)
			return error_at(NULL, 0, "poll: %s", strerror(errno));
		if (n > 0 && (pfd[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				info("\nstopping (%s)", strsignal((int)si.ssi_signo));
				changes_clear(&what);
				return 0;
			}
		}
		if (n > 0 && w && (pfd[1].revents & POLLIN)) {
			bool changed = false, css = true;
			watch_read(w, &changed, &css, &what);
			if (changed) {
				int64_t t = now_ms();
				if (!pending) {
					pending = true;
					css_only = true;
					first = t;
				}
				css_only = css_only && css;
				deadline = t + SERVE_QUIET_MS;
				if (deadline > first + SERVE_MAX_WAIT_MS)
					deadline = first + SERVE_MAX_WAIT_MS;
			}
		}
		if (n == 0 && !pending)
			notify(srv, true); /* quiet for SERVE_PING_MS */
		if (pending && now_ms() >= deadline) {
			pending = false;
			info("rebuilding (%s changed)", css_only ? "stylesheets" : "sources");
			serve_build(srv, css_only, &what);
			changes_clear(&what);
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			; /* xdg-open */
	}
}

int serve_run(const struct serve_opts *opts)
{
	struct server srv = {.opts = opts, .source = opts->source ? opts->source : "."};
	struct watcher w = {.fd = -1};
	bool watching = false;
	int rc = -1, sfd = -1;
	const char *bind = opts->bind ? opts->bind : "127.0.0.1";
	struct sockaddr_storage ss;
	bool v6;
	sigset_t mask, old;

	pthread_mutex_init(&srv.lock, NULL);
	buf_init(&srv.errors);
	snprintf(srv.instance, sizeof srv.instance, "%lx%lx", (unsigned long)getpid(), (unsigned long)time(NULL));
	/* Signals go to the signalfd only, from before the private folder exists until it is
	 * gone: a second Ctrl+C while stopping must not kill the cleanup. Blocked before MHD
	 * starts its threads, which inherit the mask. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &mask, &old);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		error_at(NULL, 0, "signalfd: %s", strerror(errno));
		goto out;
	}
	if (make_addr(bind, opts->port, &ss, &v6) < 0)
		goto out;

	if (opts->dir) {
		srv.root = realpath(opts->dir, NULL);
		if (!srv.root || !fs_is_dir(srv.root)) {
			error_at(opts->dir, 0, "not a folder");
			goto out;
		}
		srv.ready = true;
	} else {
		const char *tmp = getenv("TMPDIR");
		char *tmpl = xasprintf("%s/nfsite-serve.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(tmpl)) {
			error_at(tmpl, 0, "cannot create the private output folder: %s", strerror(errno));
			free(tmpl);
			goto out;
		}
		srv.tmpdir = tmpl;
		srv.root = xasprintf("%s/site", tmpl);
		if (fs_mkdirs(srv.root) < 0)
			goto out;
	}

	int threads = opts->threads;
	if (threads <= 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus < 2 ? 2 : cpus > 16 ? 16 : (int)cpus;
	}
	/* A busy port (another preview still running) moves to the next free one of a few,
	 * as Hugo does; the URL printed below names the one in use. */
	int want = opts->port;
	for (int try = 0;; try++) {
		errno = 0;
		srv.mhd = MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME |
						   (v6 ? MHD_USE_IPv6 : 0),
					   0, NULL, NULL, handle, &srv,
					   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					   MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
					   MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
					   MHD_OPTION_CONNECTION_TIMEOUT, 60u,
					   MHD_OPTION_END);
		if (srv.mhd)
			break;
		int err = errno;
		if (err != EADDRINUSE || !want || try + 1 == SERVE_PORT_TRIES || want + try + 1 > 65535) {
			const char *why = err ? strerror(err) : "libmicrohttpd failed to start";
			if (try)
				error_at(NULL, 0, "cannot listen on %s ports %d to %d: %s", bind, want, want + try, why);
			else
				error_at(NULL, 0, "cannot listen on %s port %d: %s", bind, want, why);
			goto out;
		}
		make_addr(bind, want + try + 1, &ss, &v6);
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv.mhd, MHD_DAEMON_INFO_BIND_PORT);
	int port = di ? di->port : opts->port;
	if (want && port != want)
		warn_at(NULL, 0, "port %d is in use; serving on port %d instead", want, port);
	const char *host = bind;
	make_addr(bind, port, &srv.addr, &v6); /* what host_allowed compares with */
	srv.any_addr = v6 ? IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&srv.addr)->sin6_addr)
	                  : ((struct sockaddr_in *)&srv.addr)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (srv.any_addr)
		host = "localhost";
	srv.base_url = v6 && strcmp(host, "localhost") ? xasprintf("http://[%s]:%d/", host, port)
						       : xasprintf("http://%s:%d/", host, port);

	if (!opts->dir) {
		if (watch_start(&w, srv.source) < 0)
			goto out;
		watching = true;
		info("building %s into %s", srv.source, srv.root);
		serve_build(&srv, false, NULL);
	}
	printf("Serving %s at %s (Ctrl+C to stop)\n", srv.tmpdir ? "the site" : srv.root, srv.base_url);
	fflush(stdout);
	if (opts->open)
		open_browser(srv.base_url);
	rc = serve_loop(&srv, sfd, watching ? &w : NULL);
out:
	if (srv.mhd) {
		pthread_mutex_lock(&srv.lock);
		srv.closing = true;
		pthread_mutex_unlock(&srv.lock);
		notify(&srv, false);
		MHD_stop_daemon(srv.mhd);
	}
	if (watching)
		watch_stop(&w);
	if (srv.tmpdir && fs_remove_tree(srv.tmpdir) < 0)
		rc = -1;
	if (sfd >= 0) {
		/* Signals that came while stopping are answered by this very stop. */
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
			;
		close(sfd);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(srv.tmpdir);
	free(srv.root);
	free(srv.base_url);
	site_state_free(srv.state);
	buf_release(&srv.errors);
	pthread_mutex_destroy(&srv.lock);
	return rc;
}
