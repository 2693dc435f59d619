/*
 * sbi.h - rvmm as the guest's SBI implementation (RISC-V SBI v2.0): the
 * hypercall interface of the paravirtualized machine. M-mode belongs to rvmm;
 * the kernel starts in S-mode and its ecalls land here.
 */
#ifndef RVMM_FIRMWARE_SBI_H
#define RVMM_FIRMWARE_SBI_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/hart.h"

/* Puts a reset hart where SBI firmware would leave it: S-mode at `entry`,
 * a0 = hartid, a1 = device tree, with delegation, counters and PMP set up. */
void sbi_boot_hart(struct hart *h, uint64_t entry, uint64_t fdt_addr);

/* The ecall handler (struct hart's firmware_ecall). */
void sbi_ecall(struct hart *h);

/* Prints the per-extension, per-function call counts of h->stats.firmware_calls. */
void sbi_print_stats(const struct hart *h, FILE *out);

#endif
