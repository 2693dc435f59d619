/* log.h - diagnostics to stderr, with a once-only variant for guest-triggered events. */
#ifndef RVMM_LIB_LOG_H
#define RVMM_LIB_LOG_H

#include <stdbool.h>
#include "lib/compiler.h"

void log_error(const char *fmt, ...) __printf(1, 2);
void log_warn(const char *fmt, ...) __printf(1, 2);
void log_debug(const char *fmt, ...) __printf(1, 2);
extern bool log_debug_enabled;

/* Guest-triggered problems are logged once per call site so a hostile guest cannot flood the host log. */
#define log_warn_once(...)             \
    do {                               \
        static bool warned_;           \
        if (!warned_) {                \
            warned_ = true;            \
            log_warn(__VA_ARGS__);     \
        }                              \
    } while (0)

#endif
