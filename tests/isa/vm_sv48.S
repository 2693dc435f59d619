// vm_sv48.S - the vm_sv39 checks under Sv48 (4-level walk), plus a VA that
// needs the 4th level and Sv48's canonical-address rule.
#include "test.h"
#define LEVELS 4
#define SATP_MODE SATP_MODE_SV48
#define VA_NEG 0xffff800000000000
#define VA_HI 0x00007f8000003000
#define VA_NONCANON 0x0000800000000000
#include "vm.h"
