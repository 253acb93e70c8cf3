/*
 * passwd.c - checking crypt(3) password hashes (see passwd.h).
 */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "hmac.h"
#include "passwd.h"

bool
passwd_check(const char *hash, const char *password)
{
	/* a yescrypt hash of a password nobody has: the work of a real one */
	static const char dummy[] = "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$"
	    "X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7";
	struct crypt_data *cd;
	const char *h, *want = hash != NULL ? hash : dummy;
	bool ok;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return false;
	h = crypt_r(password, want, cd);
	ok = hash != NULL && h != NULL && h[0] != '*' &&
	    strlen(h) == strlen(want) && hex_equal_ct(h, want, strlen(want));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}
