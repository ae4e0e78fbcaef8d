/*
 * The C baseline of the lxc-ffi benchmark: times liblxc's API called directly.
 *
 *   bench LXCPATH NAME OPERATION WARMUP ITERATIONS
 *
 * Prints one JSON object: {"target":"c","op":...,"unit":"us","samples":[...]}, one wall-clock
 * sample (CLOCK_MONOTONIC, microseconds) per call. Exit 0 on success, 2 on bad usage, 1 when an
 * operation fails (with the reason on stderr).
 *
 * Operations that make containers (lifecycle, clone_overlay) name them NAME-c<pid>-<n>: for
 * lifecycle NAME is only that prefix, for clone_overlay it is the stopped container to clone.
 *
 * The op attach_only times c->attach() alone (the wait for the process is left out of the sample),
 * for profiling by hand. LXC_BENCH_BALLAST_MB=N (the floor rows of rows.ts, and by hand) makes this
 * process allocate and touch N MiB first, so its fork()s copy page tables as big as Node's;
 * LXC_BENCH_RETOUCH_MB=M writes M MiB of it again before each call, as a JavaScript heap is
 * written between calls (each such page is write-protected again by the next fork).
 *
 * Built by scripts/bench/targets/c.ts:  gcc -O2 -o bench bench.c -llxc
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>
#include <unistd.h>

#include <lxc/attach_options.h>
#include <lxc/lxccontainer.h>

static int devnull_r = -1, devnull_w = -1;
static pid_t pending;
static char *ballast; /* global, so the compiler cannot drop the memset that touches it */
static size_t ballast_size, retouch_size;
static const char *g_lxcpath, *g_name;
static long g_seq;

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
	/* The best C can do: one call into a buffer sized beforehand (a hostname fits in 256). */
	static char buf[256];
	int len = c->get_config_item(c, "lxc.uts.name", buf, sizeof(buf));

	if (len <= 0 || (size_t)len >= sizeof(buf)) {
		fprintf(stderr, "get_config_item(lxc.uts.name) returned %d\n", len);
		return -1;
	}
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

/* Control row: one bare system call, no liblxc (what a syscall costs from each side). */
static int op_getppid(struct lxc_container *c)
{
	(void)c;
	return getppid() > 0 ? 0 : -1;
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

static int op_get_ips(struct lxc_container *c)
{
	/* As lxc-info -i and python3-lxc do: every address of every interface, global scope. */
	char **ips = c->get_ips(c, NULL, NULL, 0);
	int n;

	if (!ips) {
		fprintf(stderr, "get_ips() returned NULL\n");
		return -1;
	}
	for (n = 0; ips[n]; n++)
		free(ips[n]);
	free(ips);
	if (n == 0) {
		fprintf(stderr, "get_ips() returned no address\n");
		return -1;
	}
	return 0;
}

static int op_attach_echo_capture(struct lxc_container *c)
{
	/* What exec(['echo', 'x']) does: stdout and stderr through pipes, read to EOF, then the wait. */
	lxc_attach_options_t options = LXC_ATTACH_OPTIONS_DEFAULT;
	char *argv[] = {"echo", "x", NULL};
	lxc_attach_command_t cmd = {.program = "echo", .argv = argv};
	int out[2], err[2], status, open_ends = 2;
	char buf[2][256];
	size_t len[2] = {0, 0};
	struct pollfd pfd[2];
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	options.stdin_fd = devnull_r;
	options.stdout_fd = out[1];
	options.stderr_fd = err[1];
	if (c->attach(c, lxc_attach_run_command, &cmd, &options, &pid) < 0 || pid <= 0) {
		fprintf(stderr, "attach(lxc_attach_run_command, echo x) failed\n");
		close(out[0]); close(out[1]); close(err[0]); close(err[1]);
		return -1;
	}
	close(out[1]);
	close(err[1]);
	pfd[0] = (struct pollfd){.fd = out[0], .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = err[0], .events = POLLIN};
	while (open_ends > 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 2; k++) {
			ssize_t n;

			if (pfd[k].fd < 0 || !pfd[k].revents)
				continue;
			n = read(pfd[k].fd, buf[k] + len[k], sizeof(buf[k]) - 1 - len[k]);
			if (n > 0) {
				len[k] += n;
				if (len[k] < sizeof(buf[k]) - 1)
					continue;
			} else if (n < 0 && errno == EINTR) {
				continue;
			}
			pfd[k].fd = -1; /* EOF (or full): done with this one */
			open_ends--;
		}
	}
	close(out[0]);
	close(err[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "the attached echo did not exit with 0\n");
		return -1;
	}
	buf[0][len[0]] = '\0';
	if (strcmp(buf[0], "x\n") != 0) {
		fprintf(stderr, "echo x printed \"%s\"\n", buf[0]);
		return -1;
	}
	return 0;
}

/* Stops and destroys what a failed lifecycle or clone left. */
static void sweep(struct lxc_container *n)
{
	if (!n)
		return;
	if (n->is_running(n))
		n->stop(n);
	if (n->is_defined(n))
		n->destroy(n);
}

static int op_lifecycle(struct lxc_container *unused)
{
	/* create (busybox template, quiet) → no network → start (daemonized: returns at RUNNING) → stop → destroy. */
	char name[256];
	char *targv[] = {NULL};
	struct lxc_container *n;
	const char *why = NULL;
	const char *s;

	(void)unused;
	snprintf(name, sizeof(name), "%s-c%ld-%ld", g_name, (long)getpid(), g_seq++);
	n = lxc_container_new(name, g_lxcpath);
	if (!n) {
		fprintf(stderr, "lxc_container_new(%s) failed\n", name);
		return -1;
	}
	if (!n->create(n, "busybox", NULL, NULL, LXC_CREATE_QUIET, targv))
		why = "create";
	else if (!n->clear_config_item(n, "lxc.net") || !n->set_config_item(n, "lxc.net.0.type", "empty") || !n->save_config(n, NULL))
		why = "config";
	else if (!n->want_daemonize(n, true) || !n->start(n, 0, NULL))
		why = "start";
	else if (!(s = n->state(n)) || strcmp(s, "RUNNING") != 0)
		why = "state after start";
	else if (!n->stop(n))
		why = "stop";
	else if (!n->destroy(n))
		why = "destroy";
	if (why) {
		fprintf(stderr, "lifecycle of %s: %s failed\n", name, why);
		sweep(n);
	}
	lxc_container_put(n);
	return why ? -1 : 0;
}

static int op_clone_overlay(struct lxc_container *c)
{
	/* An overlayfs snapshot clone of the stopped container, then its destroy. */
	char name[256];
	struct lxc_container *n;
	int ret = 0;

	snprintf(name, sizeof(name), "%s-c%ld-%ld", g_name, (long)getpid(), g_seq++);
	n = c->clone(c, name, NULL, LXC_CLONE_SNAPSHOT, "overlayfs", NULL, 0, NULL);
	if (!n) {
		fprintf(stderr, "clone(%s, LXC_CLONE_SNAPSHOT, overlayfs) failed\n", name);
		return -1;
	}
	if (!n->destroy(n)) {
		fprintf(stderr, "destroy of the clone %s failed\n", name);
		sweep(n);
		ret = -1;
	}
	lxc_container_put(n);
	return ret;
}

static const struct {
	const char *name;
	int (*fn)(struct lxc_container *c);
} ops[] = {
	{"attach_run_wait_true", op_attach_run_wait_true},
	{"attach_only", op_attach_only},
	{"get_config_item", op_get_config_item},
	{"is_defined", op_is_defined},
	{"getppid", op_getppid},
	{"state", op_state},
	{"init_pid", op_init_pid},
	{"get_ips", op_get_ips},
	{"attach_echo_capture", op_attach_echo_capture},
	{"lifecycle", op_lifecycle},
	{"clone_overlay", op_clone_overlay},
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

	g_lxcpath = argv[1];
	g_name = argv[2];
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
		ballast_size = size;
		if (getenv("LXC_BENCH_RETOUCH_MB"))
			retouch_size = strtoul(getenv("LXC_BENCH_RETOUCH_MB"), NULL, 10) << 20;
		if (retouch_size > ballast_size)
			retouch_size = ballast_size;
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
		for (size_t o = 0; o < retouch_size; o += 4096)
			ballast[o]++;
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
