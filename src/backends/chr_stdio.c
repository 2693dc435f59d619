/* chr_stdio.c - the terminal as a character backend (output to stdout). */
#include <errno.h>
#include <unistd.h>

#include "backends/chr.h"

static void stdio_write(struct chr_backend *chr, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return; /* stdout gone: the guest's output is dropped, never fatal */
        }
        buf += n;
        len -= (size_t)n;
    }
}

static struct chr_backend stdio_backend = { .write = stdio_write };

struct chr_backend *chr_stdio(void)
{
    return &stdio_backend;
}
