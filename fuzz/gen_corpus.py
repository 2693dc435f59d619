#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/virtqueue_fuzz.c into fuzz/corpus/virtqueue/.

Each seed is a small, meaningful driver (the layout is described at the top of
virtqueue_fuzz.c): a plain chain, an indirect table, event-index rings, a ring
that wraps, and a few broken rings (cycle, bad head, indirect loop), so the
fuzzer starts from both sides of every check.
Usage: fuzz/gen_corpus.py   (rewrites the files; they are checked in)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "virtqueue")

INDIRECT, EVENT_IDX = 1, 2
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4
DESC, AVAIL, USED, TABLE, BUF = 0x0, 0x100, 0x200, 0x400, 0x800


def desc(addr, length, flags, nxt):
    return struct.pack("<QIHH", addr, length, flags, nxt)


def seed(num_log2, features, rounds, descs, heads, avail_idx=None, table=b"",
         used_event=0, actions=b"", max_log2=8):
    ram = bytearray(0x900)
    num = 1 << num_log2
    for i, d in enumerate(descs):
        ram[DESC + 16 * i:DESC + 16 * i + 16] = d
    idx = len(heads) if avail_idx is None else avail_idx
    ring = struct.pack("<HH", 0, idx) + b"".join(struct.pack("<H", h) for h in heads)
    ram[AVAIL:AVAIL + len(ring)] = ring
    ram[AVAIL + 4 + 2 * num:AVAIL + 6 + 2 * num] = struct.pack("<H", used_event)
    ram[TABLE:TABLE + len(table)] = table
    ram[BUF:BUF + 8] = b"payload!"
    header = struct.pack("<BBBBIIIH", num_log2, features, rounds, max_log2, DESC, AVAIL, USED,
                         len(ram))
    return header + bytes(ram) + actions


SEEDS = {
    "plain-chain": seed(3, 0, 4, [desc(BUF, 8, F_NEXT, 1), desc(BUF + 0x40, 16, F_WRITE, 0)], [0]),
    "two-requests": seed(3, INDIRECT | EVENT_IDX, 4,
                         [desc(BUF, 8, 0, 0), desc(BUF + 0x40, 32, F_WRITE, 0)], [0, 1],
                         used_event=1),
    "indirect": seed(3, INDIRECT, 2, [desc(TABLE, 48, F_INDIRECT, 0)], [0],
                     table=desc(BUF, 8, F_NEXT, 1) + desc(BUF + 8, 8, F_NEXT, 2) +
                     desc(BUF + 0x40, 64, F_WRITE, 0)),
    "direct-then-indirect": seed(3, INDIRECT | EVENT_IDX, 2,
                                 [desc(BUF, 4, F_NEXT, 1), desc(TABLE, 16, F_INDIRECT, 0)], [0],
                                 table=desc(BUF + 0x40, 64, F_WRITE, 0)),
    "wrapping": seed(1, EVENT_IDX, 16, [desc(BUF, 8, F_WRITE, 0)], [0, 0],
                     actions=b"".join(struct.pack("<HHH", AVAIL + 2, i + 2, 8) for i in range(16))),
    "cycle": seed(3, 0, 1, [desc(BUF, 8, F_NEXT, 1), desc(BUF, 8, F_NEXT, 0)], [0]),
    "bad-head": seed(3, 0, 1, [desc(BUF, 8, 0, 0)], [9]),
    "avail-too-far": seed(3, 0, 1, [desc(BUF, 8, 0, 0)], [0], avail_idx=100),
    "indirect-loop": seed(3, INDIRECT, 1, [desc(TABLE, 32, F_INDIRECT, 0)], [0],
                          table=desc(BUF, 8, F_NEXT, 1) + desc(BUF, 8, F_NEXT, 0)),
    "write-then-read": seed(3, 0, 1, [desc(BUF, 8, F_WRITE | F_NEXT, 1), desc(BUF, 8, 0, 0)], [0]),
    "rom-write": seed(3, 0, 1, [desc(0x10000, 8, F_WRITE, 0)], [0]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
