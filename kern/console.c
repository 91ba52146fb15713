/* The console: a ns16550a UART, polled (no interrupts), reached through the direct map. */
#include <kern/console.h>
#include <inc/memlayout.h>

#define UART_RBR	0	/* receive buffer (read) */
#define UART_THR	0	/* transmit holding (write) */
#define UART_IER	1	/* interrupt enable */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control */
#define UART_LSR	5	/* line status */
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20

static volatile uint8_t *uart = (volatile uint8_t *)(KERNBASE + 0x10000000);

void cons_init(uint64_t uart_pa)
{
	if (uart_pa)
		uart = (volatile uint8_t *)(KERNBASE + uart_pa);
	uart[UART_IER] = 0;		/* polled: no interrupts */
	uart[UART_LCR] = 0x03;		/* 8 data bits, no parity, 1 stop bit */
	uart[UART_FCR] = 0x05;		/* FIFOs on, transmit cleared; input typed during boot is kept */
}

void cons_putc(int c)
{
	if (c == '\n')
		cons_putc('\r');
	while (!(uart[UART_LSR] & LSR_THR_EMPTY))
		;
	uart[UART_THR] = (uint8_t)c;
}

/* The last text on the console came from an environment (sys_cputs) and ended mid-line; whose. */
static bool user_midline;
static int32_t user_line_owner;

/* Before env prints: a line another environment (on another hart) left open is ended first. */
void cons_user_line(int32_t env)
{
	if (user_midline && user_line_owner != env) {
		cons_putc('\n');
		user_midline = false;
	}
	user_line_owner = env;
}

/* A byte an environment prints. */
void cons_putc_user(int c)
{
	cons_putc(c);
	user_midline = (c != '\n');
}

/* Before the kernel speaks: end a line an environment left open, so kernel lines start a line. */
void cons_kernel_line(void)
{
	if (user_midline) {
		cons_putc('\n');
		user_midline = false;
	}
}

int cons_getc(void)
{
	if (!(uart[UART_LSR] & LSR_DATA_READY))
		return 0;
	int c = uart[UART_RBR];
	return c == '\r' ? '\n' : c;
}
