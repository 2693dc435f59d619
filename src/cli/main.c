/*
 * main.c - the rvmm command line: `rvmm run ...` today, with room for more
 * subcommands (snapshot, migrate, ...). Usage errors print one line and exit 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/net_option.h"
#include "cpu/hart.h"
#include "lib/log.h"
#include "rvmm/vm.h"

#define EXIT_USAGE 2
#define MIN_MEM (1ull << 20)
#define MAX_MEM (512ull << 30)

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rvmm run [options]\n"
            "       rvmm isa            print the ISA string the virtual harts implement\n"
            "       rvmm --version\n"
            "\n"
            "run options:\n"
            "  --bios FILE       M-mode program or firmware (ELF or raw binary) started at its entry\n"
            "  --kernel FILE     Linux kernel (Image or ELF); without --bios, rvmm's SBI boots it\n"
            "  --initrd FILE     initial ramdisk for the kernel\n"
            "  --append ARGS     kernel command line\n"
            "  --dump-dtb FILE   write the device tree to FILE and exit\n"
            "  --mem SIZE        guest RAM at 0x80000000, e.g. 128M, 2G (default 128M)\n"
            "  --clock MODE      host (10 MHz monotonic, default) or icount (1 tick per instruction)\n"
            "  --stats           print execution statistics at exit\n"
            "  --jit on|off      translate hot guest code to host code (default on)\n"
            "  --jit-threshold N executions of a block before it is translated (default %u)\n"
            "  --perf-map        write /tmp/perf-PID.map so perf names translated code\n"
            "  --console DEV     uart (default) or virtio: the device the terminal is connected to;\n"
            "                    with virtio the guest console is a virtio-console (Linux: hvc1)\n"
            "  --rng             add a virtio-rng device fed from the host's random source\n"
            "  --disk PATH[,format=raw|qcow2][,ro][,id=NAME]\n"
            "                    add a virtio-blk disk (repeatable; format detected if not given)\n"
            "  --net user[,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...\n"
            "  --net tap=IFNAME | switch=PATH    (each may end with ,mac=52:54:00:xx:xx:xx)\n"
            "                    add a virtio-net device (repeatable): user-mode NAT (10.0.2.0/24,\n"
            "                    DHCP), a host TAP interface, or a vde_switch's directory\n",
            VM_DEFAULT_JIT_THRESHOLD);
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "rvmm: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'rvmm --help')\n");
    return EXIT_USAGE;
}

/* "128M", "2G", "65536" (bytes), "1048576K"; returns 0 or -1. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    case '\0': break;
    default: return -1;
    }
    if (*end == 'i' || *end == 'B')
        end += (end[0] == 'i' && end[1] == 'B') ? 2 : 1;
    if (*end || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

/*
 * --disk PATH[,format=raw|qcow2][,ro][,id=NAME]: fills *d, pointing into `copy`
 * (a buffer that outlives the VM). Returns 0, or prints the problem.
 */
static int parse_disk(const char *spec, struct vm_disk *d, char *copy, size_t copy_size)
{
    if (strlen(spec) >= copy_size)
        return bad_usage("--disk %s: too long", spec);
    strcpy(copy, spec);
    *d = (struct vm_disk){ .format = VM_DISK_AUTO };
    char *save = NULL;
    char *path = strtok_r(copy, ",", &save);
    if (!path || spec[0] == ',')
        return bad_usage("--disk %s: expected PATH[,format=raw|qcow2][,ro][,id=NAME]", spec);
    d->path = path;
    for (char *opt; (opt = strtok_r(NULL, ",", &save));) {
        if (!strcmp(opt, "format=raw"))
            d->format = VM_DISK_RAW;
        else if (!strcmp(opt, "format=qcow2"))
            d->format = VM_DISK_QCOW2;
        else if (!strcmp(opt, "ro"))
            d->read_only = true;
        else if (!strncmp(opt, "id=", 3) && opt[3] && strlen(opt + 3) <= 20)
            d->id = opt + 3;
        else
            return bad_usage("--disk: bad option '%s' (expected format=raw|qcow2, ro or id=NAME "
                             "of at most 20 characters)", opt);
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    static char disk_specs[VM_VIRTIO_SLOTS][4096 + 64]; /* --disk strings, cut into fields */
    struct vm_config cfg = { .mem_size = VM_DEFAULT_MEM, .harts = 1, .clock = VM_CLOCK_HOST,
                             .jit = true, .jit_threshold = VM_DEFAULT_JIT_THRESHOLD };
    enum { OPT_BIOS = 1, OPT_MEM, OPT_CLOCK, OPT_STATS, OPT_HELP, OPT_KERNEL, OPT_INITRD,
           OPT_APPEND, OPT_DUMP_DTB, OPT_JIT, OPT_JIT_THRESHOLD, OPT_PERF_MAP, OPT_CONSOLE,
           OPT_RNG, OPT_DISK, OPT_NET };
    static const struct option options[] = {
        { "bios", required_argument, NULL, OPT_BIOS },
        { "kernel", required_argument, NULL, OPT_KERNEL },
        { "initrd", required_argument, NULL, OPT_INITRD },
        { "append", required_argument, NULL, OPT_APPEND },
        { "dump-dtb", required_argument, NULL, OPT_DUMP_DTB },
        { "mem", required_argument, NULL, OPT_MEM },
        { "clock", required_argument, NULL, OPT_CLOCK },
        { "stats", no_argument, NULL, OPT_STATS },
        { "jit", required_argument, NULL, OPT_JIT },
        { "jit-threshold", required_argument, NULL, OPT_JIT_THRESHOLD },
        { "perf-map", no_argument, NULL, OPT_PERF_MAP },
        { "console", required_argument, NULL, OPT_CONSOLE },
        { "rng", no_argument, NULL, OPT_RNG },
        { "disk", required_argument, NULL, OPT_DISK },
        { "net", required_argument, NULL, OPT_NET },
        { "help", no_argument, NULL, OPT_HELP },
        { NULL, 0, NULL, 0 },
    };

    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, "", options, NULL);
        if (c == -1)
            break;
        switch (c) {
        case OPT_BIOS: cfg.bios = optarg; break;
        case OPT_KERNEL: cfg.kernel = optarg; break;
        case OPT_INITRD: cfg.initrd = optarg; break;
        case OPT_APPEND: cfg.append = optarg; break;
        case OPT_DUMP_DTB: cfg.dump_dtb = optarg; break;
        case OPT_MEM:
            if (parse_size(optarg, &cfg.mem_size))
                return bad_usage("--mem %s: not a size (use e.g. 128M or 2G)", optarg);
            if (cfg.mem_size < MIN_MEM || cfg.mem_size > MAX_MEM || cfg.mem_size % 4096)
                return bad_usage("--mem %s: must be a multiple of 4K between 1M and 512G", optarg);
            break;
        case OPT_CLOCK:
            if (!strcmp(optarg, "host"))
                cfg.clock = VM_CLOCK_HOST;
            else if (!strcmp(optarg, "icount"))
                cfg.clock = VM_CLOCK_ICOUNT;
            else
                return bad_usage("--clock %s: expected host or icount", optarg);
            break;
        case OPT_STATS: cfg.stats = true; break;
        case OPT_JIT:
            if (!strcmp(optarg, "on"))
                cfg.jit = true;
            else if (!strcmp(optarg, "off"))
                cfg.jit = false;
            else
                return bad_usage("--jit %s: expected on or off", optarg);
            break;
        case OPT_JIT_THRESHOLD: {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || end == optarg || *end || *optarg == '-' || v < 1 || v > 1000000)
                return bad_usage("--jit-threshold %s: expected a count from 1 to 1000000", optarg);
            cfg.jit_threshold = (unsigned)v;
            break;
        }
        case OPT_PERF_MAP: cfg.perf_map = true; break;
        case OPT_CONSOLE:
            if (!strcmp(optarg, "uart"))
                cfg.console = VM_CONSOLE_UART;
            else if (!strcmp(optarg, "virtio"))
                cfg.console = VM_CONSOLE_VIRTIO;
            else
                return bad_usage("--console %s: expected uart or virtio", optarg);
            break;
        case OPT_RNG: cfg.rng = true; break;
        case OPT_DISK:
            if (cfg.ndisks == VM_VIRTIO_SLOTS)
                return bad_usage("--disk %s: too many disks", optarg);
            if (parse_disk(optarg, &cfg.disks[cfg.ndisks], disk_specs[cfg.ndisks],
                           sizeof(disk_specs[0])))
                return EXIT_USAGE;
            cfg.ndisks++;
            break;
        case OPT_NET: {
            char err[256];
            if (cfg.nnets == VM_VIRTIO_SLOTS)
                return bad_usage("--net %s: too many network devices", optarg);
            if (net_option_parse(optarg, &cfg.nets[cfg.nnets], err, sizeof(err)))
                return bad_usage("%s", err);
            cfg.nnets++;
            break;
        }
        case OPT_HELP: usage(stdout); return 0;
        default:
            return bad_usage("run: unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return bad_usage("run: unexpected argument '%s'", argv[optind]);
    if (!cfg.bios && !cfg.kernel && !cfg.dump_dtb)
        return bad_usage("run: %snothing to run: give --kernel FILE or --bios FILE", "");
    if (cfg.initrd && !cfg.kernel)
        return bad_usage("run: --initrd %s needs --kernel", cfg.initrd);
    if (cfg.append && !cfg.kernel)
        return bad_usage("run: --append needs --kernel%s", "");
    /* Every virtio device takes one of the board's slots; future ones (disks, nets) count too. */
    unsigned virtio_devices = (cfg.console == VM_CONSOLE_VIRTIO) + cfg.rng + cfg.ndisks + cfg.nnets;
    if (virtio_devices > VM_VIRTIO_SLOTS) {
        char what[64];
        snprintf(what, sizeof(what), "%u virtio devices, but the board has %u slots",
                 virtio_devices, VM_VIRTIO_SLOTS);
        return bad_usage("run: %s", what);
    }

    struct vm *vm;
    if (vm_create(&cfg, &vm))
        return EXIT_USAGE;
    if (cfg.dump_dtb) {
        vm_destroy(vm);
        return 0;
    }
    int status = vm_run(vm);
    if (cfg.stats)
        vm_print_stats(vm);
    vm_destroy(vm);
    return status;
}

int main(int argc, char **argv)
{
    log_debug_enabled = getenv("RVMM_DEBUG") != NULL;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "isa")) {
        printf("%s\n", hart_isa_string);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("rvmm 0.1\n");
        return 0;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    return bad_usage("unknown command '%s'", cmd);
}
