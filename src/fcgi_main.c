/*
 * fcgi_main.c - wsvoucher.fcgi: the FastCGI responder behind lighttpd or
 * nginx.
 *
 * The master process only supervises: it binds the socket, forks the
 * workers and one housekeeping process, restarts whichever dies, passes
 * SIGHUP (reload config and templates) and SIGTERM (finish and exit) on.
 * Each worker opens its own store handle, config and template cache once
 * and loops on FCGX_Accept_r.  The housekeeping process runs
 * store_maintain() twice a second: Berkeley DB notices lock timeouts of
 * dead processes only then (doc/store.md).
 *
 * Reports: one line per problem on stderr (the web server's error log).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "admin.h"
#include "api.h"
#include "clock.h"
#include "codegen.h"
#include "conf.h"
#include "ops.h"
#include "shop.h"
#include "shopconf.h"
#include "store.h"
#include "tmpl.h"
#include "tz.h"

#define WORKERS_DEFAULT	4
#define WORKERS_MAX	64
#define EXIT_REOPEN	75	/* the store must be reopened: restart me */

struct worker {
	const char		*config_path;
	const char		*store_dir;
	const char		*templates;
	struct voucher_conf	 conf;
	struct shop_conf	*shop;
	struct codegen		*codegen;
	struct store		*store;
	struct tmpl_cache	*cache;
	struct shop_env		 env;
	bool			 reopen;	/* store said: reopen */
};

#define API_BODY_LIMIT	16384	/* API bodies but import (apireq.h) */

static volatile sig_atomic_t got_term, got_hup, got_chld;
static bool use_syslog;		/* --syslog: else stderr */

static void
logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
logmsg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (use_syslog) {
		syslog(LOG_WARNING, "%s", line);
		return;
	}
	/* one write per line: lines of several processes do not mix */
	fprintf(stderr, "wsvoucher.fcgi[%ld]: %s\n", (long)getpid(), line);
	fflush(stderr);
}

static void
on_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT) {
		got_term = 1;
		FCGX_ShutdownPending();
	} else if (sig == SIGHUP) {
		got_hup = 1;
	} else if (sig == SIGCHLD) {
		got_chld = 1;
	}
}

static void
set_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal must end a blocking accept() */
	sa.sa_flags = 0;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* --- configuration ---------------------------------------------------------- */

static void
log_diags(const struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		logmsg("%s:%u: %s%s%s", d->items[i].path, d->items[i].line,
		    d->items[i].field, d->items[i].field[0] != '\0' ? ": " : "",
		    d->items[i].text);
}

/* Both parts of shop.config, or neither (the caller keeps the old). */
static enum ws_status
load_conf(const char *path, struct voucher_conf *conf, struct shop_conf **shop)
{
	struct voucher_conf c;
	struct diags d;
	enum ws_status st;

	diags_init(&d);
	st = conf_load(path, &c, &d);
	if (st == WS_OK)
		st = shopconf_load(path, &c, shop, &d);
	if (st == WS_OK)
		*conf = c;
	log_diags(&d);
	diags_free(&d);
	return st;
}

static enum ws_status
open_store(const char *dir, const struct voucher_conf *conf,
    struct store **out)
{
	struct store_options opt;
	struct buf err = BUF_INIT;
	enum ws_status st;

	memset(&opt, 0, sizeof(opt));
	opt.home = dir;
	opt.durable = conf->store_durable;
	st = store_open(&opt, out, &err);
	if (st != WS_OK)
		logmsg("store %s: %s", dir, buf_cstr(&err));
	buf_free(&err);
	return st;
}

/*
 * After a peer died, the first process to open the environment runs
 * recovery and every other handle is dead: close ours and open again
 * (joining, or running, the recovery).  On failure the worker exits and
 * the master starts a new one.
 */
static enum ws_status
reopen_store(struct worker *w)
{
	enum ws_status st;

	store_close(w->store);
	w->store = NULL;
	st = open_store(w->store_dir, &w->conf, &w->store);
	if (st == WS_OK) {
		w->reopen = false;
		w->env.store = w->store;
		logmsg("store reopened after recovery");
	}
	return st;
}

/* --- the test clock ------------------------------------------------------------ */

static const char *test_clock_path;
static int64_t test_clock_offset;

static int64_t
test_clock(void *arg)
{
	(void)arg;
	return (int64_t)time(NULL) + test_clock_offset;
}

/*
 * --test-clock FILE: the file holds seconds to add to the real time,
 * read before each request, so the HTTP tests can let reservations and
 * sessions run out without waiting.  Never set in production.
 */
static void
test_clock_read(void)
{
	char line[32], *end;
	FILE *f;
	long long off;

	if (test_clock_path == NULL)
		return;
	test_clock_offset = 0;
	if ((f = fopen(test_clock_path, "re")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL) {
			errno = 0;
			off = strtoll(line, &end, 10);
			if (errno == 0 && end != line)
				test_clock_offset = off;
		}
		fclose(f);
	}
	clock_set(test_clock, NULL);
}

/* --- requests -------------------------------------------------------------- */

static void
respond(FCGX_Request *req, const struct http_response *rs, bool head)
{
	struct buf h = BUF_INIT;

	/* libfcgi's own printf knows no %zu: format the header here */
	if (buf_printf(&h, "Status: %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: SAMEORIGIN\r\n"
	    "%s\r\n", rs->status, rs->content_type != NULL ?
	    rs->content_type : "text/html; charset=utf-8", rs->body.len,
	    buf_cstr(&rs->headers)) != WS_OK || h.len > INT_MAX ||
	    rs->body.len > INT_MAX) {
		buf_free(&h);
		return;
	}
	FCGX_PutStr(h.data, (int)h.len, req->out);
	if (!head && rs->body.len > 0)
		FCGX_PutStr(rs->body.data, (int)rs->body.len, req->out);
	buf_free(&h);
}

static void
simple_page(struct http_response *rs, const char *status, const char *title,
    const char *text)
{
	snprintf(rs->status, sizeof(rs->status), "%s", status);
	rs->content_type = "text/html; charset=utf-8";
	buf_reset(&rs->body);
	buf_printf(&rs->body, "<!DOCTYPE html>\n<html lang=\"de\"><head>"
	    "<meta charset=\"utf-8\"><title>%s</title></head><body>"
	    "<h1>%s</h1><p>%s</p></body></html>\n", title, title, text);
}

/*
 * The page a path names: its last segment, [a-z0-9_]+.htm, or the
 * payment provider's callback.
 */
static bool
page_of(const char *path, char *out, size_t size)
{
	const char *last = strrchr(path, '/');
	size_t i, n;

	last = last != NULL ? last + 1 : path;
	if (*last == '\0')
		last = "ws_start.htm";
	n = strlen(last);
	if (strcmp(last, SHOP_CALLBACK_PAGE) == 0 && n < size) {
		memcpy(out, last, n + 1);
		return true;
	}
	if (n < 5 || n >= size || strcmp(last + n - 4, ".htm") != 0)
		return false;
	for (i = 0; i < n - 4; i++)
		if (!((last[i] >= 'a' && last[i] <= 'z') ||
		    (last[i] >= '0' && last[i] <= '9') || last[i] == '_'))
			return false;
	memcpy(out, last, n + 1);
	return true;
}

/* Reads the request body (CONTENT_LENGTH bytes, at most max). */
static int
read_body(FCGX_Request *req, size_t max, struct buf *body)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", req->envp);
	char *end;
	unsigned long long want;
	int got;

	if (cl == NULL || cl[0] == '\0')
		return 0;
	errno = 0;
	want = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0' || cl[0] == '-')
		return 400;
	if (want > max)
		return 413;
	if (buf_reserve(body, (size_t)want) != WS_OK)
		return 503;
	got = FCGX_GetStr(body->data, (int)want, req->in);
	if (got < 0 || (unsigned long long)got != want)
		return 400;
	body->len = (size_t)got;
	body->data[body->len] = '\0';
	return 0;
}

/* /api/OPERATION: the POS/ERP API, answers in XML (api.c). */
static void
handle_api(struct worker *w, FCGX_Request *req, const char *method,
    const char *info)
{
	struct http_request rq;
	struct http_response rs;
	struct buf body = BUF_INIT;
	char op[16];
	size_t n;
	int bad;

	shop_response_init(&rs);
	memset(&rq, 0, sizeof(rq));
	op[0] = '\0';
	if (info != NULL && info[0] == '/' && (n = strlen(info + 1)) > 0 &&
	    n < sizeof(op) && strspn(info + 1, "abcdefghijklmnopqrstuvwxyz") ==
	    n)
		memcpy(op, info + 1, n + 1);
	/* the largest body an operation takes; each checks its own */
	bad = read_body(req, w->shop->api.import_max_bytes > API_BODY_LIMIT ?
	    w->shop->api.import_max_bytes : API_BODY_LIMIT, &body);
	rq.method = method != NULL ? method : "";
	rq.page = op;
	rq.remote_addr = FCGX_GetParam("REMOTE_ADDR", req->envp);
	rq.content_type = FCGX_GetParam("CONTENT_TYPE", req->envp);
	rq.authorization = FCGX_GetParam("HTTP_AUTHORIZATION", req->envp);
	rq.idempotency_key = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", req->envp);
	if (bad == 413) {
		/* not read: api.c answers as for any body too large for its
		 * operation (after the caller is known) */
		const char *cl = FCGX_GetParam("CONTENT_LENGTH", req->envp);

		bad = 0;
		buf_reset(&body);
		rq.body_len = (size_t)strtoull(cl != NULL ? cl : "0", NULL, 10);
	}
	if (bad != 0) {
		snprintf(rs.status, sizeof(rs.status), "%s", bad == 503 ?
		    "503 Service Unavailable" : "400 Bad Request");
		rs.content_type = "application/xml; charset=utf-8";
		buf_printf(&rs.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		    "\n<answer xmlns=\"urn:wsvoucher:api:1\" op=\"none\" "
		    "result=\"invalid\">\n  <error>%s</error>\n</answer>\n",
		    "the body could not be read");
	} else {
		rq.body = buf_cstr(&body);
		if (rq.body_len == 0)
			rq.body_len = body.len;
		w->env.reopen = false;
		api_handle(&w->env, &rq, &rs);
		if (w->env.reopen && reopen_store(w) == WS_OK) {
			shop_response_free(&rs);
			shop_response_init(&rs);
			w->env.reopen = false;
			api_handle(&w->env, &rq, &rs);
		}
	}
	respond(req, &rs, false);
	shop_response_free(&rs);
	buf_free(&body);
}

/* /admin/PAGE: the operator's pages (admin.c). */
static void
handle_admin(struct worker *w, FCGX_Request *req, const char *method,
    const char *info)
{
	struct http_request rq;
	struct http_response rs;
	struct buf body = BUF_INIT;
	char page[64];
	size_t n;
	int bad;

	shop_response_init(&rs);
	memset(&rq, 0, sizeof(rq));
	page[0] = '\0';
	if (info != NULL && info[0] == '/' && (n = strlen(info + 1)) <
	    sizeof(page) && strspn(info + 1,
	    "abcdefghijklmnopqrstuvwxyz0123456789_.") == n &&
	    strstr(info, "..") == NULL)
		memcpy(page, info + 1, n + 1);
	else if (info != NULL && info[0] != '\0' && strcmp(info, "/") != 0)
		snprintf(page, sizeof(page), "-");	/* admin.c: 404 */
	bad = read_body(req, w->shop->request_max_bytes, &body);
	rq.method = method != NULL ? method : "";
	rq.page = page;
	rq.query = FCGX_GetParam("QUERY_STRING", req->envp);
	rq.cookie = FCGX_GetParam("HTTP_COOKIE", req->envp);
	rq.remote_addr = FCGX_GetParam("REMOTE_ADDR", req->envp);
	rq.content_type = FCGX_GetParam("CONTENT_TYPE", req->envp);
	{
		const char *https = FCGX_GetParam("HTTPS", req->envp);

		rq.https = https != NULL && (strcasecmp(https, "on") == 0 ||
		    strcmp(https, "1") == 0);
	}
	if (bad != 0) {
		simple_page(&rs, bad == 413 ? "413 Content Too Large" :
		    bad == 503 ? "503 Service Unavailable" : "400 Bad Request",
		    "Ungültige Anfrage", "Die Anfrage ist zu groß oder "
		    "unvollständig.");
	} else {
		rq.body = buf_cstr(&body);
		rq.body_len = body.len;
		w->env.reopen = false;
		admin_handle(&w->env, &rq, &rs);
		if (w->env.reopen && reopen_store(w) == WS_OK) {
			shop_response_free(&rs);
			shop_response_init(&rs);
			w->env.reopen = false;
			admin_handle(&w->env, &rq, &rs);
		}
	}
	respond(req, &rs, method != NULL && strcmp(method, "HEAD") == 0);
	shop_response_free(&rs);
	buf_free(&body);
}

static void
handle(struct worker *w, FCGX_Request *req)
{
	const char *method = FCGX_GetParam("REQUEST_METHOD", req->envp);
	const char *script = FCGX_GetParam("SCRIPT_NAME", req->envp);
	const char *info = FCGX_GetParam("PATH_INFO", req->envp);
	const char *path;
	char pathbuf[1024], page[128];
	struct http_request rq;
	struct http_response rs;
	struct buf body = BUF_INIT;
	bool head;
	int bad;

	shop_response_init(&rs);
	if (script != NULL && strcmp(script, "/api") == 0) {
		handle_api(w, req, method, info);
		return;
	}
	if (script != NULL && strcmp(script, "/admin") == 0) {
		handle_admin(w, req, method, info);
		return;
	}
	/*
	 * A prefix mapping (/shop) gives the page in PATH_INFO, an extension
	 * mapping (*.htm) in SCRIPT_NAME; neither is the start page.
	 */
	if (info != NULL && info[0] != '\0')
		path = info;
	else if (script != NULL && strlen(script) > 4 &&
	    strcmp(script + strlen(script) - 4, ".htm") == 0)
		path = script;
	else
		path = "/";
	if (snprintf(pathbuf, sizeof(pathbuf), "%s", path) >=
	    (int)sizeof(pathbuf))
		path = NULL;
	head = method != NULL && strcmp(method, "HEAD") == 0;
	if (method == NULL || path == NULL) {
		simple_page(&rs, "400 Bad Request", "Ungültige Anfrage",
		    "Die Anfrage ist unvollständig.");
	} else if (strstr(path, "..") != NULL ||
	    !page_of(path, page, sizeof(page))) {
		simple_page(&rs, "404 Not Found", "Seite nicht gefunden",
		    "Diese Seite gibt es nicht.");
	} else if ((bad = read_body(req, w->shop->request_max_bytes,
	    &body)) != 0) {
		simple_page(&rs, bad == 413 ? "413 Content Too Large" :
		    bad == 503 ? "503 Service Unavailable" :
		    "400 Bad Request", "Ungültige Anfrage", bad == 413 ?
		    "Die Anfrage ist zu groß." : "Die Anfrage ist "
		    "unvollständig.");
	} else {
		memset(&rq, 0, sizeof(rq));
		rq.method = method;
		rq.page = page;
		rq.query = FCGX_GetParam("QUERY_STRING", req->envp);
		rq.cookie = FCGX_GetParam("HTTP_COOKIE", req->envp);
		rq.remote_addr = FCGX_GetParam("REMOTE_ADDR", req->envp);
		rq.content_type = FCGX_GetParam("CONTENT_TYPE", req->envp);
		rq.body = buf_cstr(&body);
		rq.body_len = body.len;
		{
			const char *https = FCGX_GetParam("HTTPS", req->envp);

			rq.https = https != NULL && (strcasecmp(https, "on") ==
			    0 || strcmp(https, "1") == 0);
		}
		w->env.reopen = false;
		shop_handle(&w->env, &rq, &rs);
		if (w->env.reopen && reopen_store(w) == WS_OK) {
			/* a peer died and recovery ran: once more */
			shop_response_free(&rs);
			shop_response_init(&rs);
			w->env.reopen = false;
			shop_handle(&w->env, &rq, &rs);
		}
	}
	respond(req, &rs, head);
	shop_response_free(&rs);
	buf_free(&body);
}

static void
env_setup(struct worker *w)
{
	memset(&w->env, 0, sizeof(w->env));
	w->env.conf = &w->conf;
	w->env.shop = w->shop;
	w->env.codegen = w->codegen;
	w->env.store = w->store;
	w->env.cache = w->cache;
	w->env.log = logmsg;
}

/* SIGHUP: new config and templates, or the old ones and a log line. */
static void
reload(struct worker *w)
{
	struct voucher_conf conf, old_conf;
	struct shop_conf *shop = NULL, *old_shop;
	struct codegen *g = NULL, *old_g;
	struct shop_env *old_env;
	struct buf err = BUF_INIT;
	enum ws_status st;

	tmpl_cache_flush(w->cache);
	if (load_conf(w->config_path, &conf, &shop) != WS_OK) {
		logmsg("reload failed: keeping the old configuration");
		return;
	}
	if (codegen_new(&conf, &g, &err) != WS_OK ||
	    (old_env = malloc(sizeof(*old_env))) == NULL) {
		logmsg("reload failed: code format: %s; keeping the old "
		    "configuration", buf_cstr(&err));
		buf_free(&err);
		codegen_free(g);
		free(shop);
		return;
	}
	buf_free(&err);
	*old_env = w->env;
	old_conf = w->conf;
	old_shop = w->shop;
	old_g = w->codegen;
	w->conf = conf;
	w->shop = shop;
	w->codegen = g;
	env_setup(w);
	if ((st = shop_env_init(&w->env)) != WS_OK) {
		/* the shop's key could not be read: all stays as it was */
		logmsg("reload failed: shop key: %s; keeping the old "
		    "configuration", ws_status_str(st));
		w->conf = old_conf;
		w->shop = old_shop;
		w->codegen = old_g;
		w->env = *old_env;
		codegen_free(g);
		free(shop);
	} else {
		codegen_free(old_g);
		free(old_shop);
		tz_use(w->conf.timezone);
	}
	free(old_env);
}

/* The master's and the housekeeper's reload: the config only. */
static void
reload_conf(struct worker *w)
{
	struct voucher_conf conf;
	struct shop_conf *shop = NULL;

	if (load_conf(w->config_path, &conf, &shop) != WS_OK) {
		logmsg("reload failed: keeping the old configuration");
		return;
	}
	w->conf = conf;
	free(w->shop);
	w->shop = shop;
	tz_use(w->conf.timezone);
}

static int
worker_main(struct worker *w, int sock)
{
	FCGX_Request req;
	struct buf err = BUF_INIT;
	enum ws_status st;

	if (codegen_new(&w->conf, &w->codegen, &err) != WS_OK ||
	    open_store(w->store_dir, &w->conf, &w->store) != WS_OK ||
	    tmpl_cache_new(w->templates, &w->cache) != WS_OK) {
		logmsg("worker cannot start: %s", buf_cstr(&err));
		buf_free(&err);
		return 1;
	}
	buf_free(&err);
	env_setup(w);
	if ((st = shop_env_init(&w->env)) != WS_OK) {
		logmsg("worker cannot start: shop key: %s", ws_status_str(st));
		return st == WS_ERR_RECOVER ? EXIT_REOPEN : 1;
	}
	if (FCGX_InitRequest(&req, sock, 0) != 0)
		return 1;
	while (!got_term && !w->reopen) {
		if (FCGX_Accept_r(&req) < 0)
			break;		/* SIGTERM, or the socket went away */
		if (got_hup) {
			got_hup = 0;
			reload(w);
		}
		test_clock_read();
		handle(w, &req);
		FCGX_Finish_r(&req);
		if (w->env.reopen)
			w->reopen = true;
	}
	tmpl_cache_free(w->cache);
	codegen_free(w->codegen);
	store_close(w->store);
	free(w->shop);
	return w->reopen ? EXIT_REOPEN : 0;
}

static int
maintainer_main(struct worker *w)
{
	struct timespec half = { 0, 500000000L };
	unsigned tick = 0;
	uint64_t n;

	if (open_store(w->store_dir, &w->conf, &w->store) != WS_OK)
		return 1;
	while (!got_term) {
		bool minute = tick % 120 == 0;
		enum ws_status st;

		if (got_hup) {
			got_hup = 0;
			reload_conf(w);
		}
		st = store_maintain(w->store, minute);

		if (st == WS_OK && minute)
			st = ops_expire_holds(w->store, 0, &n);
		if (st == WS_OK && minute)
			st = shop_expire_sessions(w->store, w->shop,
			    &w->conf, clock_now(), &n);
		if (st == WS_OK && minute)
			st = api_expire_ids(w->store, w->shop, clock_now(), &n);
		if (st == WS_OK && minute)
			st = admin_expire_sessions(w->store, clock_now(), &n);
		if (st == WS_ERR_RECOVER) {
			store_close(w->store);
			return EXIT_REOPEN;
		}
		if (st != WS_OK)
			logmsg("housekeeping: %s", ws_status_str(st));
		nanosleep(&half, NULL);
		tick++;
	}
	store_close(w->store);
	return 0;
}

/* --- the master ------------------------------------------------------------- */

static pid_t
spawn(struct worker *w, int sock, bool maintainer)
{
	pid_t pid = fork();

	if (pid == 0) {
		int rc = maintainer ? maintainer_main(w) : worker_main(w, sock);

		_exit(rc);
	}
	if (pid < 0)
		logmsg("fork: %s", strerror(errno));
	return pid;
}

static void
usage(void)
{
	fputs("usage: wsvoucher.fcgi --config FILE --templates DIR --socket "
	    "PATH [--workers N] [--store DIR] [--syslog] [--test-clock FILE]\n",
	    stderr);
}

int
main(int argc, char **argv)
{
	struct worker w;
	const char *socket_path = NULL;
	pid_t pids[WORKERS_MAX + 1];
	long workers = WORKERS_DEFAULT;
	int i, sock, status;
	time_t restarts_since = time(NULL);
	unsigned restarts = 0;

	memset(&w, 0, sizeof(w));
	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--syslog") == 0) {
			use_syslog = true;
			openlog("wsvoucher.fcgi", LOG_PID, LOG_DAEMON);
			continue;
		}
		if (v == NULL) {
			usage();
			return 2;
		}
		if (strcmp(argv[i], "--config") == 0)
			w.config_path = v;
		else if (strcmp(argv[i], "--templates") == 0)
			w.templates = v;
		else if (strcmp(argv[i], "--socket") == 0)
			socket_path = v;
		else if (strcmp(argv[i], "--store") == 0)
			w.store_dir = v;
		else if (strcmp(argv[i], "--test-clock") == 0)
			test_clock_path = v;
		else if (strcmp(argv[i], "--workers") == 0) {
			char *end;

			errno = 0;
			workers = strtol(v, &end, 10);
			if (errno != 0 || *end != '\0' || workers < 1 ||
			    workers > WORKERS_MAX) {
				fprintf(stderr, "--workers: 1 to %d\n",
				    WORKERS_MAX);
				return 2;
			}
		} else {
			usage();
			return 2;
		}
		i++;
	}
	if (w.config_path == NULL || w.templates == NULL ||
	    socket_path == NULL) {
		usage();
		return 2;
	}
	/* a broken config refuses to start, naming file:line */
	if (load_conf(w.config_path, &w.conf, &w.shop) != WS_OK)
		return 1;
	if (tz_use(w.conf.timezone) != WS_OK)
		return 1;
	if (w.store_dir == NULL)
		w.store_dir = w.conf.store_directory;
	if (w.store_dir[0] == '\0') {
		logmsg("no store: give --store or Store-Directory");
		return 1;
	}
	unlink(socket_path);	/* a socket left by a killed master */
	FCGX_Init();
	sock = FCGX_OpenSocket(socket_path, 128);
	if (sock < 0) {
		logmsg("cannot listen on %s", socket_path);
		return 1;
	}
	chmod(socket_path, 0660);
	set_signals();
	for (i = 0; i <= workers; i++)
		pids[i] = spawn(&w, sock, i == workers);
	logmsg("listening on %s with %ld workers", socket_path, workers);
	while (!got_term) {
		pause();
		if (got_hup) {
			got_hup = 0;
			/* children started later get the new config too */
			reload_conf(&w);
			for (i = 0; i <= workers; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGHUP);
		}
		while (got_chld) {
			pid_t pid;

			got_chld = 0;
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
				for (i = 0; i <= workers; i++) {
					if (pids[i] != pid)
						continue;
					if (!got_term)
						logmsg("%s %ld ended (%s %d), "
						    "restarting", i == workers ?
						    "housekeeping" : "worker",
						    (long)pid,
						    WIFSIGNALED(status) ?
						    "signal" : "status",
						    WIFSIGNALED(status) ?
						    WTERMSIG(status) :
						    WEXITSTATUS(status));
					pids[i] = got_term ? -1 :
					    spawn(&w, sock, i == workers);
					/* a crash loop is not hidden: slow it */
					if (time(NULL) - restarts_since > 60) {
						restarts_since = time(NULL);
						restarts = 0;
					}
					if (++restarts > 20)
						sleep(1);
				}
			}
		}
	}
	for (i = 0; i <= workers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (i = 0; i <= workers; i++) {
		if (pids[i] <= 0)
			continue;
		/* in-flight requests finish; then each exits.  SIGCHLD of
		 * another child interrupts the wait: wait again. */
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
	}
	unlink(socket_path);
	logmsg("stopped");
	return 0;
}
