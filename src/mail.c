/*
 * mail.c - the shop's mails (see mail.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "mail.h"
#include "session.h"

bool
mail_address_ok(const char *s)
{
	const char *at = strchr(s, '@'), *p;
	size_t n = strlen(s);

	if (n < 3 || n > 128 || at == NULL || at == s ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    s[n - 1] == '.')
		return false;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' ||
		    *p == '>' || *p == ',' || *p == ';' || *p == '"' ||
		    *p == '\\')
			return false;
	return true;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * RFC 2047 encoded words, so a subject with umlauts stays 7-bit: at most
 * 45 bytes of text per word (60 of base64, 72 with the frame, under the
 * limit of 75), cut between characters, words on folded lines.
 */
static enum ws_status
encode_word(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), at = 0, len, i;
	enum ws_status st = WS_OK;
	char q[4];

	do {
		len = n - at > 45 ? 45 : n - at;
		/* never split a UTF-8 sequence */
		while (len > 0 && at + len < n && (p[at + len] & 0xc0) == 0x80)
			len--;
		if (at > 0)
			st = buf_append_str(out, "\r\n ");
		if (st == WS_OK)
			st = buf_append_str(out, "=?UTF-8?B?");
		for (i = 0; st == WS_OK && i < len; i += 3) {
			uint32_t v = (uint32_t)p[at + i] << 16;

			if (i + 1 < len)
				v |= (uint32_t)p[at + i + 1] << 8;
			if (i + 2 < len)
				v |= p[at + i + 2];
			q[0] = b64[(v >> 18) & 63];
			q[1] = b64[(v >> 12) & 63];
			q[2] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
			q[3] = i + 2 < len ? b64[v & 63] : '=';
			st = buf_append(out, q, 4);
		}
		if (st == WS_OK)
			st = buf_append_str(out, "?=");
		at += len;
	} while (st == WS_OK && at < n && len > 0);
	return st;
}

static enum ws_status
compose(const struct shop_conf *s, const char *to, const char *subject,
    const char *body, struct buf *m)
{
	char date[64], id[SESSION_ID_LEN + 1];
	time_t now = (time_t)clock_now();
	struct tm tm;
	enum ws_status st;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000",
	    &tm) == 0)
		return WS_ERR_INVALID;
	if ((st = session_random_id(id)) != WS_OK)
		return st;
	st = buf_printf(m, "From: %s\r\nTo: %s\r\nSubject: ", s->mail_from,
	    to);
	if (st == WS_OK)
		st = encode_word(m, subject);
	if (st == WS_OK)
		st = buf_printf(m, "\r\nDate: %s\r\nMessage-ID: <%s@wsvoucher>"
		    "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
		    "charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		    date, id);
	if (st == WS_OK)
		st = buf_append_str(m, body);
	return st;
}

static enum ws_status
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return WS_ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return WS_OK;
}

static enum ws_status
to_spool(const struct shop_conf *s, const struct buf *m, struct buf *where)
{
	char id[SESSION_ID_LEN + 1], tmp[SHOP_PATH_MAX + 64],
	    path[SHOP_PATH_MAX + 64];
	enum ws_status st;
	int fd;

	if ((st = session_random_id(id)) != WS_OK)
		return st;
	/* the name sorts by time; the random part keeps writers apart */
	snprintf(path, sizeof(path), "%s/%lld-%.12s.eml", s->mail_spool,
	    (long long)clock_now(), id);
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%s", s->mail_spool, id);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return WS_ERR_IO;
	st = write_all(fd, m->data, m->len);
	if (st == WS_OK && fsync(fd) != 0)
		st = WS_ERR_IO;
	if (close(fd) != 0 && st == WS_OK)
		st = WS_ERR_IO;
	if (st == WS_OK && rename(tmp, path) != 0)
		st = WS_ERR_IO;
	if (st != WS_OK) {
		unlink(tmp);
		return st;
	}
	if (where != NULL) {
		buf_reset(where);
		buf_append_str(where, path);
	}
	return WS_OK;
}

static enum ws_status	pipe_to(const struct shop_conf *, const struct buf *);

static enum ws_status
to_command(const struct shop_conf *s, const struct buf *m)
{
	struct sigaction ign, old;
	enum ws_status st;

	/* a command that exits without reading must not kill the caller */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	if (sigaction(SIGPIPE, &ign, &old) != 0)
		return WS_ERR_IO;
	st = pipe_to(s, m);
	sigaction(SIGPIPE, &old, NULL);
	return st;
}

static enum ws_status
pipe_to(const struct shop_conf *s, const struct buf *m)
{
	int fds[2], status;
	enum ws_status st;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return WS_ERR_IO;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return WS_ERR_IO;
	}
	if (pid == 0) {
		if (dup2(fds[0], 0) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", s->mail_command, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	st = write_all(fds[1], m->data, m->len);
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return WS_ERR_IO;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return WS_ERR_IO;
	return st;
}

enum ws_status
mail_send(const struct shop_conf *s, const char *to, const char *subject,
    const char *body, struct buf *where)
{
	struct buf m = BUF_INIT;
	enum ws_status st;

	if (!mail_address_ok(to) || strpbrk(subject, "\r\n") != NULL)
		return WS_ERR_INVALID;
	if (s->mail_spool[0] == '\0' && s->mail_command[0] == '\0')
		return WS_ERR_INVALID;
	st = compose(s, to, subject, body, &m);
	if (st == WS_OK && s->mail_spool[0] != '\0')
		st = to_spool(s, &m, where);
	else if (st == WS_OK)
		st = to_command(s, &m);
	buf_free(&m);
	return st;
}
