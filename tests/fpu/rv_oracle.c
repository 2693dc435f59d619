/*
 * rv_oracle.c - executes real RISC-V F/D instructions for the FPU vector generator.
 *
 * A freestanding RV64GC Linux program (no libc) meant to run under qemu-riscv64.
 * stdin:  records of 32 bytes, little-endian: u32 op (index in ops.def), u32 rm,
 *         u64 a, u64 b, u64 c (singles in the low 32 bits, integers as 64-bit values).
 * stdout: records of 16 bytes: u64 rd or raw result bits, u64 fflags.
 * Each op sets frm to rm with fsrm, clears fflags, runs the instruction with the
 * dynamic rounding mode and reads fflags, all in one asm statement.
 *
 * Build: riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 \
 *        -ffreestanding -nostdlib -nostartfiles -static -o rv_oracle rv_oracle.c
 */
#include <stdint.h>

enum {
#define FPU_OP(name) OP_##name,
#include "ops.def"
#undef FPU_OP
    OP_COUNT
};

__asm__(".section .text._start,\"ax\",@progbits\n"
        ".globl _start\n"
        "_start:\n"
        "  .option push\n"
        "  .option norelax\n"
        "  la gp, __global_pointer$\n"
        "  .option pop\n"
        "  call oracle_main\n"
        "  li a7, 93\n"
        "  ecall\n"
        ".text\n");

static long sys3(long nr, long a0, long a1, long a2)
{
    register long x10 __asm__("a0") = a0;
    register long x11 __asm__("a1") = a1;
    register long x12 __asm__("a2") = a2;
    register long x17 __asm__("a7") = nr;
    __asm__ volatile("ecall" : "+r"(x10) : "r"(x11), "r"(x12), "r"(x17) : "memory");
    return x10;
}

#define SYS_READ 63
#define SYS_WRITE 64

#define PRE "fsrm %[rm]\n\tfsflags x0\n\t"
#define POST "\n\tfrflags %[f]"
#define OUTS [r] "=&r"(r), [f] "=&r"(f)
#define INS [rm] "r"(rm), [a] "r"(a), [b] "r"(b), [c] "r"(c)
#define CLOB "ft0", "ft1", "ft2", "ft3"

/* LD/ST: "w" for binary32 (fmv.w.x NaN-boxes), "d" for binary64. */
#define OP_RR(W, insn)                                                                      \
    __asm__ volatile(PRE "fmv." W ".x ft0, %[a]\n\tfmv." W ".x ft1, %[b]\n\t" insn           \
                         " ft2, ft0, ft1\n\tfmv.x." W " %[r], ft2" POST                       \
                     : OUTS : INS : CLOB)
#define OP_RRR(W, insn)                                                                     \
    __asm__ volatile(PRE "fmv." W ".x ft0, %[a]\n\tfmv." W ".x ft1, %[b]\n\tfmv." W            \
                         ".x ft2, %[c]\n\t" insn " ft3, ft0, ft1, ft2\n\tfmv.x." W             \
                         " %[r], ft3" POST                                                   \
                     : OUTS : INS : CLOB)
#define OP_R(WA, WR, insn)                                                                  \
    __asm__ volatile(PRE "fmv." WA ".x ft0, %[a]\n\t" insn " ft2, ft0\n\tfmv.x." WR          \
                         " %[r], ft2" POST                                                   \
                     : OUTS : INS : CLOB)
#define OP_CMP(W, insn)                                                                     \
    __asm__ volatile(PRE "fmv." W ".x ft0, %[a]\n\tfmv." W ".x ft1, %[b]\n\t" insn           \
                         " %[r], ft0, ft1" POST                                              \
                     : OUTS : INS : CLOB)
#define OP_TOINT(W, insn)                                                                   \
    __asm__ volatile(PRE "fmv." W ".x ft0, %[a]\n\t" insn " %[r], ft0" POST : OUTS : INS : CLOB)
#define OP_FROMINT(W, insn)                                                                 \
    __asm__ volatile(PRE insn " ft2, %[a]\n\tfmv.x." W " %[r], ft2" POST : OUTS : INS : CLOB)

static void run(uint32_t op, uint64_t rm, uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
    uint64_t r = 0, f = 0;
    switch (op) {
    case OP_F32_ADD: OP_RR("w", "fadd.s"); break;
    case OP_F32_SUB: OP_RR("w", "fsub.s"); break;
    case OP_F32_MUL: OP_RR("w", "fmul.s"); break;
    case OP_F32_DIV: OP_RR("w", "fdiv.s"); break;
    case OP_F32_SQRT: OP_R("w", "w", "fsqrt.s"); break;
    case OP_F32_FMADD: OP_RRR("w", "fmadd.s"); break;
    case OP_F32_FMSUB: OP_RRR("w", "fmsub.s"); break;
    case OP_F32_FNMSUB: OP_RRR("w", "fnmsub.s"); break;
    case OP_F32_FNMADD: OP_RRR("w", "fnmadd.s"); break;
    case OP_F32_MIN: OP_RR("w", "fmin.s"); break;
    case OP_F32_MAX: OP_RR("w", "fmax.s"); break;
    case OP_F32_EQ: OP_CMP("w", "feq.s"); break;
    case OP_F32_LT: OP_CMP("w", "flt.s"); break;
    case OP_F32_LE: OP_CMP("w", "fle.s"); break;
    case OP_F32_CLASS: OP_TOINT("w", "fclass.s"); break;
    case OP_F32_TO_I32: OP_TOINT("w", "fcvt.w.s"); break;
    case OP_F32_TO_U32: OP_TOINT("w", "fcvt.wu.s"); break;
    case OP_F32_TO_I64: OP_TOINT("w", "fcvt.l.s"); break;
    case OP_F32_TO_U64: OP_TOINT("w", "fcvt.lu.s"); break;
    case OP_I32_TO_F32: OP_FROMINT("w", "fcvt.s.w"); break;
    case OP_U32_TO_F32: OP_FROMINT("w", "fcvt.s.wu"); break;
    case OP_I64_TO_F32: OP_FROMINT("w", "fcvt.s.l"); break;
    case OP_U64_TO_F32: OP_FROMINT("w", "fcvt.s.lu"); break;
    case OP_F64_ADD: OP_RR("d", "fadd.d"); break;
    case OP_F64_SUB: OP_RR("d", "fsub.d"); break;
    case OP_F64_MUL: OP_RR("d", "fmul.d"); break;
    case OP_F64_DIV: OP_RR("d", "fdiv.d"); break;
    case OP_F64_SQRT: OP_R("d", "d", "fsqrt.d"); break;
    case OP_F64_FMADD: OP_RRR("d", "fmadd.d"); break;
    case OP_F64_FMSUB: OP_RRR("d", "fmsub.d"); break;
    case OP_F64_FNMSUB: OP_RRR("d", "fnmsub.d"); break;
    case OP_F64_FNMADD: OP_RRR("d", "fnmadd.d"); break;
    case OP_F64_MIN: OP_RR("d", "fmin.d"); break;
    case OP_F64_MAX: OP_RR("d", "fmax.d"); break;
    case OP_F64_EQ: OP_CMP("d", "feq.d"); break;
    case OP_F64_LT: OP_CMP("d", "flt.d"); break;
    case OP_F64_LE: OP_CMP("d", "fle.d"); break;
    case OP_F64_CLASS: OP_TOINT("d", "fclass.d"); break;
    case OP_F64_TO_I32: OP_TOINT("d", "fcvt.w.d"); break;
    case OP_F64_TO_U32: OP_TOINT("d", "fcvt.wu.d"); break;
    case OP_F64_TO_I64: OP_TOINT("d", "fcvt.l.d"); break;
    case OP_F64_TO_U64: OP_TOINT("d", "fcvt.lu.d"); break;
    case OP_I32_TO_F64: OP_FROMINT("d", "fcvt.d.w"); break;
    case OP_U32_TO_F64: OP_FROMINT("d", "fcvt.d.wu"); break;
    case OP_I64_TO_F64: OP_FROMINT("d", "fcvt.d.l"); break;
    case OP_U64_TO_F64: OP_FROMINT("d", "fcvt.d.lu"); break;
    case OP_F32_TO_F64: OP_R("w", "d", "fcvt.d.s"); break;
    case OP_F64_TO_F32: OP_R("d", "w", "fcvt.s.d"); break;
    default: r = ~0ull; f = ~0ull; break;
    }
    out[0] = r;
    out[1] = f;
}

#define BATCH 1024
static uint8_t inbuf[BATCH * 32];
static uint64_t outbuf[BATCH * 2];

static uint64_t ld64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static int write_all(const void *buf, long n)
{
    const char *p = buf;
    while (n > 0) {
        long w = sys3(SYS_WRITE, 1, (long)p, n);
        if (w <= 0)
            return -1;
        p += w;
        n -= w;
    }
    return 0;
}

int oracle_main(void)
{
    for (;;) {
        long have = 0;
        while (have < (long)sizeof inbuf) {
            long n = sys3(SYS_READ, 0, (long)(inbuf + have), (long)sizeof inbuf - have);
            if (n < 0)
                return 2;
            if (n == 0)
                break;
            have += n;
        }
        if (have % 32)
            return 3;
        long recs = have / 32;
        for (long i = 0; i < recs; i++) {
            const uint8_t *p = inbuf + i * 32;
            uint32_t op = (uint32_t)ld64(p);
            uint64_t rm = ld64(p) >> 32;
            run(op, rm, ld64(p + 8), ld64(p + 16), ld64(p + 24), outbuf + i * 2);
        }
        if (recs && write_all(outbuf, recs * 16) < 0)
            return 4;
        if (have < (long)sizeof inbuf)
            return 0;
    }
}
