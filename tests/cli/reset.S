/*
 * Resets the machine once through the finisher (0x7777), then passes.
 * A word of RAM outside the loaded image survives the reset and says which boot this is.
 */
    .globl _start
_start:
    li t0, 0x80100000
    lw t1, 0(t0)
    li t2, 0x1234
    beq t1, t2, second_boot
    sw t2, 0(t0)
    li t0, 0x100000
    li t1, 0x7777
    sw t1, 0(t0)
1:  j 1b
second_boot:
    sw zero, 0(t0)
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b
