/*
 * chr.h - character backends: where a serial device's bytes go and come from.
 * Devices see only this interface; the stdio backend is the terminal.
 */
#ifndef RVMM_BACKENDS_CHR_H
#define RVMM_BACKENDS_CHR_H

#include <stddef.h>
#include <stdint.h>

struct chr_backend {
    void (*write)(struct chr_backend *chr, const uint8_t *buf, size_t len);
};

/* The process's stdout. */
struct chr_backend *chr_stdio(void);

#endif
