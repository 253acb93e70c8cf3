/*
 * passwd.h - password hashes of customers and operators: crypt(3) with
 * yescrypt (libcrypt), checked in the same time whether the login exists
 * or not.
 */
#ifndef WS_PASSWD_H
#define WS_PASSWD_H

#include <stdbool.h>

/*
 * True when password matches hash.  hash NULL (no such login) costs as
 * much as a real check and is false, so the answer's timing does not tell
 * which logins exist.
 */
bool	passwd_check(const char *hash, const char *password);

#endif
