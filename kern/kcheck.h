#ifndef KERN_KCHECK_H
#define KERN_KCHECK_H

#include <inc/types.h>

#ifdef KCHECK
void kcheck(const char *when);
/* From kern/pmap.c, for the checker. */
extern uint32_t *kcheck_counts;
struct PageInfo *kcheck_free_list(void);
#else
static inline void kcheck(const char *when) { (void)when; }
#endif

#endif
