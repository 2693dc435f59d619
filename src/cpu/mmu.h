/*
 * mmu.h - address translation (Sv39/Sv48/Sv57 with Svnapot and Svpbmt), PMP,
 * and the software TLB's refill and flush paths.
 *
 * The TLB hit path lives in the execution engines (it is a compare and an
 * add); everything here is the miss path. All functions that can fault return
 * 0 on success or -1 with the exception recorded by hart_raise().
 */
#ifndef RVMM_CPU_MMU_H
#define RVMM_CPU_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"

/* Loads and stores of 1, 2, 4 or 8 bytes, any alignment, through the current data context. */
int mmu_load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *value);
int mmu_store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t value);

/*
 * Host pointer for an atomic access of `size` bytes at `va` (naturally aligned,
 * in RAM). `for_write` asks for store/AMO permission; LR asks for read only.
 * Raises misaligned, page or access faults.
 */
void *mmu_atomic_ptr(struct hart *h, uint64_t va, unsigned size, bool for_write);

/* Refill the exec TLB entry for `va`; raises instruction page/access faults. */
struct tlb_entry *mmu_fill_fetch(struct hart *h, uint64_t va);

/* Translate without touching the TLB (permission check for `acc`). */
int mmu_translate(struct hart *h, uint64_t va, enum tlb_access acc, unsigned idx, uint64_t *pa);

/* PMP check of [pa, pa+size) for an access of type `acc` at privilege `priv`. */
bool pmp_allows(const struct hart *h, uint64_t pa, uint64_t size, enum tlb_access acc,
                unsigned priv);

void tlb_flush_all(struct hart *h);
void tlb_flush_translated(struct hart *h); /* everything but the untranslated M-mode context */
void tlb_flush_va(struct hart *h, uint64_t va);
/* A page now holds decoded code: stop mapping it for fast writes. */
void tlb_drop_write_mappings(struct hart *h, uint64_t pa_page);

#endif
