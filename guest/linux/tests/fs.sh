#!/bin/sh
# tmpfs and the page cache: writes a few MB, copies, reads back, compares sums.
# (No /dev/urandom: before the CRNG is seeded, reading it makes the kernel
# gather jitter entropy, which takes seconds.)
set -e
seq 1 300000 > /tmp/a
sum1=$(md5sum < /tmp/a)
cp /tmp/a /tmp/b
sum2=$(md5sum < /tmp/b)
[ "$sum1" = "$sum2" ]
[ "$(tail -n 1 /tmp/b)" = 300000 ]
mkdir -p /tmp/d/e/f && echo x > /tmp/d/e/f/g && [ "$(cat /tmp/d/e/f/g)" = x ]
ln -s /tmp/d/e/f/g /tmp/link && [ "$(cat /tmp/link)" = x ]
rm -rf /tmp/a /tmp/b /tmp/d /tmp/link
df -k /tmp | tail -n 1
echo "fs: ok"
