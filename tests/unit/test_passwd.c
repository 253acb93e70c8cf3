/*
 * test_passwd.c - password hashes: the right password matches, a wrong
 * one, an empty one and an unknown login (no hash) do not, and a hash
 * that crypt(3) cannot read matches nothing.
 */
#include <crypt.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "passwd.h"

static char hash[CRYPT_OUTPUT_SIZE];

static void
setup(void)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	const char *h;

	memset(&cd, 0, sizeof(cd));
	cr_assert_not_null(crypt_gensalt_rn("$y$", 0, NULL, 0, salt,
	    sizeof(salt)));
	h = crypt_r("geheim-12345", salt, &cd);
	cr_assert(h != NULL && h[0] == '$');
	snprintf(hash, sizeof(hash), "%s", h);
}

TestSuite(passwd, .init = setup);

Test(passwd, right_wrong_empty_unknown)
{
	cr_expect(passwd_check(hash, "geheim-12345"));
	cr_expect_not(passwd_check(hash, "geheim-12346"));
	cr_expect_not(passwd_check(hash, ""));
	cr_expect_not(passwd_check(NULL, "geheim-12345"),
	    "no login: false, after the same work");
	cr_expect_not(passwd_check("$y$broken", "geheim-12345"));
	cr_expect_not(passwd_check("*0", "*0"));
}
