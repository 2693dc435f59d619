/*
 * net_option.c - parses --net SPEC (syntax in net_option.h) into a struct
 * vm_net, checking everything that can be checked without touching the host:
 * the backend name, an interface name that fits IFNAMSIZ, a switch path that
 * fits a Unix socket address, a unicast MAC, port forwards with valid IPv4
 * addresses, ports 1..65535 and a guest address inside 10.0.2.0/24. What needs
 * the host (the TAP device, the switch, binding the forwarded ports) is
 * checked when the device is created, with one line as well.
 */
#include "cli/net_option.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The user network (net_user.c): the guest address in a forward must be inside it. */
#define USER_NET 0x0a000200u /* 10.0.2.0/24 */
#define USER_MASK 0xffffff00u

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "52:54:00:12:34:56": six two-digit hex bytes; a unicast address, not all zero. */
static int parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++, s += 3) {
        int hi = hex_digit(s[0]);
        int lo = hi < 0 ? -1 : hex_digit(s[1]);
        if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
            return -1;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    if (mac[0] & 1)
        return -1; /* a multicast address: no NIC has one */
    static const uint8_t zero[6];
    return memcmp(mac, zero, 6) ? 0 : -1;
}

/* "8080" -> 1..65535 */
static int parse_port(const char *s, size_t len, uint16_t *out)
{
    char buf[8];
    if (!len || len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (buf[i] < '0' || buf[i] > '9')
            return -1;
    unsigned long v = strtoul(buf, NULL, 10);
    if (v < 1 || v > 65535)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

/* "" -> 0 (any / default), "127.0.0.1" -> host-order address */
static int parse_addr(const char *s, size_t len, uint32_t *out)
{
    char buf[INET_ADDRSTRLEN];
    if (!len) {
        *out = 0;
        return 0;
    }
    if (len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    struct in_addr a;
    if (inet_pton(AF_INET, buf, &a) != 1)
        return -1;
    *out = ntohl(a.s_addr);
    return 0;
}

/* "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT", as QEMU's hostfwd. */
static int parse_hostfwd(const char *s, struct vm_net_hostfwd *f)
{
    *f = (struct vm_net_hostfwd){ 0 };
    const char *c1 = strchr(s, ':');
    if (!c1)
        return -1;
    size_t plen = (size_t)(c1 - s);
    if (plen == 3 && !strncmp(s, "udp", 3))
        f->udp = true;
    else if (plen && !(plen == 3 && !strncmp(s, "tcp", 3)))
        return -1;
    const char *host = c1 + 1;
    const char *dash = strchr(host, '-');
    if (!dash)
        return -1;
    const char *c2 = memchr(host, ':', (size_t)(dash - host));
    if (!c2)
        return -1;
    const char *guest = dash + 1;
    const char *c3 = strchr(guest, ':');
    if (!c3 || strchr(c3 + 1, ':'))
        return -1;
    if (parse_addr(host, (size_t)(c2 - host), &f->host_addr) ||
        parse_port(c2 + 1, (size_t)(dash - c2 - 1), &f->host_port) ||
        parse_addr(guest, (size_t)(c3 - guest), &f->guest_addr) ||
        parse_port(c3 + 1, strlen(c3 + 1), &f->guest_port))
        return -1;
    return 0;
}

int net_option_parse(const char *spec, struct vm_net *net, char *err, size_t errlen)
{
    *net = (struct vm_net){ 0 };
    const char *usage = "expected user[,hostfwd=...], tap=IFNAME or switch=PATH, then "
                        "[,mac=52:54:00:xx:xx:xx]";
    const char *end = strchr(spec, ',');
    size_t len = end ? (size_t)(end - spec) : strlen(spec);

    if (len == 4 && !strncmp(spec, "user", 4)) {
        net->backend = VM_NET_USER;
    } else if (len >= 4 && !strncmp(spec, "tap=", 4)) {
        net->backend = VM_NET_TAP;
        size_t n = len - 4;
        if (!n)
            return fail(err, errlen, "--net %s: tap= needs an interface name", spec);
        if (n >= VM_NET_IFNAME_MAX)
            return fail(err, errlen, "--net %s: interface name longer than %d characters", spec,
                        VM_NET_IFNAME_MAX - 1);
        memcpy(net->ifname, spec + 4, n);
        if (strchr(net->ifname, '/') || strchr(net->ifname, ' '))
            return fail(err, errlen, "--net %s: bad interface name", spec);
    } else if (len >= 7 && !strncmp(spec, "switch=", 7)) {
        net->backend = VM_NET_SWITCH;
        size_t n = len - 7;
        if (!n)
            return fail(err, errlen, "--net %s: switch= needs the switch's directory", spec);
        if (n >= VM_NET_PATH_MAX)
            return fail(err, errlen, "--net %s: switch path longer than %d characters", spec,
                        VM_NET_PATH_MAX - 1);
        memcpy(net->path, spec + 7, n);
    } else {
        return fail(err, errlen, "--net %s: %s", spec, usage);
    }

    while (end) {
        const char *opt = end + 1;
        end = strchr(opt, ',');
        size_t olen = end ? (size_t)(end - opt) : strlen(opt);
        char buf[128];
        if (olen >= sizeof(buf))
            return fail(err, errlen, "--net: option too long: '%.40s...'", opt);
        memcpy(buf, opt, olen);
        buf[olen] = '\0';

        if (!strncmp(buf, "mac=", 4)) {
            if (parse_mac(buf + 4, net->mac))
                return fail(err, errlen, "--net: bad mac '%s' (expected a unicast address like "
                            "52:54:00:12:34:56)", buf + 4);
            net->mac_set = true;
        } else if (!strncmp(buf, "hostfwd=", 8)) {
            if (net->backend != VM_NET_USER)
                return fail(err, errlen, "--net: hostfwd is an option of user networking only");
            if (net->nhostfwd == VM_NET_MAX_HOSTFWD)
                return fail(err, errlen, "--net: more than %d hostfwd options",
                            VM_NET_MAX_HOSTFWD);
            struct vm_net_hostfwd *f = &net->hostfwd[net->nhostfwd];
            if (parse_hostfwd(buf + 8, f))
                return fail(err, errlen, "--net: bad hostfwd '%s' (expected "
                            "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT)", buf + 8);
            if (f->guest_addr && (f->guest_addr & USER_MASK) != USER_NET)
                return fail(err, errlen, "--net: hostfwd '%s': the guest address must be in "
                            "10.0.2.0/24", buf + 8);
            net->nhostfwd++;
        } else {
            return fail(err, errlen, "--net: unknown option '%s' (expected mac=%s)", buf,
                        net->backend == VM_NET_USER ? " or hostfwd=" : "");
        }
    }
    return 0;
}
