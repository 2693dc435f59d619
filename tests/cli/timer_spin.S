/*
 * A timer interrupt must reach a hart spinning in a one-instruction loop that
 * never leaves translated code (a block chained to itself): mtimecmp is set
 * 10 ms ahead, interrupts are enabled, and the hart spins. The handler exits
 * with status 0; if the interrupt never comes, the test's timeout fails it.
 */
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li t0, 0x200bff8        /* CLINT mtime */
    ld t1, 0(t0)
    li t2, 100000           /* 10 ms at 10 MHz */
    add t1, t1, t2
    li t0, 0x2004000        /* CLINT mtimecmp for hart 0 */
    sd t1, 0(t0)
    li t0, 1 << 7           /* MTIE */
    csrw mie, t0
    csrsi mstatus, 1 << 3   /* MIE */
spin:
    j spin

    .align 2
handler:
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b
