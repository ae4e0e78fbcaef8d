/*
 * The round trip's floor: one small message to a helper process and its answer, both sides
 * blocked in poll() as the caller's event loop and the runner are, over a socketpair. What a
 * request to any long-lived helper costs on this machine before either side does any work.
 *
 *   gcc -O2 -o pingpong pingpong.c && ./pingpong 20000 [GAP_US]
 *
 * Prints the median and 95th percentile of ROUNDS round trips (µs) after 1000 untimed ones. GAP_US
 * sleeps between rounds, as a caller does between calls: an idle vCPU is then woken for each message.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Waits until fd is readable, then reads what is there. */
static int wait_read(int fd, char *buf, size_t len)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	if (poll(&p, 1, -1) != 1)
		return -1;
	return recv(fd, buf, len, 0) > 0 ? 0 : -1;
}

int main(int argc, char *argv[])
{
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	long gap = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	char msg[200] = "{\"t\":\"call\",\"id\":1}", buf[4096];
	double *samples;
	int sv[2];
	pid_t pid;

	if (rounds <= 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return 2;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(sv[0]);
		while (wait_read(sv[1], buf, sizeof(buf)) == 0)
			if (send(sv[1], msg, sizeof(msg), MSG_NOSIGNAL) != sizeof(msg))
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	samples = calloc(rounds, sizeof(double));
	if (!samples)
		return 1;
	for (long i = -1000; i < rounds; i++) {
		double t0;

		if (gap > 0)
			usleep(gap);
		t0 = now_us();

		if (send(sv[0], msg, sizeof(msg), MSG_NOSIGNAL) != sizeof(msg) || wait_read(sv[0], buf, sizeof(buf)) != 0)
			return 1;
		if (i >= 0)
			samples[i] = now_us() - t0;
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	qsort(samples, rounds, sizeof(double), by_value);
	printf("round trip over a socketpair, both sides in poll(): median %.1f us, p95 %.1f us (%ld rounds, %ld us apart)\n",
	       samples[rounds / 2], samples[rounds * 95 / 100], rounds, gap);
	return 0;
}
