/* compiler.h - small compiler helpers shared by every module. */
#ifndef RVMM_LIB_COMPILER_H
#define RVMM_LIB_COMPILER_H

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __must_check __attribute__((warn_unused_result))
#define __noinline   __attribute__((noinline))
#define __cold       __attribute__((cold))
#define __printf(a, b) __attribute__((format(printf, a, b)))

#endif
