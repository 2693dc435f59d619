/*
 * randio.c - the guest side of the disk benchmark (bench/io.sh, bench/io_blk.py):
 * busybox has no fio and no sub-second clock, so this small static program
 * does the 4 KiB random I/O and times the sequential dd runs.
 *
 *   randio time COMMAND [ARG...]
 *       runs COMMAND, waits for it, prints "seconds S" (CLOCK_MONOTONIC, from
 *       before the fork to after the wait); exits with COMMAND's status
 *   randio read|write DEVICE SPAN_MIB OPS [JOBS]
 *       OPS reads or writes of 4 KiB, O_DIRECT, each at a random 4 KiB-aligned
 *       offset in the first SPAN_MIB MiB of DEVICE, one at a time (queue depth
 *       1) in each of JOBS processes (default 1; OPS in total); the offsets
 *       come from a fixed seed, so every machine does the same requests.
 *       Prints "iops N ops OPS seconds S"
 *
 * Exit status: 0 on success, 1 when an I/O or a command fails, 2 on bad usage.
 * Built static with riscv64-linux-gnu-gcc by bench/io.sh (cached outside the
 * clone, keyed by this file's hash).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096
#define SEED 0x9e3779b97f4a7c15ull

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int usage(void)
{
    fprintf(stderr, "usage: randio time COMMAND [ARG...]\n"
                    "       randio read|write DEVICE SPAN_MIB OPS [JOBS]\n");
    return 2;
}

static int run_timed(char **argv)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("randio: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "randio: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("randio: waitpid");
            return 1;
        }
    }
    double t1 = now();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "randio: %s failed (status 0x%x)\n", argv[0], status);
        return 1;
    }
    printf("seconds %.6f\n", t1 - t0);
    return 0;
}

/* xorshift64*: a fixed sequence per seed, the same on every machine. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

/* One job: ops requests at random offsets among `blocks` 4 KiB blocks. */
static int job(const char *dev, int write, uint64_t blocks, long ops, uint64_t seed)
{
    int fd = open(dev, (write ? O_WRONLY : O_RDONLY) | O_DIRECT);
    if (fd < 0) {
        fprintf(stderr, "randio: %s: %s\n", dev, strerror(errno));
        return 1;
    }
    void *buf;
    if (posix_memalign(&buf, BLOCK, BLOCK)) {
        fprintf(stderr, "randio: out of memory\n");
        return 1;
    }
    memset(buf, 0xa5, BLOCK); /* not zeros: no zero detection anywhere */
    for (long i = 0; i < ops; i++) {
        off_t off = (off_t)(next_random(&seed) % blocks) * BLOCK;
        ssize_t n = write ? pwrite(fd, buf, BLOCK, off) : pread(fd, buf, BLOCK, off);
        if (n != BLOCK) {
            fprintf(stderr, "randio: %s at %lld: %s\n", write ? "pwrite" : "pread",
                    (long long)off, n < 0 ? strerror(errno) : "short transfer");
            return 1;
        }
    }
    close(fd);
    return 0;
}

static int run_random(char **argv, int argc)
{
    if (argc < 5 || argc > 6)
        return usage();
    int write = strcmp(argv[1], "write") == 0;
    const char *dev = argv[2];
    long span_mib = atol(argv[3]), ops = atol(argv[4]), jobs = argc > 5 ? atol(argv[5]) : 1;
    if (span_mib <= 0 || ops <= 0 || jobs <= 0 || jobs > 64)
        return usage();
    uint64_t blocks = (uint64_t)span_mib * (1 << 20) / BLOCK;

    double t0 = now();
    int failed = 0;
    if (jobs == 1) {
        failed = job(dev, write, blocks, ops, SEED);
    } else {
        pid_t pids[64];
        for (long j = 0; j < jobs; j++) {
            long n = ops / jobs + (j < ops % jobs);
            pids[j] = fork();
            if (pids[j] < 0) {
                perror("randio: fork");
                return 1;
            }
            if (pids[j] == 0)
                _exit(job(dev, write, blocks, n, SEED * (uint64_t)(j + 1)));
        }
        for (long j = 0; j < jobs; j++) {
            int status;
            while (waitpid(pids[j], &status, 0) < 0 && errno == EINTR)
                ;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                failed = 1;
        }
    }
    double t = now() - t0;
    if (failed)
        return 1;
    printf("iops %.0f ops %ld seconds %.6f\n", ops / t, ops, t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "time") == 0)
        return run_timed(argv + 2);
    if (argc >= 2 && (strcmp(argv[1], "read") == 0 || strcmp(argv[1], "write") == 0))
        return run_random(argv, argc);
    return usage();
}
