/*
 * The event-loop lag target's floor, without an event loop: a 5 ms nanosleep() loop that prints
 * how late its ticks came (largest and 99th percentile) over SECONDS.
 *
 *   gcc -O2 -o timer-lag timer-lag.c && ./timer-lag SECONDS
 *
 * Run it beside 16 `bench LXCPATH PREFIX lifecycle 0 1` started at once (the concurrent probe's
 * C control) to see what the scheduler alone gives a thread of a busy 2-core host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_TICKS 100000

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char *argv[])
{
	static double lag[MAX_TICKS];
	struct timespec period = {0, 5000000};
	double end, last;
	int n = 0;

	if (argc != 2 || atof(argv[1]) <= 0) {
		fprintf(stderr, "usage: %s SECONDS\n", argv[0]);
		return 2;
	}
	end = now_ms() + atof(argv[1]) * 1000;
	last = now_ms();
	while (now_ms() < end && n < MAX_TICKS) {
		double t;

		nanosleep(&period, NULL);
		t = now_ms();
		lag[n++] = t - last - 5;
		last = t;
	}
	qsort(lag, n, sizeof(double), by_value);
	printf("timer ticks %d, largest lag %.1f ms, p99 %.1f ms\n", n, lag[n - 1], lag[(int)(n * 0.99)]);
	return 0;
}
