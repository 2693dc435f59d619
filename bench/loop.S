/*
 * loop.S - a bare-metal CPU benchmark: a loop over a 4 KiB array mixing loads,
 * stores, ALU ops, a multiply, a call and branches, the shape of ordinary
 * compiled code. It retires a fixed number of instructions, then exits through
 * the test finisher, so rvmm and QEMU run exactly the same work.
 *   instructions = OUTER * (INNER * 13 + 6) + setup (a few dozen)
 */
#define OUTER 40000
#define INNER 512

    .globl _start
_start:
    la      sp, stack_top
    li      s0, OUTER
    li      t1, 1
    li      t2, 7
outer:
    la      a0, array
    li      a1, INNER
inner:
    ld      t0, 0(a0)
    add     t1, t1, t0
    xor     t2, t2, t1
    slli    t3, t2, 3
    srli    t4, t1, 5
    mul     t5, t3, t4
    add     t0, t0, t5
    call    mix
    sd      t0, 0(a0)
    addi    a0, a0, 8
    addi    a1, a1, -1
    bnez    a1, inner
    addi    s0, s0, -1
    bnez    s0, outer
    li      t0, 0x100000
    li      t6, 0x5555
    sw      t6, 0(t0)
1:  j       1b

mix:
    ret

    .bss
    .align 12
array: .space INNER * 8
    .space 4096
stack_top:
