/*
 * fcgi_min.c - the least a FastCGI responder can do: the baseline (b) of
 * bench/run_http.sh.  Every request gets the same bytes, CGI headers and
 * body, read once at start from FILE and served from memory.
 *
 *   fcgi_min SOCKET FILE [PROCESSES]
 *
 * It listens on the unix socket SOCKET (FCGX_OpenSocket) with PROCESSES
 * (default 1, at most 64) forked responders sharing it, so that it can
 * run with as many processes as wsvoucher.fcgi has workers.  The parent
 * only waits: SIGTERM or SIGINT stops the responders and then itself.
 *
 * Reports: a usage problem (exit 2) or a start-up problem (exit 1) on
 * stderr; nothing per request.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L	/* sigset_t, kill, fileno under -std=c11 */
#endif
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#define PROCS_MAX	64
#define RESPONSE_MAX	(64L * 1024 * 1024)	/* a page, not a download */
#define BACKLOG		128

/* Reads all of PATH into a new buffer; returns it (size in *len) or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	struct stat sb;
	char *data = NULL;
	size_t n = 0;
	ssize_t r;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &sb) != 0 || sb.st_size <= 0 ||
	    sb.st_size > RESPONSE_MAX)
		goto fail;
	data = malloc((size_t)sb.st_size);
	if (data == NULL)
		goto fail;
	while (n < (size_t)sb.st_size) {
		r = (ssize_t)fread(data + n, 1, (size_t)sb.st_size - n, f);
		if (r <= 0)
			goto fail;	/* shorter than fstat said */
		n += (size_t)r;
	}
	fclose(f);
	*len = n;
	return data;
fail:
	free(data);
	fclose(f);
	return NULL;
}

/* Answers every request on SOCK with DATA until the socket fails. */
static int
serve(int sock, const char *data, size_t len)
{
	FCGX_Request req;

	if (FCGX_InitRequest(&req, sock, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(data, (int)len, req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}

static void
on_chld(int sig)
{
	(void)sig;	/* only so that SIGCHLD stays pending for sigwait */
}

int
main(int argc, char **argv)
{
	pid_t kids[PROCS_MAX], pid;
	sigset_t set;
	char *data, *end;
	size_t len;
	long procs = 1;
	int i, sig, sock, alive;
	bool stopped = false;

	if (argc == 4) {
		errno = 0;
		procs = strtol(argv[3], &end, 10);
		if (errno != 0 || end == argv[3] || *end != '\0' ||
		    procs < 1 || procs > PROCS_MAX)
			argc = 0;	/* usage */
	}
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: fcgi_min SOCKET FILE [PROCESSES "
		    "(1-%d)]\n", PROCS_MAX);
		return 2;
	}
	data = slurp(argv[2], &len);
	if (data == NULL) {
		fprintf(stderr, "fcgi_min: %s: cannot read it, or it is "
		    "empty or larger than %ld bytes\n", argv[2], RESPONSE_MAX);
		return 1;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "fcgi_min: FCGX_Init failed\n");
		return 1;
	}
	sock = FCGX_OpenSocket(argv[1], BACKLOG);
	if (sock < 0) {
		fprintf(stderr, "fcgi_min: %s: cannot listen there\n",
		    argv[1]);
		return 1;
	}
	/* blocked before the fork: no SIGTERM can slip past sigwait */
	signal(SIGCHLD, on_chld);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < procs; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			/* a responder dies with its parent, even by SIGKILL */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			signal(SIGCHLD, SIG_DFL);
			/* a client gone before its answer is not our death */
			signal(SIGPIPE, SIG_IGN);
			sigprocmask(SIG_UNBLOCK, &set, NULL);
			if (getppid() == 1)
				_exit(0);	/* the parent is gone already */
			_exit(serve(sock, data, len));
		}
		if (kids[i] < 0) {
			fprintf(stderr, "fcgi_min: fork: %s\n",
			    strerror(errno));
			procs = i;
			break;
		}
	}
	alive = (int)procs;
	while (alive > 0 && !stopped) {
		if (sigwait(&set, &sig) != 0 || sig != SIGCHLD) {
			stopped = true;
			break;
		}
		/* a responder died: forget it, so no stray pid is killed */
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
			for (i = 0; i < procs; i++)
				if (kids[i] == pid)
					kids[i] = 0;
			alive--;
		}
	}
	for (i = 0; i < procs; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	while (wait(NULL) > 0)
		continue;
	free(data);
	return stopped ? 0 : 1;
}
