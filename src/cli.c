/*
 * cli.c - wsvoucher, the operator's command line (doc/wsvoucher.1).
 *
 * Each subcommand parses its options, opens what it needs, does one job
 * and exits 0 on success, 1 on a problem it reports (bad input, refused
 * rule, store trouble) and 2 on a usage error.
 */
#include <crypt.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <stdarg.h>
#include <strings.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "charge.h"
#include "cli_out.h"
#include "clock.h"
#include "codegen.h"
#include "hmac.h"
#include "shopconf.h"
#include "conf.h"
#include "io.h"
#include "num.h"
#include "ops.h"
#include "rules.h"
#include "store.h"
#include "tags.h"
#include "tmpl.h"
#include "tz.h"

#define EXIT_PROBLEM	1
#define EXIT_USAGE	2
#define SCAN_BATCH	512

struct cli {
	const char		*store_dir;
	bool			 store_explicit;	/* --store given */
	const char		*config_path;
	const char		*actor;
	bool			 tsv;
	struct voucher_conf	 conf;
	struct store		*store;
	struct codegen		*codegen;
};

static void
usage(FILE *fp)
{
	fputs(
"usage: wsvoucher [--store DIR] [--config FILE] [--format table|tsv]\n"
"                 [--actor NAME] COMMAND [ARGS]\n"
"commands:\n"
"  init                         create an empty store in DIR\n"
"  check-config FILE            check a shop.config, print OK or every error\n"
"  charge create OPTIONS        make a charge (batch) of new codes\n"
"  charge list                  list the charges\n"
"  import FILE [--delete]       import voucherupdate.csv, voucherdelete.csv\n"
"                               or XML (all or nothing)\n"
"  export [--xml] [--output F]  export every voucher as CSV or XML\n"
"  show CODE                    a voucher's data and ledger\n"
"  list [--charge ID] [--state S] [--limit N]\n"
"  search TEXT                  codes, charges or customers containing TEXT\n"
"  reserved                     reserved and activated codes, with holder\n"
"  release CODE                 release every hold on CODE\n"
"  invalidate CODE --reason R   invalidate CODE\n"
"  expire                       remove holds that ran out\n"
"  maintain [--once]            housekeeping loop: lock timeouts of dead\n"
"                               processes, checkpoints, expired holds\n"
"  lint FILE...                 check templates, print every problem\n"
"  tags                         print the tag reference (doc/tags.md)\n"
"  apikey NAME OPERATIONS       make a key for a POS/ERP client; print it\n"
"                               and its <Voucher-API> line\n"
"  passwd                       read a password on standard input, print\n"
"                               its hash for <Shop-Customers> or\n"
"                               <Voucher-Admin>\n"
"  demo                         a store in a temporary folder with one\n"
"                               charge of every type, shown\n"
"See wsvoucher(1).\n", fp);
}

static void
problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
problem(const char *fmt, ...)
{
	va_list ap;

	fputs("wsvoucher: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* --- setup --------------------------------------------------------------- */

static int
load_config(struct cli *c)
{
	struct diags d;
	enum ws_status st;

	conf_defaults(&c->conf);
	if (c->config_path == NULL)
		return tz_use(c->conf.timezone) == WS_OK ? 0 : EXIT_PROBLEM;
	diags_init(&d);
	st = conf_load(c->config_path, &c->conf, &d);
	if (st != WS_OK) {
		diags_print(&d, stderr);
		diags_free(&d);
		return EXIT_PROBLEM;
	}
	diags_free(&d);
	if (tz_use(c->conf.timezone) != WS_OK) {
		problem("TimeZone %s cannot be used", c->conf.timezone);
		return EXIT_PROBLEM;
	}
	return 0;
}

static int
open_codegen(struct cli *c)
{
	struct buf err = BUF_INIT;

	if (codegen_new(&c->conf, &c->codegen, &err) != WS_OK) {
		problem("code format: %s", buf_cstr(&err));
		buf_free(&err);
		return EXIT_PROBLEM;
	}
	buf_free(&err);
	return 0;
}

static int
open_store(struct cli *c, bool create)
{
	struct store_options opt;
	struct buf err = BUF_INIT;
	enum ws_status st;

	if (c->store != NULL)
		return 0;	/* one environment handle per process */
	if (c->store_dir == NULL || c->store_dir[0] == '\0')
		c->store_dir = c->conf.store_directory[0] != '\0' ?
		    c->conf.store_directory : getenv("WSVOUCHER_STORE");
	if (c->store_dir == NULL || c->store_dir[0] == '\0') {
		problem("no store: give --store DIR, set WSVOUCHER_STORE, "
		    "or Store-Directory in shop.config");
		return EXIT_USAGE;
	}
	memset(&opt, 0, sizeof(opt));
	opt.home = c->store_dir;
	opt.create = create;
	opt.durable = c->conf.store_durable;
	st = store_open(&opt, &c->store, &err);
	if (st != WS_OK) {
		problem("%s", err.len > 0 ? buf_cstr(&err) :
		    ws_status_str(st));
		buf_free(&err);
		return EXIT_PROBLEM;
	}
	buf_free(&err);
	return 0;
}

static void
ctx_operator(const struct cli *c, struct ops_ctx *ctx)
{
	ops_ctx_init(ctx);
	ctx->channel = 0;
	ctx->actor = c->actor;
}

/* --- formatting ----------------------------------------------------------- */

/* Human or machine money text into b (reset first). */
static void
fmt_money(const struct cli *c, struct buf *b, int64_t cents,
    const char *currency)
{
	buf_reset(b);
	if (c->tsv) {
		num_format_money_dot(b, cents);
	} else {
		num_format_money(b, cents);
		if (currency[0] != '\0')
			buf_printf(b, " %s", currency);
	}
}

static void
fmt_amount(const struct cli *c, struct buf *b, const struct voucher *v)
{
	if (v->amount_type == VOUCHER_AMOUNT_PERCENT) {
		buf_reset(b);
		num_format_percent(b, v->amount);
		if (!c->tsv)
			buf_append_str(b, " %");
	} else {
		fmt_money(c, b, v->amount, v->currency);
	}
}

static void
fmt_date(struct buf *b, int64_t t, bool with_time)
{
	buf_reset(b);
	if (t == 0)
		return;
	if (with_time)
		num_format_datetime(b, t);	/* instants: UTC, marked Z */
	else
		tz_format_iso_date(b, t);	/* days: the shop's zone */
}

/* --- init, check-config --------------------------------------------------- */

static int
cmd_init(struct cli *c, int argc, char **argv)
{
	int rc;

	(void)argv;
	if (argc != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	rc = open_store(c, true);
	if (rc != 0)
		return rc;
	printf("store ready in %s\n", store_home(c->store));
	return 0;
}

static int
cmd_check_config(struct cli *c, int argc, char **argv)
{
	struct voucher_conf conf;
	struct shop_conf *shop = NULL;
	struct diags d;
	struct codegen *g = NULL;
	struct buf err = BUF_INIT;
	int rc = 0;

	(void)c;
	if (argc != 2) {
		problem("usage: wsvoucher check-config FILE");
		return EXIT_USAGE;
	}
	diags_init(&d);
	if (conf_load(argv[1], &conf, &d) != WS_OK ||
	    shopconf_load(argv[1], &conf, &shop, &d) != WS_OK) {
		diags_print(&d, stdout);
		rc = EXIT_PROBLEM;
	} else if (codegen_new(&conf, &g, &err) != WS_OK) {
		printf("%s: code format: %s\n", argv[1], buf_cstr(&err));
		rc = EXIT_PROBLEM;
	} else {
		printf("OK\n");
	}
	codegen_free(g);
	free(shop);
	buf_free(&err);
	diags_free(&d);
	return rc;
}

/*
 * passwd: the crypt(3) hash (yescrypt, a fresh salt) of the password on
 * the first line of standard input, for a <Shop-Customers> or
 * <Voucher-Admin> entry.
 */
static int
cmd_passwd(int argc)
{
	char pw[256], salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	size_t n;
	int rc = 0;

	if (argc != 1) {
		problem("usage: wsvoucher passwd < password-file");
		return EXIT_USAGE;
	}
	if (fgets(pw, sizeof(pw), stdin) == NULL) {
		problem("passwd: no password on standard input");
		return EXIT_PROBLEM;
	}
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < 8 || n > 200) {
		problem("passwd: a password of 8 to 200 bytes, please");
		explicit_bzero(pw, sizeof(pw));
		return EXIT_PROBLEM;
	}
	if ((cd = calloc(1, sizeof(*cd))) == NULL ||
	    crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL ||
	    (h = crypt_r(pw, salt, cd)) == NULL || h[0] == '*') {
		problem("passwd: cannot hash (libcrypt)");
		rc = EXIT_PROBLEM;
	} else {
		printf("%s\n", h);
	}
	explicit_bzero(pw, sizeof(pw));
	if (cd != NULL)
		explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return rc;
}

/*
 * apikey NAME OPERATIONS: a new random key for a POS/ERP client.  The key
 * is printed once, for the client; the config line holds only its
 * SHA-256, so the config file never reveals a working key.  A plain hash
 * suffices (no slow password hash): the key is 256 random bits, nothing
 * a dictionary could guess.
 */
/* "check,reserve" or "all": names of API operations, comma-separated */
static bool
ops_list_ok(const char *list)
{
	char word[16];
	const char *p = list;
	size_t n;
	unsigned op;

	for (;;) {
		p += strspn(p, " ");
		n = strcspn(p, ", ");
		if (n == 0 || n >= sizeof(word))
			return false;
		memcpy(word, p, n);
		word[n] = '\0';
		for (op = 0; op < API_OP__MAX; op++)
			if (strcmp(word, api_op_name(op)) == 0)
				break;
		if (op == API_OP__MAX && strcmp(word, "all") != 0)
			return false;
		p += n;
		p += strspn(p, " ");
		if (*p == '\0')
			return true;
		if (*p++ != ',')
			return false;
	}
}

static int
cmd_apikey(int argc, char **argv)
{
	uint8_t rnd[32], digest[SHA256_DIGEST_LEN];
	char key[2 * sizeof(rnd) + 1], hex[SHA256_HEX_LEN];
	size_t n;

	if (argc != 3) {
		problem("usage: wsvoucher apikey NAME OPERATIONS   (e.g. "
		    "wsvoucher apikey pos-1 check,reserve,redeem,cancel)");
		return EXIT_USAGE;
	}
	n = strlen(argv[1]);
	if (n == 0 || n > API_CLIENT_MAX ||
	    strspn(argv[1], "abcdefghijklmnopqrstuvwxyz0123456789-_") != n) {
		problem("apikey: a client name of 1 to %d characters a-z, 0-9, "
		    "- and _", API_CLIENT_MAX);
		return EXIT_USAGE;
	}
	if (!ops_list_ok(argv[2])) {
		problem("apikey: operations are a list of check, reserve, "
		    "redeem, cancel, topup, invalidate, ledger, import (or "
		    "all), e.g. check,reserve,redeem");
		return EXIT_USAGE;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		problem("apikey: no randomness from the kernel");
		return EXIT_PROBLEM;
	}
	hex_encode(rnd, sizeof(rnd), key);
	sha256(key, strlen(key), digest);
	hex_encode(digest, sizeof(digest), hex);
	printf("# key for the client (shown once; give it to the POS/ERP):\n"
	    "#   Authorization: Bearer %s:%s\n"
	    "# line for <Voucher-API> in shop.config:\n"
	    "%s = sha256:%s | %s\n", argv[1], key, argv[1], hex, argv[2]);
	explicit_bzero(rnd, sizeof(rnd));
	explicit_bzero(key, sizeof(key));
	return 0;
}

/* --- charge ------------------------------------------------------------------ */

struct charge_out {
	FILE	*fp;
	bool	 progress;
};

static enum ws_status
charge_print_code(const char *code, void *arg)
{
	struct charge_out *o = arg;

	if (fputs(code, o->fp) == EOF || fputc('\n', o->fp) == EOF)
		return WS_ERR_IO;
	return WS_OK;
}

static void
charge_progress(uint64_t done, uint64_t total, void *arg)
{
	struct charge_out *o = arg;

	/* codes are committed now: get them to the file too */
	fflush(o->fp);
	if (!o->progress)
		return;
	fprintf(stderr, "\r%llu of %llu codes (%llu %%)",
	    (unsigned long long)done, (unsigned long long)total,
	    (unsigned long long)(done * 100 / total));
	if (done == total)
		fputc('\n', stderr);
}

static int
parse_money_opt(const char *name, const char *s, int64_t *out)
{
	if (num_parse_money(s, strlen(s), out) != WS_OK || *out < 0) {
		problem("%s: \"%s\" is not an amount like 10,00", name, s);
		return EXIT_USAGE;
	}
	return 0;
}

/* Same words as the import's Channels column, in any case. */
static int
parse_channels(const char *s, uint32_t *out)
{
	if (strcasecmp(s, "webshop") == 0 || strcasecmp(s, "web") == 0)
		*out = VOUCHER_CHANNEL_WEB;
	else if (strcasecmp(s, "pos") == 0)
		*out = VOUCHER_CHANNEL_POS;
	else if (strcasecmp(s, "all") == 0 ||
	    strcasecmp(s, "webshop+pos") == 0 ||
	    strcasecmp(s, "pos+webshop") == 0)
		*out = VOUCHER_CHANNEL_ALL;
	else {
		problem("--channels: \"%s\" is not webshop, pos, webshop+pos "
		    "or all", s);
		return EXIT_USAGE;
	}
	return 0;
}

static int
cmd_charge_create(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "type", required_argument, NULL, 't' },
		{ "amount", required_argument, NULL, 'a' },
		{ "percent", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "currency", required_argument, NULL, 'c' },
		{ "valid-from", required_argument, NULL, 'F' },
		{ "valid-until", required_argument, NULL, 'U' },
		{ "min-order", required_argument, NULL, 'm' },
		{ "max-redemptions", required_argument, NULL, 'x' },
		{ "channels", required_argument, NULL, 'C' },
		{ "creator", required_argument, NULL, 'r' },
		{ "label", required_argument, NULL, 'l' },
		{ "charge-id", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct charge_request req;
	struct charge_out out = { stdout, false };
	struct charge ch;
	struct buf err = BUF_INIT;
	const char *output = NULL;
	bool have_amount = false;
	int64_t n = 1;
	int ch_opt, rc;
	enum ws_status st;

	memset(&req, 0, sizeof(req));
	voucher_init(&req.proto);
	memcpy(req.proto.currency, c->conf.currency, 4);
	req.creator = c->actor;
	req.label = "";
	optind = 1;
	while ((ch_opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		size_t len = strlen(optarg != NULL ? optarg : "");

		switch (ch_opt) {
		case 'k':
			if (voucher_kind_parse(optarg, len,
			    &req.proto.kind) != WS_OK) {
				problem("--kind: \"%s\" is not promo or value",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
			if (voucher_type_parse(optarg, len,
			    &req.proto.type) != WS_OK) {
				problem("--type: \"%s\" is not a voucher type "
				    "(e.g. Standard_RemainderReusable)",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'a':
			rc = parse_money_opt("--amount", optarg,
			    &req.proto.amount);
			if (rc != 0)
				return rc;
			req.proto.amount_type = VOUCHER_AMOUNT_ABSOLUTE;
			have_amount = true;
			break;
		case 'p':
			if (num_parse_percent(optarg, len,
			    &req.proto.amount) != WS_OK) {
				problem("--percent: \"%s\" is not a percentage "
				    "above 0 and at most 100", optarg);
				return EXIT_USAGE;
			}
			req.proto.amount_type = VOUCHER_AMOUNT_PERCENT;
			have_amount = true;
			break;
		case 'n':
			if (num_parse_i64(optarg, len, 1, CHARGE_MAX, &n) !=
			    WS_OK) {
				problem("--count: \"%s\" is not 1 to %u",
				    optarg, CHARGE_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			if (voucher_set_field(req.proto.currency,
			    sizeof(req.proto.currency), optarg, len) != WS_OK) {
				problem("--currency: \"%s\" is not a currency "
				    "code like EUR", optarg);
				return EXIT_USAGE;
			}
			/* as the import does: eur is EUR */
			for (len = 0; req.proto.currency[len] != '\0'; len++)
				if (req.proto.currency[len] >= 'a' &&
				    req.proto.currency[len] <= 'z')
					req.proto.currency[len] = (char)
					    (req.proto.currency[len] - 32);
			break;
		case 'F':
		case 'U':
			/* a day in the shop's zone: from its first second
			 * (--valid-from) through its last (--valid-until) */
			if (tz_parse_date(optarg, len, ch_opt == 'U',
			    ch_opt == 'F' ? &req.proto.valid_from :
			    &req.proto.valid_until) != WS_OK) {
				problem("%s: \"%s\" is not a date YYYY-MM-DD",
				    ch_opt == 'F' ? "--valid-from" :
				    "--valid-until", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'm':
			rc = parse_money_opt("--min-order", optarg,
			    &req.proto.min_order);
			if (rc != 0)
				return rc;
			break;
		case 'x': {
			int64_t m;

			if (num_parse_i64(optarg, len, 0, 1000000000, &m) !=
			    WS_OK) {
				problem("--max-redemptions: \"%s\" is not 0 "
				    "to 1000000000", optarg);
				return EXIT_USAGE;
			}
			req.proto.max_redemptions = (uint32_t)m;
			break;
		}
		case 'C':
			rc = parse_channels(optarg, &req.proto.channels);
			if (rc != 0)
				return rc;
			break;
		case 'r':
			req.creator = optarg;
			break;
		case 'l':
			req.label = optarg;
			break;
		case 'i':
			if (voucher_set_field(req.proto.charge_id,
			    sizeof(req.proto.charge_id), optarg, len) !=
			    WS_OK || len == 0) {
				problem("--charge-id: 1 to %d characters",
				    VOUCHER_CHARGE_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc || !have_amount) {
		problem("usage: wsvoucher charge create --amount X | --percent "
		    "P [--kind promo|value] [--type TYPE] [--count N] ...");
		return EXIT_USAGE;
	}
	if (strlen(req.creator) > VOUCHER_ACTOR_MAX ||
	    strlen(req.label) > VOUCHER_LABEL_MAX) {
		problem("--creator is at most %d, --label at most %d "
		    "characters", VOUCHER_ACTOR_MAX, VOUCHER_LABEL_MAX);
		return EXIT_USAGE;
	}
	req.count = (uint64_t)n;
	rc = open_codegen(c);
	if (rc == 0)
		rc = open_store(c, false);
	if (rc != 0)
		return rc;
	if (output != NULL) {
		/* codes are money: a new file only its owner can read */
		int fd = open(output, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);

		out.fp = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (out.fp == NULL) {
			problem("%s: %s", output, strerror(errno));
			if (fd >= 0)
				close(fd);
			return EXIT_PROBLEM;
		}
	}
	out.progress = isatty(STDERR_FILENO) && req.count >= 1000;
	st = charge_create(c->store, c->codegen, &req, charge_print_code,
	    charge_progress, &out, &ch, &err);
	if (out.fp != stdout && fclose(out.fp) != 0 && st == WS_OK)
		st = WS_ERR_IO;
	if (st != WS_OK) {
		problem("%s", err.len > 0 ? buf_cstr(&err) :
		    ws_status_str(st));
		buf_free(&err);
		return EXIT_PROBLEM;
	}
	buf_free(&err);
	fprintf(stderr, "charge %s: %llu codes\n", ch.id,
	    (unsigned long long)ch.count);
	return 0;
}

static enum ws_status
charge_row(const struct charge *ch, void *arg)
{
	struct table *t = arg;
	struct buf created = BUF_INIT, count = BUF_INIT;
	const char *row[5];
	enum ws_status st;

	fmt_date(&created, ch->created, true);
	buf_printf(&count, "%llu", (unsigned long long)ch->count);
	row[0] = ch->id;
	row[1] = ch->creator;
	row[2] = ch->label;
	row[3] = buf_cstr(&created);
	row[4] = buf_cstr(&count);
	/* a charge cut short (or still being made) says so */
	if (!ch->complete)
		buf_append_str(&count, " (incomplete)");
	row[4] = buf_cstr(&count);
	st = table_row(t, row);
	buf_free(&created);
	buf_free(&count);
	return st;
}

static int
cmd_charge_list(struct cli *c)
{
	static const char *const head[] = { "charge", "creator", "label",
	    "created", "codes" };
	struct table t;
	enum ws_status st;
	int rc;

	rc = open_store(c, false);
	if (rc != 0)
		return rc;
	if (table_init(&t, c->tsv, 5, head) != WS_OK)
		return EXIT_PROBLEM;
	st = store_charge_each(c->store, charge_row, &t);
	if (st == WS_OK)
		table_print(&t, stdout);
	table_free(&t);
	if (st != WS_OK) {
		problem("charges: %s", ws_status_str(st));
		return EXIT_PROBLEM;
	}
	return 0;
}

static int
cmd_charge(struct cli *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "create") == 0)
		return cmd_charge_create(c, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return cmd_charge_list(c);
	problem("usage: wsvoucher charge create|list ...");
	return EXIT_USAGE;
}

/* --- import / export --------------------------------------------------------- */

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int
cmd_import(struct cli *c, int argc, char **argv)
{
	struct import_set set;
	struct io_options opt;
	struct diags d;
	struct buf data = BUF_INIT, err = BUF_INIT;
	const char *path = NULL;
	bool del = false;
	enum ws_status st;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--delete") == 0)
			del = true;
		else if (path == NULL && argv[i][0] != '-')
			path = argv[i];
		else {
			problem("usage: wsvoucher import FILE [--delete]");
			return EXIT_USAGE;
		}
	}
	if (path == NULL) {
		problem("usage: wsvoucher import FILE [--delete]");
		return EXIT_USAGE;
	}
	if (ends_with(path, "voucherdelete.csv"))
		del = true;
	rc = open_codegen(c);
	if (rc != 0)
		return rc;
	if (io_read_file(path, IO_FILE_MAX, &data, &err) != WS_OK) {
		problem("%s", buf_cstr(&err));
		buf_free(&err);
		return EXIT_PROBLEM;
	}
	memset(&opt, 0, sizeof(opt));
	opt.codegen = c->codegen;
	opt.allow_external = c->conf.external_vouchers_allow;
	opt.default_currency = c->conf.currency;
	import_set_init(&set);
	diags_init(&d);
	if (ends_with(path, ".xml"))
		st = io_xml_parse(data.data, data.len, path, &opt, &set, &d);
	else if (del)
		st = io_csv_parse_delete(data.data, data.len, path, &opt, &set,
		    &d);
	else
		st = io_csv_parse_update(data.data, data.len, path, &opt, &set,
		    &d);
	buf_free(&data);
	rc = 0;
	if (st == WS_OK && diags_count(&d) == 0) {
		rc = open_store(c, false);
		if (rc == 0)
			st = ops_import(c->store, &set, path, c->actor, &d);
	}
	if (rc == 0 && (st != WS_OK || diags_count(&d) > 0)) {
		diags_print(&d, stderr);
		if (diags_count(&d) == 0)
			problem("%s: %s", path, ws_status_str(st));
		problem("%s: nothing imported", path);
		rc = EXIT_PROBLEM;
	} else if (rc == 0) {
		printf("%s: %zu %s applied\n", path, set.n,
		    set.n == 1 ? "row" : "rows");
	}
	diags_free(&d);
	import_set_free(&set);
	buf_free(&err);
	return rc;
}

static int
cmd_export(struct cli *c, int argc, char **argv)
{
	struct voucher *batch;
	char after[VOUCHER_CODE_MAX + 1] = "";
	const char *output = NULL;
	bool xml = false;
	FILE *fp = stdout;
	enum ws_status st = WS_OK;
	size_t n, i;
	int a, rc;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--xml") == 0)
			xml = true;
		else if (strcmp(argv[a], "--csv") == 0)
			xml = false;
		else if (strcmp(argv[a], "--output") == 0 && a + 1 < argc)
			output = argv[++a];
		else {
			problem("usage: wsvoucher export [--xml|--csv] "
			    "[--output FILE]");
			return EXIT_USAGE;
		}
	}
	rc = open_store(c, false);
	if (rc != 0)
		return rc;
	if (output != NULL) {
		fp = fopen(output, "wx");
		if (fp == NULL) {
			problem("%s: %s", output, strerror(errno));
			return EXIT_PROBLEM;
		}
	}
	batch = malloc(SCAN_BATCH * sizeof(*batch));
	if (batch == NULL)
		return EXIT_PROBLEM;
	st = xml ? io_xml_write_begin(fp) : io_csv_write_header(fp);
	while (st == WS_OK) {
		st = store_voucher_scan(c->store, after, batch, SCAN_BATCH, &n);
		if (st != WS_OK || n == 0)
			break;
		for (i = 0; i < n && st == WS_OK; i++) {
			st = xml ? io_xml_write_voucher(fp, &batch[i]) :
			    io_csv_write_voucher(fp, &batch[i]);
			if (st != WS_OK)
				problem("export: voucher %s cannot be written: "
				    "%s", batch[i].code, ws_status_str(st));
		}
		memcpy(after, batch[n - 1].code, sizeof(after));
	}
	if (st == WS_OK && xml)
		st = io_xml_write_end(fp);
	free(batch);
	if (fp == stdout) {
		if (fflush(fp) != 0 && st == WS_OK)
			st = WS_ERR_IO;
	} else if (fclose(fp) != 0 && st == WS_OK) {
		st = WS_ERR_IO;
	}
	if (st != WS_OK) {
		problem("export: %s", ws_status_str(st));
		return EXIT_PROBLEM;
	}
	return 0;
}

/* --- show, list, search ------------------------------------------------------ */

static const char *const voucher_head[] = { "code", "kind", "type", "amount",
    "balance", "redeemed", "max", "state", "valid_from", "valid_until",
    "charge", "bound_customer" };
#define VOUCHER_COLS 12

static enum ws_status
voucher_row(const struct cli *c, struct table *t, const struct voucher *v)
{
	struct buf amount = BUF_INIT, balance = BUF_INIT, from = BUF_INIT,
	    until = BUF_INIT, red = BUF_INIT, max = BUF_INIT;
	const char *row[VOUCHER_COLS];
	enum ws_status st;

	fmt_amount(c, &amount, v);
	if (voucher_has_balance(v))
		fmt_money(c, &balance, v->balance, v->currency);
	buf_printf(&red, "%u", v->redeemed);
	if (v->max_redemptions > 0)
		buf_printf(&max, "%u", v->max_redemptions);
	fmt_date(&from, v->valid_from, false);
	fmt_date(&until, v->valid_until, false);
	row[0] = v->code;
	row[1] = voucher_kind_name(v->kind);
	row[2] = voucher_type_name(v->type);
	row[3] = buf_cstr(&amount);
	row[4] = buf_cstr(&balance);
	row[5] = buf_cstr(&red);
	row[6] = buf_cstr(&max);
	row[7] = voucher_state_name(v->state);
	row[8] = buf_cstr(&from);
	row[9] = buf_cstr(&until);
	row[10] = v->charge_id;
	row[11] = v->bound_customer;
	st = table_row(t, row);
	buf_free(&amount);
	buf_free(&balance);
	buf_free(&from);
	buf_free(&until);
	buf_free(&red);
	buf_free(&max);
	return st;
}

struct ledger_print {
	const struct cli	*c;
	const char		*currency;
	struct table		*t;
};

static const char *
channel_name(uint32_t ch)
{
	switch (ch) {
	case VOUCHER_CHANNEL_WEB:
		return "webshop";
	case VOUCHER_CHANNEL_POS:
		return "pos";
	case 0:
		return "operator";
	default:
		return "?";
	}
}

static enum ws_status
ledger_row(const struct ledger_entry *e, void *arg)
{
	struct ledger_print *lp = arg;
	struct buf at = BUF_INIT, delta = BUF_INIT, amount = BUF_INIT,
	    bal = BUF_INIT, seq = BUF_INIT;
	const char *row[10];
	enum ws_status st;

	buf_printf(&seq, "%llu", (unsigned long long)e->seq);
	fmt_date(&at, e->at, true);
	fmt_money(lp->c, &delta, e->delta, lp->currency);
	fmt_money(lp->c, &amount, e->amount, lp->currency);
	fmt_money(lp->c, &bal, e->balance_after, lp->currency);
	row[0] = buf_cstr(&seq);
	row[1] = buf_cstr(&at);
	row[2] = ledger_op_name(e->op);
	row[3] = buf_cstr(&delta);
	row[4] = buf_cstr(&amount);
	row[5] = buf_cstr(&bal);
	row[6] = channel_name(e->channel);
	row[7] = e->actor;
	row[8] = e->holder[0] != '\0' ? e->holder : e->reference;
	row[9] = e->note;
	st = table_row(lp->t, row);
	buf_free(&seq);
	buf_free(&at);
	buf_free(&delta);
	buf_free(&amount);
	buf_free(&bal);
	return st;
}

struct show_arg {
	const struct cli	*c;
	const char		*code;
	struct voucher		 v;
	struct table		*ledger;
};

static enum ws_status
show_body(struct store_txn *t, void *arg)
{
	struct show_arg *a = arg;
	struct ledger_print lp = { a->c, "", a->ledger };
	enum ws_status st;

	a->ledger->rows = 0;	/* restartable (rows freed by print only) */
	st = store_voucher_get(t, a->code, &a->v, false);
	if (st != WS_OK)
		return st;
	lp.currency = a->v.currency;
	return store_ledger_each(t, a->code, ledger_row, &lp);
}

static int
normalise_code(struct cli *c, const char *in, char *out, size_t size)
{
	enum codegen_class cls;
	int rc = open_codegen(c);

	if (rc != 0)
		return rc;
	cls = codegen_classify(c->codegen, in, strlen(in), out, size);
	if (cls == CODEGEN_EMPTY || cls == CODEGEN_MALFORMED) {
		problem("\"%s\" is not a voucher code", in);
		return EXIT_USAGE;
	}
	return 0;
}

static int
cmd_show(struct cli *c, int argc, char **argv)
{
	static const char *const lhead[] = { "seq", "at", "op", "delta",
	    "amount", "balance", "channel", "actor", "holder/ref", "note" };
	struct table vt, lt;
	struct show_arg a;
	char code[VOUCHER_CODE_MAX + 1];
	enum ws_status st;
	int rc;

	if (argc != 2) {
		problem("usage: wsvoucher show CODE");
		return EXIT_USAGE;
	}
	rc = normalise_code(c, argv[1], code, sizeof(code));
	if (rc == 0)
		rc = open_store(c, false);
	if (rc != 0)
		return rc;
	if (table_init(&vt, c->tsv, VOUCHER_COLS, voucher_head) != WS_OK ||
	    table_init(&lt, c->tsv, 10, lhead) != WS_OK)
		return EXIT_PROBLEM;
	memset(&a, 0, sizeof(a));
	a.c = c;
	a.code = code;
	a.ledger = &lt;
	st = store_read_run(c->store, show_body, &a);
	if (st == WS_OK)
		st = voucher_row(c, &vt, &a.v);
	if (st == WS_OK) {
		table_print(&vt, stdout);
		if (!c->tsv) {
			printf("\ncurrency %s, min order ", a.v.currency);
			{
				struct buf b = BUF_INIT;

				fmt_money(c, &b, a.v.min_order, a.v.currency);
				printf("%s, channels %s%s%s", buf_cstr(&b),
				    (a.v.channels & VOUCHER_CHANNEL_WEB) ?
				    "webshop " : "",
				    (a.v.channels & VOUCHER_CHANNEL_POS) ?
				    "pos" : "",
				    a.v.state_reason[0] != '\0' ?
				    ", state reason: " : "");
				printf("%s\n\nledger:\n", a.v.state_reason);
				buf_free(&b);
			}
		} else {
			fputc('\n', stdout);
		}
		table_print(&lt, stdout);
	}
	table_free(&vt);
	table_free(&lt);
	if (st == WS_ERR_NOTFOUND) {
		problem("%s: no such voucher", code);
		return EXIT_PROBLEM;
	}
	if (st != WS_OK) {
		problem("show %s: %s", code, ws_status_str(st));
		return EXIT_PROBLEM;
	}
	return 0;
}

static int
cmd_list(struct cli *c, int argc, char **argv, const char *needle)
{
	struct voucher *batch;
	struct table t;
	char after[VOUCHER_CODE_MAX + 1] = "";
	const char *charge = NULL;
	enum voucher_state state = VOUCHER_STATE__MAX;
	int64_t limit = INT64_MAX, shown = 0;
	enum ws_status st = WS_OK;
	size_t n, i;
	int a, rc;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--charge") == 0 && a + 1 < argc) {
			charge = argv[++a];
		} else if (strcmp(argv[a], "--state") == 0 && a + 1 < argc) {
			a++;
			if (voucher_state_parse(argv[a], strlen(argv[a]),
			    &state) != WS_OK) {
				problem("--state: \"%s\" is not active, "
				    "invalidated, exhausted, expired or "
				    "pending", argv[a]);
				return EXIT_USAGE;
			}
		} else if (strcmp(argv[a], "--limit") == 0 && a + 1 < argc) {
			a++;
			if (num_parse_i64(argv[a], strlen(argv[a]), 1,
			    INT64_MAX, &limit) != WS_OK) {
				problem("--limit: \"%s\" is not a count",
				    argv[a]);
				return EXIT_USAGE;
			}
		} else {
			problem("usage: wsvoucher list [--charge ID] "
			    "[--state S] [--limit N]");
			return EXIT_USAGE;
		}
	}
	rc = open_store(c, false);
	if (rc != 0)
		return rc;
	batch = malloc(SCAN_BATCH * sizeof(*batch));
	if (batch == NULL ||
	    table_init(&t, c->tsv, VOUCHER_COLS, voucher_head) != WS_OK) {
		free(batch);
		return EXIT_PROBLEM;
	}
	while (st == WS_OK && shown < limit) {
		st = store_voucher_scan(c->store, after, batch, SCAN_BATCH, &n);
		if (st != WS_OK || n == 0)
			break;
		for (i = 0; i < n && st == WS_OK && shown < limit; i++) {
			const struct voucher *v = &batch[i];

			if (charge != NULL && strcmp(v->charge_id, charge))
				continue;
			if (state != VOUCHER_STATE__MAX && v->state != state)
				continue;
			if (needle != NULL &&
			    strcasestr(v->code, needle) == NULL &&
			    strcasestr(v->charge_id, needle) == NULL &&
			    strcasestr(v->bound_customer, needle) == NULL)
				continue;
			st = voucher_row(c, &t, v);
			shown++;
		}
		memcpy(after, batch[n - 1].code, sizeof(after));
		/* stream: terminal tables are printed once at the end */
		if (c->tsv)
			table_print(&t, stdout);
	}
	if (st == WS_OK)
		table_print(&t, stdout);
	table_free(&t);
	free(batch);
	if (st != WS_OK) {
		problem("list: %s", ws_status_str(st));
		return EXIT_PROBLEM;
	}
	return 0;
}

static int
cmd_search(struct cli *c, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '\0') {
		problem("usage: wsvoucher search TEXT");
		return EXIT_USAGE;
	}
	/* case-insensitive: codes are upper-case, ids often are not */
	return cmd_list(c, 1, argv, argv[1]);
}

/* --- reserved, release, invalidate, expire ------------------------------------ */

struct reserved_arg {
	const struct cli	*c;
	struct table		*t;
	int64_t			 now;
};

static enum ws_status
reserved_row(const struct hold *h, void *arg)
{
	struct reserved_arg *a = arg;
	struct buf amount = BUF_INIT, created = BUF_INIT, expires = BUF_INIT;
	const char *row[8];
	enum ws_status st;

	if (h->expires <= a->now)
		return WS_OK;	/* ran out: not reserved any more */
	fmt_money(a->c, &amount, h->amount, "");
	fmt_date(&created, h->created, true);
	fmt_date(&expires, h->expires, true);
	row[0] = h->code;
	row[1] = hold_kind_name(h->kind);
	row[2] = h->holder;
	row[3] = channel_name(h->channel);
	row[4] = h->customer;
	row[5] = buf_cstr(&amount);
	row[6] = buf_cstr(&created);
	row[7] = buf_cstr(&expires);
	st = table_row(a->t, row);
	buf_free(&amount);
	buf_free(&created);
	buf_free(&expires);
	return st;
}

static enum ws_status
reserved_body(struct store_txn *t, void *arg)
{
	struct reserved_arg *a = arg;
	size_t r;

	/* restartable: drop rows of an aborted attempt */
	for (r = 0; r < a->t->rows * a->t->ncols; r++)
		free(a->t->cells[r]);
	a->t->rows = 0;
	return store_hold_each(t, "", reserved_row, a);
}

static int
cmd_reserved(struct cli *c, int argc)
{
	static const char *const head[] = { "code", "kind", "holder",
	    "channel", "customer", "amount", "since", "until" };
	struct reserved_arg a;
	struct table t;
	enum ws_status st;
	int rc;

	if (argc != 1) {
		problem("usage: wsvoucher reserved");
		return EXIT_USAGE;
	}
	rc = open_store(c, false);
	if (rc != 0)
		return rc;
	if (table_init(&t, c->tsv, 8, head) != WS_OK)
		return EXIT_PROBLEM;
	a.c = c;
	a.t = &t;
	a.now = clock_now();
	st = store_read_run(c->store, reserved_body, &a);
	if (st == WS_OK)
		table_print(&t, stdout);
	table_free(&t);
	if (st != WS_OK) {
		problem("reserved: %s", ws_status_str(st));
		return EXIT_PROBLEM;
	}
	return 0;
}

static int
report_result(const char *what, const char *code, enum ws_status st,
    const struct ops_result *res)
{
	if (st != WS_OK) {
		problem("%s %s: %s", what, code, ws_status_str(st));
		return EXIT_PROBLEM;
	}
	if (res->reason != REASON_NONE) {
		problem("%s %s: refused, reason %u%s", what, code, res->reason,
		    res->reason == REASON_UNKNOWN ? " (no such voucher)" :
		    res->reason == REASON_INVALIDATED ?
		    " (invalidated already)" : "");
		return EXIT_PROBLEM;
	}
	return 0;
}

static int
cmd_release(struct cli *c, int argc, char **argv)
{
	struct ops_result res;
	struct ops_ctx ctx;
	char code[VOUCHER_CODE_MAX + 1];
	int rc;

	if (argc != 2) {
		problem("usage: wsvoucher release CODE");
		return EXIT_USAGE;
	}
	rc = normalise_code(c, argv[1], code, sizeof(code));
	if (rc == 0)
		rc = open_store(c, false);
	if (rc != 0)
		return rc;
	ctx_operator(c, &ctx);
	rc = report_result("release", code,
	    ops_release(c->store, code, &ctx, &res), &res);
	if (rc == 0)
		printf("%s: %lld %s released\n", code, (long long)res.amount,
		    res.amount == 1 ? "hold" : "holds");
	return rc;
}

static int
cmd_invalidate(struct cli *c, int argc, char **argv)
{
	struct ops_result res;
	struct ops_ctx ctx;
	char code[VOUCHER_CODE_MAX + 1];
	const char *why = NULL, *raw = NULL;
	int a, rc;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--reason") == 0 && a + 1 < argc)
			why = argv[++a];
		else if (raw == NULL)
			raw = argv[a];
		else
			raw = NULL, a = argc;
	}
	if (raw == NULL || why == NULL || why[0] == '\0' ||
	    strlen(why) > VOUCHER_REASON_MAX) {
		problem("usage: wsvoucher invalidate CODE --reason TEXT "
		    "(reason 1 to %d characters)", VOUCHER_REASON_MAX);
		return EXIT_USAGE;
	}
	rc = normalise_code(c, raw, code, sizeof(code));
	if (rc == 0)
		rc = open_store(c, false);
	if (rc != 0)
		return rc;
	ctx_operator(c, &ctx);
	rc = report_result("invalidate", code,
	    ops_invalidate(c->store, code, &ctx, why, &res), &res);
	if (rc == 0)
		printf("%s: invalidated\n", code);
	return rc;
}

static int
cmd_expire(struct cli *c, int argc)
{
	uint64_t n;
	enum ws_status st;
	int rc;

	if (argc != 1) {
		problem("usage: wsvoucher expire");
		return EXIT_USAGE;
	}
	rc = open_store(c, false);
	if (rc != 0)
		return rc;
	st = ops_expire_holds(c->store, 0, &n);
	if (st != WS_OK) {
		problem("expire: %s", ws_status_str(st));
		return EXIT_PROBLEM;
	}
	printf("%llu holds expired\n", (unsigned long long)n);
	return 0;
}

/* --- templates ------------------------------------------------------------ */

static int
cmd_lint(int argc, char **argv)
{
	struct buf data = BUF_INIT, err = BUF_INIT;
	struct diags d;
	struct tmpl *t;
	int i, bad = 0;

	if (argc < 2) {
		problem("usage: wsvoucher lint FILE...");
		return EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		diags_init(&d);
		buf_reset(&data);
		buf_reset(&err);
		if (io_read_file(argv[i], TMPL_SIZE_MAX, &data, &err) !=
		    WS_OK) {
			printf("%s\n", buf_cstr(&err));
			bad++;
		} else if (tmpl_compile(data.data, data.len, argv[i], &t,
		    &d) != WS_OK) {
			diags_print(&d, stdout);
			bad++;
		} else {
			tmpl_free(t);
		}
		diags_free(&d);
	}
	buf_free(&data);
	buf_free(&err);
	if (bad == 0)
		printf("OK\n");
	return bad > 0 ? EXIT_PROBLEM : 0;
}

static int
cmd_tags(int argc)
{
	struct buf md = BUF_INIT;
	int rc = 0;

	if (argc != 1) {
		problem("usage: wsvoucher tags");
		return EXIT_USAGE;
	}
	if (tags_write_markdown(&md) != WS_OK ||
	    fwrite(md.data, 1, md.len, stdout) != md.len)
		rc = EXIT_PROBLEM;
	buf_free(&md);
	return rc;
}

/* --- maintain ------------------------------------------------------------- */

static volatile sig_atomic_t maintain_stop;

static void
maintain_signal(int sig)
{
	(void)sig;
	maintain_stop = 1;
}

static int
cmd_maintain(struct cli *c, int argc, char **argv)
{
	struct timespec half = { 0, 500000000L };
	unsigned tick = 0;
	uint64_t n;
	int rc;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--once") != 0)) {
		problem("usage: wsvoucher maintain [--once]");
		return EXIT_USAGE;
	}
	rc = open_store(c, false);
	if (rc != 0)
		return rc;
	signal(SIGINT, maintain_signal);
	signal(SIGTERM, maintain_signal);
	for (;;) {
		/* every half second: time out locks of dead processes;
		 * every minute: checkpoint and expire holds */
		bool minute = tick % 120 == 0;
		enum ws_status st = store_maintain(c->store, minute);

		if (st == WS_OK && minute)
			st = ops_expire_holds(c->store, 0, &n);
		if (st != WS_OK) {
			problem("maintain: %s", ws_status_str(st));
			return EXIT_PROBLEM;
		}
		if (argc == 2 || maintain_stop)
			return 0;
		nanosleep(&half, NULL);
		tick++;
	}
}

/* --- demo ------------------------------------------------------------------- */

struct demo_kind {
	enum voucher_kind	 kind;
	enum voucher_type	 type;
	enum voucher_amount_type amount_type;
	int64_t			 amount;
	uint32_t		 max;
	const char		*what;
};

static const struct demo_kind demo_kinds[] = {
	{ VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, VOUCHER_AMOUNT_ABSOLUTE,
	    5000, 0, "gift voucher 50,00 EUR: pays for anything, the rest "
	    "stays on the code" },
	{ VOUCHER_KIND_PROMO, VOUCHER_STD_EXPIRES, VOUCHER_AMOUNT_ABSOLUTE,
	    1000, 0, "10,00 EUR discount, one use, the rest is forfeited" },
	{ VOUCHER_KIND_PROMO, VOUCHER_STD_REUSABLE_NEW,
	    VOUCHER_AMOUNT_ABSOLUTE, 1500, 0, "15,00 EUR for new customers, "
	    "remainder reusable" },
	{ VOUCHER_KIND_PROMO, VOUCHER_STD_EXPIRES_NEW, VOUCHER_AMOUNT_PERCENT,
	    1000, 0, "10 % off for a new customer's first order" },
	{ VOUCHER_KIND_PROMO, VOUCHER_UNI_NO_RESTRICTIONS,
	    VOUCHER_AMOUNT_ABSOLUTE, 500, 100, "5,00 EUR for anyone, at most "
	    "100 redemptions" },
	{ VOUCHER_KIND_PROMO, VOUCHER_UNI_ONCE_PER_CUSTOMER,
	    VOUCHER_AMOUNT_PERCENT, 500, 0, "5 % off, once per customer "
	    "account" },
	{ VOUCHER_KIND_PROMO, VOUCHER_UNI_NEW_CUSTOMERS,
	    VOUCHER_AMOUNT_ABSOLUTE, 700, 0, "7,00 EUR, new customers only" },
	{ VOUCHER_KIND_PROMO, VOUCHER_UNI_CUSTOMER_BINDING,
	    VOUCHER_AMOUNT_ABSOLUTE, 300, 0, "3,00 EUR, bound to the first "
	    "customer who uses it" },
};

struct demo_codes {
	char	codes[3][VOUCHER_CODE_MAX + 1];
	size_t	n;
};

static enum ws_status
demo_code(const char *code, void *arg)
{
	struct demo_codes *d = arg;

	if (d->n < 3)
		memcpy(d->codes[d->n++], code, strlen(code) + 1);
	return WS_OK;
}

static int
cmd_demo(struct cli *c, int argc)
{
	char dir[] = "/tmp/wsvoucher-demo-XXXXXX";
	char gift[VOUCHER_CODE_MAX + 1] = "";
	struct charge_request req;
	struct ops_result res;
	struct ops_ctx ctx;
	struct charge ch;
	struct buf err = BUF_INIT;
	size_t i;
	int rc;
	char *list_argv[] = { "list", NULL };

	if (argc != 1) {
		problem("usage: wsvoucher demo");
		return EXIT_USAGE;
	}
	/* never the configured store: only an explicit --store */
	if (!c->store_explicit) {
		if (mkdtemp(dir) == NULL) {
			problem("mkdtemp: %s", strerror(errno));
			return EXIT_PROBLEM;
		}
		c->store_dir = dir;
	}
	rc = open_codegen(c);
	if (rc == 0)
		rc = open_store(c, true);
	if (rc != 0)
		return rc;
	printf("Demo store in %s\n\n", c->store_dir);
	for (i = 0; i < sizeof(demo_kinds) / sizeof(demo_kinds[0]); i++) {
		const struct demo_kind *k = &demo_kinds[i];
		struct demo_codes codes;

		memset(&req, 0, sizeof(req));
		memset(&codes, 0, sizeof(codes));
		voucher_init(&req.proto);
		req.proto.kind = k->kind;
		req.proto.type = k->type;
		req.proto.amount_type = k->amount_type;
		req.proto.amount = k->amount;
		req.proto.max_redemptions = k->max;
		req.count = voucher_type_is_universal(k->type) ? 1 : 3;
		req.creator = "demo";
		req.label = k->what;
		if (charge_create(c->store, c->codegen, &req, demo_code,
		    NULL, &codes, &ch, &err) != WS_OK) {
			problem("demo charge: %s", buf_cstr(&err));
			buf_free(&err);
			return EXIT_PROBLEM;
		}
		printf("%-44s %s\n  %s\n", voucher_type_name(k->type),
		    codes.codes[0], k->what);
		if (i == 0)
			memcpy(gift, codes.codes[0], sizeof(gift));
	}
	buf_free(&err);
	/* Show a reservation too, as a basket would make it. */
	ops_ctx_init(&ctx);
	ctx.holder = "demo-basket";
	ctx.actor = "demo";
	ctx.basket.eligible = 2000;
	ctx.basket.due = 2000;
	if (ops_activate(c->store, &c->conf, gift, &ctx, 0, &res) == WS_OK &&
	    res.reason == 0)
		printf("\nreserved 20,00 EUR of %s for demo-basket "
		    "(see 'wsvoucher --store %s reserved')\n", gift,
		    c->store_dir);
	printf("\nAll vouchers:\n");
	return cmd_list(c, 1, list_argv, NULL);
}

/* --- main ---------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "actor", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static char actor_buf[VOUCHER_ACTOR_MAX + 1];
	struct cli c;
	const char *cmd;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	c.config_path = getenv("WSVOUCHER_CONFIG");
	c.store_dir = getenv("WSVOUCHER_STORE");
	{
		const char *user = getenv("USER");

		snprintf(actor_buf, sizeof(actor_buf), "cli:%s",
		    user != NULL ? user : "operator");
		c.actor = actor_buf;
	}
	/* Options of the program come before the command. */
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			c.store_dir = optarg;
			c.store_explicit = true;
			break;
		case 'c':
			c.config_path = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "tsv") == 0)
				c.tsv = true;
			else if (strcmp(optarg, "table") == 0)
				c.tsv = false;
			else {
				problem("--format: table or tsv");
				return EXIT_USAGE;
			}
			break;
		case 'a':
			if (strlen(optarg) == 0 ||
			    strlen(optarg) > VOUCHER_ACTOR_MAX) {
				problem("--actor: 1 to %d characters",
				    VOUCHER_ACTOR_MAX);
				return EXIT_USAGE;
			}
			c.actor = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[0];
	if (strcmp(cmd, "check-config") == 0)
		return cmd_check_config(&c, argc, argv);
	if (strcmp(cmd, "lint") == 0)
		return cmd_lint(argc, argv);
	if (strcmp(cmd, "tags") == 0)
		return cmd_tags(argc);
	if (strcmp(cmd, "passwd") == 0)
		return cmd_passwd(argc);
	if (strcmp(cmd, "apikey") == 0)
		return cmd_apikey(argc, argv);
	rc = load_config(&c);
	if (rc != 0)
		return rc;
	if (strcmp(cmd, "init") == 0)
		rc = cmd_init(&c, argc, argv);
	else if (strcmp(cmd, "charge") == 0)
		rc = cmd_charge(&c, argc, argv);
	else if (strcmp(cmd, "import") == 0)
		rc = cmd_import(&c, argc, argv);
	else if (strcmp(cmd, "export") == 0)
		rc = cmd_export(&c, argc, argv);
	else if (strcmp(cmd, "show") == 0)
		rc = cmd_show(&c, argc, argv);
	else if (strcmp(cmd, "list") == 0)
		rc = cmd_list(&c, argc, argv, NULL);
	else if (strcmp(cmd, "search") == 0)
		rc = cmd_search(&c, argc, argv);
	else if (strcmp(cmd, "reserved") == 0)
		rc = cmd_reserved(&c, argc);
	else if (strcmp(cmd, "release") == 0)
		rc = cmd_release(&c, argc, argv);
	else if (strcmp(cmd, "invalidate") == 0)
		rc = cmd_invalidate(&c, argc, argv);
	else if (strcmp(cmd, "expire") == 0)
		rc = cmd_expire(&c, argc);
	else if (strcmp(cmd, "maintain") == 0)
		rc = cmd_maintain(&c, argc, argv);
	else if (strcmp(cmd, "demo") == 0)
		rc = cmd_demo(&c, argc);
	else {
		problem("unknown command \"%s\"", cmd);
		usage(stderr);
		rc = EXIT_USAGE;
	}
	codegen_free(c.codegen);
	store_close(c.store);
	return rc;
}
