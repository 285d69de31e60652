#!/usr/bin/python3
"""leaky-worker.py - the sample backend's worker process: a cache that leaks until it is flushed.

usage: leaky-worker.py [FLUSH_MB]      (default 96)

Reads one request per line on stdin: the number of MiB to add to its cache. It maps and touches
that much anonymous memory, keeps it, answers "ok <cached MiB>" on stdout, and empties the cache once
it holds FLUSH_MB or more, as a cache with a size bound does. Its oom_score_adj is 1000: under a
memory limit it is the process the OOM killer picks, as a worker process marked expendable is.
The sample backend (--worker) starts it, talks to it for every GET /pay, and restarts it and
retries the request when it dies.
"""
import mmap
import sys


MIB = b"\x01" * (1 << 20)


def main(argv):
    flush_mb = int(argv[1]) if len(argv) > 1 else 96
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass
    cache = []
    held = 0
    for line in sys.stdin:
        mb = int(line.strip() or "0")
        if held + mb > flush_mb:
            for block in cache:
                block.close()
            cache.clear()
            held = 0
        # Anonymous mappings, unmapped at the flush: memory freed from the heap would stay with the
        # process (glibc raises its mmap threshold after the first large free).
        block = mmap.mmap(-1, mb << 20)
        for _ in range(mb):
            block.write(MIB)
        cache.append(block)
        held += mb
        sys.stdout.write("ok %d\n" % held)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
