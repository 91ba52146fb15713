#ifndef KERN_KCHECK_H
#define KERN_KCHECK_H

#include <inc/types.h>
#include <inc/mmu.h>

struct Env;
struct PageInfo;

/* What happened to a page, for kcheck_page(). */
enum { KC_ALLOC, KC_FREE, KC_DECREF };

#ifdef KCHECK
/* The checker's own state for each page (set aside by pmap_init with boot_alloc). */
struct kcpage {
	uint32_t refs;		/* references, counted from the table entries written */
	uint32_t recount;	/* scratch for the full recount */
	uint32_t flags;		/* KCP_FREE, KCP_DIRTY, the table role... (kern/kcheck.c) */
	uint32_t n;		/* a page table: its reference entries, as pte_write recorded them */
	uint64_t sum;		/* and the sum of their hashes */
};
extern struct kcpage *kcheck_pages;
struct PageInfo *kcheck_free_list(void);	/* from kern/pmap.c */

void kcheck_init(void);
void kcheck(const char *when);
void kcheck_halt(void);
void kcheck_pte(struct Env *e, pte_t *pte, pte_t val);
void kcheck_touch(struct Env *e);
void kcheck_page(struct PageInfo *pp, int what);
void kcheck_env_born(struct Env *e);
void kcheck_env_dying(struct Env *e);
#else
static inline void kcheck_init(void) {}
static inline void kcheck(const char *when) { (void)when; }
static inline void kcheck_halt(void) {}
static inline void kcheck_pte(struct Env *e, pte_t *pte, pte_t val) { (void)e; *pte = val; }
static inline void kcheck_touch(struct Env *e) { (void)e; }
static inline void kcheck_page(struct PageInfo *pp, int what) { (void)pp; (void)what; }
static inline void kcheck_env_born(struct Env *e) { (void)e; }
static inline void kcheck_env_dying(struct Env *e) { (void)e; }
#endif

/* pte_write(), the one way to write a reference entry, is in kern/pmap.h. */

#endif
