/*
 * clock.c - the replaceable clock.
 */
#include <time.h>

#include "clock.h"

static clock_fn clock_override;
static void *clock_override_arg;

int64_t
clock_now(void)
{
	struct timespec ts;

	if (clock_override != NULL)
		return clock_override(clock_override_arg);
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (int64_t)time(NULL);
	return (int64_t)ts.tv_sec;
}

void
clock_set(clock_fn fn, void *arg)
{
	clock_override = fn;
	clock_override_arg = arg;
}
