/*
 * demo.S - the default bare-metal guest: greets over the UART, counts M-mode
 * timer interrupts from the CLINT for one second of guest time, reports, and
 * powers off through the test finisher.
 */
#define UART0      0x10000000
#define CLINT_CMP  0x02004000
#define CLINT_TIME 0x0200bff8
#define FINISHER   0x00100000
#define TICK       1000000      /* 100 ms at 10 MHz */

    .section .text.start
    .globl _start
_start:
    la      sp, stack_top
    la      a0, msg_hello
    call    puts
    la      t0, trap_handler
    csrw    mtvec, t0
    li      s0, 0                   /* interrupts seen */
    call    arm_timer
    li      t0, 1 << 7              /* MTIE */
    csrw    mie, t0
    csrsi   mstatus, 1 << 3         /* MIE */
1:  wfi
    li      t0, 10
    blt     s0, t0, 1b
    csrci   mstatus, 1 << 3
    la      a0, msg_ticks
    call    puts
    li      t0, FINISHER
    li      t1, 0x5555
    sw      t1, 0(t0)
2:  j       2b

arm_timer:
    li      t0, CLINT_TIME
    ld      t1, 0(t0)
    li      t2, TICK
    add     t1, t1, t2
    li      t0, CLINT_CMP
    sd      t1, 0(t0)
    ret

    .align 2
trap_handler:
    addi    sp, sp, -32
    sd      ra, 0(sp)
    sd      t0, 8(sp)
    sd      t1, 16(sp)
    sd      t2, 24(sp)
    addi    s0, s0, 1
    li      a0, '.'
    call    putc
    call    arm_timer
    ld      ra, 0(sp)
    ld      t0, 8(sp)
    ld      t1, 16(sp)
    ld      t2, 24(sp)
    addi    sp, sp, 32
    mret

putc:
    li      t0, UART0
1:  lbu     t1, 5(t0)
    andi    t1, t1, 0x20
    beqz    t1, 1b
    sb      a0, 0(t0)
    ret

puts:
    mv      t3, ra
    mv      t4, a0
1:  lbu     a0, 0(t4)
    beqz    a0, 2f
    call    putc
    addi    t4, t4, 1
    j       1b
2:  mv      ra, t3
    ret

    .section .rodata
msg_hello: .asciz "Hello from a bare-metal RISC-V guest on rvmm.\nTimer interrupts: "
msg_ticks: .asciz " 10 ticks in 1 s of guest time. Powering off.\n"

    .section .bss
    .align 4
    .space 4096
stack_top:
