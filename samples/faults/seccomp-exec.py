#!/usr/bin/python3
"""seccomp-exec.py - run a command under a seccomp filter that denies some syscalls with EPERM.

usage: seccomp-exec.py SYSCALL[,SYSCALL...] COMMAND [ARG...]

The filter (libseccomp, Debian package python3-seccomp) allows every syscall except the listed
ones, which fail with EPERM, the way a container runtime's seccomp profile denies a syscall it
does not list. It is installed in this process and inherited across exec by the command and every
thread it starts. Used by the fault suite to start the sample backend with mkdir/mkdirat denied.
"""
import errno
import os
import sys

import seccomp


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in argv[1].split(","):
        f.add_rule(seccomp.ERRNO(errno.EPERM), name)
    f.load()
    os.execvp(argv[2], argv[2:])
    return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv))
