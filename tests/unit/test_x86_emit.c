/*
 * test_x86_emit.c - the x86-64 emitter: encodings compared byte for byte with
 * GNU as, then emitted functions run and checked against C, through a W^X
 * double mapping (write view != execute view) and through mprotect.
 *
 * The expected bytes were produced by GNU as 2.40 (`as --64`, each entry
 * assembled alone and linked at EXEC_BASE so that absolute branch targets
 * resolve) from the AT&T text next to them; nothing here runs `as`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit/x86_emit.h"

#define RAX X86_RAX
#define RCX X86_RCX
#define RDX X86_RDX
#define RBX X86_RBX
#define RSP X86_RSP
#define RBP X86_RBP
#define RSI X86_RSI
#define RDI X86_RDI
#define R8 X86_R8
#define R9 X86_R9
#define R10 X86_R10
#define R11 X86_R11
#define R12 X86_R12
#define R13 X86_R13
#define R14 X86_R14
#define R15 X86_R15
#define NOREG X86_NOREG

/* ------------------------------------------------------------------------ */
/* Encoding tables                                                          */
/* ------------------------------------------------------------------------ */

/* The execute address the encoding entries are emitted at (never run). */
#define EXEC_BASE 0x100000000ull
#define ADDR(a) ((const void *)(uintptr_t)(a))

static uint8_t enc_code[64] __attribute__((aligned(16)));
static int enc_failures;

static size_t parse_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    unsigned v;
    int used;
    while (sscanf(hex, " %2x%n", &v, &used) == 1) {
        assert_true(n < cap);
        out[n++] = (uint8_t)v;
        hex += used;
    }
    return n;
}

static void format_hex(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && len + 4 <= cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%02x", i ? " " : "", p[i]);
}

/* Reports every mismatch of a table (not just the first), then the test
 * fails once at its end. */
static void check_enc(const struct x86_buf *b, const char *text, const char *hex, int line)
{
    uint8_t want[32];
    size_t n = parse_hex(hex, want, sizeof(want));
    size_t used = x86_buf_used(b);
    if (!b->overflow && used == n && memcmp(b->start, want, n) == 0)
        return;
    char got[100];
    format_hex(b->start, used, got, sizeof(got));
    print_error("line %d: %s: got [%s], want [%s]%s\n", line, text, got, hex,
                b->overflow ? " (overflow)" : "");
    enc_failures++;
}

/* One table entry: the AT&T text, GNU as's bytes for it, and the emitter
 * calls that must produce them, made on a fresh buffer named `b`. */
#define ENC(text, hex, ...)                                                                  \
    do {                                                                                     \
        struct x86_buf b;                                                                    \
        x86_buf_init(&b, enc_code, ADDR(EXEC_BASE), sizeof(enc_code));    \
        __VA_ARGS__;                                                                         \
        check_enc(&b, text, hex, __LINE__);                                                  \
    } while (0)

static int enc_setup(void **state)
{
    enc_failures = 0;
    return 0;
}

/* The memory-operand encoder, systematically: every base with eight
 * displacements (0, disp8 and disp32 edges) and a rotating reg, then every
 * index against the ModRM-special bases (RSP, RBP, R12, R13) and others, with
 * each scale. As `mov disp(base,index,scale), reg` (size 8) or its 32-bit
 * form (size 4, where REX may vanish). */
struct mem_case {
    uint8_t size;
    enum x86_reg reg, base, index;
    uint8_t scale;
    int32_t disp;
    const char *hex;
};

static const struct mem_case mem_cases[] = {
    /* mem_cases: generated */
    {8, RAX, RAX, NOREG, 1, 0, "48 8b 00"}, {8, RBP, RAX, NOREG, 1, -128, "48 8b 68 80"},
    {8, R10, RAX, NOREG, 1, 127, "4c 8b 50 7f"},
    {8, R15, RAX, NOREG, 1, 128, "4c 8b b8 80 00 00 00"},
    {8, RSP, RAX, NOREG, 1, -129, "48 8b a0 7f ff ff ff"},
    {8, R9, RAX, NOREG, 1, 305419896, "4c 8b 88 78 56 34 12"},
    {8, R14, RAX, NOREG, 1, INT32_MIN, "4c 8b b0 00 00 00 80"},
    {8, RBX, RAX, NOREG, 1, INT32_MAX, "48 8b 98 ff ff ff 7f"},
    {8, RBX, RCX, NOREG, 1, 0, "48 8b 19"}, {8, R8, RCX, NOREG, 1, -128, "4c 8b 41 80"},
    {8, R13, RCX, NOREG, 1, 127, "4c 8b 69 7f"},
    {8, RDX, RCX, NOREG, 1, 128, "48 8b 91 80 00 00 00"},
    {8, RDI, RCX, NOREG, 1, -129, "48 8b b9 7f ff ff ff"},
    {8, R12, RCX, NOREG, 1, 305419896, "4c 8b a1 78 56 34 12"},
    {8, RCX, RCX, NOREG, 1, INT32_MIN, "48 8b 89 00 00 00 80"},
    {8, RSI, RCX, NOREG, 1, INT32_MAX, "48 8b b1 ff ff ff 7f"},
    {8, RSI, RDX, NOREG, 1, 0, "48 8b 32"}, {8, R11, RDX, NOREG, 1, -128, "4c 8b 5a 80"},
    {8, RAX, RDX, NOREG, 1, 127, "48 8b 42 7f"},
    {8, RBP, RDX, NOREG, 1, 128, "48 8b aa 80 00 00 00"},
    {8, R10, RDX, NOREG, 1, -129, "4c 8b 92 7f ff ff ff"},
    {8, R15, RDX, NOREG, 1, 305419896, "4c 8b ba 78 56 34 12"},
    {8, RSP, RDX, NOREG, 1, INT32_MIN, "48 8b a2 00 00 00 80"},
    {8, R9, RDX, NOREG, 1, INT32_MAX, "4c 8b 8a ff ff ff 7f"},
    {8, R9, RBX, NOREG, 1, 0, "4c 8b 0b"}, {8, R14, RBX, NOREG, 1, -128, "4c 8b 73 80"},
    {8, RBX, RBX, NOREG, 1, 127, "48 8b 5b 7f"},
    {8, R8, RBX, NOREG, 1, 128, "4c 8b 83 80 00 00 00"},
    {8, R13, RBX, NOREG, 1, -129, "4c 8b ab 7f ff ff ff"},
    {8, RDX, RBX, NOREG, 1, 305419896, "48 8b 93 78 56 34 12"},
    {8, RDI, RBX, NOREG, 1, INT32_MIN, "48 8b bb 00 00 00 80"},
    {8, R12, RBX, NOREG, 1, INT32_MAX, "4c 8b a3 ff ff ff 7f"},
    {8, R12, RSP, NOREG, 1, 0, "4c 8b 24 24"}, {8, RCX, RSP, NOREG, 1, -128, "48 8b 4c 24 80"},
    {8, RSI, RSP, NOREG, 1, 127, "48 8b 74 24 7f"},
    {8, R11, RSP, NOREG, 1, 128, "4c 8b 9c 24 80 00 00 00"},
    {8, RAX, RSP, NOREG, 1, -129, "48 8b 84 24 7f ff ff ff"},
    {8, RBP, RSP, NOREG, 1, 305419896, "48 8b ac 24 78 56 34 12"},
    {8, R10, RSP, NOREG, 1, INT32_MIN, "4c 8b 94 24 00 00 00 80"},
    {8, R15, RSP, NOREG, 1, INT32_MAX, "4c 8b bc 24 ff ff ff 7f"},
    {8, R15, RBP, NOREG, 1, 0, "4c 8b 7d 00"}, {8, RSP, RBP, NOREG, 1, -128, "48 8b 65 80"},
    {8, R9, RBP, NOREG, 1, 127, "4c 8b 4d 7f"},
    {8, R14, RBP, NOREG, 1, 128, "4c 8b b5 80 00 00 00"},
    {8, RBX, RBP, NOREG, 1, -129, "48 8b 9d 7f ff ff ff"},
    {8, R8, RBP, NOREG, 1, 305419896, "4c 8b 85 78 56 34 12"},
    {8, R13, RBP, NOREG, 1, INT32_MIN, "4c 8b ad 00 00 00 80"},
    {8, RDX, RBP, NOREG, 1, INT32_MAX, "48 8b 95 ff ff ff 7f"},
    {8, RDX, RSI, NOREG, 1, 0, "48 8b 16"}, {8, RDI, RSI, NOREG, 1, -128, "48 8b 7e 80"},
    {8, R12, RSI, NOREG, 1, 127, "4c 8b 66 7f"},
    {8, RCX, RSI, NOREG, 1, 128, "48 8b 8e 80 00 00 00"},
    {8, RSI, RSI, NOREG, 1, -129, "48 8b b6 7f ff ff ff"},
    {8, R11, RSI, NOREG, 1, 305419896, "4c 8b 9e 78 56 34 12"},
    {8, RAX, RSI, NOREG, 1, INT32_MIN, "48 8b 86 00 00 00 80"},
    {8, RBP, RSI, NOREG, 1, INT32_MAX, "48 8b ae ff ff ff 7f"},
    {8, RBP, RDI, NOREG, 1, 0, "48 8b 2f"}, {8, R10, RDI, NOREG, 1, -128, "4c 8b 57 80"},
    {8, R15, RDI, NOREG, 1, 127, "4c 8b 7f 7f"},
    {8, RSP, RDI, NOREG, 1, 128, "48 8b a7 80 00 00 00"},
    {8, R9, RDI, NOREG, 1, -129, "4c 8b 8f 7f ff ff ff"},
    {8, R14, RDI, NOREG, 1, 305419896, "4c 8b b7 78 56 34 12"},
    {8, RBX, RDI, NOREG, 1, INT32_MIN, "48 8b 9f 00 00 00 80"},
    {8, R8, RDI, NOREG, 1, INT32_MAX, "4c 8b 87 ff ff ff 7f"}, {8, R8, R8, NOREG, 1, 0, "4d 8b 00"},
    {8, R13, R8, NOREG, 1, -128, "4d 8b 68 80"}, {8, RDX, R8, NOREG, 1, 127, "49 8b 50 7f"},
    {8, RDI, R8, NOREG, 1, 128, "49 8b b8 80 00 00 00"},
    {8, R12, R8, NOREG, 1, -129, "4d 8b a0 7f ff ff ff"},
    {8, RCX, R8, NOREG, 1, 305419896, "49 8b 88 78 56 34 12"},
    {8, RSI, R8, NOREG, 1, INT32_MIN, "49 8b b0 00 00 00 80"},
    {8, R11, R8, NOREG, 1, INT32_MAX, "4d 8b 98 ff ff ff 7f"},
    {8, R11, R9, NOREG, 1, 0, "4d 8b 19"}, {8, RAX, R9, NOREG, 1, -128, "49 8b 41 80"},
    {8, RBP, R9, NOREG, 1, 127, "49 8b 69 7f"}, {8, R10, R9, NOREG, 1, 128, "4d 8b 91 80 00 00 00"},
    {8, R15, R9, NOREG, 1, -129, "4d 8b b9 7f ff ff ff"},
    {8, RSP, R9, NOREG, 1, 305419896, "49 8b a1 78 56 34 12"},
    {8, R9, R9, NOREG, 1, INT32_MIN, "4d 8b 89 00 00 00 80"},
    {8, R14, R9, NOREG, 1, INT32_MAX, "4d 8b b1 ff ff ff 7f"},
    {8, R14, R10, NOREG, 1, 0, "4d 8b 32"}, {8, RBX, R10, NOREG, 1, -128, "49 8b 5a 80"},
    {8, R8, R10, NOREG, 1, 127, "4d 8b 42 7f"},
    {8, R13, R10, NOREG, 1, 128, "4d 8b aa 80 00 00 00"},
    {8, RDX, R10, NOREG, 1, -129, "49 8b 92 7f ff ff ff"},
    {8, RDI, R10, NOREG, 1, 305419896, "49 8b ba 78 56 34 12"},
    {8, R12, R10, NOREG, 1, INT32_MIN, "4d 8b a2 00 00 00 80"},
    {8, RCX, R10, NOREG, 1, INT32_MAX, "49 8b 8a ff ff ff 7f"},
    {8, RCX, R11, NOREG, 1, 0, "49 8b 0b"}, {8, RSI, R11, NOREG, 1, -128, "49 8b 73 80"},
    {8, R11, R11, NOREG, 1, 127, "4d 8b 5b 7f"},
    {8, RAX, R11, NOREG, 1, 128, "49 8b 83 80 00 00 00"},
    {8, RBP, R11, NOREG, 1, -129, "49 8b ab 7f ff ff ff"},
    {8, R10, R11, NOREG, 1, 305419896, "4d 8b 93 78 56 34 12"},
    {8, R15, R11, NOREG, 1, INT32_MIN, "4d 8b bb 00 00 00 80"},
    {8, RSP, R11, NOREG, 1, INT32_MAX, "49 8b a3 ff ff ff 7f"},
    {8, RSP, R12, NOREG, 1, 0, "49 8b 24 24"}, {8, R9, R12, NOREG, 1, -128, "4d 8b 4c 24 80"},
    {8, R14, R12, NOREG, 1, 127, "4d 8b 74 24 7f"},
    {8, RBX, R12, NOREG, 1, 128, "49 8b 9c 24 80 00 00 00"},
    {8, R8, R12, NOREG, 1, -129, "4d 8b 84 24 7f ff ff ff"},
    {8, R13, R12, NOREG, 1, 305419896, "4d 8b ac 24 78 56 34 12"},
    {8, RDX, R12, NOREG, 1, INT32_MIN, "49 8b 94 24 00 00 00 80"},
    {8, RDI, R12, NOREG, 1, INT32_MAX, "49 8b bc 24 ff ff ff 7f"},
    {8, RDI, R13, NOREG, 1, 0, "49 8b 7d 00"}, {8, R12, R13, NOREG, 1, -128, "4d 8b 65 80"},
    {8, RCX, R13, NOREG, 1, 127, "49 8b 4d 7f"},
    {8, RSI, R13, NOREG, 1, 128, "49 8b b5 80 00 00 00"},
    {8, R11, R13, NOREG, 1, -129, "4d 8b 9d 7f ff ff ff"},
    {8, RAX, R13, NOREG, 1, 305419896, "49 8b 85 78 56 34 12"},
    {8, RBP, R13, NOREG, 1, INT32_MIN, "49 8b ad 00 00 00 80"},
    {8, R10, R13, NOREG, 1, INT32_MAX, "4d 8b 95 ff ff ff 7f"},
    {8, R10, R14, NOREG, 1, 0, "4d 8b 16"}, {8, R15, R14, NOREG, 1, -128, "4d 8b 7e 80"},
    {8, RSP, R14, NOREG, 1, 127, "49 8b 66 7f"},
    {8, R9, R14, NOREG, 1, 128, "4d 8b 8e 80 00 00 00"},
    {8, R14, R14, NOREG, 1, -129, "4d 8b b6 7f ff ff ff"},
    {8, RBX, R14, NOREG, 1, 305419896, "49 8b 9e 78 56 34 12"},
    {8, R8, R14, NOREG, 1, INT32_MIN, "4d 8b 86 00 00 00 80"},
    {8, R13, R14, NOREG, 1, INT32_MAX, "4d 8b ae ff ff ff 7f"},
    {8, R13, R15, NOREG, 1, 0, "4d 8b 2f"}, {8, RDX, R15, NOREG, 1, -128, "49 8b 57 80"},
    {8, RDI, R15, NOREG, 1, 127, "49 8b 7f 7f"},
    {8, R12, R15, NOREG, 1, 128, "4d 8b a7 80 00 00 00"},
    {8, RCX, R15, NOREG, 1, -129, "49 8b 8f 7f ff ff ff"},
    {8, RSI, R15, NOREG, 1, 305419896, "49 8b b7 78 56 34 12"},
    {8, R11, R15, NOREG, 1, INT32_MIN, "4d 8b 9f 00 00 00 80"},
    {8, RAX, R15, NOREG, 1, INT32_MAX, "49 8b 87 ff ff ff 7f"},
    {8, RAX, RAX, RAX, 1, 0, "48 8b 04 00"}, {4, RBX, RBX, RAX, 2, -512, "8b 9c 43 00 fe ff ff"},
    {8, RSP, RSP, RAX, 4, 8, "48 8b 64 84 08"}, {4, RBP, RBP, RAX, 8, 0, "8b 6c c5 00"},
    {8, R12, R12, RAX, 1, -512, "4d 8b a4 04 00 fe ff ff"},
    {4, R13, R13, RAX, 2, 8, "45 8b 6c 45 08"}, {8, R15, R15, RAX, 4, 0, "4d 8b 3c 87"},
    {4, RBP, RAX, RCX, 2, 8, "8b 6c 48 08"}, {8, R8, RBX, RCX, 4, 0, "4c 8b 04 8b"},
    {4, R9, RSP, RCX, 8, -512, "44 8b 8c cc 00 fe ff ff"},
    {8, R10, RBP, RCX, 1, 8, "4c 8b 54 0d 08"}, {4, RCX, R12, RCX, 2, 0, "41 8b 0c 4c"},
    {8, RDX, R13, RCX, 4, -512, "49 8b 94 8d 00 fe ff ff"},
    {4, RSP, R15, RCX, 8, 8, "41 8b 64 cf 08"},
    {8, R10, RAX, RDX, 4, -512, "4c 8b 94 90 00 fe ff ff"},
    {4, R13, RBX, RDX, 8, 8, "44 8b 6c d3 08"}, {8, R14, RSP, RDX, 1, 0, "4c 8b 34 14"},
    {4, R15, RBP, RDX, 2, -512, "44 8b bc 55 00 fe ff ff"},
    {8, RSI, R12, RDX, 4, 8, "49 8b 74 94 08"}, {4, RDI, R13, RDX, 8, 0, "41 8b 7c d5 00"},
    {8, R9, R15, RDX, 1, -512, "4d 8b 8c 17 00 fe ff ff"}, {4, R15, RAX, RBX, 8, 0, "44 8b 3c d8"},
    {8, RDX, RBX, RBX, 1, -512, "48 8b 94 1b 00 fe ff ff"}, {4, RBX, RSP, RBX, 2, 8, "8b 5c 5c 08"},
    {8, RSP, RBP, RBX, 4, 0, "48 8b 64 9d 00"},
    {4, R11, R12, RBX, 8, -512, "45 8b 9c dc 00 fe ff ff"},
    {8, R12, R13, RBX, 1, 8, "4d 8b 64 1d 08"}, {4, R14, R15, RBX, 2, 0, "45 8b 34 5f"},
    {4, R9, RAX, RBP, 2, -512, "44 8b 8c 68 00 fe ff ff"},
    {8, R12, RBX, RBP, 4, 8, "4c 8b 64 ab 08"}, {4, R13, RSP, RBP, 8, 0, "44 8b 2c ec"},
    {8, R14, RBP, RBP, 1, -512, "4c 8b b4 2d 00 fe ff ff"},
    {4, RBP, R12, RBP, 2, 8, "41 8b 6c 6c 08"}, {8, RSI, R13, RBP, 4, 0, "49 8b 74 ad 00"},
    {4, R8, R15, RBP, 8, -512, "45 8b 84 ef 00 fe ff ff"}, {8, R14, RAX, RSI, 4, 0, "4c 8b 34 b0"},
    {4, RCX, RBX, RSI, 8, -512, "8b 8c f3 00 fe ff ff"}, {8, RDX, RSP, RSI, 1, 8, "48 8b 54 34 08"},
    {4, RBX, RBP, RSI, 2, 0, "8b 5c 75 00"}, {8, R10, R12, RSI, 4, -512, "4d 8b 94 b4 00 fe ff ff"},
    {4, R11, R13, RSI, 8, 8, "45 8b 5c f5 08"}, {8, R13, R15, RSI, 1, 0, "4d 8b 2c 37"},
    {4, RBX, RAX, RDI, 8, 8, "8b 5c f8 08"}, {8, RSI, RBX, RDI, 1, 0, "48 8b 34 3b"},
    {4, RDI, RSP, RDI, 2, -512, "8b bc 7c 00 fe ff ff"}, {8, R8, RBP, RDI, 4, 8, "4c 8b 44 bd 08"},
    {4, R15, R12, RDI, 8, 0, "45 8b 3c fc"}, {8, RAX, R13, RDI, 1, -512, "49 8b 84 3d 00 fe ff ff"},
    {4, RDX, R15, RDI, 2, 8, "41 8b 54 7f 08"},
    {8, R8, RAX, R8, 1, -512, "4e 8b 84 00 00 fe ff ff"}, {4, R11, RBX, R8, 2, 8, "46 8b 5c 43 08"},
    {8, R12, RSP, R8, 4, 0, "4e 8b 24 84"}, {4, R13, RBP, R8, 8, -512, "46 8b ac c5 00 fe ff ff"},
    {8, RSP, R12, R8, 1, 8, "4b 8b 64 04 08"}, {4, RBP, R13, R8, 2, 0, "43 8b 6c 45 00"},
    {8, RDI, R15, R8, 4, -512, "4b 8b bc 87 00 fe ff ff"}, {4, R13, RAX, R9, 2, 0, "46 8b 2c 48"},
    {8, RAX, RBX, R9, 4, -512, "4a 8b 84 8b 00 fe ff ff"},
    {4, RCX, RSP, R9, 8, 8, "42 8b 4c cc 08"}, {8, RDX, RBP, R9, 1, 0, "4a 8b 54 0d 00"},
    {4, R9, R12, R9, 2, -512, "47 8b 8c 4c 00 fe ff ff"}, {8, R10, R13, R9, 4, 8, "4f 8b 54 8d 08"},
    {4, R12, R15, R9, 8, 0, "47 8b 24 cf"}, {8, RDX, RAX, R10, 4, 8, "4a 8b 54 90 08"},
    {4, RBP, RBX, R10, 8, 0, "42 8b 2c d3"}, {8, RSI, RSP, R10, 1, -512, "4a 8b b4 14 00 fe ff ff"},
    {4, RDI, RBP, R10, 2, 8, "42 8b 7c 55 08"}, {8, R14, R12, R10, 4, 0, "4f 8b 34 94"},
    {4, R15, R13, R10, 8, -512, "47 8b bc d5 00 fe ff ff"},
    {8, RCX, R15, R10, 1, 8, "4b 8b 4c 17 08"},
    {4, RDI, RAX, R11, 8, -512, "42 8b bc d8 00 fe ff ff"},
    {8, R10, RBX, R11, 1, 8, "4e 8b 54 1b 08"}, {4, R11, RSP, R11, 2, 0, "46 8b 1c 5c"},
    {8, R12, RBP, R11, 4, -512, "4e 8b a4 9d 00 fe ff ff"},
    {4, RBX, R12, R11, 8, 8, "43 8b 5c dc 08"}, {8, RSP, R13, R11, 1, 0, "4b 8b 64 1d 00"},
    {4, RSI, R15, R11, 2, -512, "43 8b b4 5f 00 fe ff ff"}, {8, R12, RAX, R12, 1, 0, "4e 8b 24 20"},
    {4, R15, RBX, R12, 2, -512, "46 8b bc 63 00 fe ff ff"},
    {8, RAX, RSP, R12, 4, 8, "4a 8b 44 a4 08"}, {4, RCX, RBP, R12, 8, 0, "42 8b 4c e5 00"},
    {8, R8, R12, R12, 1, -512, "4f 8b 84 24 00 fe ff ff"},
    {4, R9, R13, R12, 2, 8, "47 8b 4c 65 08"}, {8, R11, R15, R12, 4, 0, "4f 8b 1c a7"},
    {4, RCX, RAX, R13, 2, 8, "42 8b 4c 68 08"}, {8, RSP, RBX, R13, 4, 0, "4a 8b 24 ab"},
    {4, RBP, RSP, R13, 8, -512, "42 8b ac ec 00 fe ff ff"},
    {8, RSI, RBP, R13, 1, 8, "4a 8b 74 2d 08"}, {4, R13, R12, R13, 2, 0, "47 8b 2c 6c"},
    {8, R14, R13, R13, 4, -512, "4f 8b b4 ad 00 fe ff ff"},
    {4, RAX, R15, R13, 8, 8, "43 8b 44 ef 08"},
    {8, RSI, RAX, R14, 4, -512, "4a 8b b4 b0 00 fe ff ff"},
    {4, R9, RBX, R14, 8, 8, "46 8b 4c f3 08"}, {8, R10, RSP, R14, 1, 0, "4e 8b 14 34"},
    {4, R11, RBP, R14, 2, -512, "46 8b 9c 75 00 fe ff ff"},
    {8, RDX, R12, R14, 4, 8, "4b 8b 54 b4 08"}, {4, RBX, R13, R14, 8, 0, "43 8b 5c f5 00"},
    {8, RBP, R15, R14, 1, -512, "4b 8b ac 37 00 fe ff ff"}, {4, R11, RAX, R15, 8, 0, "46 8b 1c f8"},
    {8, R14, RBX, R15, 1, -512, "4e 8b b4 3b 00 fe ff ff"},
    {4, R15, RSP, R15, 2, 8, "46 8b 7c 7c 08"}, {8, RAX, RBP, R15, 4, 0, "4a 8b 44 bd 00"},
    {4, RDI, R12, R15, 8, -512, "43 8b bc fc 00 fe ff ff"},
    {8, R8, R13, R15, 1, 8, "4f 8b 44 3d 08"}, {4, R10, R15, R15, 2, 0, "47 8b 14 7f"},
    /* end mem_cases */
};

static void test_enc_mem_operands(void **state)
{
    for (size_t i = 0; i < sizeof(mem_cases) / sizeof(mem_cases[0]); i++) {
        const struct mem_case *c = &mem_cases[i];
        char text[96];
        struct x86_mem m = x86_mem_idx(c->base, c->index, c->scale, c->disp);
        snprintf(text, sizeof(text), "mem_cases[%zu]: size %u reg %d base %d index %d*%u disp %d",
                 i, c->size, c->reg, c->base, c->index, c->scale, c->disp);
        ENC(text, c->hex, x86_load(&b, c->size, false, c->reg, m));
    }
    assert_int_equal(enc_failures, 0);
}

static void test_enc_moves(void **state)
{
    ENC("mov %rcx,%rax", "48 89 c8", x86_mov_rr(&b, true, RAX, RCX));
    ENC("mov %ecx,%eax", "89 c8", x86_mov_rr(&b, false, RAX, RCX));
    ENC("mov %rsp,%r8", "49 89 e0", x86_mov_rr(&b, true, R8, RSP));
    ENC("mov %r15,%rbp", "4c 89 fd", x86_mov_rr(&b, true, RBP, R15));
    ENC("mov %r13d,%r12d", "45 89 ec", x86_mov_rr(&b, false, R12, R13));
    ENC("mov %r9d,%esi", "44 89 ce", x86_mov_rr(&b, false, RSI, R9));

    ENC("xor %eax,%eax", "31 c0", x86_mov_ri(&b, RAX, 0));
    ENC("xor %r13d,%r13d", "45 31 ed", x86_mov_ri(&b, R13, 0));
    ENC("mov $0x1,%ecx", "b9 01 00 00 00", x86_mov_ri(&b, RCX, 1));
    ENC("mov $0xffffffff,%r9d", "41 b9 ff ff ff ff", x86_mov_ri(&b, R9, 0xffffffff));
    ENC("mov $0x80000000,%edi", "bf 00 00 00 80", x86_mov_ri(&b, RDI, 0x80000000));
    ENC("mov $-1,%rdx", "48 c7 c2 ff ff ff ff", x86_mov_ri(&b, RDX, UINT64_MAX));
    ENC("mov $-0x80000000,%r14", "49 c7 c6 00 00 00 80", x86_mov_ri(&b, R14, 0xffffffff80000000));
    ENC("movabs $0x100000000,%rax", "48 b8 00 00 00 00 01 00 00 00",
        x86_mov_ri(&b, RAX, 0x100000000));
    ENC("movabs $0x123456789abcdef0,%r15", "49 bf f0 de bc 9a 78 56 34 12",
        x86_mov_ri(&b, R15, 0x123456789abcdef0));
    ENC("movabs $0xffffffff7fffffff,%rsp", "48 bc ff ff ff 7f ff ff ff ff",
        x86_mov_ri(&b, RSP, 0xffffffff7fffffff));

    ENC("movzbl (%rcx),%eax", "0f b6 01", x86_load(&b, 1, false, RAX, x86_mem(RCX, 0)));
    ENC("movsbq (%rcx),%rax", "48 0f be 01", x86_load(&b, 1, true, RAX, x86_mem(RCX, 0)));
    ENC("movzbl (%rdi),%esi", "0f b6 37", x86_load(&b, 1, false, RSI, x86_mem(RDI, 0)));
    ENC("movsbq -0x80(%r14,%r12,2),%r11", "4f 0f be 5c 66 80",
        x86_load(&b, 1, true, R11, x86_mem_idx(R14, R12, 2, -0x80)));
    ENC("movzwl 0x8(%rsp),%r8d", "44 0f b7 44 24 08", x86_load(&b, 2, false, R8, x86_mem(RSP, 8)));
    ENC("movswq -0x4(%r12),%rsi", "49 0f bf 74 24 fc",
        x86_load(&b, 2, true, RSI, x86_mem(R12, -4)));
    ENC("mov (%r13),%edi", "41 8b 7d 00", x86_load(&b, 4, false, RDI, x86_mem(R13, 0)));
    ENC("movslq 0x100(%rbp),%r10", "4c 63 95 00 01 00 00",
        x86_load(&b, 4, true, R10, x86_mem(RBP, 0x100)));
    ENC("mov 0x10(%rax,%rbx,8),%r15", "4c 8b 7c d8 10",
        x86_load(&b, 8, false, R15, x86_mem_idx(RAX, RBX, 8, 16)));
    ENC("mov 0x10(%rax,%rbx,8),%r15", "4c 8b 7c d8 10",
        x86_load(&b, 8, true, R15, x86_mem_idx(RAX, RBX, 8, 16)));

    ENC("mov %cl,(%rax)", "88 08", x86_store(&b, 1, x86_mem(RAX, 0), RCX));
    ENC("mov %bl,(%r8)", "41 88 18", x86_store(&b, 1, x86_mem(R8, 0), RBX));
    ENC("mov %spl,(%rax)", "40 88 20", x86_store(&b, 1, x86_mem(RAX, 0), RSP));
    ENC("mov %bpl,(%rax)", "40 88 28", x86_store(&b, 1, x86_mem(RAX, 0), RBP));
    ENC("mov %sil,(%rax)", "40 88 30", x86_store(&b, 1, x86_mem(RAX, 0), RSI));
    ENC("mov %dil,0x7f(%rsp)", "40 88 7c 24 7f", x86_store(&b, 1, x86_mem(RSP, 0x7f), RDI));
    ENC("mov %r9b,(%rcx)", "44 88 09", x86_store(&b, 1, x86_mem(RCX, 0), R9));
    ENC("mov %ax,(%rsp)", "66 89 04 24", x86_store(&b, 2, x86_mem(RSP, 0), RAX));
    ENC("mov %si,0x2(%rdi)", "66 89 77 02", x86_store(&b, 2, x86_mem(RDI, 2), RSI));
    ENC("mov %r14w,0x2(%r13)", "66 45 89 75 02", x86_store(&b, 2, x86_mem(R13, 2), R14));
    ENC("mov %edx,-0x8(%rbp)", "89 55 f8", x86_store(&b, 4, x86_mem(RBP, -8), RDX));
    ENC("mov %r8d,(%r12,%r13,4)", "47 89 04 ac", x86_store(&b, 4, x86_mem_idx(R12, R13, 4, 0), R8));
    ENC("mov %rsi,0x12345678(%rdi)", "48 89 b7 78 56 34 12",
        x86_store(&b, 8, x86_mem(RDI, 0x12345678), RSI));
    ENC("mov %r15,(%rsp,%rbp,1)", "4c 89 3c 2c",
        x86_store(&b, 8, x86_mem_idx(RSP, RBP, 1, 0), R15));

    ENC("movb $0x7f,(%rax)", "c6 00 7f", x86_store_imm(&b, 1, x86_mem(RAX, 0), 0x7f));
    ENC("movb $0xff,(%r12)", "41 c6 04 24 ff", x86_store_imm(&b, 1, x86_mem(R12, 0), -1));
    ENC("movb $0x34,(%rsi)", "c6 06 34", x86_store_imm(&b, 1, x86_mem(RSI, 0), 0x1234));
    ENC("movw $0x1234,0x4(%rbp)", "66 c7 45 04 34 12",
        x86_store_imm(&b, 2, x86_mem(RBP, 4), 0x1234));
    ENC("movw $0xfffe,(%rcx)", "66 c7 01 fe ff", x86_store_imm(&b, 2, x86_mem(RCX, 0), -2));
    ENC("movl $0x12345678,0x80(%rsp)", "c7 84 24 80 00 00 00 78 56 34 12",
        x86_store_imm(&b, 4, x86_mem(RSP, 0x80), 0x12345678));
    ENC("movl $-0x1,(%r8)", "41 c7 00 ff ff ff ff", x86_store_imm(&b, 4, x86_mem(R8, 0), -1));
    ENC("movq $-0x1,-0x8(%r13,%r9,8)", "4b c7 44 cd f8 ff ff ff ff",
        x86_store_imm(&b, 8, x86_mem_idx(R13, R9, 8, -8), -1));
    ENC("movq $0x7fffffff,(%rdx)", "48 c7 02 ff ff ff 7f",
        x86_store_imm(&b, 8, x86_mem(RDX, 0), 0x7fffffff));

    ENC("lea 0x1(%rbx,%rcx,2),%rax", "48 8d 44 4b 01",
        x86_lea(&b, true, RAX, x86_mem_idx(RBX, RCX, 2, 1)));
    ENC("lea 0x0(%r13),%r9d", "45 8d 4d 00", x86_lea(&b, false, R9, x86_mem(R13, 0)));
    ENC("lea 0x8(%rsp),%rsp", "48 8d 64 24 08", x86_lea(&b, true, RSP, x86_mem(RSP, 8)));
    ENC("lea -0x1000(%rax,%r12,1),%r12", "4e 8d a4 20 00 f0 ff ff",
        x86_lea(&b, true, R12, x86_mem_idx(RAX, R12, 1, -0x1000)));
    ENC("lea (%rdi,%rsi,1),%eax", "8d 04 37", x86_lea(&b, false, RAX, x86_mem_idx(RDI, RSI, 1, 0)));

    ENC("movsbq %cl,%rax", "48 0f be c1", x86_movsx_rr(&b, 1, RAX, RCX));
    ENC("movsbq %sil,%rax", "48 0f be c6", x86_movsx_rr(&b, 1, RAX, RSI));
    ENC("movsbq %bpl,%r8", "4c 0f be c5", x86_movsx_rr(&b, 1, R8, RBP));
    ENC("movsbq %r15b,%rdx", "49 0f be d7", x86_movsx_rr(&b, 1, RDX, R15));
    ENC("movswq %ax,%rdi", "48 0f bf f8", x86_movsx_rr(&b, 2, RDI, RAX));
    ENC("movswq %r12w,%r11", "4d 0f bf dc", x86_movsx_rr(&b, 2, R11, R12));
    ENC("movslq %eax,%rax", "48 63 c0", x86_movsx_rr(&b, 4, RAX, RAX));
    ENC("movslq %edx,%r14", "4c 63 f2", x86_movsx_rr(&b, 4, R14, RDX));

    ENC("movzbl %cl,%eax", "0f b6 c1", x86_movzx_rr(&b, 1, RAX, RCX));
    ENC("movzbl %spl,%eax", "40 0f b6 c4", x86_movzx_rr(&b, 1, RAX, RSP));
    ENC("movzbl %dil,%eax", "40 0f b6 c7", x86_movzx_rr(&b, 1, RAX, RDI));
    ENC("movzbl %bl,%r9d", "44 0f b6 cb", x86_movzx_rr(&b, 1, R9, RBX));
    ENC("movzbl %sil,%esi", "40 0f b6 f6", x86_movzx_rr(&b, 1, RSI, RSI));
    ENC("movzbl %r13b,%ecx", "41 0f b6 cd", x86_movzx_rr(&b, 1, RCX, R13));
    ENC("movzwl %ax,%ebx", "0f b7 d8", x86_movzx_rr(&b, 2, RBX, RAX));
    ENC("movzwl %r8w,%r15d", "45 0f b7 f8", x86_movzx_rr(&b, 2, R15, R8));
    ENC("mov %ecx,%eax", "89 c8", x86_movzx_rr(&b, 4, RAX, RCX));
    ENC("mov %ebp,%r10d", "41 89 ea", x86_movzx_rr(&b, 4, R10, RBP));

    ENC("cmovo %rcx,%rax", "48 0f 40 c1", x86_cmov(&b, X86_CC_O, true, RAX, RCX));
    ENC("cmovno %edx,%r8d", "44 0f 41 c2", x86_cmov(&b, X86_CC_NO, false, R8, RDX));
    ENC("cmovb %r15,%rsp", "49 0f 42 e7", x86_cmov(&b, X86_CC_B, true, RSP, R15));
    ENC("cmovae %r12,%r13", "4d 0f 43 ec", x86_cmov(&b, X86_CC_AE, true, R13, R12));
    ENC("cmove %esi,%edi", "0f 44 fe", x86_cmov(&b, X86_CC_E, false, RDI, RSI));
    ENC("cmovne %rbp,%rbx", "48 0f 45 dd", x86_cmov(&b, X86_CC_NE, true, RBX, RBP));
    ENC("cmovbe %r9d,%r10d", "45 0f 46 d1", x86_cmov(&b, X86_CC_BE, false, R10, R9));
    ENC("cmova %rax,%r11", "4c 0f 47 d8", x86_cmov(&b, X86_CC_A, true, R11, RAX));
    ENC("cmovs %r14,%rcx", "49 0f 48 ce", x86_cmov(&b, X86_CC_S, true, RCX, R14));
    ENC("cmovns %eax,%eax", "0f 49 c0", x86_cmov(&b, X86_CC_NS, false, RAX, RAX));
    ENC("cmovp %rdx,%rsi", "48 0f 4a f2", x86_cmov(&b, X86_CC_P, true, RSI, RDX));
    ENC("cmovnp %r8,%r15", "4d 0f 4b f8", x86_cmov(&b, X86_CC_NP, true, R15, R8));
    ENC("cmovl %ebx,%r12d", "44 0f 4c e3", x86_cmov(&b, X86_CC_L, false, R12, RBX));
    ENC("cmovge %rsp,%rbp", "48 0f 4d ec", x86_cmov(&b, X86_CC_GE, true, RBP, RSP));
    ENC("cmovle %r13,%rdi", "49 0f 4e fd", x86_cmov(&b, X86_CC_LE, true, RDI, R13));
    ENC("cmovg %r11d,%r9d", "45 0f 4f cb", x86_cmov(&b, X86_CC_G, false, R9, R11));

    /* The byte forms of SPL/BPL/SIL/DIL need an otherwise empty REX. */
    ENC("seto %al; movzbl %al,%eax", "0f 90 c0 0f b6 c0", x86_setcc_zx(&b, X86_CC_O, RAX));
    ENC("setno %cl; movzbl %cl,%ecx", "0f 91 c1 0f b6 c9", x86_setcc_zx(&b, X86_CC_NO, RCX));
    ENC("setb %dl; movzbl %dl,%edx", "0f 92 c2 0f b6 d2", x86_setcc_zx(&b, X86_CC_B, RDX));
    ENC("setae %bl; movzbl %bl,%ebx", "0f 93 c3 0f b6 db", x86_setcc_zx(&b, X86_CC_AE, RBX));
    ENC("sete %spl; movzbl %spl,%esp", "40 0f 94 c4 40 0f b6 e4", x86_setcc_zx(&b, X86_CC_E, RSP));
    ENC("setne %bpl; movzbl %bpl,%ebp", "40 0f 95 c5 40 0f b6 ed",
        x86_setcc_zx(&b, X86_CC_NE, RBP));
    ENC("setbe %sil; movzbl %sil,%esi", "40 0f 96 c6 40 0f b6 f6",
        x86_setcc_zx(&b, X86_CC_BE, RSI));
    ENC("seta %dil; movzbl %dil,%edi", "40 0f 97 c7 40 0f b6 ff", x86_setcc_zx(&b, X86_CC_A, RDI));
    ENC("sets %r8b; movzbl %r8b,%r8d", "41 0f 98 c0 45 0f b6 c0", x86_setcc_zx(&b, X86_CC_S, R8));
    ENC("setns %r9b; movzbl %r9b,%r9d", "41 0f 99 c1 45 0f b6 c9", x86_setcc_zx(&b, X86_CC_NS, R9));
    ENC("setp %r10b; movzbl %r10b,%r10d", "41 0f 9a c2 45 0f b6 d2",
        x86_setcc_zx(&b, X86_CC_P, R10));
    ENC("setnp %r11b; movzbl %r11b,%r11d", "41 0f 9b c3 45 0f b6 db",
        x86_setcc_zx(&b, X86_CC_NP, R11));
    ENC("setl %r12b; movzbl %r12b,%r12d", "41 0f 9c c4 45 0f b6 e4",
        x86_setcc_zx(&b, X86_CC_L, R12));
    ENC("setge %r13b; movzbl %r13b,%r13d", "41 0f 9d c5 45 0f b6 ed",
        x86_setcc_zx(&b, X86_CC_GE, R13));
    ENC("setle %r14b; movzbl %r14b,%r14d", "41 0f 9e c6 45 0f b6 f6",
        x86_setcc_zx(&b, X86_CC_LE, R14));
    ENC("setg %r15b; movzbl %r15b,%r15d", "41 0f 9f c7 45 0f b6 ff",
        x86_setcc_zx(&b, X86_CC_G, R15));

    ENC("nop; int3; ret", "90 cc c3", x86_bytes(&b, "\x90\xcc\xc3", 3));
    assert_int_equal(enc_failures, 0);
}

static void test_enc_alu(void **state)
{
    ENC("add %rcx,%rax", "48 01 c8", x86_alu_rr(&b, X86_ADD, true, RAX, RCX));
    ENC("or %edx,%ebx", "09 d3", x86_alu_rr(&b, X86_OR, false, RBX, RDX));
    ENC("adc %r8,%rsi", "4c 11 c6", x86_alu_rr(&b, X86_ADC, true, RSI, R8));
    ENC("sbb %r9d,%r10d", "45 19 ca", x86_alu_rr(&b, X86_SBB, false, R10, R9));
    ENC("and %rsp,%r15", "49 21 e7", x86_alu_rr(&b, X86_AND, true, R15, RSP));
    ENC("sub %rbp,%r13", "49 29 ed", x86_alu_rr(&b, X86_SUB, true, R13, RBP));
    ENC("xor %r12d,%edi", "44 31 e7", x86_alu_rr(&b, X86_XOR, false, RDI, R12));
    ENC("cmp %r11,%rax", "4c 39 d8", x86_alu_rr(&b, X86_CMP, true, RAX, R11));

    ENC("add $0x1,%rax", "48 83 c0 01", x86_alu_ri(&b, X86_ADD, true, RAX, 1));
    ENC("add $0x1000,%rax", "48 05 00 10 00 00", x86_alu_ri(&b, X86_ADD, true, RAX, 0x1000));
    ENC("sub $0x1000,%eax", "2d 00 10 00 00", x86_alu_ri(&b, X86_SUB, false, RAX, 0x1000));
    ENC("and $0xff,%ecx", "81 e1 ff 00 00 00", x86_alu_ri(&b, X86_AND, false, RCX, 0xff));
    ENC("and $-1,%eax", "83 e0 ff", x86_alu_ri(&b, X86_AND, false, RAX, -1));
    ENC("cmp $-0x80,%r12", "49 83 fc 80", x86_alu_ri(&b, X86_CMP, true, R12, -0x80));
    ENC("cmp $-0x81,%r12", "49 81 fc 7f ff ff ff", x86_alu_ri(&b, X86_CMP, true, R12, -0x81));
    ENC("xor $0x7f,%r9d", "41 83 f1 7f", x86_alu_ri(&b, X86_XOR, false, R9, 0x7f));
    ENC("or $0x80,%rdx", "48 81 ca 80 00 00 00", x86_alu_ri(&b, X86_OR, true, RDX, 0x80));
    ENC("adc $0x7fffffff,%r15", "49 81 d7 ff ff ff 7f",
        x86_alu_ri(&b, X86_ADC, true, R15, 0x7fffffff));
    ENC("sbb $-0x80000000,%rax", "48 1d 00 00 00 80",
        x86_alu_ri(&b, X86_SBB, true, RAX, INT32_MIN));
    ENC("xor $-0x1000,%rsp", "48 81 f4 00 f0 ff ff", x86_alu_ri(&b, X86_XOR, true, RSP, -0x1000));
    ENC("or $0x12345678,%eax", "0d 78 56 34 12", x86_alu_ri(&b, X86_OR, false, RAX, 0x12345678));
    ENC("cmp $0x0,%r8d", "41 83 f8 00", x86_alu_ri(&b, X86_CMP, false, R8, 0));

    ENC("add (%rcx),%rax", "48 03 01", x86_alu_rm(&b, X86_ADD, true, RAX, x86_mem(RCX, 0)));
    ENC("or (%r12),%rbx", "49 0b 1c 24", x86_alu_rm(&b, X86_OR, true, RBX, x86_mem(R12, 0)));
    ENC("adc 0x8(%rsp),%r9d", "44 13 4c 24 08",
        x86_alu_rm(&b, X86_ADC, false, R9, x86_mem(RSP, 8)));
    ENC("sbb 0x200(%rbx),%rsi", "48 1b b3 00 02 00 00",
        x86_alu_rm(&b, X86_SBB, true, RSI, x86_mem(RBX, 0x200)));
    ENC("and 0x0(%rbp),%r12", "4c 23 65 00", x86_alu_rm(&b, X86_AND, true, R12, x86_mem(RBP, 0)));
    ENC("sub -0x10(%r13,%rax,8),%rdx", "49 2b 54 c5 f0",
        x86_alu_rm(&b, X86_SUB, true, RDX, x86_mem_idx(R13, RAX, 8, -16)));
    ENC("xor 0x1000(%rdi,%rdi,1),%esi", "33 b4 3f 00 10 00 00",
        x86_alu_rm(&b, X86_XOR, false, RSI, x86_mem_idx(RDI, RDI, 1, 0x1000)));
    ENC("cmp (%r8,%r15,4),%r14", "4f 3b 34 b8",
        x86_alu_rm(&b, X86_CMP, true, R14, x86_mem_idx(R8, R15, 4, 0)));

    ENC("add %rax,(%rcx)", "48 01 01", x86_alu_mr(&b, X86_ADD, true, x86_mem(RCX, 0), RAX));
    ENC("or %r10d,0x8(%rsp)", "44 09 54 24 08",
        x86_alu_mr(&b, X86_OR, false, x86_mem(RSP, 8), R10));
    ENC("adc %rdi,-0x1(%r9)", "49 11 79 ff", x86_alu_mr(&b, X86_ADC, true, x86_mem(R9, -1), RDI));
    ENC("sbb %ecx,0x7f(%r12)", "41 19 4c 24 7f",
        x86_alu_mr(&b, X86_SBB, false, x86_mem(R12, 0x7f), RCX));
    ENC("and %rbp,0x0(%rbp)", "48 21 6d 00", x86_alu_mr(&b, X86_AND, true, x86_mem(RBP, 0), RBP));
    ENC("sub %r11,0x80(%rax)", "4c 29 98 80 00 00 00",
        x86_alu_mr(&b, X86_SUB, true, x86_mem(RAX, 0x80), R11));
    ENC("xor %ebx,0x0(%r13)", "41 31 5d 00", x86_alu_mr(&b, X86_XOR, false, x86_mem(R13, 0), RBX));
    ENC("cmp %rsi,0x200(%r14,%r15,2)", "4b 39 b4 7e 00 02 00 00",
        x86_alu_mr(&b, X86_CMP, true, x86_mem_idx(R14, R15, 2, 0x200), RSI));

    ENC("addq $0x1,(%rax)", "48 83 00 01", x86_alu_mi(&b, X86_ADD, true, x86_mem(RAX, 0), 1));
    ENC("orq $-0x81,(%rbx,%r8,8)", "4a 81 0c c3 7f ff ff ff",
        x86_alu_mi(&b, X86_OR, true, x86_mem_idx(RBX, R8, 8, 0), -0x81));
    ENC("adcl $0x7f,0x10(%rsi)", "83 56 10 7f",
        x86_alu_mi(&b, X86_ADC, false, x86_mem(RSI, 16), 0x7f));
    ENC("sbbq $-0x80,0x0(%rbp)", "48 83 5d 00 80",
        x86_alu_mi(&b, X86_SBB, true, x86_mem(RBP, 0), -0x80));
    ENC("andl $0x12345678,-0x4(%r13,%rcx,4)", "41 81 64 8d fc 78 56 34 12",
        x86_alu_mi(&b, X86_AND, false, x86_mem_idx(R13, RCX, 4, -4), 0x12345678));
    ENC("subl $0x1000,0x10(%rsp)", "81 6c 24 10 00 10 00 00",
        x86_alu_mi(&b, X86_SUB, false, x86_mem(RSP, 16), 0x1000));
    ENC("xorl $-1,(%rdx)", "83 32 ff", x86_alu_mi(&b, X86_XOR, false, x86_mem(RDX, 0), -1));
    ENC("cmpq $-0x80,(%r12)", "49 83 3c 24 80",
        x86_alu_mi(&b, X86_CMP, true, x86_mem(R12, 0), -0x80));

    ENC("test %rcx,%rax", "48 85 c8", x86_test_rr(&b, true, RAX, RCX));
    ENC("test %r8d,%r8d", "45 85 c0", x86_test_rr(&b, false, R8, R8));
    ENC("test %rsp,%r15", "49 85 e7", x86_test_rr(&b, true, R15, RSP));
    ENC("test %eax,%edi", "85 c7", x86_test_rr(&b, false, RDI, RAX));
    ENC("test $0x1,%rax", "48 a9 01 00 00 00", x86_test_ri(&b, true, RAX, 1));
    ENC("test $0x80,%eax", "a9 80 00 00 00", x86_test_ri(&b, false, RAX, 0x80));
    ENC("test $0x1,%rcx", "48 f7 c1 01 00 00 00", x86_test_ri(&b, true, RCX, 1));
    ENC("test $-1,%r13d", "41 f7 c5 ff ff ff ff", x86_test_ri(&b, false, R13, -1));
    ENC("test $0x100,%rsi", "48 f7 c6 00 01 00 00", x86_test_ri(&b, true, RSI, 0x100));

    ENC("shl $1,%rax", "48 d1 e0", x86_shift_ri(&b, X86_SHL, true, RAX, 1));
    ENC("sar $1,%r9d", "41 d1 f9", x86_shift_ri(&b, X86_SAR, false, R9, 1));
    ENC("shl $0x3f,%rdx", "48 c1 e2 3f", x86_shift_ri(&b, X86_SHL, true, RDX, 63));
    ENC("shr $0x20,%r15", "49 c1 ef 20", x86_shift_ri(&b, X86_SHR, true, R15, 32));
    ENC("shr $0x1,%esp", "d1 ec", x86_shift_ri(&b, X86_SHR, false, RSP, 1));
    ENC("sar $0x0,%rax", "48 c1 f8 00", x86_shift_ri(&b, X86_SAR, true, RAX, 0));
    ENC("rol $0x5,%ecx", "c1 c1 05", x86_shift_ri(&b, X86_ROL, false, RCX, 5));
    ENC("ror $0x1f,%r12d", "41 c1 cc 1f", x86_shift_ri(&b, X86_ROR, false, R12, 31));
    ENC("ror $0x1,%rbp", "48 d1 cd", x86_shift_ri(&b, X86_ROR, true, RBP, 1));
    ENC("shl %cl,%rax", "48 d3 e0", x86_shift_cl(&b, X86_SHL, true, RAX));
    ENC("shr %cl,%r8d", "41 d3 e8", x86_shift_cl(&b, X86_SHR, false, R8));
    ENC("sar %cl,%rsp", "48 d3 fc", x86_shift_cl(&b, X86_SAR, true, RSP));
    ENC("rol %cl,%r13", "49 d3 c5", x86_shift_cl(&b, X86_ROL, true, R13));
    ENC("ror %cl,%esi", "d3 ce", x86_shift_cl(&b, X86_ROR, false, RSI));
    assert_int_equal(enc_failures, 0);
}

static void test_enc_mul_div_bits(void **state)
{
    ENC("imul %rcx,%rax", "48 0f af c1", x86_imul_rr(&b, true, RAX, RCX));
    ENC("imul %r15d,%edx", "41 0f af d7", x86_imul_rr(&b, false, RDX, R15));
    ENC("imul %rbp,%r12", "4c 0f af e5", x86_imul_rr(&b, true, R12, RBP));
    ENC("mul %rcx", "48 f7 e1", x86_mul_r(&b, true, RCX));
    ENC("mul %r8d", "41 f7 e0", x86_mul_r(&b, false, R8));
    ENC("imul %rbx", "48 f7 eb", x86_imul1_r(&b, true, RBX));
    ENC("imul %r15d", "41 f7 ef", x86_imul1_r(&b, false, R15));
    ENC("div %rsi", "48 f7 f6", x86_div_r(&b, true, RSI));
    ENC("div %r11d", "41 f7 f3", x86_div_r(&b, false, R11));
    ENC("idiv %rdi", "48 f7 ff", x86_idiv_r(&b, true, RDI));
    ENC("idiv %r12", "49 f7 fc", x86_idiv_r(&b, true, R12));
    ENC("idiv %esp", "f7 fc", x86_idiv_r(&b, false, RSP));
    ENC("cqto", "48 99", x86_cqo(&b));
    ENC("cltd", "99", x86_cdq(&b));
    ENC("neg %rax", "48 f7 d8", x86_neg(&b, true, RAX));
    ENC("neg %r9d", "41 f7 d9", x86_neg(&b, false, R9));
    ENC("not %rsp", "48 f7 d4", x86_not(&b, true, RSP));
    ENC("not %r14", "49 f7 d6", x86_not(&b, true, R14));
    ENC("not %ebx", "f7 d3", x86_not(&b, false, RBX));

    ENC("bswap %eax", "0f c8", x86_bswap(&b, false, RAX));
    ENC("bswap %rax", "48 0f c8", x86_bswap(&b, true, RAX));
    ENC("bswap %rdi", "48 0f cf", x86_bswap(&b, true, RDI));
    ENC("bswap %r8d", "41 0f c8", x86_bswap(&b, false, R8));
    ENC("bswap %r15", "49 0f cf", x86_bswap(&b, true, R15));
    ENC("bsr %rcx,%rax", "48 0f bd c1", x86_bsr(&b, true, RAX, RCX));
    ENC("bsr %r13d,%esi", "41 0f bd f5", x86_bsr(&b, false, RSI, R13));
    ENC("bsf %rdx,%r10", "4c 0f bc d2", x86_bsf(&b, true, R10, RDX));
    ENC("bsf %ebp,%edi", "0f bc fd", x86_bsf(&b, false, RDI, RBP));
    ENC("lzcnt %rcx,%rax", "f3 48 0f bd c1", x86_lzcnt(&b, true, RAX, RCX));
    ENC("lzcnt %r12d,%r9d", "f3 45 0f bd cc", x86_lzcnt(&b, false, R9, R12));
    ENC("tzcnt %rsp,%r15", "f3 4c 0f bc fc", x86_tzcnt(&b, true, R15, RSP));
    ENC("tzcnt %edx,%ebx", "f3 0f bc da", x86_tzcnt(&b, false, RBX, RDX));
    ENC("popcnt %rdi,%rsi", "f3 48 0f b8 f7", x86_popcnt(&b, true, RSI, RDI));
    ENC("popcnt %r11d,%eax", "f3 41 0f b8 c3", x86_popcnt(&b, false, RAX, R11));
    ENC("popcnt %r8,%r13", "f3 4d 0f b8 e8", x86_popcnt(&b, true, R13, R8));
    assert_int_equal(enc_failures, 0);
}

/* SSE2 scalar doubles and FMA3, as GNU as encodes them. */
static void test_enc_sse(void **state)
{
    ENC("addsd %xmm1,%xmm2", "f2 0f 58 d1", x86_sd(&b, X86_ADDSD, 2, 1));
    ENC("subsd %xmm3,%xmm0", "f2 0f 5c c3", x86_sd(&b, X86_SUBSD, 0, 3));
    ENC("mulsd %xmm0,%xmm1", "f2 0f 59 c8", x86_sd(&b, X86_MULSD, 1, 0));
    ENC("divsd %xmm1,%xmm2", "f2 0f 5e d1", x86_sd(&b, X86_DIVSD, 2, 1));
    ENC("movapd %xmm2,%xmm3", "66 0f 28 da", x86_movapd(&b, 3, 2));
    ENC("cvtsi2sd %rax,%xmm0", "f2 48 0f 2a c0", x86_cvtsi2sd(&b, 0, RAX));
    ENC("cvtsi2sd %r9,%xmm1", "f2 49 0f 2a c9", x86_cvtsi2sd(&b, 1, R9));
    ENC("movq 0x108(%rbx),%xmm0", "f3 0f 7e 83 08 01 00 00", x86_movq_xm(&b, 0, x86_mem(RBX, 0x108)));
    ENC("movq 0x8(%r12),%xmm1", "f3 41 0f 7e 4c 24 08", x86_movq_xm(&b, 1, x86_mem(R12, 8)));
    ENC("movq %xmm2,0x110(%rbx)", "66 0f d6 93 10 01 00 00", x86_movq_mx(&b, x86_mem(RBX, 0x110), 2));
    ENC("movq %xmm2,%rax", "66 48 0f 7e d0", x86_movq_rx(&b, RAX, 2));
    ENC("movq %xmm3,%rcx", "66 48 0f 7e d9", x86_movq_rx(&b, RCX, 3));
    ENC("vfmsub231sd %xmm1,%xmm0,%xmm3", "c4 e2 f9 bb d9",
        x86_fma231sd(&b, X86_VFMSUB231SD, 3, 0, 1));
    ENC("vfnmadd231sd %xmm1,%xmm2,%xmm3", "c4 e2 e9 bd d9",
        x86_fma231sd(&b, X86_VFNMADD231SD, 3, 2, 1));
    assert_int_equal(enc_failures, 0);
}

static void test_enc_control(void **state)
{
    ENC("push %rax", "50", x86_push(&b, RAX));
    ENC("push %rsp", "54", x86_push(&b, RSP));
    ENC("push %rbp", "55", x86_push(&b, RBP));
    ENC("push %rdi", "57", x86_push(&b, RDI));
    ENC("push %r8", "41 50", x86_push(&b, R8));
    ENC("push %r12", "41 54", x86_push(&b, R12));
    ENC("push %r13", "41 55", x86_push(&b, R13));
    ENC("push %r15", "41 57", x86_push(&b, R15));
    ENC("pop %rax", "58", x86_pop(&b, RAX));
    ENC("pop %rsp", "5c", x86_pop(&b, RSP));
    ENC("pop %rbp", "5d", x86_pop(&b, RBP));
    ENC("pop %rdi", "5f", x86_pop(&b, RDI));
    ENC("pop %r8", "41 58", x86_pop(&b, R8));
    ENC("pop %r12", "41 5c", x86_pop(&b, R12));
    ENC("pop %r13", "41 5d", x86_pop(&b, R13));
    ENC("pop %r15", "41 5f", x86_pop(&b, R15));
    ENC("ret", "c3", x86_ret(&b));

    ENC("{disp32} jmp .+5", "e9 00 00 00 00", x86_jmp_rel32(&b));
    ENC("{disp32} jo .+6", "0f 80 00 00 00 00", x86_jcc_rel32(&b, X86_CC_O));
    ENC("{disp32} jno .+6", "0f 81 00 00 00 00", x86_jcc_rel32(&b, X86_CC_NO));
    ENC("{disp32} jb .+6", "0f 82 00 00 00 00", x86_jcc_rel32(&b, X86_CC_B));
    ENC("{disp32} jae .+6", "0f 83 00 00 00 00", x86_jcc_rel32(&b, X86_CC_AE));
    ENC("{disp32} je .+6", "0f 84 00 00 00 00", x86_jcc_rel32(&b, X86_CC_E));
    ENC("{disp32} jne .+6", "0f 85 00 00 00 00", x86_jcc_rel32(&b, X86_CC_NE));
    ENC("{disp32} jbe .+6", "0f 86 00 00 00 00", x86_jcc_rel32(&b, X86_CC_BE));
    ENC("{disp32} ja .+6", "0f 87 00 00 00 00", x86_jcc_rel32(&b, X86_CC_A));
    ENC("{disp32} js .+6", "0f 88 00 00 00 00", x86_jcc_rel32(&b, X86_CC_S));
    ENC("{disp32} jns .+6", "0f 89 00 00 00 00", x86_jcc_rel32(&b, X86_CC_NS));
    ENC("{disp32} jp .+6", "0f 8a 00 00 00 00", x86_jcc_rel32(&b, X86_CC_P));
    ENC("{disp32} jnp .+6", "0f 8b 00 00 00 00", x86_jcc_rel32(&b, X86_CC_NP));
    ENC("{disp32} jl .+6", "0f 8c 00 00 00 00", x86_jcc_rel32(&b, X86_CC_L));
    ENC("{disp32} jge .+6", "0f 8d 00 00 00 00", x86_jcc_rel32(&b, X86_CC_GE));
    ENC("{disp32} jle .+6", "0f 8e 00 00 00 00", x86_jcc_rel32(&b, X86_CC_LE));
    ENC("{disp32} jg .+6", "0f 8f 00 00 00 00", x86_jcc_rel32(&b, X86_CC_G));

    /* Padding so the rel32 field (after the e9) starts 4-byte aligned. */
    ENC("int3; int3; int3; {disp32} jmp .+5", "cc cc cc e9 00 00 00 00",
        (x86_bytes(&b, "\xcc\xcc\xcc", 3), x86_jmp_rel32_aligned(&b)));
    ENC("nopl (%rax); {disp32} jmp .+5", "0f 1f 00 e9 00 00 00 00", x86_jmp_rel32_aligned(&b));
    ENC("int3; xchg %ax,%ax; {disp32} jmp .+5", "cc 66 90 e9 00 00 00 00",
        (x86_bytes(&b, "\xcc", 1), x86_jmp_rel32_aligned(&b)));
    ENC("int3; int3; nop; {disp32} jmp .+5", "cc cc 90 e9 00 00 00 00",
        (x86_bytes(&b, "\xcc\xcc", 2), x86_jmp_rel32_aligned(&b)));

    /* Absolute targets, relative to EXEC_BASE, at and just past rel32 reach. */
    ENC("jmp 0x100001000", "e9 fb 0f 00 00", x86_jmp_abs(&b, ADDR(0x100001000)));
    ENC("call 0x100000000", "e8 fb ff ff ff", x86_call_abs(&b, ADDR(0x100000000)));
    ENC("call 0xffff0000", "e8 fb ff fe ff", x86_call_abs(&b, ADDR(0xffff0000)));
    ENC("jmp 0x180000004", "e9 ff ff ff 7f", x86_jmp_abs(&b, ADDR(0x180000004)));
    ENC("call 0x80000005", "e8 00 00 00 80", x86_call_abs(&b, ADDR(0x80000005)));
    ENC("movabs $0x180000005,%r11; jmp *%r11", "49 bb 05 00 00 80 01 00 00 00 41 ff e3",
        x86_jmp_abs(&b, ADDR(0x180000005)));
    ENC("movabs $0x80000004,%r11; call *%r11", "49 bb 04 00 00 80 00 00 00 00 41 ff d3",
        x86_call_abs(&b, ADDR(0x80000004)));
    ENC("movabs $0x7f0012345678,%r11; call *%r11", "49 bb 78 56 34 12 00 7f 00 00 41 ff d3",
        x86_call_abs(&b, ADDR(0x7f0012345678)));
    ENC("movabs $0x1000,%r11; jmp *%r11", "49 bb 00 10 00 00 00 00 00 00 41 ff e3",
        x86_jmp_abs(&b, ADDR(0x1000)));

    ENC("jmp *%rax", "ff e0", x86_jmp_r(&b, RAX));
    ENC("jmp *%r11", "41 ff e3", x86_jmp_r(&b, R11));
    ENC("jmp *%rsp", "ff e4", x86_jmp_r(&b, RSP));
    ENC("call *%rdx", "ff d2", x86_call_r(&b, RDX));
    ENC("call *%r12", "41 ff d4", x86_call_r(&b, R12));
    ENC("call *%r13", "41 ff d5", x86_call_r(&b, R13));
    ENC("jmp *0x18(%rax)", "ff 60 18", x86_jmp_m(&b, x86_mem(RAX, 0x18)));
    ENC("jmp *0x100(%r13)", "41 ff a5 00 01 00 00", x86_jmp_m(&b, x86_mem(R13, 0x100)));
    assert_int_equal(enc_failures, 0);
}

/* The returned field pointers point at the rel32 field's write address. */
static void test_rel32_fields(void **state)
{
    static uint8_t buf[64] __attribute__((aligned(16)));
    struct x86_buf b;
    for (size_t pad = 0; pad < 8; pad++) {
        x86_buf_init(&b, buf, ADDR(EXEC_BASE), sizeof(buf));
        for (size_t i = 0; i < pad; i++)
            x86_bytes(&b, "\x90", 1);
        uint8_t *f = x86_jmp_rel32(&b);
        assert_ptr_equal(f, buf + pad + 1);
        f = x86_jcc_rel32(&b, X86_CC_NE);
        assert_ptr_equal(f, buf + pad + 5 + 2);
        const uint8_t *before = b.p;
        f = x86_jmp_rel32_aligned(&b);
        assert_int_equal((uintptr_t)f & 3, 0);
        assert_ptr_equal(f, b.p - 4);
        assert_true(f - before <= 4);
        assert_false(b.overflow);
    }
}

/* ------------------------------------------------------------------------ */
/* patch_rel32 and overflow                                                 */
/* ------------------------------------------------------------------------ */

static int32_t read_i32(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void test_patch_rel32(void **state)
{
    static uint8_t buf[16] __attribute__((aligned(16)));
    const ptrdiff_t deltas[] = { 0, 0x10000, -0x7000000, (ptrdiff_t)0x100000000 };
    for (size_t d = 0; d < sizeof(deltas) / sizeof(deltas[0]); d++) {
        for (size_t off = 0; off < 4; off++) {
            uint8_t *field = buf + 4 + off;
            uintptr_t end_x = (uintptr_t)field + (uintptr_t)deltas[d] + 4;
            const int64_t rels[] = { 0, 1, -1, -5, 0x12345678, INT32_MAX, INT32_MIN };
            for (size_t r = 0; r < sizeof(rels) / sizeof(rels[0]); r++) {
                memset(buf, 0xcc, sizeof(buf));
                const void *target = (const void *)(end_x + (uintptr_t)rels[r]);
                assert_true(x86_patch_rel32(field, deltas[d], target));
                assert_int_equal(read_i32(field), rels[r]);
                assert_int_equal(buf[3 + off], 0xcc); /* neighbours untouched */
                assert_int_equal(buf[8 + off], 0xcc);
            }
            /* One past either end of the range: refused, field unchanged. */
            memset(buf, 0xcc, sizeof(buf));
            const void *past_max = (const void *)(end_x + (uintptr_t)INT32_MAX + 1);
            const void *past_min = (const void *)(end_x - (uintptr_t)INT32_MAX - 2);
            assert_false(x86_patch_rel32(field, deltas[d], past_max));
            assert_false(x86_patch_rel32(field, deltas[d], past_min));
            assert_int_equal(read_i32(field), (int32_t)0xcccccccc);
        }
    }
}

/* Every prefix of a sequence that covers each emitter path, in a buffer too
 * small for it: nothing is written past the end, overflow is set, field
 * pointers are NULL, and what fits is exactly the prefix of the full output. */
static void emit_everything(struct x86_buf *b, uint8_t **fields)
{
    x86_mov_ri(b, R15, 0x123456789abcdef0);
    fields[0] = x86_jcc_rel32(b, X86_CC_NE);
    x86_load(b, 2, true, R12, x86_mem_idx(R13, R9, 8, 0x12345678));
    x86_store(b, 1, x86_mem(RSP, 0), RSI);
    x86_store_imm(b, 8, x86_mem(RBP, -8), -2);
    x86_alu_mi(b, X86_ADD, true, x86_mem(R12, 0x80), 0x1000);
    fields[1] = x86_jmp_rel32_aligned(b);
    x86_setcc_zx(b, X86_CC_L, RDI);
    x86_lzcnt(b, true, R8, R9);
    x86_call_abs(b, ADDR(0x7f0000001000));
    fields[2] = x86_jmp_rel32(b);
    x86_push(b, R13);
    x86_ret(b);
}

static void test_overflow(void **state)
{
    static uint8_t full[128] __attribute__((aligned(16)));
    static uint8_t fullx[128] __attribute__((aligned(16)));
    uint8_t *fields[3];
    struct x86_buf b;
    x86_buf_init(&b, full, full, sizeof(full));
    emit_everything(&b, fields);
    assert_false(b.overflow);
    size_t total = x86_buf_used(&b);
    assert_true(total > 40 && total < sizeof(full));
    size_t field_end[3];
    for (int i = 0; i < 3; i++) {
        assert_non_null(fields[i]);
        field_end[i] = (size_t)(fields[i] - full) + 4;
    }

    for (size_t size = 0; size <= total; size++) {
        memset(fullx, 0xa5, sizeof(fullx));
        x86_buf_init(&b, fullx, fullx, size);
        emit_everything(&b, fields);
        for (size_t i = size; i < sizeof(fullx); i++)
            assert_int_equal(fullx[i], 0xa5); /* canary */
        assert_true(b.p <= b.end);
        assert_int_equal(b.overflow, size < total);
        assert_memory_equal(fullx, full, x86_buf_used(&b));
        for (int i = 0; i < 3; i++)
            assert_true((fields[i] == NULL) == (size < field_end[i]));
        /* Once overflowed, even a one-byte instruction is dropped. */
        if (b.overflow) {
            uint8_t *p = b.p;
            x86_ret(&b);
            assert_ptr_equal(b.p, p);
            assert_null(x86_jmp_rel32(&b));
        }
    }

    /* x86_bytes stops at the end too. */
    memset(fullx, 0xa5, sizeof(fullx));
    x86_buf_init(&b, fullx, fullx, 3);
    x86_bytes(&b, "\x90\x90\x90\x90\x90", 5);
    assert_true(b.overflow);
    assert_int_equal(fullx[3], 0xa5);
}

/* ------------------------------------------------------------------------ */
/* Execution                                                                */
/* ------------------------------------------------------------------------ */

typedef uint64_t (*fn3)(uint64_t, uint64_t, uint64_t);

/* Code memory: a W^X pair of views of one memfd (rw != rx), or a single
 * mapping written RW and then made RX with mprotect. */
struct jit {
    uint8_t *rw, *rx;
    size_t size;
    int fd;
    struct x86_buf b;
};

#define JIT_SIZE (4u << 20)

static struct jit *jit_open_dual(size_t size)
{
    struct jit *j = calloc(1, sizeof(*j));
    assert_non_null(j);
    j->size = size;
    j->fd = memfd_create("test_x86_emit", MFD_CLOEXEC);
    assert_true(j->fd >= 0);
    assert_int_equal(ftruncate(j->fd, (off_t)size), 0);
    j->rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, j->fd, 0);
    j->rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, j->fd, 0);
    assert_true(j->rw != MAP_FAILED && j->rx != MAP_FAILED);
    x86_buf_init(&j->b, j->rw, j->rx, size);
    assert_true(j->b.exec_delta != 0);
    return j;
}

/* A single RW mapping at exactly `hint` (or anywhere when hint is NULL);
 * NULL when the hint cannot be honoured. */
static struct jit *jit_open_single(size_t size, void *hint)
{
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | (hint ? MAP_FIXED_NOREPLACE : 0);
    uint8_t *p = mmap(hint, size, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (hint && p != hint) {
        munmap(p, size);
        return NULL;
    }
    struct jit *j = calloc(1, sizeof(*j));
    assert_non_null(j);
    j->rw = j->rx = p;
    j->size = size;
    j->fd = -1;
    x86_buf_init(&j->b, p, p, size);
    return j;
}

static void jit_seal(struct jit *j)
{
    assert_false(j->b.overflow);
    if (j->fd < 0)
        assert_int_equal(mprotect(j->rw, j->size, PROT_READ | PROT_EXEC), 0);
}

static void jit_close(struct jit *j)
{
    if (j->rx != j->rw)
        munmap(j->rx, j->size);
    munmap(j->rw, j->size);
    if (j->fd >= 0)
        close(j->fd);
    free(j);
}

static int dual_setup(void **state)
{
    *state = jit_open_dual(JIT_SIZE);
    return 0;
}

static int dual_teardown(void **state)
{
    jit_close(*state);
    return 0;
}

static const uint64_t samples[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
    0x123456789abcdef0, 0x7fffffffffffffff, 0x8000000000000000, 0xfffffffffffffffe,
    UINT64_MAX, 0xfedcba9876543210,
};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

/* Functions save and restore every callee-saved register, so their bodies may
 * use any register but RSP. After the six pushes RSP is 8 mod 16. */
static const enum x86_reg callee_saved[] = { RBX, RBP, R12, R13, R14, R15 };

static const void *fn_begin(struct jit *j)
{
    const void *start = x86_exec_ptr(&j->b);
    for (size_t i = 0; i < 6; i++)
        x86_push(&j->b, callee_saved[i]);
    return start;
}

static fn3 fn_end(struct jit *j, const void *start)
{
    for (size_t i = 6; i-- > 0;)
        x86_pop(&j->b, callee_saved[i]);
    x86_ret(&j->b);
    assert_false(j->b.overflow);
    return (fn3)(uintptr_t)start;
}

/* Returns `r` from a function body. */
static fn3 fn_return(struct jit *j, const void *start, enum x86_reg r)
{
    x86_mov_rr(&j->b, true, RAX, r);
    return fn_end(j, start);
}

static uint64_t trunc_to(bool w64, uint64_t v) { return w64 ? v : (uint32_t)v; }

/* The condition `cc` after `cmp a, b` (64-bit), from the flag definitions. */
static bool cond_after_cmp(enum x86_cond cc, uint64_t a, uint64_t b)
{
    uint64_t r = a - b;
    bool cf = a < b, zf = r == 0, sf = r >> 63, of = ((a ^ b) & (a ^ r)) >> 63;
    bool pf = !(__builtin_popcount((unsigned)(r & 0xff)) & 1);
    bool v = false;
    switch (cc & ~1u) {
    case X86_CC_O: v = of; break;
    case X86_CC_B: v = cf; break;
    case X86_CC_E: v = zf; break;
    case X86_CC_BE: v = cf || zf; break;
    case X86_CC_S: v = sf; break;
    case X86_CC_P: v = pf; break;
    case X86_CC_L: v = sf != of; break;
    case X86_CC_LE: v = zf || sf != of; break;
    }
    return (cc & 1) ? !v : v;
}

static uint64_t ref_alu(enum x86_alu op, bool w64, uint64_t a, uint64_t b, bool cf)
{
    uint64_t r = a;
    switch (op) {
    case X86_ADD: r = a + b; break;
    case X86_OR: r = a | b; break;
    case X86_ADC: r = a + b + cf; break;
    case X86_SBB: r = a - b - cf; break;
    case X86_AND: r = a & b; break;
    case X86_SUB: r = a - b; break;
    case X86_XOR: r = a ^ b; break;
    case X86_CMP: return a; /* no write, not even the 32-bit zero-extension */
    }
    return trunc_to(w64, r);
}

/* Register pairs (dst, src) covering low, high, and ModRM-special numbers. */
static const enum x86_reg pairs[][2] = {
    { RAX, RCX }, { RDI, RSI }, { R8, R15 }, { RBX, R12 },
    { RBP, R13 }, { R14, RDX }, { R9, R10 }, { R11, RAX },
};

/* f(a, b, c): CF = c & 1; dst = a; src = b; op dst, src; return dst. */
static void test_exec_alu_rr(void **state)
{
    struct jit *j = *state;
    for (int op = X86_ADD; op <= X86_CMP; op++) {
        for (int w = 0; w < 2; w++) {
            for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
                enum x86_reg dst = pairs[p][0], src = pairs[p][1];
                const void *start = fn_begin(j);
                x86_shift_ri(&j->b, X86_SHR, true, RDX, 1);
                x86_mov_rr(&j->b, true, src, RSI);
                x86_mov_rr(&j->b, true, dst, RDI);
                x86_alu_rr(&j->b, op, w, dst, src);
                fn3 f = fn_return(j, start, dst);
                for (size_t i = 0; i < NSAMPLES; i++)
                    for (size_t k = 0; k < NSAMPLES; k++)
                        for (unsigned cf = 0; cf < 2; cf++)
                            assert_int_equal(f(samples[i], samples[k], cf),
                                             ref_alu(op, w, samples[i], samples[k], cf));
            }
        }
    }
}

static const int32_t imms[] = { 1, -1, 0x7f, -0x80, 0x80, -0x81, 0x12345678, INT32_MIN };

static void test_exec_alu_ri(void **state)
{
    struct jit *j = *state;
    static const enum x86_reg dsts[] = { RAX, RCX, R9, R13 };
    for (int op = X86_ADD; op <= X86_CMP; op++) {
        for (int w = 0; w < 2; w++) {
            for (size_t d = 0; d < 4; d++) {
                for (size_t m = 0; m < sizeof(imms) / sizeof(imms[0]); m++) {
                    const void *start = fn_begin(j);
                    x86_shift_ri(&j->b, X86_SHR, true, RDX, 1);
                    x86_mov_rr(&j->b, true, dsts[d], RDI);
                    x86_alu_ri(&j->b, op, w, dsts[d], imms[m]);
                    fn3 f = fn_return(j, start, dsts[d]);
                    uint64_t imm = (uint64_t)(int64_t)imms[m];
                    for (size_t i = 0; i < NSAMPLES; i++)
                        for (unsigned cf = 0; cf < 2; cf++)
                            assert_int_equal(f(samples[i], 0, cf),
                                             ref_alu(op, w, samples[i], imm, cf));
                }
            }
        }
    }
}

/* Memory operands built at run time from p (in RDI) so that each addresses
 * one of eight cells: the base register holds p + base_off, the index holds
 * index_val. Covers disp 0/8/32 bits, RSP-class and RBP-class bases, indexes
 * with REX.X and every scale. */
struct mem_form {
    enum x86_reg base;
    int32_t base_off;
    enum x86_reg index;
    int64_t index_val;
    unsigned scale;
    int32_t disp;
    unsigned cell;
};

static const struct mem_form mem_forms[] = {
    { RDI, 0, NOREG, 0, 1, 8, 1 },
    { R13, 0, NOREG, 0, 1, 0, 0 },
    { R12, 16, NOREG, 0, 1, 0, 2 },
    { RBP, 24, NOREG, 0, 1, 0, 3 },
    { RBX, 0, R12, 4, 8, 0, 4 },
    { R15, 0x1000, NOREG, 0, 1, -0x1000 + 40, 5 },
    { RCX, 64, R9, -2, 4, -8, 6 },
    { R8, -0x100000, R13, 0x20000, 8, 56, 7 },
    { RAX, 0, RBP, 1, 2, 6, 1 },
    { R11, 0x20, R14, -0x10, 2, 0x20, 4 },
};
#define NFORMS (sizeof(mem_forms) / sizeof(mem_forms[0]))

/* Sets up the base and index registers of `mf` from RDI; clobbers flags. */
static struct x86_mem emit_mem_form(struct x86_buf *b, const struct mem_form *mf)
{
    if (mf->base != RDI) {
        x86_mov_rr(b, true, mf->base, RDI);
        if (mf->base_off)
            x86_alu_ri(b, X86_ADD, true, mf->base, mf->base_off);
    }
    if (mf->index != NOREG)
        x86_mov_ri(b, mf->index, (uint64_t)mf->index_val);
    return x86_mem_idx(mf->base, mf->index, mf->scale, mf->disp);
}

static void fill_cells(uint64_t *cells)
{
    for (unsigned i = 0; i < 8; i++)
        cells[i] = 0x0123456789abcdefull * (i + 1) ^ 0x8080808080808080ull;
}

static void test_exec_alu_mem(void **state)
{
    struct jit *j = *state;
    uint64_t cells[8], want[8];
    for (size_t fi = 0; fi < NFORMS; fi++) {
        const struct mem_form *mf = &mem_forms[fi];
        for (int op = X86_ADD; op <= X86_CMP; op++) {
            for (int w = 0; w < 2; w++) {
                /* rm(p, b, c) = b op [mem] */
                const void *s1 = fn_begin(j);
                struct x86_mem m = emit_mem_form(&j->b, mf);
                x86_shift_ri(&j->b, X86_SHR, true, RDX, 1);
                x86_alu_rm(&j->b, op, w, RSI, m);
                fn3 rm = fn_return(j, s1, RSI);
                /* mr(p, b, c): [mem] = [mem] op b */
                const void *s2 = fn_begin(j);
                m = emit_mem_form(&j->b, mf);
                x86_shift_ri(&j->b, X86_SHR, true, RDX, 1);
                x86_alu_mr(&j->b, op, w, m, RSI);
                fn3 mr = fn_end(j, s2);
                for (size_t i = 0; i < NSAMPLES; i += 3) {
                    unsigned cf = i & 1;
                    fill_cells(cells);
                    uint64_t v = cells[mf->cell];
                    assert_int_equal(rm((uintptr_t)cells, samples[i], cf),
                                     ref_alu(op, w, samples[i], v, cf));
                    fill_cells(want);
                    assert_memory_equal(cells, want, sizeof(cells));

                    mr((uintptr_t)cells, samples[i], cf);
                    uint64_t r = ref_alu(op, w, v, samples[i], cf);
                    want[mf->cell] = w ? r : (v & ~0xffffffffull) | (uint32_t)r;
                    assert_memory_equal(cells, want, sizeof(cells));
                }
                for (size_t m2 = 0; m2 < sizeof(imms) / sizeof(imms[0]); m2++) {
                    const void *s3 = fn_begin(j);
                    m = emit_mem_form(&j->b, mf);
                    x86_shift_ri(&j->b, X86_SHR, true, RDX, 1);
                    x86_alu_mi(&j->b, op, w, m, imms[m2]);
                    fn3 mi = fn_end(j, s3);
                    for (unsigned cf = 0; cf < 2; cf++) {
                        fill_cells(cells);
                        fill_cells(want);
                        uint64_t v = cells[mf->cell];
                        mi((uintptr_t)cells, 0, cf);
                        uint64_t r = ref_alu(op, w, v, (uint64_t)(int64_t)imms[m2], cf);
                        want[mf->cell] = w ? r : (v & ~0xffffffffull) | (uint32_t)r;
                        assert_memory_equal(cells, want, sizeof(cells));
                    }
                }
            }
        }
    }
}

static uint64_t extend(unsigned size, bool sign, uint64_t v)
{
    unsigned bits = size * 8;
    if (bits == 64)
        return v;
    v &= (1ull << bits) - 1;
    if (sign && (v >> (bits - 1)))
        v |= ~0ull << bits;
    return v;
}

static void test_exec_load_store_lea(void **state)
{
    struct jit *j = *state;
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    static const enum x86_reg dsts[] = { RSI, RAX, R10, RDX };
    uint64_t cells[8], want[8];
    for (size_t fi = 0; fi < NFORMS; fi++) {
        const struct mem_form *mf = &mem_forms[fi];
        for (size_t si = 0; si < 4; si++) {
            unsigned size = sizes[si];
            for (int sign = 0; sign < 2; sign++) {
                enum x86_reg dst = dsts[(fi + si + sign) % 4];
                const void *s = fn_begin(j);
                struct x86_mem m = emit_mem_form(&j->b, mf);
                x86_load(&j->b, size, sign, dst, m);
                fn3 ld = fn_return(j, s, dst);
                fill_cells(cells);
                assert_int_equal(ld((uintptr_t)cells, 0, 0), extend(size, sign, cells[mf->cell]));
            }
            /* st(p, v): store the low `size` bytes of v; the byte store of
             * SIL checks the REX that makes it SIL rather than DH. */
            const void *s = fn_begin(j);
            struct x86_mem m = emit_mem_form(&j->b, mf);
            x86_store(&j->b, size, m, RSI);
            fn3 st = fn_end(j, s);
            s = fn_begin(j);
            m = emit_mem_form(&j->b, mf);
            x86_store_imm(&j->b, size, m, -0x12345679);
            fn3 sti = fn_end(j, s);
            for (size_t i = 0; i < NSAMPLES; i++) {
                fill_cells(cells);
                fill_cells(want);
                st((uintptr_t)cells, samples[i], 0xdd00);
                memcpy(&want[mf->cell], &samples[i], size);
                assert_memory_equal(cells, want, sizeof(cells));
            }
            fill_cells(cells);
            fill_cells(want);
            sti((uintptr_t)cells, 0, 0);
            uint64_t imm = (uint64_t)(int64_t)-0x12345679;
            memcpy(&want[mf->cell], &imm, size);
            assert_memory_equal(cells, want, sizeof(cells));
        }
        for (int w = 0; w < 2; w++) {
            const void *s = fn_begin(j);
            struct x86_mem m = emit_mem_form(&j->b, mf);
            x86_lea(&j->b, w, R14, m);
            fn3 lea = fn_return(j, s, R14);
            uint64_t p = 0xfedcba9800000000ull | (uintptr_t)(fi * 0x100);
            uint64_t addr = p + 8 * mf->cell;
            assert_int_equal(lea(p, 0, 0), trunc_to(w, addr));
        }
    }
}

static void test_exec_mov_extend(void **state)
{
    struct jit *j = *state;
    static const uint64_t consts[] = {
        0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0xffffffff80000000,
        0xffffffff7fffffff, UINT64_MAX, 0x123456789abcdef0, 0x8000000000000000,
    };
    static const enum x86_reg dsts[] = { RAX, R10, RBX, R15, RBP };
    for (size_t c = 0; c < sizeof(consts) / sizeof(consts[0]); c++) {
        for (size_t d = 0; d < 5; d++) {
            const void *s = fn_begin(j);
            x86_mov_ri(&j->b, dsts[d], ~consts[c]); /* a value the second mov must replace */
            x86_mov_ri(&j->b, dsts[d], consts[c]);
            fn3 f = fn_return(j, s, dsts[d]);
            assert_int_equal(f(0, 0, 0), consts[c]);
        }
    }

    /* dst = extend(src), with src taken from the first argument. The sources
     * include RSI/RDI/RBP, whose byte forms need a REX (SIL, not DH). */
    static const enum x86_reg srcs[] = { RCX, RSI, RDI, RBP, RBX, R12, R9 };
    static const enum x86_reg xdsts[] = { RAX, R9, RBP, RDX };
    static const unsigned sizes[] = { 1, 2, 4 };
    for (size_t si = 0; si < 3; si++) {
        for (size_t r = 0; r < sizeof(srcs) / sizeof(srcs[0]); r++) {
            for (int sign = 0; sign < 2; sign++) {
                enum x86_reg dst = xdsts[(r + sign) % 4];
                const void *s = fn_begin(j);
                x86_mov_rr(&j->b, true, srcs[r], RDI);
                x86_mov_ri(&j->b, RDX, ~0ull); /* DH would be 0xff, to catch a missing REX */
                if (dst != RDX)
                    x86_mov_ri(&j->b, dst, ~0ull);
                if (sign)
                    x86_movsx_rr(&j->b, sizes[si], dst, srcs[r]);
                else
                    x86_movzx_rr(&j->b, sizes[si], dst, srcs[r]);
                fn3 f = fn_return(j, s, dst);
                for (size_t i = 0; i < NSAMPLES; i++)
                    assert_int_equal(f(samples[i], 0, 0), extend(sizes[si], sign, samples[i]));
            }
        }
    }
}

static uint64_t ref_shift(enum x86_shift op, bool w64, uint64_t a, unsigned n)
{
    unsigned bits = w64 ? 64 : 32;
    n &= bits - 1;
    a = trunc_to(w64, a);
    if (n == 0)
        return a;
    switch (op) {
    case X86_SHL: return trunc_to(w64, a << n);
    case X86_SHR: return a >> n;
    case X86_SAR: return trunc_to(w64, (uint64_t)((int64_t)extend(bits / 8, true, a) >> n));
    case X86_ROL: return trunc_to(w64, a << n | a >> (bits - n));
    case X86_ROR: return trunc_to(w64, a >> n | a << (bits - n));
    }
    return 0;
}

static void test_exec_shifts(void **state)
{
    struct jit *j = *state;
    static const enum x86_shift ops[] = { X86_ROL, X86_ROR, X86_SHL, X86_SHR, X86_SAR };
    static const uint8_t counts[] = { 1, 3, 8, 31, 33, 63 };
    static const enum x86_reg dsts[] = { RAX, RDX, R10, RDI, R12 };
    for (size_t o = 0; o < 5; o++) {
        for (int w = 0; w < 2; w++) {
            for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
                enum x86_reg dst = dsts[(o + c) % 5];
                const void *s = fn_begin(j);
                x86_mov_rr(&j->b, true, dst, RDI);
                x86_shift_ri(&j->b, ops[o], w, dst, counts[c]);
                fn3 f = fn_return(j, s, dst);
                for (size_t i = 0; i < NSAMPLES; i++)
                    assert_int_equal(f(samples[i], 0, 0),
                                     ref_shift(ops[o], w, samples[i], counts[c]));
            }
            enum x86_reg dst = dsts[(o + 1) % 5];
            const void *s = fn_begin(j);
            x86_mov_rr(&j->b, true, RCX, RSI);
            x86_mov_rr(&j->b, true, dst, RDI);
            x86_shift_cl(&j->b, ops[o], w, dst);
            fn3 f = fn_return(j, s, dst);
            for (size_t i = 0; i < NSAMPLES; i++) {
                for (unsigned n = 1; n < 70; n += 3) {
                    /* Whether a 32-bit shift by 0 clears bits 63:32 is not
                     * something the translator may rely on; not tested. */
                    if (!w && (n & 31) == 0)
                        continue;
                    assert_int_equal(f(samples[i], n, 0), ref_shift(ops[o], w, samples[i], n));
                }
            }
        }
    }
}

static void test_exec_mul_div(void **state)
{
    struct jit *j = *state;
    for (int w = 0; w < 2; w++) {
        /* mul/imul: returns the low half in bits 31:0 and the high half above,
         * for the 32-bit forms; the high half (RDX) for the 64-bit forms. */
        fn3 f[4];
        for (int k = 0; k < 4; k++) {
            const void *s = fn_begin(j);
            enum x86_reg src = (k & 1) ? R9 : RSI;
            x86_mov_rr(&j->b, true, src, RSI);
            x86_mov_rr(&j->b, true, RAX, RDI);
            if (k < 2)
                x86_mul_r(&j->b, w, src);
            else
                x86_imul1_r(&j->b, w, src);
            if (!w) {
                x86_shift_ri(&j->b, X86_SHL, true, RDX, 32);
                x86_alu_rr(&j->b, X86_OR, true, RAX, RDX);
            } else {
                x86_mov_rr(&j->b, true, RAX, RDX);
            }
            f[k] = fn_end(j, s);
        }
        /* imul r, r/m: the low half only. */
        const void *s = fn_begin(j);
        x86_mov_rr(&j->b, true, R12, RDI);
        x86_mov_rr(&j->b, true, R13, RSI);
        x86_imul_rr(&j->b, w, R12, R13);
        fn3 imul2 = fn_return(j, s, R12);

        for (size_t i = 0; i < NSAMPLES; i++) {
            for (size_t k = 0; k < NSAMPLES; k++) {
                uint64_t a = samples[i], c = samples[k];
                uint64_t mu, ms;
                if (w) {
                    mu = (uint64_t)((unsigned __int128)a * c >> 64);
                    ms = (uint64_t)((__int128)(int64_t)a * (int64_t)c >> 64);
                } else {
                    mu = (uint64_t)(uint32_t)a * (uint32_t)c;
                    ms = (uint64_t)((int64_t)(int32_t)a * (int32_t)c);
                }
                for (int v = 0; v < 2; v++) {
                    assert_int_equal(f[v](a, c, 0), mu);
                    assert_int_equal(f[2 + v](a, c, 0), ms);
                }
                assert_int_equal(imul2(a, c, 0), trunc_to(w, a * c));
            }
        }

        /* Division: quotient and remainder, unsigned (rdx = 0) and signed
         * (rdx = sign of rax by cqo/cdq). */
        fn3 d[4];
        for (int k = 0; k < 4; k++) {
            s = fn_begin(j);
            x86_mov_rr(&j->b, true, R10, RSI);
            x86_mov_rr(&j->b, true, RAX, RDI);
            if (k < 2) {
                x86_mov_ri(&j->b, RDX, 0);
                x86_div_r(&j->b, w, R10);
            } else {
                if (w)
                    x86_cqo(&j->b);
                else
                    x86_cdq(&j->b);
                x86_idiv_r(&j->b, w, R10);
            }
            d[k] = fn_return(j, s, (k & 1) ? RDX : RAX);
        }
        for (size_t i = 0; i < NSAMPLES; i++) {
            for (size_t k = 0; k < NSAMPLES; k++) {
                uint64_t a = trunc_to(w, samples[i]), c = trunc_to(w, samples[k]);
                if (c == 0)
                    continue;
                assert_int_equal(d[0](a, c, 0), a / c);
                assert_int_equal(d[1](a, c, 0), a % c);
                int64_t sa = w ? (int64_t)a : (int32_t)a, sc = w ? (int64_t)c : (int32_t)c;
                if (sc == -1)
                    continue; /* MIN / -1 faults; others are dull */
                assert_int_equal(d[2](a, c, 0), trunc_to(w, (uint64_t)(sa / sc)));
                assert_int_equal(d[3](a, c, 0), trunc_to(w, (uint64_t)(sa % sc)));
            }
        }
    }
}

static void test_exec_unary_bits(void **state)
{
    struct jit *j = *state;
    bool lzcnt = x86_cpu_has_lzcnt_tzcnt(), popcnt = x86_cpu_has_popcnt();
    if (!lzcnt || !popcnt)
        print_message("host lacks lzcnt/tzcnt (%d) or popcnt (%d): those not run\n", lzcnt, popcnt);
    enum { NEG, NOT, BSWAP, BSR, BSF, LZCNT, TZCNT, POPCNT, NKINDS };
    for (int w = 0; w < 2; w++) {
        for (int kind = 0; kind < NKINDS; kind++) {
            if ((kind == LZCNT || kind == TZCNT) && !lzcnt)
                continue;
            if (kind == POPCNT && !popcnt)
                continue;
            enum x86_reg r = (kind & 1) ? R11 : RBP, r2 = (kind & 2) ? RSI : R14;
            const void *s = fn_begin(j);
            x86_mov_rr(&j->b, true, r, RDI);
            switch (kind) {
            case NEG: x86_neg(&j->b, w, r); break;
            case NOT: x86_not(&j->b, w, r); break;
            case BSWAP: x86_bswap(&j->b, w, r); break;
            case BSR: x86_bsr(&j->b, w, r2, r); break;
            case BSF: x86_bsf(&j->b, w, r2, r); break;
            case LZCNT: x86_lzcnt(&j->b, w, r2, r); break;
            case TZCNT: x86_tzcnt(&j->b, w, r2, r); break;
            case POPCNT: x86_popcnt(&j->b, w, r2, r); break;
            }
            fn3 f = fn_return(j, s, kind >= BSR ? r2 : r);
            for (size_t i = 0; i < NSAMPLES; i++) {
                uint64_t a = trunc_to(w, samples[i]), want = 0;
                unsigned bits = w ? 64 : 32;
                if (a == 0 && (kind == BSR || kind == BSF))
                    continue; /* result undefined */
                switch (kind) {
                case NEG: want = trunc_to(w, -a); break;
                case NOT: want = trunc_to(w, ~a); break;
                case BSWAP: want = w ? __builtin_bswap64(a) : __builtin_bswap32((uint32_t)a); break;
                case BSR: want = 63 - (unsigned)__builtin_clzll(a); break;
                case BSF: want = (unsigned)__builtin_ctzll(a); break;
                case LZCNT: want = a ? (unsigned)__builtin_clzll(a) - (64 - bits) : bits; break;
                case TZCNT: want = a ? (unsigned)__builtin_ctzll(a) : bits; break;
                case POPCNT: want = (unsigned)__builtin_popcountll(a); break;
                }
                assert_int_equal(f(samples[i], 0, 0), want);
            }
        }
    }
}

/* cmov, setcc and jcc on the flags of `cmp a, b`, for all sixteen conditions. */
static void test_exec_conditions(void **state)
{
    struct jit *j = *state;
    static const enum x86_reg set_regs[] = { RAX, RBX, RBP, RSI, RDI, R8, R12, R15 };
    for (int cc = 0; cc < 16; cc++) {
        /* cmov(a, b, c) = cc ? a : c */
        fn3 cm[2];
        for (int w = 0; w < 2; w++) {
            enum x86_reg dst = w ? R12 : RAX, src = w ? RDI : R8;
            const void *s = fn_begin(j);
            x86_mov_rr(&j->b, true, R8, RDI);
            x86_mov_rr(&j->b, true, dst, RDX);
            x86_alu_rr(&j->b, X86_CMP, true, RDI, RSI);
            x86_cmov(&j->b, cc, w, dst, src);
            cm[w] = fn_return(j, s, dst);
        }
        /* set(a, b) = (cc) | (!cc) << 1: two setcc_zx on the same flags, into
         * registers preloaded with ones, show both that the flags survive the
         * first and that the upper bits are cleared. */
        enum x86_reg r1 = set_regs[cc % 8], r2 = set_regs[(cc + 3) % 8];
        const void *s = fn_begin(j);
        x86_mov_rr(&j->b, true, R10, RDI);
        x86_mov_rr(&j->b, true, R11, RSI);
        x86_mov_ri(&j->b, r1, ~0ull);
        x86_mov_ri(&j->b, r2, ~0ull);
        x86_alu_rr(&j->b, X86_CMP, true, R10, R11);
        x86_setcc_zx(&j->b, cc, r1);
        x86_setcc_zx(&j->b, cc ^ 1, r2);
        x86_shift_ri(&j->b, X86_SHL, true, r2, 1);
        x86_alu_rr(&j->b, X86_OR, true, r1, r2);
        fn3 set = fn_return(j, s, r1);
        /* br(a, b) = cc ? 1 : 2, a forward jcc patched to its target. */
        s = fn_begin(j);
        x86_alu_rr(&j->b, X86_CMP, true, RDI, RSI);
        uint8_t *taken = x86_jcc_rel32(&j->b, cc);
        x86_mov_ri(&j->b, RAX, 2);
        uint8_t *skip = x86_jmp_rel32(&j->b);
        assert_true(x86_patch_rel32(taken, j->b.exec_delta, x86_exec_ptr(&j->b)));
        x86_mov_ri(&j->b, RAX, 1);
        assert_true(x86_patch_rel32(skip, j->b.exec_delta, x86_exec_ptr(&j->b)));
        fn3 br = fn_end(j, s);

        for (size_t i = 0; i < NSAMPLES; i++) {
            for (size_t k = 0; k < NSAMPLES; k++) {
                uint64_t a = samples[i], c = samples[k], other = ~a ^ 0x5a5a5a5a5a5a5a5a;
                bool t = cond_after_cmp(cc, a, c);
                assert_int_equal(cm[1](a, c, other), t ? a : other);
                assert_int_equal(cm[0](a, c, other), (uint32_t)(t ? a : other));
                assert_int_equal(set(a, c, 0), t ? 1 : 2);
                assert_int_equal(br(a, c, 0), t ? 1 : 2);
            }
        }
    }
}

/* A loop with a backward jcc: sum(n) = n + (n-1) + ... + 1. */
static fn3 emit_sum_loop(struct jit *j)
{
    const void *s = fn_begin(j);
    x86_mov_ri(&j->b, RAX, 0);
    x86_test_rr(&j->b, true, RDI, RDI);
    uint8_t *done = x86_jcc_rel32(&j->b, X86_CC_E);
    const uint8_t *loop = x86_exec_ptr(&j->b);
    x86_alu_rr(&j->b, X86_ADD, true, RAX, RDI);
    x86_alu_ri(&j->b, X86_SUB, true, RDI, 1);
    uint8_t *back = x86_jcc_rel32(&j->b, X86_CC_NE);
    assert_true(x86_patch_rel32(back, j->b.exec_delta, loop));
    assert_true(x86_patch_rel32(done, j->b.exec_delta, x86_exec_ptr(&j->b)));
    return fn_end(j, s);
}

static uint64_t helper_calls;

static uint64_t c_helper(uint64_t a, uint64_t b, uint64_t c)
{
    helper_calls++;
    return a * 31 + b - c;
}

/* f(a, b, c) = target(a, b, c) + 1, through call_abs, with RSP 16-aligned at
 * the call as the ABI wants. Returns the length of the call sequence; *rel_end
 * is the execute address a rel32 call would be relative to. */
static size_t emit_call_plus_one(struct jit *j, const void *target, fn3 *out,
                                 const uint8_t **rel_end)
{
    const void *s = fn_begin(j);
    x86_alu_ri(&j->b, X86_SUB, true, RSP, 8);
    const uint8_t *before = j->b.p;
    if (rel_end)
        *rel_end = x86_exec_ptr(&j->b) + 5;
    x86_call_abs(&j->b, target);
    size_t len = (size_t)(j->b.p - before);
    x86_alu_ri(&j->b, X86_ADD, true, RSP, 8);
    x86_alu_ri(&j->b, X86_ADD, true, RAX, 1);
    *out = fn_end(j, s);
    return len;
}

static bool in_rel32_reach(const void *from_end, const void *to)
{
    int64_t d = (int64_t)((uintptr_t)to - (uintptr_t)from_end);
    return d >= INT32_MIN && d <= INT32_MAX;
}

/* Control flow through the dual mapping, where every pc-relative field is
 * wrong unless computed against the execute view. */
static void test_exec_control_dual(void **state)
{
    struct jit *j = *state;
    assert_true(j->rx != j->rw);

    fn3 sum = emit_sum_loop(j);
    for (uint64_t n = 0; n < 100; n += 7)
        assert_int_equal(sum(n, 0, 0), n * (n + 1) / 2);

    /* Two leaf functions and a patchable trampoline in front of them. */
    const void *one = x86_exec_ptr(&j->b);
    x86_mov_ri(&j->b, RAX, 1);
    x86_ret(&j->b);
    const void *two = x86_exec_ptr(&j->b);
    x86_lea(&j->b, true, RAX, x86_mem(RDI, 2)); /* 2 + a */
    x86_ret(&j->b);
    x86_bytes(&j->b, "\xcc", 1); /* misalign, so the trampoline needs padding */
    const void *tramp = x86_exec_ptr(&j->b);
    uint8_t *field = x86_jmp_rel32_aligned(&j->b);
    assert_non_null(field);
    assert_int_equal((uintptr_t)field & 3, 0);
    assert_true(x86_patch_rel32(field, j->b.exec_delta, one));
    fn3 t = (fn3)(uintptr_t)tramp;
    assert_int_equal(t(40, 0, 0), 1);
    /* Repatched through the write view while the execute view is live. */
    assert_true(x86_patch_rel32(field, j->b.exec_delta, two));
    assert_int_equal(t(40, 0, 0), 42);

    /* call_abs into the same buffer (rel32 by construction) and jmp_abs as a
     * tail call. */
    fn3 f;
    size_t len = emit_call_plus_one(j, tramp, &f, NULL);
    assert_int_equal(len, 5);
    assert_int_equal(f(10, 0, 0), 13);
    const void *tail = x86_exec_ptr(&j->b);
    x86_alu_ri(&j->b, X86_ADD, true, RDI, 100);
    x86_jmp_abs(&j->b, two);
    assert_int_equal(((fn3)(uintptr_t)tail)(1, 0, 0), 103);

    /* call_abs to C, in whichever form the distance needs. */
    uint64_t calls = helper_calls;
    const uint8_t *at;
    len = emit_call_plus_one(j, ADDR(c_helper), &f, &at);
    assert_int_equal(len, in_rel32_reach(at, ADDR(c_helper)) ? 5 : 13);
    assert_int_equal(f(2, 3, 4), 2 * 31 + 3 - 4 + 1);
    assert_int_equal(helper_calls, calls + 1);

    /* jmp_r and call_r. */
    const void *s = fn_begin(j);
    x86_alu_ri(&j->b, X86_SUB, true, RSP, 8);
    x86_mov_ri(&j->b, R13, (uintptr_t)two);
    x86_call_r(&j->b, R13);
    x86_alu_ri(&j->b, X86_ADD, true, RSP, 8);
    f = fn_end(j, s);
    assert_int_equal(f(5, 0, 0), 7);
    const void *jr = x86_exec_ptr(&j->b);
    x86_mov_ri(&j->b, R11, (uintptr_t)one);
    x86_jmp_r(&j->b, R11);
    assert_int_equal(((fn3)(uintptr_t)jr)(0, 0, 0), 1);
}

/* The classic flow: write into an RW mapping, mprotect it RX, run. */
static void test_exec_mprotect(void **state)
{
    struct jit *j = jit_open_single(1 << 16, NULL);
    assert_non_null(j);
    fn3 sum = emit_sum_loop(j);
    const void *s = fn_begin(j);
    x86_mov_rr(&j->b, true, RAX, RDI);
    x86_cqo(&j->b);
    x86_idiv_r(&j->b, true, RSI);
    fn3 div = fn_end(j, s);
    fn3 call;
    emit_call_plus_one(j, ADDR(c_helper), &call, NULL);
    jit_seal(j);
    assert_int_equal(sum(10, 0, 0), 55);
    assert_int_equal(div((uint64_t)-100, 7, 0), (uint64_t)-14);
    assert_int_equal(call(1, 1, 1), 32);
    jit_close(j);
}

/* call_abs/jmp_abs from code placed near the C helper (rel32) and far from it
 * (movabs + call r11), both run. The placement is a hint: if the address
 * space is busy there, that case is reported and skipped. */
static void test_exec_call_near_far(void **state)
{
    uintptr_t h = (uintptr_t)c_helper & ~(uintptr_t)0xffff;
    const uintptr_t candidates[][2] = {
        { h - (256u << 20), 5 }, { h + (768u << 20), 5 }, { h - (1536u << 20), 5 },
        { h + (64ull << 30), 13 }, { h - (64ull << 30), 13 }, { h + (4096ull << 30), 13 },
    };
    bool done[2] = { false, false };
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        bool near = candidates[i][1] == 5;
        if (done[!near])
            continue;
        struct jit *j = jit_open_single(1 << 16, (void *)candidates[i][0]);
        if (!j)
            continue;
        fn3 call, jump;
        size_t len = emit_call_plus_one(j, ADDR(c_helper), &call, NULL);
        const void *tail = x86_exec_ptr(&j->b);
        const uint8_t *before = j->b.p;
        x86_jmp_abs(&j->b, ADDR(c_helper));
        assert_int_equal(j->b.p - before, (ptrdiff_t)candidates[i][1]);
        jump = (fn3)(uintptr_t)tail;
        jit_seal(j);
        assert_int_equal(len, candidates[i][1]);
        assert_int_equal(call(3, 4, 5), 3 * 31 + 4 - 5 + 1);
        assert_int_equal(jump(3, 4, 5), 3 * 31 + 4 - 5);
        jit_close(j);
        done[!near] = true;
    }
    if (!done[0] || !done[1])
        print_message("could not place code %s the helper: case skipped\n",
                      done[0] ? "far from" : "near");
    assert_true(done[0] || done[1]);
}

static void test_cpu_features(void **state)
{
    /* Every x86-64 CPU this runs on in practice has popcnt (SSE4.2 era); the
     * call must at least be stable. */
    assert_int_equal(x86_cpu_has_popcnt(), x86_cpu_has_popcnt());
    assert_int_equal(x86_cpu_has_lzcnt_tzcnt(), x86_cpu_has_lzcnt_tzcnt());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enc_mem_operands, enc_setup, NULL),
        cmocka_unit_test_setup_teardown(test_enc_moves, enc_setup, NULL),
        cmocka_unit_test_setup_teardown(test_enc_alu, enc_setup, NULL),
        cmocka_unit_test_setup_teardown(test_enc_mul_div_bits, enc_setup, NULL),
        cmocka_unit_test_setup_teardown(test_enc_sse, enc_setup, NULL),
        cmocka_unit_test_setup_teardown(test_enc_control, enc_setup, NULL),
        cmocka_unit_test(test_rel32_fields),
        cmocka_unit_test(test_patch_rel32),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test_setup_teardown(test_exec_alu_rr, dual_setup, dual_teardown),
        cmocka_unit_test_setup_teardown(test_exec_alu_ri, dual_setup, dual_teardown),
        cmocka_unit_test_setup_teardown(test_exec_alu_mem, dual_setup, dual_teardown),
        cmocka_unit_test_setup_teardown(test_exec_load_store_lea, dual_setup, dual_teardown),
        cmocka_unit_test_setup_teardown(test_exec_mov_extend, dual_setup, dual_teardown),
        cmocka_unit_test_setup_teardown(test_exec_shifts, dual_setup, dual_teardown),
        cmocka_unit_test_setup_teardown(test_exec_mul_div, dual_setup, dual_teardown),
        cmocka_unit_test_setup_teardown(test_exec_unary_bits, dual_setup, dual_teardown),
        cmocka_unit_test_setup_teardown(test_exec_conditions, dual_setup, dual_teardown),
        cmocka_unit_test_setup_teardown(test_exec_control_dual, dual_setup, dual_teardown),
        cmocka_unit_test(test_exec_mprotect),
        cmocka_unit_test(test_exec_call_near_far),
        cmocka_unit_test(test_cpu_features),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
