/*
 * rvmm/vm.h - the public interface to a virtual machine: its configuration
 * (one schema, filled by the CLI today and by config files and the API later)
 * and its lifecycle.
 */
#ifndef RVMM_VM_H
#define RVMM_VM_H

#include <stdbool.h>
#include <stdint.h>

enum vm_clock { VM_CLOCK_HOST, VM_CLOCK_ICOUNT };
/* Which device the terminal (stdin/stdout) is connected to. */
enum vm_console { VM_CONSOLE_UART, VM_CONSOLE_VIRTIO };

#define VM_VIRTIO_SLOTS 8 /* virtio-mmio slots on the virt board */

enum vm_disk_format { VM_DISK_AUTO, VM_DISK_RAW, VM_DISK_QCOW2 };

/* A virtio-blk disk: --disk PATH[,format=raw|qcow2][,ro][,id=NAME] */
struct vm_disk {
    const char *path;
    enum vm_disk_format format; /* auto: qcow2 if the file has its magic, else raw */
    bool read_only;
    const char *id;             /* the serial the guest reads (GET_ID); NULL: file name */
};

/* A virtio-net device: --net user[,hostfwd=...]... | tap=IFNAME | switch=PATH, [,mac=...] */
enum vm_net_backend {
    VM_NET_USER,   /* user-mode NAT through libslirp: 10.0.2.0/24, as QEMU's -netdev user */
    VM_NET_TAP,    /* a host TAP interface */
    VM_NET_SWITCH, /* a VDE switch (vde_switch -s PATH) shared by VMs on this host */
};
#define VM_NET_MAX_HOSTFWD 16
#define VM_NET_IFNAME_MAX 16 /* IFNAMSIZ, with the NUL */
#define VM_NET_PATH_MAX 100  /* a Unix socket path (PATH/ctl) must fit in sun_path */
struct vm_net_hostfwd {          /* user: hostfwd=tcp|udp:HOSTADDR:HOSTPORT-GUESTADDR:GUESTPORT */
    bool udp;
    uint32_t host_addr;          /* IPv4, host byte order; 0 = any address */
    uint16_t host_port;
    uint32_t guest_addr;         /* 0 = the guest's DHCP address (10.0.2.15) */
    uint16_t guest_port;
};
struct vm_net {
    enum vm_net_backend backend;
    char ifname[VM_NET_IFNAME_MAX]; /* tap */
    char path[VM_NET_PATH_MAX];     /* switch: the vde_switch control directory */
    bool mac_set;                   /* else derived from the configuration (virtio_net.c) */
    uint8_t mac[6];
    unsigned nhostfwd;              /* user */
    struct vm_net_hostfwd hostfwd[VM_NET_MAX_HOSTFWD];
};

struct vm_config {
    uint64_t mem_size;   /* bytes of RAM at 0x80000000 */
    unsigned harts;
    const char *bios;    /* M-mode program or firmware: ELF or raw binary */
    const char *kernel;  /* Linux Image or ELF; without bios, rvmm's built-in SBI boots it */
    const char *initrd;
    const char *append;  /* kernel command line */
    const char *dump_dtb; /* write the device tree here and exit instead of running */
    enum vm_clock clock; /* host: 10 MHz monotonic; icount: one tick per instruction */
    bool stats;          /* print execution statistics at exit */
    bool jit;            /* translate hot blocks to host code (else interpret only) */
    unsigned jit_threshold; /* executions of a block before it is translated */
    bool perf_map;       /* write /tmp/perf-PID.map naming translated code by guest address */
    /* Devices. Virtio devices take the board's virtio-mmio slots (at most
     * VM_VIRTIO_SLOTS in all) in this order: console, rng (then disks, nets). */
    enum vm_console console; /* uart (default): the 16550A has the terminal; virtio: a
                              * virtio-console does, and the UART keeps only its output */
    bool rng;            /* add a virtio-rng fed from the host's getrandom() */
    struct vm_disk disks[VM_VIRTIO_SLOTS]; /* --disk, in command-line order */
    unsigned ndisks;
    struct vm_net nets[VM_VIRTIO_SLOTS]; /* --net, in command-line order */
    unsigned nnets;
};

#define VM_DEFAULT_MEM (128ull << 20)
#define VM_DEFAULT_JIT_THRESHOLD 32

struct vm;

/* Returns 0 or -errno; on a configuration error prints one line saying what is wrong. */
int vm_create(const struct vm_config *config, struct vm **out);
/* Runs until the guest powers off; returns the guest's exit status. */
int vm_run(struct vm *vm);
void vm_print_stats(struct vm *vm);
void vm_destroy(struct vm *vm);

#endif
