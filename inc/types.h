/* Fixed-width types for a freestanding kernel and user library. */
#ifndef INC_TYPES_H
#define INC_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef int64_t ssize_t;
typedef int64_t off_t;
typedef uint64_t physaddr_t;
typedef int32_t envid_t;

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Round down / up to a multiple of n (a power of two or not). */
#define ROUNDDOWN(a, n) ((__typeof__(a))((uint64_t)(a) - (uint64_t)(a) % (n)))
#define ROUNDUP(a, n) ((__typeof__(a))(ROUNDDOWN((uint64_t)(a) + (n) - 1, (n))))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
