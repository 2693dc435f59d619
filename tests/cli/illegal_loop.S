/* No trap handler: an illegal instruction traps to mtvec = 0, which is unmapped, so the hart
 * takes instruction access faults forever. The host must stay healthy (the test kills it). */
    .globl _start
_start:
    csrw mtvec, zero
    .word 0
