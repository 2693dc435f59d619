/*
 * net_option.h - the --net option's syntax (README "Using it"):
 *
 *     user[,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...[,mac=MAC]
 *     tap=IFNAME[,mac=MAC]
 *     switch=PATH[,mac=MAC]
 */
#ifndef RVMM_CLI_NET_OPTION_H
#define RVMM_CLI_NET_OPTION_H

#include <stddef.h>

#include "rvmm/vm.h"

/* Parses one --net SPEC into *net. 0, or -1 with one line (no newline) in err. */
int net_option_parse(const char *spec, struct vm_net *net, char *err, size_t errlen);

#endif
