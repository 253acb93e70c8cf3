/*
 * test_mail.c - the shop's mails: which addresses pass, a message in the
 * spool folder (whole, no temporary file left, the headers with the
 * RFC 2047 subject, the body), header injection refused, and delivery
 * through a Mail-Command (run by /bin/sh -c) including a failing one.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "buf.h"
#include "clock.h"
#include "mail.h"
#include "testutil.h"

#define NOW		INT64_C(1790000000)
#define NOW_DATE	"Mon, 21 Sep 2026 14:13:20 +0000"
#define TO		"kunde@example.com"
#define BODY		"Guten Tag,\n\nvielen Dank f\xc3\xbcr Ihre " \
			"Bestellung.\n"

static char *dir;
static struct shop_conf shop;

static int64_t
fixed_clock(void *arg)
{
	(void)arg;
	return NOW;
}

static void
setup(void)
{
	/* as wsvoucher.fcgi does: a command that exits early must not kill */
	signal(SIGPIPE, SIG_IGN);
	dir = tu_tmpdir();
	memset(&shop, 0, sizeof(shop));
	snprintf(shop.mail_from, sizeof(shop.mail_from), "shop@example.com");
	clock_set(fixed_clock, NULL);
}

static void
teardown(void)
{
	clock_set(NULL, NULL);
	tu_rmrf(dir);
	free(dir);
}

TestSuite(mail, .init = setup, .fini = teardown);

/* Names in folder d (not . and ..), joined by '\n', and their count. */
static unsigned
list_dir(const char *d, struct buf *names)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	unsigned n = 0;

	cr_assert_not_null(dp, "opendir %s", d);
	buf_reset(names);
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		cr_assert_eq(buf_printf(names, "%s\n", e->d_name), WS_OK);
		n++;
	}
	closedir(dp);
	return n;
}

static void
read_file(const char *path, struct buf *out)
{
	FILE *fp = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	cr_assert_not_null(fp, "open %s", path);
	buf_reset(out);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		cr_assert_eq(buf_append(out, chunk, n), WS_OK);
	fclose(fp);
}

static bool
ends_with(const char *s, size_t n, const char *end)
{
	size_t k = strlen(end);

	return n >= k && memcmp(s + n - k, end, k) == 0;
}

/* The header part of message m must hold line (without CRLF). */
static void
expect_header(const struct buf *m, const char *line)
{
	const char *end = strstr(m->data, "\r\n\r\n");
	char want[512];
	const char *at;

	cr_assert_not_null(end, "no end of the header: %s", m->data);
	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	at = strstr(m->data, want);
	if (strncmp(m->data, want + 2, strlen(want) - 2) == 0)
		at = m->data;
	cr_expect(at != NULL && at < end, "header \"%s\" missing in:\n%s",
	    line, m->data);
}

/* The one message in the spool folder (and that nothing else is there). */
static void
the_spooled_mail(struct buf *m, struct buf *name)
{
	struct buf names = BUF_INIT;
	char path[1024];

	cr_assert_eq(list_dir(dir, &names), 1, "spool holds: %s",
	    buf_cstr(&names));
	cr_expect_null(strstr(names.data, ".tmp-"), "temporary file left: %s",
	    names.data);
	cr_assert(ends_with(names.data, names.len, ".eml\n"), "not a .eml: "
	    "%s", names.data);
	names.data[--names.len] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, names.data);
	read_file(path, m);
	if (name != NULL) {
		buf_reset(name);
		cr_assert_eq(buf_append_str(name, names.data), WS_OK);
	}
	buf_free(&names);
}

/* --- addresses -------------------------------------------------------- */

static const struct {
	const char	*addr;
	bool		 ok;
	int		 line;
} addr_cases[] = {
	{ "kunde@example.com", true, __LINE__ },
	{ "a@b.c", true, __LINE__ },
	{ "first.last+tag@sub.example.co.uk", true, __LINE__ },
	{ "o'brien@example.ie", true, __LINE__ },
	{ "kunde@example.com.", false, __LINE__ },
	{ "kunde.example.com", false, __LINE__ },
	{ "", false, __LINE__ },
	{ "@example.com", false, __LINE__ },
	{ "kunde@", false, __LINE__ },
	{ "kunde@localhost", false, __LINE__ },
	{ "a@b@example.com", false, __LINE__ },
	{ "kunde@exa@mple.com", false, __LINE__ },
	{ "kun de@example.com", false, __LINE__ },
	{ " kunde@example.com", false, __LINE__ },
	{ "kunde@example.com ", false, __LINE__ },
	{ "kunde\t@example.com", false, __LINE__ },
	{ "Kunde <kunde@example.com>", false, __LINE__ },
	{ "<kunde@example.com>", false, __LINE__ },
	{ "kunde@example.com>", false, __LINE__ },
	{ "a@example.com,b@example.com", false, __LINE__ },
	{ "a@example.com;b@example.com", false, __LINE__ },
	{ "\"a\"@example.com", false, __LINE__ },
	{ "a\\b@example.com", false, __LINE__ },
	{ "kunde@example.com\nBcc: x@evil.example", false, __LINE__ },
	{ "kunde@example.com\r\nBcc: x@evil.example", false, __LINE__ },
	{ "kunde@exam\nple.com", false, __LINE__ },
	{ "kunde@example.com\x7f", false, __LINE__ },
};

Test(mail, address_ok_table)
{
	size_t i;

	for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++)
		cr_expect_eq(mail_address_ok(addr_cases[i].addr),
		    addr_cases[i].ok, "line %d: \"%s\" should be %s",
		    addr_cases[i].line, addr_cases[i].addr,
		    addr_cases[i].ok ? "good" : "refused");
}

Test(mail, address_length)
{
	char a[160];

	/* 128 characters pass, 129 do not */
	memset(a, 'a', sizeof(a));
	memcpy(a + 128 - 12, "@example.com", 13);
	cr_expect_eq(strlen(a), 128);
	cr_expect(mail_address_ok(a));
	memset(a, 'a', sizeof(a));
	memcpy(a + 129 - 12, "@example.com", 13);
	cr_expect_eq(strlen(a), 129);
	cr_expect_not(mail_address_ok(a));
}

/* --- the spool -------------------------------------------------------- */

Test(mail, spool_message)
{
	struct buf m = BUF_INIT, name = BUF_INIT, where = BUF_INIT;
	const char *body;
	char want[1024], prefix[32];
	size_t i;

	snprintf(shop.mail_spool, sizeof(shop.mail_spool), "%s", dir);
	cr_assert_eq(mail_send(&shop, TO, "Ihre Bestellung \xe2\x80\x93 "
	    "\xc3\x9c", BODY, &where), WS_OK);
	the_spooled_mail(&m, &name);

	/* the file name sorts by time */
	snprintf(prefix, sizeof(prefix), "%lld-", (long long)NOW);
	cr_expect_eq(strncmp(name.data, prefix, strlen(prefix)), 0,
	    "name %s", name.data);
	/* its path is reported */
	snprintf(want, sizeof(want), "%s/%s", dir, name.data);
	cr_expect_str_eq(buf_cstr(&where), want);

	expect_header(&m, "From: shop@example.com");
	expect_header(&m, "To: " TO);
	/* "Ihre Bestellung – Ü" in UTF-8, base64 */
	expect_header(&m, "Subject: =?UTF-8?B?SWhyZSBCZXN0ZWxsdW5nIOKAkyDDnA"
	    "==?=");
	expect_header(&m, "Date: " NOW_DATE);
	expect_header(&m, "MIME-Version: 1.0");
	expect_header(&m, "Content-Type: text/plain; charset=utf-8");
	expect_header(&m, "Content-Transfer-Encoding: 8bit");
	cr_expect_eq(strncmp(m.data, "From: ", 6), 0);
	{
		const char *id = strstr(m.data, "\r\nMessage-ID: <");

		cr_assert_not_null(id);
		id += 15;
		for (i = 0; i < 32; i++)
			cr_expect(strchr("0123456789abcdef", id[i]) != NULL &&
			    id[i] != '\0', "Message-ID %.40s", id);
		cr_expect_eq(strncmp(id + 32, "@wsvoucher>\r\n", 13), 0);
	}
	/* the header is 7-bit */
	for (i = 0; m.data + i < strstr(m.data, "\r\n\r\n"); i++)
		cr_expect((unsigned char)m.data[i] < 0x80, "8-bit header byte "
		    "at %zu", i);
	/* the body follows the blank line, unchanged */
	body = strstr(m.data, "\r\n\r\n");
	cr_assert_not_null(body);
	cr_expect_str_eq(body + 4, BODY);
	buf_free(&m);
	buf_free(&name);
	buf_free(&where);
}

Test(mail, spool_subject_encoding)
{
	static const struct {
		const char	*subject;
		const char	*header;
	} cases[] = {
		{ "a", "Subject: =?UTF-8?B?YQ==?=" },
		{ "ab", "Subject: =?UTF-8?B?YWI=?=" },
		{ "abc", "Subject: =?UTF-8?B?YWJj?=" },
		{ "Ihre Geschenkgutscheine",
		    "Subject: =?UTF-8?B?SWhyZSBHZXNjaGVua2d1dHNjaGVpbmU=?=" },
	};
	struct buf m = BUF_INIT;
	size_t i;

	snprintf(shop.mail_spool, sizeof(shop.mail_spool), "%s", dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[1024];
		struct buf names = BUF_INIT;

		cr_assert_eq(mail_send(&shop, TO, cases[i].subject, "x", NULL),
		    WS_OK);
		the_spooled_mail(&m, &names);
		expect_header(&m, cases[i].header);
		snprintf(path, sizeof(path), "%s/%s", dir, names.data);
		cr_assert_eq(remove(path), 0);
		buf_free(&names);
	}
	buf_free(&m);
}

Test(mail, spool_one_file_per_mail)
{
	struct buf names = BUF_INIT, a = BUF_INIT, b = BUF_INIT;

	snprintf(shop.mail_spool, sizeof(shop.mail_spool), "%s", dir);
	/* same second: the random part keeps them apart */
	cr_assert_eq(mail_send(&shop, TO, "eins", "1", &a), WS_OK);
	cr_assert_eq(mail_send(&shop, TO, "zwei", "2", &b), WS_OK);
	cr_expect_eq(list_dir(dir, &names), 2, "%s", buf_cstr(&names));
	cr_expect_str_neq(buf_cstr(&a), buf_cstr(&b));
	cr_expect_null(strstr(buf_cstr(&names), ".tmp-"));
	buf_free(&names);
	buf_free(&a);
	buf_free(&b);
}

Test(mail, header_injection_refused)
{
	static const char *const subjects[] = {
		"Ihre Bestellung\r\nBcc: x@evil.example",
		"Ihre Bestellung\nBcc: x@evil.example",
		"Ihre Bestellung\r",
		"\n",
	};
	struct buf names = BUF_INIT, where = BUF_INIT;
	size_t i;

	snprintf(shop.mail_spool, sizeof(shop.mail_spool), "%s", dir);
	cr_assert_eq(buf_append_str(&where, "unchanged"), WS_OK);
	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++)
		cr_expect_eq(mail_send(&shop, TO, subjects[i], BODY, &where),
		    WS_ERR_INVALID, "subject %zu", i);
	cr_expect_eq(list_dir(dir, &names), 0, "spool holds: %s",
	    buf_cstr(&names));
	cr_expect_str_eq(buf_cstr(&where), "unchanged");
	buf_free(&names);
	buf_free(&where);
}

Test(mail, bad_address_refused)
{
	static const char *const to[] = {
		"kunde.example.com",
		"kunde@example.com\r\nBcc: x@evil.example",
		"a@example.com, b@example.com",
		"Kunde <kunde@example.com>",
		"",
	};
	struct buf names = BUF_INIT;
	size_t i;

	snprintf(shop.mail_spool, sizeof(shop.mail_spool), "%s", dir);
	for (i = 0; i < sizeof(to) / sizeof(to[0]); i++)
		cr_expect_eq(mail_send(&shop, to[i], "Betreff", BODY, NULL),
		    WS_ERR_INVALID, "\"%s\"", to[i]);
	cr_expect_eq(list_dir(dir, &names), 0, "spool holds: %s",
	    buf_cstr(&names));
	buf_free(&names);
}

Test(mail, spool_missing)
{
	struct buf where = BUF_INIT;

	snprintf(shop.mail_spool, sizeof(shop.mail_spool), "%s/nope", dir);
	cr_assert_eq(buf_append_str(&where, "unchanged"), WS_OK);
	cr_expect_eq(mail_send(&shop, TO, "Betreff", BODY, &where),
	    WS_ERR_IO);
	cr_expect_str_eq(buf_cstr(&where), "unchanged");
	buf_free(&where);
}

Test(mail, nowhere_to_send)
{
	cr_expect_eq(mail_send(&shop, TO, "Betreff", BODY, NULL),
	    WS_ERR_INVALID);
}

/* --- the command ------------------------------------------------------ */

/* Mail-Command = /bin/cat > 'path' */
static void
set_cat_command(const char *path)
{
	struct buf c = BUF_INIT;

	cr_assert_eq(buf_printf(&c, "/bin/cat > '%s'", path), WS_OK);
	cr_assert_lt(c.len, sizeof(shop.mail_command));
	memcpy(shop.mail_command, c.data, c.len + 1);
	buf_free(&c);
}

Test(mail, command_gets_message)
{
	struct buf m = BUF_INIT, names = BUF_INIT;
	char path[1024];
	const char *body;

	snprintf(path, sizeof(path), "%s/out.eml", dir);
	set_cat_command(path);
	cr_assert_eq(mail_send(&shop, TO, "Ihre Bestellung \xe2\x80\x93 "
	    "\xc3\x9c", BODY, NULL), WS_OK);
	cr_expect_eq(list_dir(dir, &names), 1, "%s", buf_cstr(&names));
	read_file(path, &m);
	expect_header(&m, "From: shop@example.com");
	expect_header(&m, "To: " TO);
	expect_header(&m, "Subject: =?UTF-8?B?SWhyZSBCZXN0ZWxsdW5nIOKAkyDDnA"
	    "==?=");
	expect_header(&m, "Content-Type: text/plain; charset=utf-8");
	body = strstr(m.data, "\r\n\r\n");
	cr_assert_not_null(body);
	cr_expect_str_eq(body + 4, BODY);
	buf_free(&m);
	buf_free(&names);
}

Test(mail, command_gets_large_message_whole)
{
	struct buf m = BUF_INIT, big = BUF_INIT;
	char path[1024];
	const char *body;
	size_t i;

	/* more than a pipe holds: the writer must loop */
	for (i = 0; i < 20000; i++)
		cr_assert_eq(buf_printf(&big, "Zeile %05zu: Gutschein\n", i),
		    WS_OK);
	snprintf(path, sizeof(path), "%s/out.eml", dir);
	set_cat_command(path);
	cr_assert_eq(mail_send(&shop, TO, "gross", big.data, NULL), WS_OK);
	read_file(path, &m);
	body = strstr(m.data, "\r\n\r\n");
	cr_assert_not_null(body);
	cr_expect_eq(strlen(body + 4), big.len);
	cr_expect_str_eq(body + 4, big.data);
	buf_free(&m);
	buf_free(&big);
}

Test(mail, command_fails)
{
	static const char *const commands[] = {
		"false",
		"/bin/false",
		"cat >/dev/null; exit 1",
		"cat >/dev/null; exit 75",	/* EX_TEMPFAIL */
		"/nonexistent/sendmail -t -i 2>/dev/null",
		"kill -9 $$",
	};
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		snprintf(shop.mail_command, sizeof(shop.mail_command), "%s",
		    commands[i]);
		cr_expect_eq(mail_send(&shop, TO, "Betreff", BODY, NULL),
		    WS_ERR_IO, "command \"%s\"", commands[i]);
	}
}

Test(mail, command_that_does_not_read)
{
	struct buf big = BUF_INIT;
	size_t i;

	/* exits 0 but took nothing: the message was not delivered */
	for (i = 0; i < 1 << 20; i += 64)
		cr_assert_eq(buf_append_str(&big, "0123456789abcdef0123456789"
		    "abcdef0123456789abcdef0123456789abcde\n"), WS_OK);
	snprintf(shop.mail_command, sizeof(shop.mail_command), "exit 0");
	cr_expect_eq(mail_send(&shop, TO, "Betreff", big.data, NULL),
	    WS_ERR_IO);
	buf_free(&big);
}

Test(mail, spool_wins_over_command)
{
	struct buf m = BUF_INIT, names = BUF_INIT;
	char *cmddir = tu_tmpdir();
	char path[1024];

	snprintf(shop.mail_spool, sizeof(shop.mail_spool), "%s", dir);
	snprintf(path, sizeof(path), "%s/out.eml", cmddir);
	set_cat_command(path);
	cr_assert_eq(mail_send(&shop, TO, "Betreff", BODY, NULL), WS_OK);
	the_spooled_mail(&m, NULL);
	cr_expect_eq(list_dir(cmddir, &names), 0, "the command ran too");
	tu_rmrf(cmddir);
	free(cmddir);
	buf_free(&m);
	buf_free(&names);
}
