"""The python3-lxc baseline of the lxc-ffi benchmark: times the reference binding's calls.

    /usr/bin/python3 bench.py LXCPATH NAME OPERATION WARMUP ITERATIONS

Prints one JSON object: {"target":"python3-lxc","op":...,"unit":"us","samples":[...]}, one
wall-clock sample (time.perf_counter_ns, microseconds) per call, and "rusage": the CPU time
(user + system, microseconds) of this process and of its reaped children over the timed calls.
Exit 0 on success, 2 on bad usage, 3 when `import lxc` fails, 1 when an operation fails (with the
reason on stderr).

Operations that make containers (lifecycle, clone_overlay) name them NAME-py<pid>-<n>: for
lifecycle NAME is only that prefix, for clone_overlay it is the stopped container to clone.
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


def make_ops(c, lxcpath, name, devnull_r, devnull_w):
    seq = iter(range(1 << 30))

    def new_name():
        return f"{name}-py{os.getpid()}-{next(seq)}"

    def sweep(n):
        if n.running:
            n.stop()
        if n.defined:
            n.destroy()

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

    def attach_echo_capture():
        # stdout and stderr to pipes (what exec() captures), read once attach_wait has returned.
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            status = c.attach_wait(lxc.attach_run_command, ["echo", "x"],
                                   stdin=devnull_r, stdout=out_w, stderr=err_w)
            os.close(out_w)
            os.close(err_w)
            out_w = err_w = -1
            with os.fdopen(out_r, "rb") as f:
                out_r = -1
                out = f.read()
            with os.fdopen(err_r, "rb") as f:
                err_r = -1
                f.read()
        finally:
            for fd in (out_r, out_w, err_r, err_w):
                if fd >= 0:
                    os.close(fd)
        if status != 0 or out != b"x\n":
            raise RuntimeError(f"attach_wait(attach_run_command, ['echo', 'x']) returned {status}, printed {out!r}")

    def get_ips():
        if not c.get_ips():
            raise RuntimeError("get_ips() returned no address")

    def lifecycle():
        # create (busybox template, quiet) → no network → start → stop → destroy.
        n = lxc.Container(new_name(), config_path=lxcpath)
        step = "create"
        try:
            if n.create("busybox", flags=lxc.LXC_CREATE_QUIET):
                step = "config"
                n.clear_config_item("lxc.net")
                if n.set_config_item("lxc.net.0.type", "empty") and n.save_config():
                    step = "start"
                    if n.start():
                        step = "state after start"
                        if n.state == "RUNNING":
                            step = "stop"
                            if n.stop():
                                step = "destroy"
                                if n.destroy():
                                    return
            raise RuntimeError(f"lifecycle of {n.name}: {step} failed")
        except BaseException:
            sweep(n)
            raise

    def clone_overlay():
        # config_path given: without it python3-lxc returns a Container in the default lxcpath.
        target = new_name()
        n = c.clone(target, config_path=lxcpath, flags=lxc.LXC_CLONE_SNAPSHOT, bdevtype="overlayfs")
        if not n:
            raise RuntimeError(f"clone({target}, LXC_CLONE_SNAPSHOT, overlayfs) failed")
        if not n.destroy():
            sweep(n)
            raise RuntimeError(f"destroy of the clone {target} failed")

    def get_config_item():
        if not c.get_config_item("lxc.uts.name"):
            raise RuntimeError("get_config_item(lxc.uts.name) returned nothing")

    def is_defined():
        if not c.defined:
            raise RuntimeError("defined is False")

    def getppid():
        if os.getppid() <= 0:
            raise RuntimeError("getppid() is not a pid")

    def state():
        s = c.state
        if s != "RUNNING":
            raise RuntimeError(f"state is {s}")

    def init_pid():
        if c.init_pid <= 0:
            raise RuntimeError("init_pid is not a pid")

    return {f.__name__: f for f in (attach_run_wait_true, attach_wait_func, attach_echo_capture,
                                     get_config_item, is_defined, getppid, state, init_pid, get_ips,
                                     lifecycle, clone_overlay)}


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
    ops = make_ops(c, lxcpath, name, devnull_r, devnull_w)
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
