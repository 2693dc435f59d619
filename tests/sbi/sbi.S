/*
 * sbi.S - an S-mode "kernel" that checks rvmm's built-in SBI from the guest side:
 * boot registers, BASE, probe, TIME with a real supervisor timer interrupt,
 * IPI to self, RFENCE, HSM, DBCN, legacy console, unknown extensions, and SRST.
 * Passes by SRST shutdown (exit 0); fails by SRST shutdown with reason
 * "system failure" (exit 1) after printing the failing check number.
 */
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494d45
#define SBI_EXT_IPI    0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM    0x48534d
#define SBI_EXT_SRST   0x53525354
#define SBI_EXT_DBCN   0x4442434e
#define MSG_LEN        13          /* "sbi: dbcn ok\n" */
#define FAIL_MSG_LEN   36

.macro SBI eid, fid
    li a7, \eid
    li a6, \fid
    ecall
.endm

/* fail with check number n unless reg == value */
.macro EXPECT n, reg, value
    li t6, \value
    li s11, \n
    bne \reg, t6, fail
.endm

    .section .text.start
    .globl _start
_start:
    /* a0 = hartid (0), a1 = device tree (FDT magic, big-endian d00dfeed) */
    EXPECT 1, a0, 0
    lwu t0, 0(a1)
    EXPECT 2, t0, 0xedfe0dd0
    csrr t0, sstatus                   /* we are in S-mode: sstatus is accessible */
    la sp, stack_top
    la t0, trap
    csrw stvec, t0

    SBI SBI_EXT_BASE, 0                /* spec version 2.0 */
    EXPECT 3, a0, 0
    EXPECT 4, a1, 0x02000000
    li a0, SBI_EXT_DBCN
    SBI SBI_EXT_BASE, 3                /* probe: implemented */
    EXPECT 5, a1, 1
    li a0, 0x12345678
    SBI SBI_EXT_BASE, 3                /* probe: not implemented */
    EXPECT 6, a1, 0
    SBI 0x0a000000, 0                  /* unknown extension */
    EXPECT 7, a0, -2

    /* DBCN console_write of a buffer; console_write_byte */
    li a0, MSG_LEN
    la a1, msg
    li a2, 0
    SBI SBI_EXT_DBCN, 0
    EXPECT 8, a0, 0
    EXPECT 9, a1, MSG_LEN
    li a0, 0x10000000000               /* a buffer outside RAM is refused */
    mv a1, a0
    li a0, 4
    li a2, 0
    SBI SBI_EXT_DBCN, 0
    EXPECT 10, a0, -3
    li a0, 'l'
    SBI 0x01, 0                        /* legacy putchar */
    li a0, '\n'
    SBI SBI_EXT_DBCN, 2                /* console_write_byte */
    EXPECT 11, a0, 0

    /* TIME: a supervisor timer interrupt arrives after the deadline */
    li s0, 0
    csrr t0, time
    li t1, 10000                       /* 1 ms */
    add a0, t0, t1
    SBI SBI_EXT_TIME, 0
    EXPECT 12, a0, 0
    li t0, 1 << 5                      /* STIE */
    csrs sie, t0
    csrsi sstatus, 2                   /* SIE */
1:  wfi
    beqz s0, 1b
    EXPECT 13, s0, 5                   /* cause: supervisor timer */

    /* IPI to self: a supervisor software interrupt */
    li s0, 0
    li t0, 1 << 1                      /* SSIE */
    csrs sie, t0
    li a0, 1
    li a1, 0
    SBI SBI_EXT_IPI, 0
    EXPECT 14, a0, 0
2:  beqz s0, 2b
    EXPECT 15, s0, 1
    li a0, 2                           /* hart 1 does not exist */
    li a1, 0
    SBI SBI_EXT_IPI, 0
    EXPECT 16, a0, -3
    csrci sstatus, 2

    /* RFENCE and HSM */
    li a0, 1
    li a1, 0
    li a2, 0
    li a3, -1
    SBI SBI_EXT_RFENCE, 1              /* remote sfence.vma */
    EXPECT 17, a0, 0
    li a0, 0
    SBI SBI_EXT_HSM, 2                 /* hart 0 status: started */
    EXPECT 18, a0, 0
    EXPECT 19, a1, 0
    li a0, 0
    SBI SBI_EXT_HSM, 0                 /* start a running hart */
    EXPECT 20, a0, -6
    li a0, 7
    SBI SBI_EXT_HSM, 2                 /* no such hart */
    EXPECT 21, a0, -3

    /* SRST with a bad type is refused; then shut down for real */
    li a0, 9
    li a1, 0
    SBI SBI_EXT_SRST, 0
    EXPECT 22, a0, -3
    li a0, 0
    li a1, 0
    SBI SBI_EXT_SRST, 0
3:  j 3b

fail:
    la a0, fail_msg
    li a1, FAIL_MSG_LEN
    mv t0, a0
4:  lbu a0, 0(t0)
    SBI 0x01, 0
    addi t0, t0, 1
    addi a1, a1, -1
    bnez a1, 4b
    addi a0, s11, '0'                  /* check number, as one character from '0' */
    SBI 0x01, 0
    li a0, '\n'
    SBI 0x01, 0
    li a0, 0                           /* shutdown, reason: system failure */
    li a1, 1
    SBI SBI_EXT_SRST, 0
5:  j 5b

    .align 2
trap:
    csrr s0, scause
    slli s0, s0, 1                     /* drop the interrupt bit */
    srli s0, s0, 1
    li t0, 5
    bne s0, t0, 6f
    li a0, -1                          /* timer: push the deadline away (clears STIP) */
    SBI SBI_EXT_TIME, 0
    li s0, 5
    sret
6:  li t0, 1 << 1                      /* software: clear SSIP */
    csrc sip, t0
    sret

    .section .rodata
msg: .ascii "sbi: dbcn ok\n"
msg_end:
fail_msg: .ascii "sbi: FAIL check (as char from '0'): "
fail_msg_end:

    .bss
    .align 4
    .space 4096
stack_top:
