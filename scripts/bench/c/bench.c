/*
 * The C baseline of the lxc-ffi benchmark: times liblxc's API called directly.
 *
 *   bench LXCPATH NAME OPERATION WARMUP ITERATIONS
 *
 * Prints one JSON object: {"target":"c","op":...,"unit":"us","samples":[...]}, one wall-clock
 * sample (CLOCK_MONOTONIC, microseconds) per call. Exit 0 on success, 2 on bad usage, 1 when an
 * operation fails (with the reason on stderr).
 *
 * For the profile (scripts/bench/profile-attach.ts): the op attach_only times c->attach() alone
 * (the wait for the process is left out of the sample), and LXC_BENCH_BALLAST_MB=N makes this
 * process allocate and touch N MiB first, so its fork()s copy page tables as big as Node's.
 *
 * Built by scripts/bench/targets/c.ts:  gcc -O2 -o bench bench.c -llxc
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lxc/attach_options.h>
#include <lxc/lxccontainer.h>

static int devnull_r = -1, devnull_w = -1;
static pid_t pending;
static char *ballast; /* global, so the compiler cannot drop the memset that touches it */

static double tv_us(struct timeval tv)
{
	return (double)tv.tv_sec * 1e6 + (double)tv.tv_usec;
}

/* CPU time (user + system, µs) and minor page faults of this process or of its reaped children. */
static void usage(int who, double *cpu_us, long *minflt)
{
	struct rusage ru;

	getrusage(who, &ru);
	*cpu_us = tv_us(ru.ru_utime) + tv_us(ru.ru_stime);
	*minflt = ru.ru_minflt;
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One call of each operation; 0 on success. */

static int op_attach_run_wait_true(struct lxc_container *c)
{
	lxc_attach_options_t options = LXC_ATTACH_OPTIONS_DEFAULT;
	/* attach_run_wait() is lxc_attach() with lxc_attach_run_command, then a wait for the pid. */
	const char *const argv[] = {"true", NULL};
	int status;

	options.stdin_fd = devnull_r;
	options.stdout_fd = devnull_w;
	options.stderr_fd = devnull_w;
	status = c->attach_run_wait(c, &options, "true", argv);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "attach_run_wait(true) returned status %d\n", status);
		return -1;
	}
	return 0;
}

static int op_attach_only(struct lxc_container *c)
{
	/* c->attach() is timed by main(); the wait happens in wait_pending(), outside the sample. */
	lxc_attach_options_t options = LXC_ATTACH_OPTIONS_DEFAULT;
	char *argv[] = {"true", NULL};
	lxc_attach_command_t cmd = {.program = "true", .argv = argv};

	options.stdin_fd = devnull_r;
	options.stdout_fd = devnull_w;
	options.stderr_fd = devnull_w;
	if (c->attach(c, lxc_attach_run_command, &cmd, &options, &pending) < 0 || pending <= 0) {
		fprintf(stderr, "attach(lxc_attach_run_command, true) failed\n");
		return -1;
	}
	return 0;
}

/* Reaps the process op_attach_only started; 0 when it exited with 0. */
static int wait_pending(void)
{
	int status;

	if (pending <= 0)
		return 0;
	if (waitpid(pending, &status, 0) != pending || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "the attached true did not exit with 0\n");
		return -1;
	}
	pending = 0;
	return 0;
}

static int op_get_config_item(struct lxc_container *c)
{
	/* As a binding returning a string must: ask the length, then fetch into a buffer of that size. */
	int len = c->get_config_item(c, "lxc.uts.name", NULL, 0);
	char *buf;

	if (len < 0) {
		fprintf(stderr, "get_config_item(lxc.uts.name) returned %d\n", len);
		return -1;
	}
	buf = malloc(len + 1);
	if (!buf)
		return -1;
	if (c->get_config_item(c, "lxc.uts.name", buf, len + 1) != len) {
		free(buf);
		fprintf(stderr, "get_config_item(lxc.uts.name) changed length\n");
		return -1;
	}
	free(buf);
	return 0;
}

static int op_is_defined(struct lxc_container *c)
{
	if (!c->is_defined(c)) {
		fprintf(stderr, "is_defined() returned false\n");
		return -1;
	}
	return 0;
}

static int op_state(struct lxc_container *c)
{
	const char *s = c->state(c);

	if (!s || strcmp(s, "RUNNING") != 0) {
		fprintf(stderr, "state() returned %s\n", s ? s : "NULL");
		return -1;
	}
	return 0;
}

static int op_init_pid(struct lxc_container *c)
{
	if (c->init_pid(c) <= 0) {
		fprintf(stderr, "init_pid() returned no pid\n");
		return -1;
	}
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct lxc_container *c);
} ops[] = {
	{"attach_run_wait_true", op_attach_run_wait_true},
	{"attach_only", op_attach_only},
	{"get_config_item", op_get_config_item},
	{"is_defined", op_is_defined},
	{"state", op_state},
	{"init_pid", op_init_pid},
};

int main(int argc, char *argv[])
{
	int (*fn)(struct lxc_container *c) = NULL;
	struct lxc_container *c;
	long warmup, iterations;
	double *samples, self0, self1, kids0, kids1;
	long self_flt0, self_flt1, kids_flt0, kids_flt1;

	if (argc != 6) {
		fprintf(stderr, "usage: %s LXCPATH NAME OPERATION WARMUP ITERATIONS\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, argv[3]) == 0)
			fn = ops[i].fn;
	warmup = strtol(argv[4], NULL, 10);
	iterations = strtol(argv[5], NULL, 10);
	if (!fn || warmup < 0 || iterations <= 0) {
		fprintf(stderr, "unknown operation or bad counts: %s %s %s\n", argv[3], argv[4], argv[5]);
		return 2;
	}

	devnull_r = open("/dev/null", O_RDONLY | O_CLOEXEC);
	devnull_w = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull_r < 0 || devnull_w < 0) {
		perror("open /dev/null");
		return 1;
	}

	if (getenv("LXC_BENCH_BALLAST_MB")) {
		size_t size = strtoul(getenv("LXC_BENCH_BALLAST_MB"), NULL, 10) << 20;

		ballast = malloc(size);

		if (size && !ballast)
			return 1;
		memset(ballast, 1, size); /* touched: mapped pages the fork has to copy page tables for */
	}

	c = lxc_container_new(argv[2], argv[1]);
	if (!c) {
		fprintf(stderr, "lxc_container_new(%s, %s) failed\n", argv[2], argv[1]);
		return 1;
	}
	samples = calloc(iterations, sizeof(double));
	if (!samples)
		return 1;

	for (long i = 0; i < warmup; i++)
		if (fn(c) != 0 || wait_pending() != 0)
			return 1;
	usage(RUSAGE_SELF, &self0, &self_flt0);
	usage(RUSAGE_CHILDREN, &kids0, &kids_flt0);
	for (long i = 0; i < iterations; i++) {
		double t0 = now_us();
		if (fn(c) != 0)
			return 1;
		samples[i] = now_us() - t0;
		if (wait_pending() != 0)
			return 1;
	}

	usage(RUSAGE_SELF, &self1, &self_flt1);
	usage(RUSAGE_CHILDREN, &kids1, &kids_flt1);

	/* rusage: totals over the timed calls (children: the ones reaped meanwhile). */
	printf("{\"target\":\"c\",\"op\":\"%s\",\"unit\":\"us\",\"version\":\"%s\","
	       "\"rusage\":{\"self_cpu_us\":%.0f,\"self_minflt\":%ld,\"children_cpu_us\":%.0f,\"children_minflt\":%ld},"
	       "\"samples\":[",
	       argv[3], lxc_get_version(), self1 - self0, self_flt1 - self_flt0, kids1 - kids0, kids_flt1 - kids_flt0);
	for (long i = 0; i < iterations; i++)
		printf("%s%.3f", i ? "," : "", samples[i]);
	printf("]}\n");

	free(samples);
	lxc_container_put(c);
	return 0;
}
