// vm_sv39.S - Sv39 translation from S and U mode: 4 KiB, 2 MiB and 1 GiB
// pages, negative and non-canonical VAs, page faults (12/13/15, tval = VA,
// delegated or not), R/W/X/U permissions, SUM, MXR, W-without-R and
// misaligned superpages, hardware A/D updates, MPRV with MPP, sfence.vma.
#include "test.h"
#define LEVELS 3
#define SATP_MODE SATP_MODE_SV39
#define VA_NEG 0xffffffc000000000
#define VA_NONCANON 0x0000008000000000
#include "vm.h"
