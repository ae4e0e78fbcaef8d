"""The python3-lxc baseline of the lxc-ffi benchmark: times the reference binding's calls.

    /usr/bin/python3 bench.py LXCPATH NAME OPERATION WARMUP ITERATIONS

Prints one JSON object: {"target":"python3-lxc","op":...,"unit":"us","samples":[...]}, one
wall-clock sample (time.perf_counter_ns, microseconds) per call, and "rusage": the CPU time
(user + system, microseconds) of this process and of its reaped children over the timed calls.
Exit 0 on success, 2 on bad usage, 3 when `import lxc` fails, 1 when an operation fails (with the
reason on stderr).
"""
import json
import os
import resource
import sys
import time

try:
    import lxc
except ImportError as e:  # reported as a skip by scripts/bench/targets/python.ts
    print(f"import lxc failed: {e}", file=sys.stderr)
    sys.exit(3)


def returns_at_once():
    return 0


def make_ops(c, devnull_r, devnull_w):
    def attach_run_wait_true():
        # python3-lxc's way to run a command: its attach_run_command execs it in the forked child.
        status = c.attach_wait(lxc.attach_run_command, ["true"],
                               stdin=devnull_r, stdout=devnull_w, stderr=devnull_w)
        if status != 0:
            raise RuntimeError(f"attach_wait(attach_run_command, ['true']) returned {status}")

    def attach_wait_func():
        status = c.attach_wait(returns_at_once, stdout=devnull_w)
        if status != 0:
            raise RuntimeError(f"attach_wait(func) returned {status}")

    def get_config_item():
        if not c.get_config_item("lxc.uts.name"):
            raise RuntimeError("get_config_item(lxc.uts.name) returned nothing")

    def is_defined():
        if not c.defined:
            raise RuntimeError("defined is False")

    def state():
        s = c.state
        if s != "RUNNING":
            raise RuntimeError(f"state is {s}")

    def init_pid():
        if c.init_pid <= 0:
            raise RuntimeError("init_pid is not a pid")

    return {f.__name__: f for f in (attach_run_wait_true, attach_wait_func, get_config_item,
                                     is_defined, state, init_pid)}


def cpu_us(who):
    ru = resource.getrusage(who)
    return (ru.ru_utime + ru.ru_stime) * 1e6


def main(argv):
    if len(argv) != 6:
        print(f"usage: {argv[0]} LXCPATH NAME OPERATION WARMUP ITERATIONS", file=sys.stderr)
        return 2
    lxcpath, name, op = argv[1], argv[2], argv[3]
    warmup, iterations = int(argv[4]), int(argv[5])
    devnull_r = open(os.devnull, "r")
    devnull_w = open(os.devnull, "w")
    c = lxc.Container(name, lxcpath)
    ops = make_ops(c, devnull_r, devnull_w)
    if op not in ops or warmup < 0 or iterations <= 0:
        print(f"unknown operation or bad counts: {op} {warmup} {iterations}", file=sys.stderr)
        return 2
    fn = ops[op]
    for _ in range(warmup):
        fn()
    samples = []
    clock = time.perf_counter_ns
    self0, kids0 = cpu_us(resource.RUSAGE_SELF), cpu_us(resource.RUSAGE_CHILDREN)
    for _ in range(iterations):
        t0 = clock()
        fn()
        samples.append((clock() - t0) / 1000)
    rusage = {"self_cpu_us": round(cpu_us(resource.RUSAGE_SELF) - self0),
              "children_cpu_us": round(cpu_us(resource.RUSAGE_CHILDREN) - kids0)}
    json.dump({"target": "python3-lxc", "op": op, "unit": "us", "version": lxc.version,
               "rusage": rusage, "samples": [round(s, 3) for s in samples]}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # one line for the runner, not a traceback
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
