// vm_sv57.S - the vm_sv39 checks under Sv57 (5-level walk), plus a VA that
// needs the 5th level and Sv57's canonical-address rule.
#include "test.h"
#define LEVELS 5
#define SATP_MODE SATP_MODE_SV57
#define VA_NEG 0xff00000000000000
#define VA_HI 0x00fe000000005000
#define VA_NONCANON 0x0100000000000000
#include "vm.h"
