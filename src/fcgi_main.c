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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "clock.h"
#include "codegen.h"
#include "conf.h"
#include "ops.h"
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
	struct codegen		*codegen;
	struct store		*store;
	struct tmpl_cache	*cache;
	bool			 reopen;	/* store said: reopen */
};

static volatile sig_atomic_t got_term, got_hup, got_chld;

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

static enum ws_status
load_conf(const char *path, struct voucher_conf *conf)
{
	struct diags d;
	enum ws_status st;
	size_t i;

	diags_init(&d);
	st = conf_load(path, conf, &d);
	for (i = 0; i < d.n; i++)
		logmsg("%s:%u: %s%s%s", d.items[i].path, d.items[i].line,
		    d.items[i].field, d.items[i].field[0] != '\0' ? ": " : "",
		    d.items[i].text);
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

/* --- VOUCHER-LoadData ---------------------------------------------------------- */

struct load_arg {
	const char		*code;
	int64_t			 now;
	struct tmpl_voucher	*out;
};

static enum ws_status
hold_seen(const struct hold *h, void *arg)
{
	struct load_arg *a = arg;

	if (h->expires > a->now && h->kind == HOLD_RESERVATION) {
		a->out->reserved = true;
		if (h->expires > a->out->reserved_until)
			a->out->reserved_until = h->expires;
	}
	return WS_OK;
}

static enum ws_status
load_body(struct store_txn *t, void *arg)
{
	struct load_arg *a = arg;
	struct charge ch;
	enum ws_status st;

	memset(a->out, 0, sizeof(*a->out));
	st = store_voucher_get(t, a->code, &a->out->v, false);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;		/* DataExists stays unset */
	if (st != WS_OK)
		return st;
	a->out->exists = true;
	if (a->out->v.charge_id[0] != '\0') {
		st = store_charge_get(t, a->out->v.charge_id, &ch);
		if (st == WS_OK) {
			memcpy(a->out->charge_creator, ch.creator,
			    sizeof(ch.creator));
			memcpy(a->out->charge_label, ch.label,
			    sizeof(ch.label));
		} else if (st != WS_ERR_NOTFOUND) {
			return st;
		}
	}
	return store_hold_each(t, a->code, hold_seen, a);
}

static enum ws_status
load_voucher(void *arg, const char *typed, struct tmpl_voucher *out)
{
	struct worker *w = arg;
	char code[VOUCHER_CODE_MAX + 1];
	struct load_arg a;
	enum codegen_class cls;
	enum ws_status st;

	memset(out, 0, sizeof(*out));
	cls = codegen_classify(w->codegen, typed, strlen(typed), code,
	    sizeof(code));
	if (cls == CODEGEN_EMPTY || cls == CODEGEN_MALFORMED ||
	    cls == CODEGEN_BAD_CHECK)
		return WS_OK;		/* no such voucher can exist */
	a.code = code;
	a.now = clock_now();
	a.out = out;
	st = store_read_run(w->store, load_body, &a);
	if (st == WS_ERR_RECOVER)
		w->reopen = true;
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
		logmsg("store reopened after recovery");
	}
	return st;
}

/* --- responses ------------------------------------------------------------ */

static void
respond(FCGX_Request *req, const char *status, const char *extra,
    const char *body, size_t len, bool head)
{
	struct buf h = BUF_INIT;

	/* libfcgi's own printf knows no %zu: format the header here */
	if (buf_printf(&h, "Status: %s\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "%s\r\n", status, len, extra != NULL ? extra : "") != WS_OK ||
	    h.len > INT_MAX || len > INT_MAX) {
		buf_free(&h);
		return;
	}
	FCGX_PutStr(h.data, (int)h.len, req->out);
	if (!head && len > 0)
		FCGX_PutStr(body, (int)len, req->out);
	buf_free(&h);
}

static void
respond_page_extra(FCGX_Request *req, const char *status, const char *extra,
    const char *title, const char *text, bool head)
{
	struct buf b = BUF_INIT;

	if (buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"de\"><head>"
	    "<meta charset=\"utf-8\"><title>%s</title></head><body>"
	    "<h1>%s</h1><p>%s</p></body></html>\n", title, title, text) ==
	    WS_OK)
		respond(req, status, extra, b.data, b.len, head);
	buf_free(&b);
}

static void
respond_page(FCGX_Request *req, const char *status, const char *title,
    const char *text, bool head)
{
	respond_page_extra(req, status, NULL, title, text, head);
}

/* The template a path names: its last segment, [a-z0-9_]+.htm. */
static bool
page_of(const char *path, char *out, size_t size)
{
	const char *last = strrchr(path, '/');
	size_t i, n;

	last = last != NULL ? last + 1 : path;
	if (*last == '\0')
		last = "ws_start.htm";
	n = strlen(last);
	if (n < 5 || n >= size || strcmp(last + n - 4, ".htm") != 0)
		return false;
	for (i = 0; i < n - 4; i++)
		if (!((last[i] >= 'a' && last[i] <= 'z') ||
		    (last[i] >= '0' && last[i] <= '9') || last[i] == '_'))
			return false;
	memcpy(out, last, n + 1);
	return true;
}

static void
handle(struct worker *w, FCGX_Request *req)
{
	const char *method = FCGX_GetParam("REQUEST_METHOD", req->envp);
	const char *script = FCGX_GetParam("SCRIPT_NAME", req->envp);
	const char *info = FCGX_GetParam("PATH_INFO", req->envp);
	const char *path;
	char pathbuf[1024];
	const struct tmpl *t;
	struct tmpl_basket empty;
	struct tmpl_data data;
	struct buf out = BUF_INIT, err = BUF_INIT;
	char page[128];
	struct diags d;
	enum ws_status st;
	bool head;

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
	if (method == NULL || path == NULL) {
		respond_page(req, "400 Bad Request", "Ungültige Anfrage",
		    "Die Anfrage ist unvollständig.", false);
		return;
	}
	head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0) {
		respond_page_extra(req, "405 Method Not Allowed",
		    "Allow: GET, HEAD\r\n", "Nicht erlaubt",
		    "Diese Seite kann nur abgerufen werden.", false);
		return;
	}
	if (strstr(path, "..") != NULL || !page_of(path, page, sizeof(page))) {
		respond_page(req, "404 Not Found", "Seite nicht gefunden",
		    "Diese Seite gibt es nicht.", head);
		return;
	}
	diags_init(&d);
	st = tmpl_cache_get(w->cache, page, &t, &d);
	if (st == WS_ERR_IO) {
		respond_page(req, "404 Not Found", "Seite nicht gefunden",
		    "Diese Seite gibt es nicht.", head);
		diags_free(&d);
		return;
	}
	if (st != WS_OK) {
		size_t i;

		for (i = 0; i < d.n; i++)
			logmsg("template %s:%u:%u: %s", d.items[i].path,
			    d.items[i].line, d.items[i].col, d.items[i].text);
		respond_page(req, "500 Internal Server Error", "Fehler",
		    "Die Seite kann gerade nicht angezeigt werden.", head);
		diags_free(&d);
		return;
	}
	diags_free(&d);
	/* no sessions yet (issue 4): every visitor has an empty basket */
	memset(&empty, 0, sizeof(empty));
	memcpy(empty.currency, w->conf.currency, sizeof(empty.currency));
	memset(&data, 0, sizeof(data));
	data.conf = &w->conf;
	data.basket = &empty;
	data.voucher_field = "WS-VoucherNumber";
	data.load_voucher = load_voucher;
	data.load_arg = w;
	st = tmpl_render(t, &data, &out, &err);
	if (st == WS_ERR_RECOVER && reopen_store(w) == WS_OK) {
		/* a peer died and recovery ran: the page once more */
		buf_reset(&err);
		st = tmpl_render(t, &data, &out, &err);
	}
	if (st != WS_OK) {
		logmsg("%s", buf_cstr(&err));
		respond_page(req, w->reopen ? "503 Service Unavailable" :
		    "500 Internal Server Error", "Fehler", "Die Seite kann "
		    "gerade nicht angezeigt werden. Bitte versuchen Sie es "
		    "gleich noch einmal.", head);
	} else {
		respond(req, "200 OK", NULL, out.data, out.len, head);
	}
	buf_free(&out);
	buf_free(&err);
}

/* SIGHUP: new config and templates, or the old ones and a log line. */
static void
reload(struct worker *w)
{
	struct voucher_conf conf;
	struct codegen *g = NULL;
	struct buf err = BUF_INIT;

	if (load_conf(w->config_path, &conf) != WS_OK) {
		logmsg("reload failed: keeping the old configuration");
	} else if (codegen_new(&conf, &g, &err) != WS_OK) {
		logmsg("reload failed: code format: %s; keeping the old "
		    "configuration", buf_cstr(&err));
	} else {
		codegen_free(w->codegen);
		w->codegen = g;
		w->conf = conf;
		tz_use(w->conf.timezone);
	}
	buf_free(&err);
	tmpl_cache_flush(w->cache);
}

static int
worker_main(struct worker *w, int sock)
{
	FCGX_Request req;
	struct buf err = BUF_INIT;

	if (codegen_new(&w->conf, &w->codegen, &err) != WS_OK ||
	    open_store(w->store_dir, &w->conf, &w->store) != WS_OK ||
	    tmpl_cache_new(w->templates, &w->cache) != WS_OK) {
		logmsg("worker cannot start: %s", buf_cstr(&err));
		buf_free(&err);
		return 1;
	}
	buf_free(&err);
	if (FCGX_InitRequest(&req, sock, 0) != 0)
		return 1;
	while (!got_term && !w->reopen) {
		if (FCGX_Accept_r(&req) < 0)
			break;		/* SIGTERM, or the socket went away */
		if (got_hup) {
			got_hup = 0;
			reload(w);
		}
		handle(w, &req);
		FCGX_Finish_r(&req);
	}
	tmpl_cache_free(w->cache);
	codegen_free(w->codegen);
	store_close(w->store);
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
		enum ws_status st = store_maintain(w->store, minute);

		if (st == WS_OK && minute)
			st = ops_expire_holds(w->store, 0, &n);
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
	    "PATH [--workers N] [--store DIR]\n", stderr);
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
	if (load_conf(w.config_path, &w.conf) != WS_OK)
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
			for (i = 0; i < workers; i++)
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
