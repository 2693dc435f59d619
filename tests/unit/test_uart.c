/*
 * test_uart.c - the 16550A UART through the bus, with its interrupt line seen
 * by a fake interrupt controller, and its input coming through the real stdio
 * backend: the test puts a pipe on stdin before any UART exists, so bytes it
 * writes there travel the reader thread, the throttle and the receive FIFO as
 * a user's keystrokes would. Transmitted bytes are caught by pointing stdout at
 * a pipe for the duration of a write.
 *
 * The terminal tests come first and fork: each child makes a pseudo-terminal its
 * controlling terminal and stdin before it creates a UART, which starts the
 * backend (raw mode, escapes) in the child. They must run before this process
 * creates any UART, because the backend starts once per process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <libfdt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "backends/chr.h"
#include "core/machine.h"
#include "device_harness.h"

#define UART_BASE 0x10000000ull
#define UART_IRQ 10

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

static const struct board_region test_map[] = {
    { "uart0", UART_BASE, 0x100, UART_IRQ },
};

static int stdin_writer = -1; /* the test's end of the pipe on stdin */

static bool irq(void)
{
    return irq_is_high(UART_IRQ);
}

static int group_setup(void **state)
{
    int fds[2];
    if (pipe(fds) || dup2(fds[0], STDIN_FILENO) < 0)
        return -1;
    close(fds[0]);
    stdin_writer = fds[1];
    return 0;
}

static int setup(void **state)
{
    return harness_setup(test_map, 1, true);
}

static uint8_t rd(unsigned reg)
{
    return (uint8_t)mmio_read(UART_BASE + reg, 1);
}

static void wr(unsigned reg, uint8_t v)
{
    mmio_write(UART_BASE + reg, 1, v);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

/* Waits up to 2 s for LSR.DR; returns whether it came. */
static bool wait_for_data(void)
{
    for (int i = 0; i < 2000; i++) {
        if (rd(LSR) & 0x01)
            return true;
        sleep_ms(1);
    }
    return false;
}

static void type(const char *s)
{
    assert_int_equal(write(stdin_writer, s, strlen(s)), (ssize_t)strlen(s));
}

/* Writes `s` to THR with stdout on a pipe; returns what came out, NUL-terminated. */
static void transmit_capture(const char *s, char *out, size_t outlen)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fds[1], STDOUT_FILENO) >= 0);
    for (const char *p = s; *p; p++)
        wr(THR, (uint8_t)*p);
    assert_true(dup2(saved, STDOUT_FILENO) >= 0);
    close(saved);
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    ssize_t n = read(fds[0], out, outlen - 1);
    out[n > 0 ? n : 0] = '\0';
    close(fds[0]);
}

/* ---- The terminal: raw mode, escapes and restoring the terminal, on a pty. ---- */

enum child_mode { CHILD_DEFAULT_QUIT, CHILD_QUIT_HANDLER };

static volatile int child_quit_requested;

static void child_quit(void *opaque)
{
    child_quit_requested = 1;
}

static uint8_t child_rd(unsigned reg)
{
    uint64_t v = 0;
    bus_read(&m.bus, UART_BASE + reg, 1, &v);
    return (uint8_t)v;
}

/* The child: the pty becomes its terminal, then a "guest" echoes each received
 * byte back as <hh> through the UART. Never returns. */
static void pty_child(const char *slave_name, enum child_mode mode)
{
    setsid();
    int fd = open(slave_name, O_RDWR);
    if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
        _exit(100);
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO)
        close(fd);
    if (mode == CHILD_QUIT_HANDLER)
        chr_stdio_set_quit_handler(child_quit, NULL);
    if (setup(NULL))
        _exit(101);
    for (;;) {
        if (child_quit_requested) {
            machine_destroy(&m);
            exit(3);
        }
        if (child_rd(LSR) & 0x01) {
            char s[8];
            snprintf(s, sizeof(s), "<%02x>", child_rd(RBR));
            for (char *p = s; *p; p++)
                bus_write(&m.bus, UART_BASE + THR, 1, (uint8_t)*p);
        } else {
            nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
        }
    }
}

struct pty_run {
    pid_t pid;
    int master, slave;
    struct termios original;
    char out[4096];
    size_t outlen;
};

static void sleep_ms(long ms);

static bool terminal_is_raw(int fd)
{
    struct termios t;
    return !tcgetattr(fd, &t) && !(t.c_lflag & (ICANON | ECHO | ISIG)) && !(t.c_iflag & ICRNL);
}

static bool terminal_is_original(const struct pty_run *r)
{
    struct termios t;
    return !tcgetattr(r->slave, &t) && t.c_lflag == r->original.c_lflag &&
           t.c_iflag == r->original.c_iflag && t.c_oflag == r->original.c_oflag &&
           t.c_cflag == r->original.c_cflag;
}

static void pty_start(struct pty_run *r, enum child_mode mode)
{
    memset(r, 0, sizeof(*r));
    r->master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(r->master >= 0);
    assert_int_equal(grantpt(r->master), 0);
    assert_int_equal(unlockpt(r->master), 0);
    const char *name = ptsname(r->master);
    assert_non_null(name);
    r->slave = open(name, O_RDWR | O_NOCTTY); /* ours, to watch the child's terminal settings */
    assert_true(r->slave >= 0);
    assert_int_equal(tcgetattr(r->slave, &r->original), 0);
    assert_true(r->original.c_lflag & ICANON); /* a fresh pty is cooked */
    fflush(NULL);
    r->pid = fork();
    assert_true(r->pid >= 0);
    if (r->pid == 0) {
        close(r->master);
        pty_child(name, mode);
    }
    fcntl(r->master, F_SETFL, O_NONBLOCK);
    bool raw = false;
    for (int i = 0; i < 2000 && !raw; i++, sleep_ms(1))
        raw = terminal_is_raw(r->slave);
    assert_true(raw); /* the backend put the terminal in raw mode */
}

/* Reads the child's output until `want` appears (true) or 2 s pass (false). */
static bool pty_expect(struct pty_run *r, const char *want)
{
    for (int i = 0; i < 2000; i++) {
        ssize_t n = read(r->master, r->out + r->outlen, sizeof(r->out) - 1 - r->outlen);
        if (n > 0) {
            r->outlen += (size_t)n;
            r->out[r->outlen] = '\0';
        }
        if (strstr(r->out, want))
            return true;
        sleep_ms(1);
    }
    return false;
}

static void pty_send(struct pty_run *r, const char *s)
{
    assert_int_equal(write(r->master, s, strlen(s)), (ssize_t)strlen(s));
}

static int pty_wait(struct pty_run *r)
{
    int status = -1;
    for (int i = 0; i < 5000; i++, sleep_ms(1))
        if (waitpid(r->pid, &status, WNOHANG) == r->pid)
            return status;
    kill(r->pid, SIGKILL);
    waitpid(r->pid, &status, 0);
    return -1;
}

static void pty_finish(struct pty_run *r)
{
    close(r->master);
    close(r->slave);
}

static void test_terminal_escapes_and_quit(void **state)
{
    struct pty_run r;
    pty_start(&r, CHILD_DEFAULT_QUIT);

    pty_send(&r, "a\r");
    assert_true(pty_expect(&r, "<61><0d>")); /* raw: CR is not turned into LF */
    pty_send(&r, "\x01\x01"); /* C-a C-a: one C-a to the guest */
    assert_true(pty_expect(&r, "<01>"));
    pty_send(&r, "\x01h");
    assert_true(pty_expect(&r, "C-a x"));
    pty_send(&r, "\x01zb"); /* unknown command: dropped */
    assert_true(pty_expect(&r, "<62>"));
    assert_null(strstr(r.out, "<7a>"));
    assert_null(strstr(r.out, "<68>"));

    pty_send(&r, "\x01x");
    assert_true(pty_expect(&r, "rvmm: terminated"));
    int status = pty_wait(&r);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0); /* no quit handler: exit(0), as QEMU */
    assert_true(terminal_is_original(&r));
    pty_finish(&r);
}

static void test_terminal_quit_handler(void **state)
{
    struct pty_run r;
    pty_start(&r, CHILD_QUIT_HANDLER);
    pty_send(&r, "\x01");
    sleep_ms(20);
    pty_send(&r, "x"); /* the escape spans two reads */
    assert_true(pty_expect(&r, "rvmm: terminated"));
    int status = pty_wait(&r);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3); /* the handler ran; the child chose its status */
    assert_true(terminal_is_original(&r));
    pty_finish(&r);
}

static void test_terminal_restored_on_fatal_signals(void **state)
{
    const int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGABRT };
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct pty_run r;
        pty_start(&r, CHILD_DEFAULT_QUIT);
        kill(r.pid, sigs[i]);
        int status = pty_wait(&r);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), sigs[i]); /* the signal still ends the process */
        assert_true(terminal_is_original(&r));
        pty_finish(&r);
    }
}

static void test_reset_state(void **state)
{
    assert_int_equal(rd(LSR), 0x60); /* THRE | TEMT, no data */
    assert_int_equal(rd(IIR), 0x01); /* no interrupt, FIFOs off */
    assert_int_equal(rd(IER), 0);
    assert_int_equal(rd(LCR), 0);
    assert_int_equal(rd(MCR), 0);
    assert_int_equal(rd(MSR), 0xb0); /* DCD, DSR, CTS */
    assert_int_equal(rd(RBR), 0);
    assert_false(irq());
}

static void test_scratch_divisor_and_ier_mask(void **state)
{
    wr(SCR, 0x5a);
    assert_int_equal(rd(SCR), 0x5a);
    wr(IER, 0xff);
    assert_int_equal(rd(IER), 0x0f); /* the top four bits are always 0 */
    wr(IER, 0);

    wr(LCR, 0x83); /* DLAB, 8N1 */
    wr(DLL, 0x0c);
    wr(DLM, 0x01);
    assert_int_equal(rd(DLL), 0x0c);
    assert_int_equal(rd(DLM), 0x01);
    wr(LCR, 0x03);
    assert_int_equal(rd(LCR), 0x03);
    assert_int_equal(rd(IER), 0); /* DLM writes did not land in IER */
    assert_false(irq());
}

static void test_transmit_reaches_stdout(void **state)
{
    char out[64];
    transmit_capture("hi\n", out, sizeof(out));
    assert_string_equal(out, "hi\n");
    assert_int_equal(rd(LSR) & 0x60, 0x60); /* the transmitter is empty again at once */

    wr(LCR, 0x80); /* with DLAB, offset 0 is DLL: nothing is sent */
    transmit_capture("x", out, sizeof(out));
    assert_string_equal(out, "");
    wr(LCR, 0x03);

    wr(MCR, 0x10); /* loopback: bytes go to our own receiver, not out */
    transmit_capture("y", out, sizeof(out));
    assert_string_equal(out, "");
    assert_int_equal(rd(RBR), 'y');
}

static void test_thre_interrupt_rules(void **state)
{
    char out[8];

    wr(IER, 0x02); /* raising ETBEI while THR is empty: THRE pending */
    assert_true(irq());
    assert_int_equal(rd(IIR), 0x02);
    assert_int_equal(rd(IIR), 0x01); /* the first read, reporting THRE, cleared it */
    assert_false(irq());

    wr(IER, 0x02); /* no rising edge: nothing new */
    assert_false(irq());
    assert_int_equal(rd(IIR), 0x01);

    transmit_capture("a", out, sizeof(out)); /* writing THR: cleared, then empty again */
    assert_true(irq());
    assert_int_equal(rd(IIR), 0x02);
    assert_false(irq());

    transmit_capture("b", out, sizeof(out));
    assert_true(irq());
    wr(IER, 0x00); /* masking lowers the line */
    assert_false(irq());
    assert_int_equal(rd(IIR), 0x01);
    wr(IER, 0x02); /* and a new rising edge makes it pending again */
    assert_true(irq());

    machine_reset_devices(&m);
    assert_false(irq());
    assert_int_equal(rd(IER), 0);
}

static void test_receive_from_stdin(void **state)
{
    wr(IER, 0x01); /* ERBFI */
    type("A");
    assert_true(wait_for_data());
    assert_true(irq()); /* raised from the reader thread */
    assert_int_equal(rd(IIR), 0x04); /* FIFOs off: received data available */
    assert_int_equal(rd(LSR), 0x61);
    assert_int_equal(rd(RBR), 'A');
    assert_int_equal(rd(LSR), 0x60);
    assert_int_equal(rd(IIR), 0x01);
    assert_false(irq());

    /* FIFOs off: one byte at a time, the rest waits in the backend, none lost. */
    type("bcdef");
    for (const char *p = "bcdef"; *p; p++) {
        assert_true(wait_for_data());
        sleep_ms(5); /* time for the backend to overrun us, if it would */
        uint8_t lsr = rd(LSR);
        assert_int_equal(lsr & 0x02, 0); /* no overrun */
        assert_int_equal(rd(RBR), *p);
    }
    sleep_ms(20);
    assert_int_equal(rd(LSR) & 0x01, 0);
}

static void test_fifo_holds_sixteen_and_input_is_throttled(void **state)
{
    const char *msg = "0123456789abcdefghijklmnopqrstuvwxyzABCD"; /* 40 bytes */
    wr(FCR, 0x01); /* FIFOs on, trigger level 1 */
    assert_int_equal(rd(IIR) & 0xc0, 0xc0);
    wr(IER, 0x01);
    type(msg);
    assert_true(wait_for_data());
    sleep_ms(100); /* let the backend push as much as it will */
    assert_int_equal(rd(IIR), 0xc4);
    for (const char *p = msg; *p; p++) {
        assert_true(wait_for_data());
        assert_int_equal(rd(LSR) & 0x02, 0); /* never overrun */
        assert_int_equal(rd(RBR), *p);
    }
    sleep_ms(20);
    assert_int_equal(rd(LSR), 0x60);
    assert_false(irq());
}

static void test_rx_trigger_level_and_timeout(void **state)
{
    wr(FCR, 0xc1); /* trigger level 14 */
    wr(IER, 0x01);
    type("xyz");
    assert_true(wait_for_data());
    assert_true(irq());
    assert_int_equal(rd(IIR), 0xcc); /* below the trigger level: character timeout */
    for (int i = 0; i < 3; i++) {
        assert_true(wait_for_data());
        assert_int_equal(rd(RBR), "xyz"[i]);
    }
    assert_false(irq());

    wr(FCR, 0x41); /* trigger level 4 */
    type("0123456789");
    bool reached = false;
    for (int i = 0; i < 2000 && !reached; i++, sleep_ms(1))
        reached = rd(IIR) == 0xc4;
    assert_true(reached);
    wr(FCR, 0x43); /* RX FIFO reset: the FIFO empties (more may arrive from the backend) */
    for (int i = 0; i < 200; i++, sleep_ms(1))
        while (rd(LSR) & 0x01)
            rd(RBR);
}

static void test_loopback_overrun_and_line_status(void **state)
{
    wr(MCR, 0x10);
    wr(IER, 0x05); /* ELSI | ERBFI */
    wr(THR, 'a');
    assert_int_equal(rd(IIR), 0x04);
    wr(THR, 'b'); /* FIFOs off: the holding register is full */
    assert_true(irq());
    assert_int_equal(rd(IIR), 0x06); /* line status outranks received data */
    assert_int_equal(rd(LSR), 0x63); /* DR | OE | THRE | TEMT */
    assert_int_equal(rd(LSR), 0x61); /* OE clears when read */
    assert_int_equal(rd(IIR), 0x04);
    assert_int_equal(rd(RBR), 'a'); /* the overrunning byte was lost */
    assert_int_equal(rd(LSR), 0x60);
    assert_false(irq());

    wr(FCR, 0x01);
    for (int i = 0; i < 17; i++)
        wr(THR, (uint8_t)('A' + i));
    assert_int_equal(rd(LSR), 0x63);
    for (int i = 0; i < 16; i++)
        assert_int_equal(rd(RBR), 'A' + i);
    assert_int_equal(rd(LSR), 0x60);

    /* FCR: RX reset, and toggling the FIFO enable, both empty the FIFO. */
    wr(THR, '1');
    wr(THR, '2');
    wr(FCR, 0x03);
    assert_int_equal(rd(LSR) & 0x01, 0);
    wr(THR, '3');
    wr(FCR, 0x00);
    assert_int_equal(rd(LSR) & 0x01, 0);
    assert_int_equal(rd(IIR), 0x01);
}

static void test_loopback_holds_line_input(void **state)
{
    wr(MCR, 0x10);
    type("z");
    sleep_ms(50);
    assert_int_equal(rd(LSR) & 0x01, 0); /* the receiver is disconnected from the line */
    wr(MCR, 0x00);
    assert_true(wait_for_data());
    assert_int_equal(rd(RBR), 'z');
}

static void test_modem_status(void **state)
{
    wr(IER, 0x08); /* EDSSI */
    assert_false(irq());
    wr(MCR, 0x10 | 0x03); /* loopback with DTR, RTS: DCD drops */
    assert_true(irq());
    assert_int_equal(rd(IIR), 0x00);
    assert_int_equal(rd(MSR), 0x30 | 0x08); /* CTS, DSR; delta DCD */
    assert_int_equal(rd(MSR), 0x30);
    assert_false(irq());
    wr(MCR, 0x10 | 0x04); /* OUT1 = RI on; RTS and DTR off */
    assert_int_equal(rd(MSR), 0x40 | 0x03);
    wr(MCR, 0x10); /* RI trailing edge */
    assert_int_equal(rd(MSR), 0x04);
    wr(MCR, 0x00); /* out of loopback: the fixed lines again */
    assert_int_equal(rd(MSR), 0xb0 | 0x0b);
    assert_false(irq());
}

static void test_iir_priority_and_irq_changes(void **state)
{
    wr(MCR, 0x10);
    wr(IER, 0x03); /* ERBFI | ETBEI: THRE pending */
    assert_true(irq());
    wr(THR, 'q'); /* now both: data available and THRE */
    assert_int_equal(rd(IIR), 0x04);
    assert_int_equal(rd(RBR), 'q');
    assert_int_equal(rd(IIR), 0x02);
    assert_int_equal(rd(IIR), 0x01);
    assert_false(irq());
    /* The line was driven only when it changed: up, (THR write keeps it up), down. */
    assert_int_equal(irq_changes, 2);
}

static void test_fdt_node(void **state)
{
    static uint8_t fdt[4096];
    m.phandles.plic = 7;
    assert_int_equal(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
    assert_true(fdt_add_subnode(fdt, 0, "soc") >= 0);
    assert_int_equal(m.ndevices, 1);
    assert_int_equal(m.devices[0].fdt_node(m.devices[0].opaque, &m, fdt), 0);
    int node = fdt_path_offset(fdt, "/soc/serial@10000000");
    assert_true(node >= 0);
    assert_int_equal(fdt_node_check_compatible(fdt, node, "ns16550a"), 0);
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, "clock-frequency", &len);
    assert_non_null(p);
    assert_int_equal(fdt32_to_cpu(*p), 3686400);
    p = fdt_getprop(fdt, node, "interrupts", &len);
    assert_non_null(p);
    assert_int_equal(fdt32_to_cpu(*p), UART_IRQ);
    p = fdt_getprop(fdt, node, "interrupt-parent", &len);
    assert_non_null(p);
    assert_int_equal(fdt32_to_cpu(*p), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* First: they fork before this process starts the backend (see the top). */
        cmocka_unit_test(test_terminal_escapes_and_quit),
        cmocka_unit_test(test_terminal_quit_handler),
        cmocka_unit_test(test_terminal_restored_on_fatal_signals),
        cmocka_unit_test_setup_teardown(test_reset_state, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_scratch_divisor_and_ier_mask, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_transmit_reaches_stdout, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_thre_interrupt_rules, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_receive_from_stdin, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_fifo_holds_sixteen_and_input_is_throttled, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_rx_trigger_level_and_timeout, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_loopback_overrun_and_line_status, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_loopback_holds_line_input, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_modem_status, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_iir_priority_and_irq_changes, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_fdt_node, setup, harness_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
