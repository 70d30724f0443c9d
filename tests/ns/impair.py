#!/usr/bin/env python3
"""A lossy Ethernet wire between two network namespaces, in user space.

For kernels without sch_netem: creates a TAP device named IFNAME in the
namespace it is started in and another in the namespace given by path,
then forwards every frame between them as `tc qdisc ... netem loss L%
delay D J duplicate P%` on both ends would: each frame, in each
direction, is dropped with probability L, else delayed by D +- J ms
(uniform, so frames overtake each other) and sent a second time with
probability P.

Prints "ready" once both devices exist; runs until killed (the devices
vanish with it).
"""

import argparse
import ctypes
import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF,
                struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def enter_netns(path):
    """setns(2): os.setns only exists from Python 3.12."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns {path}: {os.strerror(err)}")
    finally:
        os.close(fd)


class Wire:
    def __init__(self, args):
        self.loss = args.loss / 100
        self.dup = args.duplicate / 100
        self.delay = args.delay / 1000
        self.jitter = args.jitter / 1000
        self.queue = []  # (due, sequence, fd, frame)
        self.seq = 0

    def schedule(self, fd, frame):
        if random.random() < self.loss:
            return
        copies = 2 if random.random() < self.dup else 1
        for _ in range(copies):
            d = self.delay + random.uniform(-self.jitter, self.jitter)
            self.seq += 1
            heapq.heappush(self.queue,
                           (time.monotonic() + max(d, 0), self.seq, fd,
                            frame))

    def flush(self):
        now = time.monotonic()
        while self.queue and self.queue[0][0] <= now:
            _, _, fd, frame = heapq.heappop(self.queue)
            try:
                os.write(fd, frame)
            except (BlockingIOError, OSError):
                pass  # a full or down device drops, as a wire would

    def timeout(self):
        if not self.queue:
            return None
        return max(self.queue[0][0] - time.monotonic(), 0)

    def run(self, a, b):
        other = {a: b, b: a}
        while True:
            ready, _, _ = select.select([a, b], [], [], self.timeout())
            for fd in ready:
                try:
                    frame = os.read(fd, 65536)
                except (BlockingIOError, OSError):
                    continue
                self.schedule(other[fd], frame)
            self.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ifname", default="veth0")
    p.add_argument("--peer-netns", required=True,
                   help="path of the other namespace (/run/netns/NAME)")
    p.add_argument("--loss", type=float, default=0, help="percent")
    p.add_argument("--delay", type=float, default=0, help="ms")
    p.add_argument("--jitter", type=float, default=0, help="ms")
    p.add_argument("--duplicate", type=float, default=0, help="percent")
    args = p.parse_args()
    a = open_tap(args.ifname)
    enter_netns(args.peer_netns)
    b = open_tap(args.ifname)
    print("ready", flush=True)
    try:
        Wire(args).run(a, b)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
