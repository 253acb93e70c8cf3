/*
 * conf.c - shop.config reader (SPEC section 7).
 *
 * The file is cut into lines; each line is first checked as bytes (length,
 * NUL, UTF-8) and then read as a blank line, a '#' comment, a section tag
 * or a "Key = value" pair.  Sections other than <Voucher-Txt> belong to the
 * shop and only their syntax is checked; every key of <Voucher-Txt> is
 * typed and validated.
 *
 * Reports (all of them, never just the first): bad bytes or overlong
 * lines; text outside sections; unclosed, stray, mismatched and nested
 * section tags; a missing or repeated <Voucher-Txt>; unknown, repeated and
 * badly valued keys, each naming the key and what it allows; a code format
 * with fewer than 64 random bits.  The config is built in a private copy
 * and handed out only when nothing was wrong, so a failed reload keeps the
 * old one.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L	/* open(O_CLOEXEC), stat() under -std=c11 */
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "num.h"

#define CONF_FILE_MAX		(1024 * 1024)
#define CONF_LINE_MAX		4096
#define CONF_READ_CHUNK		65536
#define CONF_SECTION_MAX	64	/* section name with its NUL */
#define CONF_VOUCHER_SECTION	"Voucher-Txt"
#define CONF_ZONEINFO		"/usr/share/zoneinfo"
#define CONF_MIN_BITS		64
#define CONF_QUOTE_MAX		48	/* bytes of a bad value shown back */
#define CONF_QUOTE_SIZE		(CONF_QUOTE_MAX + 8)
#define CONF_ALPHABET_MIN	16
#define CONF_PREFIX_MAX		16

enum conf_key_id {
	KEY_EXTERNAL_ALLOW,
	KEY_MULTI_ALLOW,
	KEY_INPUT_LOCATION,
	KEY_NEW_CUSTOMER,
	KEY_PREVENT_NOT_APPLICABLE,
	KEY_VAT_TYPE,
	KEY_SHOW_PERCENT,
	KEY_ROUNDED_PERCENT,
	KEY_NAME,
	KEY_TEXT_NOT_APPLICABLE,
	KEY_TEXT_USED_NUMBER,
	KEY_EXTRA_COSTS,
	KEY_MULTI_MAX,
	KEY_RESERVATION_HOURS,
	KEY_CURRENCY,
	KEY_TIMEZONE,
	KEY_LOCALE,
	KEY_HIDE_REASONS,
	KEY_ATTEMPTS_SESSION,
	KEY_ATTEMPTS_ADDRESS,
	KEY_ATTEMPTS_WINDOW,
	KEY_GIFT_PAYMENT,
	KEY_CODE_ALPHABET,
	KEY_CODE_LENGTH,
	KEY_CODE_GROUP,
	KEY_CODE_SEPARATOR,
	KEY_CODE_PREFIX,
	KEY_CODE_CHECK_CHAR,
	KEY_STORE_DIRECTORY,
	KEY_STORE_DURABLE,
	KEY_ERROR_FIRST,	/* Error-1 is this, Error-28 the last */
	KEY__MAX = KEY_ERROR_FIRST + CONF_REASON_MAX
};

/* Documented spelling of each named key; Error-N are built on demand. */
static const char *const conf_key_names[KEY_ERROR_FIRST] = {
	[KEY_EXTERNAL_ALLOW] = "ExternalVouchers-Allow",
	[KEY_MULTI_ALLOW] = "MultiVoucher-Allow",
	[KEY_INPUT_LOCATION] = "VoucherInputLocation",
	[KEY_NEW_CUSTOMER] = "NewCustomerDefinition",
	[KEY_PREVENT_NOT_APPLICABLE] = "PreventOrdersWithVoucherNotApplicable",
	[KEY_VAT_TYPE] = "VATType",
	[KEY_SHOW_PERCENT] = "ShowPercentalVoucherDiscountForPosition-Allow",
	[KEY_ROUNDED_PERCENT] = "UseRoundedPercentalMultiVoucherDiscount",
	[KEY_NAME] = "Name",
	[KEY_TEXT_NOT_APPLICABLE] = "VoucherNotApplicable",
	[KEY_TEXT_USED_NUMBER] = "UsedVoucherNumber",
	[KEY_EXTRA_COSTS] = "ExtraCosts-Apply",
	[KEY_MULTI_MAX] = "MultiVoucher-Max",
	[KEY_RESERVATION_HOURS] = "Reservation-Hours",
	[KEY_CURRENCY] = "Currency",
	[KEY_TIMEZONE] = "TimeZone",
	[KEY_LOCALE] = "Locale",
	[KEY_HIDE_REASONS] = "HideReasons",
	[KEY_ATTEMPTS_SESSION] = "FailedAttempts-PerSession",
	[KEY_ATTEMPTS_ADDRESS] = "FailedAttempts-PerAddress",
	[KEY_ATTEMPTS_WINDOW] = "FailedAttempts-WindowMinutes",
	[KEY_GIFT_PAYMENT] = "GiftVoucher-PaymentMethods",
	[KEY_CODE_ALPHABET] = "Code-Alphabet",
	[KEY_CODE_LENGTH] = "Code-Length",
	[KEY_CODE_GROUP] = "Code-Group",
	[KEY_CODE_SEPARATOR] = "Code-Separator",
	[KEY_CODE_PREFIX] = "Code-Prefix",
	[KEY_CODE_CHECK_CHAR] = "Code-CheckChar",
	[KEY_STORE_DIRECTORY] = "Store-Directory",
	[KEY_STORE_DURABLE] = "Store-Durable",
};

/* Default texts per ERRORS.md reason; [0] is unused. */
static const char *const conf_reason_defaults[CONF_REASON_MAX + 1] = {
	[1] = "Bitte geben Sie eine Gutscheinnummer ein.",
	[2] = "Diese Gutscheinnummer ist uns nicht bekannt.",
	[3] = "Dieser Gutschein ist noch nicht gültig.",
	[4] = "Dieser Gutschein ist abgelaufen.",
	[5] = "Dieser Gutschein ist bereits aufgebraucht.",
	[6] = "Dieser Gutschein wurde gesperrt.",
	[7] = "Dieser Gutschein gilt nicht in diesem Shop oder "
	    "Verkaufskanal.",
	[8] = "Dieser Gutschein gilt nicht für die Währung Ihres "
	    "Warenkorbs.",
	[9] = "Der Mindestbestellwert für diesen Gutschein ist noch nicht "
	    "erreicht.",
	[10] = "Ihr Warenkorb enthält keinen Artikel, für den dieser "
	    "Gutschein gilt.",
	[11] = "Bitte melden Sie sich an, um diesen Gutschein einzulösen.",
	[12] = "Sie haben diesen Gutschein bereits eingelöst.",
	[13] = "Dieser Gutschein wurde bereits so oft eingelöst wie erlaubt.",
	[14] = "Dieser Gutschein gilt nur für Neukunden.",
	[15] = "Dieser Gutschein kann nicht mit einem anderen Gutschein "
	    "kombiniert werden.",
	[16] = "Sie haben bereits die höchste erlaubte Anzahl an Gutscheinen "
	    "in dieser Bestellung.",
	[17] = "Bitte melden Sie sich an: Dieser Gutschein wird beim ersten "
	    "Einlösen an Ihr Kundenkonto gebunden.",
	[18] = "Dieser Gutschein ist an ein anderes Kundenkonto gebunden.",
	[19] = "Dieser Gutschein ist zurzeit an anderer Stelle reserviert.",
	[20] = "Zu viele ungültige Versuche. Bitte versuchen Sie es später "
	    "noch einmal.",
	[21] = "Dieser Gutschein kann nicht allein auf Versand- und "
	    "Zusatzkosten angerechnet werden.",
	[22] = "Dieser Gutschein befindet sich bereits in Ihrem Warenkorb.",
	[23] = "Diese Gutscheinnummer kann in diesem Shop nicht verwendet "
	    "werden.",
	[24] = "Gutscheine können nicht mit einem Gutschein bezahlt werden.",
	[25] = "Für Ihr Kundenkonto gilt bereits ein Rabatt, der Gutschein "
	    "kann nicht zusätzlich eingelöst werden.",
	[26] = "Dieser Gutschein ist noch nicht aktiviert.",
	[27] = "Der Gutschein konnte gerade nicht geprüft werden. Bitte "
	    "versuchen Sie es noch einmal.",
	[28] = "Die Eingabe ist ungültig. Bitte prüfen Sie die "
	    "Gutscheinnummer.",
};

struct conf_choice {
	const char	*word;
	unsigned	 value;
};

/* Booleans: the documented yes/no plus the usual spellings. */
static const struct conf_choice conf_bool_words[] = {
	{ "no", 0 }, { "yes", 1 },
	{ "false", 0 }, { "true", 1 },
	{ "off", 0 }, { "on", 1 },
	{ "0", 0 }, { "1", 1 },
	{ NULL, 0 }
};

static const struct conf_choice conf_multi_words[] = {
	{ "no", CONF_MULTI_NO }, { "yes", CONF_MULTI_YES },
	{ "false", CONF_MULTI_NO }, { "true", CONF_MULTI_YES },
	{ "off", CONF_MULTI_NO }, { "on", CONF_MULTI_YES },
	{ "0", CONF_MULTI_NO }, { "1", CONF_MULTI_YES },
	{ "test", CONF_MULTI_TEST },
	{ NULL, 0 }
};

static const struct conf_choice conf_input_words[] = {
	{ "basket", CONF_INPUT_BASKET },
	{ "placeorder", CONF_INPUT_PLACEORDER },
	{ NULL, 0 }
};

static const struct conf_choice conf_newcust_words[] = {
	{ "no-orders", CONF_NEWCUST_NO_ORDERS },
	{ "no-completed-orders", CONF_NEWCUST_NO_COMPLETED },
	{ NULL, 0 }
};

static const struct conf_choice conf_vat_words[] = {
	{ "proportional", CONF_VAT_PROPORTIONAL },
	{ "highest-rate", CONF_VAT_HIGHEST_RATE },
	{ NULL, 0 }
};

static const struct conf_choice conf_locale_words[] = {
	{ "de-DE", CONF_LOCALE_DE_DE },
	{ "de-CH", CONF_LOCALE_DE_CH },
	{ "en-GB", CONF_LOCALE_EN_GB },
	{ NULL, 0 }
};

static const struct conf_choice conf_extra_words[] = {
	{ "with-products", CONF_EXTRA_WITH_PRODUCTS },
	{ "always", CONF_EXTRA_ALWAYS },
	{ "never", CONF_EXTRA_NEVER },
	{ NULL, 0 }
};

enum conf_section_kind {
	SECT_NONE,	/* between sections */
	SECT_SHOP,	/* the shop's: syntax only */
	SECT_VOUCHER,	/* the first <Voucher-Txt>: every key typed */
	SECT_IGNORED,	/* already reported (bad tag, second Voucher-Txt) */
};

struct conf_parser {
	const char		*path;
	struct diags		*d;
	size_t			 nerr;
	unsigned		 line;
	const char		*key;		/* documented name, for errors */
	char			 keybuf[24];	/* "Error-N" */
	enum conf_section_kind	 kind;
	char			 sect[CONF_SECTION_MAX];
	unsigned		 sect_line;
	bool			 sect_bad;	/* opened by a malformed tag */
	/* Closed implicitly by a nested open; its close tag is no news. */
	char			 left[CONF_SECTION_MAX];
	unsigned		 voucher_line;	/* first <Voucher-Txt>, or 0 */
	unsigned		 seen[KEY__MAX];	/* line set on, or 0 */
	bool			 bad[KEY__MAX];
	struct voucher_conf	 c;
};

static void	conf_verr(struct conf_parser *, unsigned, unsigned,
		    const char *, const char *, va_list)
		    __attribute__((format(printf, 5, 0)));
static void	conf_err(struct conf_parser *, unsigned, unsigned,
		    const char *, const char *, ...)
		    __attribute__((format(printf, 5, 6)));
static void	conf_key_err(struct conf_parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
conf_verr(struct conf_parser *p, unsigned line, unsigned col,
    const char *field, const char *fmt, va_list ap)
{
	char text[DIAG_TEXT_MAX];

	vsnprintf(text, sizeof(text), fmt, ap);
	diags_add(p->d, p->path, line, col, field, "%s", text);
	/* Counted here, not in d: d may be full or hold older entries. */
	p->nerr++;
}

static void
conf_err(struct conf_parser *p, unsigned line, unsigned col,
    const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(p, line, col, field, fmt, ap);
	va_end(ap);
}

/* An error about the value of the key on the current line. */
static void
conf_key_err(struct conf_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(p, p->line, 0, p->key, fmt, ap);
	va_end(ap);
}

/* Copies a compile-time default; not fitting is a bug, not bad input. */
static void
conf_copy_default(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		abort();
	memcpy(dst, src, n + 1);
}

/*
 * Stores n bytes and a NUL in dst[size] (n < size checked by the caller),
 * zeroing the rest: equal configs are then equal byte for byte.
 */
static void
conf_store(char *dst, size_t size, const char *src, size_t n)
{
	memset(dst, 0, size);
	memcpy(dst, src, n);
}

static char
conf_lower(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return c;
}

/* ASCII case-insensitive equality of s[0..n) and the C string word. */
static bool
conf_ieq(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (word[i] == '\0' || conf_lower(s[i]) != conf_lower(word[i]))
			return false;
	}
	return word[n] == '\0';
}

static bool
conf_is_upper_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/*
 * Index of the first byte of s[0..n) that does not start a well-formed
 * UTF-8 sequence (overlongs, surrogates and > U+10FFFF are refused), or n.
 */
static size_t
conf_utf8_check(const unsigned char *s, size_t n)
{
	size_t i = 0, j, k;
	unsigned long cp, min;

	while (i < n) {
		unsigned c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return i;
		if (n - i <= k)
			return i;
		for (j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += k + 1;
	}
	return n;
}

/*
 * Index of the first control character (C0, DEL, or C1 as UTF-8) in the
 * valid UTF-8 s[0..n), or n.  Texts end up in pages and mails, and a value
 * shown back in a message must not steer a terminal.
 */
static size_t
conf_control_at(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return i;
		if (c == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return i;
	}
	return n;
}

/*
 * Copies the valid UTF-8 s[0..n) for use in a message: cut to fit size at
 * a character boundary (marked with "..." when cut), control characters
 * replaced by '?'.  size must be at least 4.
 */
static void
conf_clean(char *dst, size_t size, const char *s, size_t n)
{
	size_t i, o = 0;
	bool cut = false;

	if (n >= size) {
		n = size - 4;
		/* Never split a multi-byte character. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		cut = true;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			dst[o++] = '?';
		else if (c == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			dst[o++] = '?';
			i++;
		} else
			dst[o++] = (char)c;
	}
	if (cut) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

/* A value shown back in a message, in double quotes; returns dst. */
static const char *
conf_quote(char dst[CONF_QUOTE_SIZE], const char *s, size_t n)
{
	size_t len;

	dst[0] = '"';
	conf_clean(dst + 1, CONF_QUOTE_MAX + 4, s, n);
	len = strlen(dst);
	dst[len] = '"';
	dst[len + 1] = '\0';
	return dst;
}

static void
conf_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* --- typed values ------------------------------------------------------- */

static bool
conf_set_choice(struct conf_parser *p, const char *v, size_t n,
    const struct conf_choice *tab, const char *allowed, unsigned *out)
{
	char q[CONF_QUOTE_SIZE];

	for (; tab->word != NULL; tab++) {
		if (conf_ieq(v, n, tab->word)) {
			*out = tab->value;
			return true;
		}
	}
	conf_key_err(p, "%s is not one of %s", conf_quote(q, v, n), allowed);
	return false;
}

static bool
conf_set_bool(struct conf_parser *p, const char *v, size_t n, bool *out)
{
	unsigned u;

	if (!conf_set_choice(p, v, n, conf_bool_words, "no, yes", &u))
		return false;
	*out = u != 0;
	return true;
}

static bool
conf_set_uint(struct conf_parser *p, const char *v, size_t n, unsigned min,
    unsigned max, unsigned *out)
{
	char q[CONF_QUOTE_SIZE];
	int64_t i;

	if (num_parse_i64(v, n, min, max, &i) != WS_OK) {
		conf_key_err(p, "%s is not a whole number from %u to %u",
		    conf_quote(q, v, n), min, max);
		return false;
	}
	*out = (unsigned)i;
	return true;
}

/*
 * A text: optionally in double quotes (stripped, so that outer spaces can
 * be kept), not empty, shorter than size, no control characters.
 */
static bool
conf_set_text(struct conf_parser *p, const char *v, size_t n, char *dst,
    size_t size)
{
	size_t at;

	if (n > 0 && v[0] == '"') {
		if (n < 2 || v[n - 1] != '"') {
			conf_key_err(p, "the text starts with a double quote "
			    "but does not end with one");
			return false;
		}
		v++;
		n -= 2;
	}
	if (n == 0) {
		conf_key_err(p, "the text is empty; write the text to show "
		    "(double quotes keep leading and trailing spaces)");
		return false;
	}
	if (n >= size) {
		conf_key_err(p, "the text is %zu bytes long; at most %zu bytes "
		    "are allowed", n, size - 1);
		return false;
	}
	if ((at = conf_control_at(v, n)) < n) {
		conf_key_err(p, "the text has a control character at byte "
		    "%zu; only printable text is allowed", at + 1);
		return false;
	}
	conf_store(dst, size, v, n);
	return true;
}

static bool
conf_set_currency(struct conf_parser *p, const char *v, size_t n)
{
	char q[CONF_QUOTE_SIZE];

	if (n != 3 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z' ||
	    v[2] < 'A' || v[2] > 'Z') {
		conf_key_err(p, "%s is not a currency code of three upper-case "
		    "letters such as EUR", conf_quote(q, v, n));
		return false;
	}
	conf_store(p->c.currency, sizeof(p->c.currency), v, 3);
	return true;
}

/* The directory the C library loads zones from: $TZDIR, as glibc does. */
static const char *
conf_zoneinfo_dir(void)
{
	const char *dir = getenv("TZDIR");

	if (dir == NULL || dir[0] == '\0')
		dir = CONF_ZONEINFO;
	return dir;
}

static bool
conf_set_timezone(struct conf_parser *p, const char *v, size_t n)
{
	char q[CONF_QUOTE_SIZE], file[CONF_PATH_MAX + 64];
	const char *dir;
	struct stat st;
	size_t i;
	bool name_ok;
	int w;

	name_ok = n > 0 && n < sizeof(p->c.timezone) && v[0] != '/' &&
	    v[n - 1] != '/';
	for (i = 0; name_ok && i < n; i++) {
		char c = v[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '+' ||
		    c == '-' || c == '/'))
			name_ok = false;
		/* "//" would name the same file by another spelling. */
		if (c == '/' && i + 1 < n && v[i + 1] == '/')
			name_ok = false;
		/* Cannot happen with the characters above; kept on purpose
		 * so that widening them never opens a way out of the dir. */
		if (c == '.' && i + 1 < n && v[i + 1] == '.')
			name_ok = false;
	}
	if (!name_ok) {
		conf_key_err(p, "%s is not a time zone name: up to %zu of "
		    "A-Z, a-z, 0-9, '_', '+', '-', '/' such as Europe/Berlin "
		    "or UTC", conf_quote(q, v, n), sizeof(p->c.timezone) - 1);
		return false;
	}

	dir = conf_zoneinfo_dir();
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		/* Without a zone database only UTC can be interpreted. */
		if (n != 3 || memcmp(v, "UTC", 3) != 0) {
			conf_key_err(p, "%s cannot be checked: %s does not "
			    "exist, so only UTC is allowed (install tzdata)",
			    conf_quote(q, v, n), dir);
			return false;
		}
	} else {
		w = snprintf(file, sizeof(file), "%s/%.*s", dir, (int)n, v);
		if (w < 0 || (size_t)w >= sizeof(file) ||
		    stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
			conf_key_err(p, "%s is not a time zone in %s (such as "
			    "Europe/Berlin or UTC)", conf_quote(q, v, n), dir);
			return false;
		}
	}
	conf_store(p->c.timezone, sizeof(p->c.timezone), v, n);
	return true;
}

/* A payment method name, lower-cased into dst[CONF_NAME_MAX]. */
static bool
conf_payment_name(const char *s, size_t n, char *dst)
{
	size_t i;

	if (n == 0 || n >= CONF_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = conf_lower(s[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return false;
		dst[i] = c;
	}
	dst[n] = '\0';
	return true;
}

static bool
conf_set_payment(struct conf_parser *p, const char *v, size_t n)
{
	char names[CONF_PAYMENT_MAX][CONF_NAME_MAX], q[CONF_QUOTE_SIZE];
	const char *item, *comma;
	unsigned count = 0, i;
	size_t pos = 0, len;

	do {
		item = v + pos;
		comma = memchr(item, ',', n - pos);
		len = comma != NULL ? (size_t)(comma - item) : n - pos;
		pos += len + 1;
		conf_trim(&item, &len);
		if (len == 0) {
			conf_key_err(p, "empty entry in %s; write payment "
			    "method names separated by commas, such as "
			    "paypal, creditcard", conf_quote(q, v, n));
			return false;
		}
		if (count == CONF_PAYMENT_MAX) {
			conf_key_err(p, "more than %d payment methods; list "
			    "1 to %d", CONF_PAYMENT_MAX, CONF_PAYMENT_MAX);
			return false;
		}
		if (!conf_payment_name(item, len, names[count])) {
			conf_key_err(p, "%s is not a payment method name: 1 "
			    "to %d of a-z, 0-9, '_' and '-'",
			    conf_quote(q, item, len), CONF_NAME_MAX - 1);
			return false;
		}
		for (i = 0; i < count; i++) {
			if (strcmp(names[i], names[count]) == 0) {
				conf_key_err(p, "\"%s\" is listed twice; each "
				    "payment method may appear once",
				    names[count]);
				return false;
			}
		}
		count++;
	} while (comma != NULL);
	memset(p->c.gift_payment, 0, sizeof(p->c.gift_payment));
	for (i = 0; i < count; i++)
		conf_store(p->c.gift_payment[i], sizeof(p->c.gift_payment[i]),
		    names[i], strlen(names[i]));
	p->c.gift_payment_n = count;
	return true;
}

static bool
conf_set_alphabet(struct conf_parser *p, const char *v, size_t n)
{
	char q[CONF_QUOTE_SIZE];
	bool used[256];
	size_t i;

	for (i = 0; i < n; i++) {
		if (!conf_is_upper_alnum(v[i])) {
			conf_key_err(p, "%s: character %zu is not one of 0-9 "
			    "and A-Z", conf_quote(q, v, n), i + 1);
			return false;
		}
	}
	if (n < CONF_ALPHABET_MIN || n > CONF_ALPHABET_MAX) {
		conf_key_err(p, "%s has %zu characters; an alphabet has %d to "
		    "%d distinct characters from 0-9 and A-Z",
		    conf_quote(q, v, n), n, CONF_ALPHABET_MIN,
		    CONF_ALPHABET_MAX);
		return false;
	}
	memset(used, 0, sizeof(used));
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (used[c]) {
			conf_key_err(p, "%s: '%c' appears more than once; the "
			    "characters must be distinct", conf_quote(q, v, n),
			    (char)c);
			return false;
		}
		used[c] = true;
	}
	conf_store(p->c.code_alphabet, sizeof(p->c.code_alphabet), v, n);
	return true;
}

static bool
conf_set_group(struct conf_parser *p, const char *v, size_t n)
{
	char q[CONF_QUOTE_SIZE];
	int64_t i;

	if (num_parse_i64(v, n, 0, 16, &i) != WS_OK || i == 1) {
		conf_key_err(p, "%s is not 0 (no grouping) or a whole number "
		    "from 2 to 16", conf_quote(q, v, n));
		return false;
	}
	p->c.code_group = (unsigned)i;
	return true;
}

static bool
conf_set_separator(struct conf_parser *p, const char *v, size_t n)
{
	char q[CONF_QUOTE_SIZE];

	if (n != 1 || (v[0] != '-' && v[0] != '.' && v[0] != '_')) {
		conf_key_err(p, "%s is not one of -, ., _ (a single character; "
		    "a space is not allowed)", conf_quote(q, v, n));
		return false;
	}
	p->c.code_separator = v[0];
	return true;
}

static bool
conf_set_prefix(struct conf_parser *p, const char *v, size_t n)
{
	char q[CONF_QUOTE_SIZE];
	size_t i;

	for (i = 0; i < n && n <= CONF_PREFIX_MAX; i++)
		if (!conf_is_upper_alnum(v[i]))
			break;
	if (n > CONF_PREFIX_MAX || i < n) {
		conf_key_err(p, "%s is not 0 to %d characters from 0-9 and A-Z",
		    conf_quote(q, v, n), CONF_PREFIX_MAX);
		return false;
	}
	conf_store(p->c.code_prefix, sizeof(p->c.code_prefix), v, n);
	return true;
}

static bool
conf_set_directory(struct conf_parser *p, const char *v, size_t n)
{
	char q[CONF_QUOTE_SIZE];
	size_t at;

	if (n > 0 && v[0] != '/') {
		conf_key_err(p, "%s is not an absolute path (it must start with /; "
		    "leave it empty for none)", conf_quote(q, v, n));
		return false;
	}
	if (n >= sizeof(p->c.store_directory)) {
		conf_key_err(p, "the path is %zu bytes long; at most %zu bytes "
		    "are allowed", n, sizeof(p->c.store_directory) - 1);
		return false;
	}
	if ((at = conf_control_at(v, n)) < n) {
		conf_key_err(p, "the path has a control character at byte %zu",
		    at + 1);
		return false;
	}
	conf_store(p->c.store_directory, sizeof(p->c.store_directory), v,
	    n);
	return true;
}

/* Parses the value of one <Voucher-Txt> key into p->c; false if bad. */
static bool
conf_set(struct conf_parser *p, enum conf_key_id id, const char *v, size_t n)
{
	struct voucher_conf *c = &p->c;
	unsigned u;

	if (id >= KEY_ERROR_FIRST)
		return conf_set_text(p, v, n,
		    c->reason_text[id - KEY_ERROR_FIRST + 1],
		    sizeof(c->reason_text[0]));

	switch (id) {
	case KEY_EXTERNAL_ALLOW:
		return conf_set_bool(p, v, n, &c->external_vouchers_allow);
	case KEY_MULTI_ALLOW:
		if (!conf_set_choice(p, v, n, conf_multi_words,
		    "no, yes, test", &u))
			return false;
		c->multi_voucher_allow = (enum conf_multi_voucher)u;
		return true;
	case KEY_INPUT_LOCATION:
		if (!conf_set_choice(p, v, n, conf_input_words,
		    "basket, placeorder", &u))
			return false;
		c->input_location = (enum conf_input_location)u;
		return true;
	case KEY_NEW_CUSTOMER:
		if (!conf_set_choice(p, v, n, conf_newcust_words,
		    "no-orders, no-completed-orders", &u))
			return false;
		c->new_customer_definition = (enum conf_new_customer)u;
		return true;
	case KEY_PREVENT_NOT_APPLICABLE:
		return conf_set_bool(p, v, n,
		    &c->prevent_orders_not_applicable);
	case KEY_VAT_TYPE:
		if (!conf_set_choice(p, v, n, conf_vat_words,
		    "proportional, highest-rate", &u))
			return false;
		c->vat_type = (enum conf_vat_type)u;
		return true;
	case KEY_SHOW_PERCENT:
		return conf_set_bool(p, v, n, &c->show_percent_per_position);
	case KEY_ROUNDED_PERCENT:
		return conf_set_bool(p, v, n, &c->use_rounded_percent_multi);
	case KEY_NAME:
		return conf_set_text(p, v, n, c->name, sizeof(c->name));
	case KEY_TEXT_NOT_APPLICABLE:
		return conf_set_text(p, v, n, c->text_not_applicable,
		    sizeof(c->text_not_applicable));
	case KEY_TEXT_USED_NUMBER:
		return conf_set_text(p, v, n, c->text_used_number,
		    sizeof(c->text_used_number));
	case KEY_EXTRA_COSTS:
		if (!conf_set_choice(p, v, n, conf_extra_words,
		    "with-products, always, never", &u))
			return false;
		c->extra_costs = (enum conf_extra_costs)u;
		return true;
	case KEY_MULTI_MAX:
		return conf_set_uint(p, v, n, 1, 10, &c->multi_voucher_max);
	case KEY_RESERVATION_HOURS:
		return conf_set_uint(p, v, n, 1, 720, &c->reservation_hours);
	case KEY_CURRENCY:
		return conf_set_currency(p, v, n);
	case KEY_TIMEZONE:
		return conf_set_timezone(p, v, n);
	case KEY_LOCALE:
		if (!conf_set_choice(p, v, n, conf_locale_words,
		    "de-DE, de-CH, en-GB", &u))
			return false;
		c->locale = (enum conf_locale)u;
		return true;
	case KEY_HIDE_REASONS:
		return conf_set_bool(p, v, n, &c->hide_reasons);
	case KEY_ATTEMPTS_SESSION:
		return conf_set_uint(p, v, n, 1, 1000,
		    &c->attempts_per_session);
	case KEY_ATTEMPTS_ADDRESS:
		return conf_set_uint(p, v, n, 1, 100000,
		    &c->attempts_per_address);
	case KEY_ATTEMPTS_WINDOW:
		return conf_set_uint(p, v, n, 1, 1440,
		    &c->attempts_window_minutes);
	case KEY_GIFT_PAYMENT:
		return conf_set_payment(p, v, n);
	case KEY_CODE_ALPHABET:
		return conf_set_alphabet(p, v, n);
	case KEY_CODE_LENGTH:
		return conf_set_uint(p, v, n, 8, 64, &c->code_length);
	case KEY_CODE_GROUP:
		return conf_set_group(p, v, n);
	case KEY_CODE_SEPARATOR:
		return conf_set_separator(p, v, n);
	case KEY_CODE_PREFIX:
		return conf_set_prefix(p, v, n);
	case KEY_CODE_CHECK_CHAR:
		return conf_set_bool(p, v, n, &c->code_check_char);
	case KEY_STORE_DIRECTORY:
		return conf_set_directory(p, v, n);
	case KEY_STORE_DURABLE:
		return conf_set_bool(p, v, n, &c->store_durable);
	case KEY_ERROR_FIRST:
	case KEY__MAX:
		break;
	}
	abort();	/* every id is handled above */
}

/* --- code format cross-check --------------------------------------------- */

/* Whether size^length >= 2^64, decided exactly in integers. */
static bool
conf_bits_enough(unsigned size, unsigned length)
{
	uint64_t acc = 1;
	unsigned i;

	for (i = 0; i < length; i++) {
		/* acc * size would pass UINT64_MAX, so it reaches 2^64. */
		if (acc > UINT64_MAX / size)
			return true;
		acc *= size;
	}
	return false;
}

/*
 * log2(x) for 2 <= x <= 64 in units of 2^-16, rounded down: the integer
 * part by shifting, the fraction by repeated squaring.  Only for the
 * message, so the build needs no libm.
 */
static uint64_t
conf_log2_fixed(unsigned x)
{
	uint64_t v, r = 0;
	unsigned ip = 0, i;

	while ((x >> (ip + 1)) != 0)
		ip++;
	v = ((uint64_t)x << 30) >> ip;	/* x / 2^ip in [1, 2), 30 bits */
	for (i = 0; i < 16; i++) {
		v = (v * v) >> 30;
		r <<= 1;
		if (v >= ((uint64_t)2 << 30)) {
			v >>= 1;
			r |= 1;
		}
	}
	return ((uint64_t)ip << 16) | r;
}

static void
conf_check_bits(struct conf_parser *p)
{
	size_t size = strlen(p->c.code_alphabet);
	unsigned line;
	uint64_t tenths;

	/* A bad length or alphabet is reported already; its value is not
	 * the one the operator meant, so the product would only confuse. */
	if (p->bad[KEY_CODE_LENGTH] || p->bad[KEY_CODE_ALPHABET])
		return;
	if (conf_bits_enough((unsigned)size, p->c.code_length))
		return;
	tenths = (10 * (uint64_t)p->c.code_length *
	    conf_log2_fixed((unsigned)size)) >> 16;
	if (p->seen[KEY_CODE_LENGTH] != 0)
		line = p->seen[KEY_CODE_LENGTH];
	else if (p->seen[KEY_CODE_ALPHABET] != 0)
		line = p->seen[KEY_CODE_ALPHABET];
	else
		line = p->voucher_line;
	conf_err(p, line, 0, conf_key_names[KEY_CODE_LENGTH],
	    "%u characters of a %zu-character Code-Alphabet give %u.%u "
	    "random bits; at least %d are needed (raise Code-Length or use "
	    "a longer Code-Alphabet)", p->c.code_length, size,
	    (unsigned)(tenths / 10), (unsigned)(tenths % 10), CONF_MIN_BITS);
}

/* --- lines ---------------------------------------------------------------- */

static bool
conf_key_lookup(const char *k, size_t n, enum conf_key_id *id)
{
	int64_t reason;
	size_t i;

	for (i = 0; i < KEY_ERROR_FIRST; i++) {
		if (conf_ieq(k, n, conf_key_names[i])) {
			*id = (enum conf_key_id)i;
			return true;
		}
	}
	/* Error-1 .. Error-28, no sign and no leading zero. */
	if (n > 6 && conf_ieq(k, 6, "Error-") && k[6] >= '1' && k[6] <= '9' &&
	    num_parse_i64(k + 6, n - 6, 1, CONF_REASON_MAX, &reason) == WS_OK) {
		*id = (enum conf_key_id)(KEY_ERROR_FIRST + reason - 1);
		return true;
	}
	return false;
}

static void
conf_voucher_pair(struct conf_parser *p, const char *k, size_t kn,
    const char *v, size_t vn)
{
	enum conf_key_id id;
	char field[sizeof(((struct diag *)0)->field)];

	if (!conf_key_lookup(k, kn, &id)) {
		conf_clean(field, sizeof(field), k, kn);
		if (kn >= 6 && conf_ieq(k, 6, "Error-"))
			conf_err(p, p->line, 0, field, "unknown key: the texts "
			    "of the error reasons are Error-1 to Error-%d",
			    CONF_REASON_MAX);
		else
			conf_err(p, p->line, 0, field, "unknown key in "
			    "<Voucher-Txt>; the keys are listed in "
			    "shop.config(5) and shop.config.sample");
		return;
	}
	if (id >= KEY_ERROR_FIRST) {
		snprintf(p->keybuf, sizeof(p->keybuf), "Error-%u",
		    (unsigned)(id - KEY_ERROR_FIRST + 1));
		p->key = p->keybuf;
	} else
		p->key = conf_key_names[id];
	if (p->seen[id] != 0) {
		conf_key_err(p, "set twice: first set at line %u (each key "
		    "may appear once)", p->seen[id]);
		return;
	}
	p->seen[id] = p->line;
	if (!conf_set(p, id, v, vn))
		p->bad[id] = true;
}

static bool
conf_section_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= CONF_SECTION_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

static void
conf_open(struct conf_parser *p, const char *name, bool good)
{
	if (p->kind != SECT_NONE) {
		conf_err(p, p->line, 0, "", "<%s> inside <%s> (opened at line "
		    "%u): sections do not nest; close <%s> first", name,
		    p->sect, p->sect_line, p->sect);
		/* Go on in the new section, as if the old one was closed. */
		memcpy(p->left, p->sect, sizeof(p->left));
	} else
		p->left[0] = '\0';
	memcpy(p->sect, name, sizeof(p->sect));
	p->sect_line = p->line;
	p->sect_bad = !good;
	if (!good)
		p->kind = SECT_IGNORED;
	else if (!conf_ieq(name, strlen(name), CONF_VOUCHER_SECTION))
		p->kind = SECT_SHOP;
	else if (p->voucher_line == 0) {
		p->kind = SECT_VOUCHER;
		p->voucher_line = p->line;
	} else {
		conf_err(p, p->line, 0, "", "second <%s> section (the first "
		    "is at line %u); there must be exactly one",
		    CONF_VOUCHER_SECTION, p->voucher_line);
		p->kind = SECT_IGNORED;
	}
}

static void
conf_close(struct conf_parser *p, const char *name, bool good)
{
	if (p->kind == SECT_NONE) {
		if (good && p->left[0] != '\0' &&
		    conf_ieq(name, strlen(name), p->left)) {
			/* Closes a section a nested open already ended. */
			p->left[0] = '\0';
			return;
		}
		conf_err(p, p->line, 0, "", "</%s> without an open section",
		    name);
		return;
	}
	if (good && p->left[0] != '\0' &&
	    conf_ieq(name, strlen(name), p->left) &&
	    !conf_ieq(name, strlen(name), p->sect)) {
		/* <A> <B> </A> </B>: the nesting is reported already, and
		 * </A> closes what the open of <B> ended; <B> stays open. */
		p->left[0] = '\0';
		return;
	}
	if (good && !p->sect_bad && !conf_ieq(name, strlen(name), p->sect))
		conf_err(p, p->line, 0, "", "</%s> does not close <%s> "
		    "(opened at line %u); write </%s>", name, p->sect,
		    p->sect_line, p->sect);
	p->kind = SECT_NONE;
}

/* A trimmed line that starts with '<'. */
static void
conf_tag(struct conf_parser *p, const char *s, size_t n)
{
	char name[CONF_SECTION_MAX];
	const char *start, *gt;
	size_t len;
	bool closing, good;

	closing = n >= 2 && s[1] == '/';
	start = s + (closing ? 2 : 1);
	gt = memchr(start, '>', n - (size_t)(start - s));
	if (gt == NULL) {
		/* Still taken as the tag it was meant to be, so that the
		 * lines after it do not all count as outside a section. */
		conf_err(p, p->line, 0, "", "a section tag ends with '>': "
		    "write <Name> or </Name>");
		len = n - (size_t)(start - s);
		good = false;
	} else {
		len = (size_t)(gt - start);
		if (gt + 1 != s + n)
			conf_err(p, p->line, 0, "", "text after the section "
			    "tag; a tag stands alone on its line");
		good = conf_section_name_ok(start, len);
	}
	conf_clean(name, sizeof(name), start, len);
	if (gt != NULL && !good)
		conf_err(p, p->line, 0, "", "bad section name \"%s\": use 1 to "
		    "%d letters, digits, '-' and '_'", name,
		    CONF_SECTION_MAX - 1);
	if (closing)
		conf_close(p, name, good);
	else
		conf_open(p, name, good);
}

/* A trimmed, non-blank, non-comment line that is not a tag. */
static void
conf_pair(struct conf_parser *p, const char *s, size_t n)
{
	const char *eq, *k, *v;
	size_t kn, vn;

	eq = memchr(s, '=', n);
	if (p->kind == SECT_NONE) {
		conf_err(p, p->line, 0, "", "%s outside of any section: put "
		    "it between <Name> and </Name>",
		    eq != NULL ? "\"Key = value\"" : "text");
		return;
	}
	if (eq == NULL) {
		conf_err(p, p->line, 0, "", "expected \"Key = value\", a "
		    "section tag, a '#' comment or a blank line");
		return;
	}
	k = s;
	kn = (size_t)(eq - s);
	conf_trim(&k, &kn);
	if (kn == 0) {
		conf_err(p, p->line, 0, "", "no key before '='; write "
		    "\"Key = value\"");
		return;
	}
	v = eq + 1;
	vn = n - (size_t)(v - s);
	conf_trim(&v, &vn);
	if (p->kind == SECT_VOUCHER)
		conf_voucher_pair(p, k, kn, v, vn);
}

/* One line without its line end. */
static void
conf_line(struct conf_parser *p, const char *s, size_t n)
{
	const char *nul;
	size_t bad;

	if (n > CONF_LINE_MAX) {
		conf_err(p, p->line, 0, "", "the line is %zu bytes long; at "
		    "most %d are allowed", n, CONF_LINE_MAX);
		return;
	}
	if ((nul = memchr(s, '\0', n)) != NULL) {
		conf_err(p, p->line, (unsigned)(nul - s) + 1, "", "NUL byte: "
		    "shop.config must be a text file");
		return;
	}
	if ((bad = conf_utf8_check((const unsigned char *)s, n)) < n) {
		conf_err(p, p->line, (unsigned)bad + 1, "", "invalid UTF-8: "
		    "shop.config must be UTF-8 text");
		return;
	}
	conf_trim(&s, &n);
	if (n == 0 || s[0] == '#')
		return;
	if (s[0] == '<')
		conf_tag(p, s, n);
	else
		conf_pair(p, s, n);
}

/* --- interface ------------------------------------------------------------ */

void
conf_defaults(struct voucher_conf *c)
{
	unsigned i;

	/* Zeroed first so that padding is defined and configs compare. */
	memset(c, 0, sizeof(*c));
	c->external_vouchers_allow = false;
	c->multi_voucher_allow = CONF_MULTI_NO;
	c->input_location = CONF_INPUT_BASKET;
	c->new_customer_definition = CONF_NEWCUST_NO_ORDERS;
	c->prevent_orders_not_applicable = false;
	c->vat_type = CONF_VAT_PROPORTIONAL;
	c->locale = CONF_LOCALE_DE_DE;
	c->show_percent_per_position = false;
	c->use_rounded_percent_multi = false;
	conf_copy_default(c->name, sizeof(c->name), "Gutschein");
	conf_copy_default(c->text_not_applicable,
	    sizeof(c->text_not_applicable), "Der Gutschein kann für diesen "
	    "Warenkorb nicht mehr verwendet werden.");
	conf_copy_default(c->text_used_number, sizeof(c->text_used_number),
	    "Diese Gutscheinnummer wurde bereits verwendet.");
	c->extra_costs = CONF_EXTRA_WITH_PRODUCTS;
	c->multi_voucher_max = 10;
	c->reservation_hours = 24;
	conf_copy_default(c->currency, sizeof(c->currency), "EUR");
	conf_copy_default(c->timezone, sizeof(c->timezone), "Europe/Berlin");
	c->hide_reasons = false;
	c->attempts_per_session = 5;
	c->attempts_per_address = 20;
	c->attempts_window_minutes = 15;
	conf_copy_default(c->gift_payment[0], sizeof(c->gift_payment[0]),
	    "paypal");
	conf_copy_default(c->gift_payment[1], sizeof(c->gift_payment[1]),
	    "creditcard");
	c->gift_payment_n = 2;
	conf_copy_default(c->code_alphabet, sizeof(c->code_alphabet),
	    "23456789ABCDEFGHJKLMNPQRSTUVWXYZ");
	c->code_length = 16;
	c->code_group = 4;
	c->code_separator = '-';
	c->code_prefix[0] = '\0';
	c->code_check_char = true;
	c->store_directory[0] = '\0';
	c->store_durable = true;
	for (i = 1; i <= CONF_REASON_MAX; i++)
		conf_copy_default(c->reason_text[i], sizeof(c->reason_text[i]),
		    conf_reason_defaults[i]);
}

enum ws_status
conf_parse(const char *data, size_t len, const char *path,
    struct voucher_conf *out, struct diags *d)
{
	struct conf_parser p;
	size_t pos = 0;

	memset(&p, 0, sizeof(p));
	p.path = path != NULL ? path : "";
	p.d = d;
	p.kind = SECT_NONE;
	if (data == NULL)
		len = 0;
	if (len > CONF_FILE_MAX) {
		conf_err(&p, 0, 0, "", "the file is %zu bytes long; at most "
		    "%d bytes (1 MiB) are allowed", len, CONF_FILE_MAX);
		return WS_ERR_INVALID;
	}
	conf_defaults(&p.c);

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *s = data + pos, *nl;
		size_t n;

		nl = memchr(s, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - s) : len - pos;
		pos += n + (nl != NULL ? 1 : 0);
		p.line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		conf_line(&p, s, n);
	}

	if (p.kind != SECT_NONE && !p.sect_bad)
		conf_err(&p, p.sect_line, 0, "", "<%s> is not closed: add </%s>",
		    p.sect, p.sect);
	if (p.voucher_line == 0)
		conf_err(&p, 0, 0, "", "no <%s> section; it is required (see "
		    "shop.config.sample)", CONF_VOUCHER_SECTION);
	else
		conf_check_bits(&p);

	if (p.nerr > 0)
		return WS_ERR_INVALID;
	/* memcpy, not assignment: padding stays as conf_defaults made it. */
	memcpy(out, &p.c, sizeof(*out));
	return WS_OK;
}

enum ws_status
conf_read_file(const char *path, struct buf *b, struct diags *d)
{
	enum ws_status st = WS_OK;
	ssize_t r;
	int fd;

	buf_reset(b);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		diags_add(d, path, 0, 0, "", "cannot open: %s",
		    strerror(errno));
		return WS_ERR_IO;
	}
	/* Read to the end rather than trust st_size: the file may grow. */
	for (;;) {
		if ((st = buf_reserve(b, CONF_READ_CHUNK)) != WS_OK) {
			diags_add(d, path, 0, 0, "", "cannot read: %s",
			    ws_status_str(st));
			break;
		}
		r = read(fd, b->data + b->len, CONF_READ_CHUNK);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			diags_add(d, path, 0, 0, "", "cannot read: %s",
			    strerror(errno));
			st = WS_ERR_IO;
			break;
		}
		if (r == 0)
			break;
		b->len += (size_t)r;
		b->data[b->len] = '\0';
		if (b->len > CONF_FILE_MAX) {
			diags_add(d, path, 0, 0, "", "the file is larger than "
			    "%d bytes (1 MiB)", CONF_FILE_MAX);
			st = WS_ERR_LIMIT;
			break;
		}
	}
	close(fd);
	return st;
}

enum ws_status
conf_load(const char *path, struct voucher_conf *out, struct diags *d)
{
	struct buf b = BUF_INIT;
	enum ws_status st;

	st = conf_read_file(path, &b, d);
	if (st == WS_OK)
		st = conf_parse(buf_cstr(&b), b.len, path, out, d);
	buf_free(&b);
	return st;
}

void
conf_each_pair(const char *data, size_t len, const char *section,
    conf_pair_fn fn, void *arg)
{
	size_t pos = 0, n, kn, vn;
	const char *s, *nl, *eq, *k, *v;
	unsigned line = 0;
	bool inside = false;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		s = data + pos;
		nl = memchr(s, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - s) : len - pos;
		pos += n + (nl != NULL ? 1 : 0);
		line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;	/* CRLF files, as conf_parse reads them */
		conf_trim(&s, &n);
		if (n == 0 || s[0] == '#')
			continue;
		if (s[0] == '<') {
			/* conf_parse accepted the file: tags are well formed */
			if (n >= 3 && s[1] == '/')
				inside = false;
			else if (n >= 2)
				inside = conf_ieq(s + 1, n - 2, section);
			continue;
		}
		if (!inside || (eq = memchr(s, '=', n)) == NULL)
			continue;
		k = s;
		kn = (size_t)(eq - s);
		conf_trim(&k, &kn);
		v = eq + 1;
		vn = n - (size_t)(v - s);
		conf_trim(&v, &vn);
		fn(arg, line, k, kn, v, vn);
	}
}

const char *
conf_reason_text(const struct voucher_conf *c, unsigned reason)
{
	if (c == NULL || reason < 1 || reason > CONF_REASON_MAX)
		return "";
	return c->reason_text[reason];
}
