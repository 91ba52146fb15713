#ifndef KERN_KDEBUG_H
#define KERN_KDEBUG_H

#include <inc/types.h>

/* Name of the kernel function containing pc and the offset into it; "?" if unknown. */
const char *ksym_lookup(uint64_t pc, uint64_t *offset);
/* Print the call chain starting from frame pointer fp. */
void backtrace(uint64_t fp);

#endif
