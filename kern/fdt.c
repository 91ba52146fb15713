/*
 * Flattened device tree reader, run at boot before there is a console.
 *
 * A DTB is a header, a structure block of big-endian 32-bit tokens
 * (BEGIN_NODE name, PROP len nameoff value, END_NODE, NOP, END) and a
 * block of NUL-terminated property names.  We walk the structure block
 * once, keeping a small stack of per-node state; every read is checked
 * against the block bounds, and every token advances the offset, so a
 * corrupt blob ends the walk instead of looping or reading past the end.
 * Bounds are checked against the header's totalsize, which is trusted.
 */

#include <inc/types.h>
#include <inc/string.h>
#include <inc/error.h>
#include <kern/fdt.h>

#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

/* Header: ten big-endian 32-bit fields (byte offsets). */
#define HDR_MAGIC		0
#define HDR_TOTALSIZE		4
#define HDR_OFF_STRUCT		8
#define HDR_OFF_STRINGS		12
#define HDR_VERSION		20
#define HDR_LAST_COMP		24
#define HDR_SIZE_STRINGS	32
#define HDR_SIZE_STRUCT		36	// version 17 and later
#define HDR_SIZE		40

/* Nodes nested deeper than this are skipped (real trees use about 5 levels). */
#define MAXDEPTH	16

enum { N_OTHER, N_MEMORY, N_CPUS, N_CHOSEN };

struct node {
	int kind;			// what a depth-1 node is, by name
	uint32_t addr_cells;		// #address-cells for this node's children
	uint32_t size_cells;		// #size-cells for this node's children
	bool done;			// properties already acted on
	bool is_memory, is_cpu, is_uart, is_finisher;
	bool has_reg, has_tb;
	bool disabled;			// status = "disabled"
	uint64_t reg_addr, reg_size;	// first reg entry
	uint64_t tb;			// timebase-frequency
};

struct walk {
	const uint8_t *strings;
	uint64_t strings_size;
	struct fdt_info *info;
	struct node nodes[MAXDEPTH];
	bool mem_found, uart_found, finisher_found;
	uint64_t cpu_tb;		// timebase-frequency found in a cpu node
};

/* Bytewise so an unaligned blob cannot fault. */
static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* An n-cell number; more than 2 cells keeps the low 64 bits. */
static uint64_t
readcells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

/* Whether the property value is the string lit (with or without its NUL). */
static bool
val_is(const uint8_t *val, uint64_t len, const char *lit)
{
	size_t n = strlen(lit);

	return strnlen((const char *)val, len) == n && memcmp(val, lit, n) == 0;
}

/* Whether a string-list property (e.g. compatible) contains lit. */
static bool
list_has(const uint8_t *val, uint64_t len, const char *lit)
{
	uint64_t i, n;

	for (i = 0; i < len; i += n + 1) {
		n = strnlen((const char *)val + i, len - i);
		if (val_is(val + i, n, lit))
			return true;
	}
	return false;
}

/* Property name at nameoff in the strings block, or NULL if out of bounds. */
static const char *
propname(struct walk *w, uint32_t nameoff)
{
	const uint8_t *p, *end = w->strings + w->strings_size;

	if (nameoff >= w->strings_size)
		return NULL;
	p = w->strings + nameoff;
	if (memfind(p, 0, end - p) == end)
		return NULL;
	return (const char *)p;
}

static void
node_init(struct node *n, int depth, const char *name)
{
	memset(n, 0, sizeof(*n));
	// Defaults from the devicetree spec when the properties are absent.
	n->addr_cells = 2;
	n->size_cells = 1;
	n->kind = N_OTHER;
	if (depth == 1) {
		if (strcmp(name, "memory") == 0 || strncmp(name, "memory@", 7) == 0)
			n->kind = N_MEMORY;
		else if (strcmp(name, "cpus") == 0)
			n->kind = N_CPUS;
		else if (strcmp(name, "chosen") == 0)
			n->kind = N_CHOSEN;
	}
}

/* Record one property of the node at depth d (d < MAXDEPTH; 0 is the root). */
static void
node_prop(struct walk *w, int d, const char *name, const uint8_t *val, uint64_t len)
{
	struct node *n = &w->nodes[d];
	uint64_t ac, sc, blen;

	if (strcmp(name, "#address-cells") == 0 && len >= 4) {
		n->addr_cells = be32(val);
	} else if (strcmp(name, "#size-cells") == 0 && len >= 4) {
		n->size_cells = be32(val);
	} else if (strcmp(name, "device_type") == 0) {
		n->is_memory = val_is(val, len, "memory");
		n->is_cpu = val_is(val, len, "cpu");
	} else if (strcmp(name, "compatible") == 0) {
		n->is_uart = list_has(val, len, "ns16550a");
		n->is_finisher = list_has(val, len, "sifive,test0");
	} else if (strcmp(name, "reg") == 0 && d > 0) {
		// Decoded with the parent's cell counts; (ac + sc) * 4 cannot overflow 64 bits.
		ac = w->nodes[d - 1].addr_cells;
		sc = w->nodes[d - 1].size_cells;
		blen = (ac + sc) * 4;
		if (blen > 0 && blen <= len) {
			n->has_reg = true;
			n->reg_addr = readcells(val, ac);
			n->reg_size = readcells(val + ac * 4, sc);
		}
	} else if (strcmp(name, "status") == 0) {
		n->disabled = val_is(val, len, "disabled");
	} else if (strcmp(name, "timebase-frequency") == 0 && (len == 4 || len == 8)) {
		n->has_tb = true;
		n->tb = readcells(val, len / 4);
	} else if (strcmp(name, "bootargs") == 0 && d == 1 && n->kind == N_CHOSEN) {
		len = strnlen((const char *)val, len);
		if (len > sizeof(w->info->bootargs) - 1)
			len = sizeof(w->info->bootargs) - 1;
		memcpy(w->info->bootargs, val, len);
		w->info->bootargs[len] = '\0';
	}
}

/*
 * Act on the node at depth d once its properties are complete: at its
 * first child (properties precede subnodes) or at its end.  Doing it then
 * rather than at the end keeps "first node" in document order.
 */
static void
node_done(struct walk *w, int d)
{
	struct node *n = &w->nodes[d];
	struct fdt_info *info = w->info;

	if (n->done)
		return;
	n->done = true;

	if (d == 1 && (n->kind == N_MEMORY || n->is_memory) && n->has_reg &&
	    !w->mem_found) {
		w->mem_found = true;
		info->mem_base = n->reg_addr;
		info->mem_size = n->reg_size;
	}
	if (d == 1 && n->kind == N_CPUS && n->has_tb)
		info->timebase = n->tb;
	if (d == 2 && w->nodes[1].kind == N_CPUS && n->is_cpu) {
		info->ncpus++;
		if (n->has_reg && !n->disabled && info->nharts < FDT_MAXHARTS)
			info->hartids[info->nharts++] = n->reg_addr;
		if (n->has_tb && w->cpu_tb == 0)
			w->cpu_tb = n->tb;
	}
	if (n->is_uart && n->has_reg && !w->uart_found) {
		w->uart_found = true;
		info->uart_base = n->reg_addr;
	}
	if (n->is_finisher && n->has_reg && !w->finisher_found) {
		w->finisher_found = true;
		info->finisher_base = n->reg_addr;
	}
}

int
fdt_parse(const void *fdt, struct fdt_info *info)
{
	const uint8_t *blob = fdt;
	const uint8_t *name, *val;
	struct walk w;
	uint64_t total, off, end, len, soff, ssize;
	uint32_t version, tok, nameoff;
	int depth = 0;
	const char *pname;

	if (info == NULL)
		return -E_INVAL;
	memset(info, 0, sizeof(*info));
	if (blob == NULL || be32(blob + HDR_MAGIC) != FDT_MAGIC)
		return -E_INVAL;

	total = be32(blob + HDR_TOTALSIZE);
	if (total < HDR_SIZE)
		return -E_INVAL;
	version = be32(blob + HDR_VERSION);
	// Version 16 is the oldest layout we understand; 17 only adds size_dt_struct.
	if (version < 16 || be32(blob + HDR_LAST_COMP) > 17)
		return -E_INVAL;

	off = be32(blob + HDR_OFF_STRUCT);
	end = version >= 17 ? off + be32(blob + HDR_SIZE_STRUCT) : total;
	soff = be32(blob + HDR_OFF_STRINGS);
	ssize = be32(blob + HDR_SIZE_STRINGS);
	if (off % 4 != 0 || off < HDR_SIZE || end > total || off > end ||
	    soff + ssize > total)
		return -E_INVAL;

	memset(&w, 0, sizeof(w));
	w.strings = blob + soff;
	w.strings_size = ssize;
	w.info = info;

	// Invariant: off <= end and off % 4 == 0; each token moves off forward.
	for (;;) {
		if (end - off < 4)
			return -E_INVAL;
		tok = be32(blob + off);
		off += 4;

		switch (tok) {
		case FDT_BEGIN_NODE:
			name = blob + off;
			if (memfind(name, 0, end - off) == blob + end)
				return -E_INVAL;
			off = ROUNDUP(off + strlen((const char *)name) + 1, 4);
			if (off > end)
				return -E_INVAL;
			if (depth >= 1 && depth - 1 < MAXDEPTH)
				node_done(&w, depth - 1);
			if (depth < MAXDEPTH)
				node_init(&w.nodes[depth], depth, (const char *)name);
			depth++;
			break;

		case FDT_END_NODE:
			if (depth == 0)
				return -E_INVAL;
			depth--;
			if (depth < MAXDEPTH)
				node_done(&w, depth);
			break;

		case FDT_PROP:
			if (end - off < 8 || depth == 0)
				return -E_INVAL;
			len = be32(blob + off);
			nameoff = be32(blob + off + 4);
			off += 8;
			if (len > end - off)
				return -E_INVAL;
			val = blob + off;
			off = ROUNDUP(off + len, 4);
			if (off > end)
				return -E_INVAL;
			if (depth - 1 < MAXDEPTH &&
			    (pname = propname(&w, nameoff)) != NULL)
				node_prop(&w, depth - 1, pname, val, len);
			break;

		case FDT_NOP:
			break;

		case FDT_END:
			if (info->timebase == 0)
				info->timebase = w.cpu_tb;
			return depth == 0 ? 0 : -E_INVAL;

		default:
			return -E_INVAL;
		}
	}
}
