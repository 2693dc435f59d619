/* hart_wait.h - interrupt polling and wfi sleep, shared by every execution engine. */
#ifndef RVMM_INTERP_HART_WAIT_H
#define RVMM_INTERP_HART_WAIT_H

#include "cpu/hart.h"

/* Handle machine requests, sync the instruction clock and take a pending interrupt. */
enum machine_request hart_poll(struct hart *h);
/* Sleep until an interrupt is pending in mip & mie, or the machine stops. */
void hart_wfi(struct hart *h);

#endif
