/*
 * clock.h - the one source of "now" (UTC seconds since the epoch).
 *
 * Everything that asks for the time goes through clock_now() so tests can
 * move time forward (reservation expiry, validity windows) without sleeping.
 */
#ifndef WS_CLOCK_H
#define WS_CLOCK_H

#include <stdint.h>

typedef int64_t (*clock_fn)(void *arg);

int64_t	clock_now(void);
/* Replaces the clock; NULL restores the system clock. */
void	clock_set(clock_fn fn, void *arg);

#endif
