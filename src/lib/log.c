/* log.c - diagnostics to stderr. Each message is one line prefixed with "rvmm: ". */
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>

bool log_debug_enabled;

static void log_vprint(const char *level, const char *fmt, va_list ap)
{
    fprintf(stderr, "rvmm: %s", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprint("", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprint("warning: ", fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    if (!log_debug_enabled)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_vprint("debug: ", fmt, ap);
    va_end(ap);
}
