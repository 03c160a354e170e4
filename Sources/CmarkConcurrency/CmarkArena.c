// A per-thread arena for cmark-gfm's allocations.
//
// A page's parser, tree, extension data and HTML live exactly as long as one render call, yet
// cmark allocates each node, string and list cell with calloc and frees them one by one, walking
// the tree again: a fifth of a page's cost. Here everything comes from blocks owned by the calling
// thread and is released at once when the render call rewinds to where it started.

#include "CmarkConcurrency.h"

#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// Under AddressSanitizer (Tests/fuzz.sh), memory handed out is unpoisoned and rewound memory poisoned
// again, so a read of a page's cmark memory after its rewind is caught as it would be after free().
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(ARENA_ASAN)
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(start, size) ASAN_POISON_MEMORY_REGION(start, size)
#define ARENA_UNPOISON(start, size) ASAN_UNPOISON_MEMORY_REGION(start, size)
#endif
#ifndef ARENA_POISON
#define ARENA_POISON(start, size) ((void)(start), (void)(size))
#define ARENA_UNPOISON(start, size) ((void)(start), (void)(size))
#endif

enum { block_size = 128 * 1024, alignment = 16, header = 16 };

typedef struct block {
  struct block *next;
  size_t capacity;
  size_t used;
  alignas(16) unsigned char data[];
} block;

typedef struct {
  block *first;
  block *current;
} arena;

static _Thread_local arena local;
static pthread_key_t release_key;
static pthread_once_t release_once = PTHREAD_ONCE_INIT;

// Blocks go back to the system when their thread ends.
static void release(void *value) {
  arena *owner = value;
  for (block *b = owner->first, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  owner->first = owner->current = NULL;
}

static void make_release_key(void) { pthread_key_create(&release_key, release); }

static _Noreturn void out_of_memory(void) {
  // cmark's own allocator aborts the same way.
  abort();
}

// Room for a new block, or for an allocation larger than a block; the rare path.
static __attribute__((noinline)) void *arena_allocate_slow(size_t size) {
  if (size > SIZE_MAX - header - alignment)
    out_of_memory();
  size_t needed = (size + header + alignment - 1) & ~(size_t)(alignment - 1);
  block *b = local.current;
  while (b == NULL || b->used + needed > b->capacity) {
    if (b && b->next) {  // blocks after the current one are free
      b = b->next;
      b->used = 0;
      continue;
    }
    size_t capacity = needed > block_size ? needed : block_size;
    block *fresh = malloc(sizeof(block) + capacity);
    if (fresh == NULL)
      out_of_memory();
    fresh->next = NULL;
    fresh->capacity = capacity;
    fresh->used = 0;
    ARENA_POISON(fresh->data, capacity);
    if (b)
      b->next = fresh;
    else {
      local.first = fresh;
      pthread_once(&release_once, make_release_key);
      pthread_setspecific(release_key, &local);
    }
    b = fresh;
  }
  local.current = b;
  unsigned char *start = b->data + b->used;
  b->used += needed;
  ARENA_UNPOISON(start, header + size);
  *(size_t *)start = size;
  return start + header;
}

// cmark allocates hundreds of times a page, nearly all of it small and into the current block.
static inline void *arena_allocate(size_t size) {
  block *b = local.current;
  if (__builtin_expect(b != NULL && size <= block_size, 1)) {  // no overflow below
    size_t needed = (size + header + alignment - 1) & ~(size_t)(alignment - 1);
    if (__builtin_expect(needed <= b->capacity - b->used, 1)) {
      unsigned char *start = b->data + b->used;
      b->used += needed;
      ARENA_UNPOISON(start, header + size);
      *(size_t *)start = size;
      return start + header;
    }
  }
  return arena_allocate_slow(size);
}

static void *arena_calloc(size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total))  // not a division: this runs for most allocations
    out_of_memory();
  void *memory = arena_allocate(total);
  memset(memory, 0, total);
  return memory;
}

static void *arena_realloc(void *pointer, size_t size) {
  if (pointer == NULL)
    return arena_allocate(size);
  unsigned char *start = (unsigned char *)pointer - header;
  size_t old = *(size_t *)start;
  if (size <= old)
    return pointer;
  block *b = local.current;
  size_t old_needed = (old + header + alignment - 1) & ~(size_t)(alignment - 1);
  size_t new_needed = (size + header + alignment - 1) & ~(size_t)(alignment - 1);
  // The last allocation of the block grows in place: cmark's buffers grow one after another.
  if (b && start + old_needed == b->data + b->used && b->used - old_needed + new_needed <= b->capacity) {
    b->used = b->used - old_needed + new_needed;
    ARENA_UNPOISON(start, header + size);
    *(size_t *)start = size;
    return pointer;
  }
  void *moved = arena_allocate(size);
  memcpy(moved, pointer, old);
  return moved;
}

static void arena_free(void *pointer) { (void)pointer; }  // released by the rewind

static cmark_mem arena_memory = {arena_calloc, arena_realloc, arena_free};

cmark_mem *sitegen_cmark_arena(void) { return &arena_memory; }

sitegen_arena_mark sitegen_cmark_arena_mark(void) {
  sitegen_arena_mark mark = {local.current, local.current ? local.current->used : 0};
  return mark;
}

void sitegen_cmark_arena_rewind(sitegen_arena_mark mark) {
  block *kept = mark.block ? mark.block : local.first;
  if (kept == NULL)
    return;
  size_t used = mark.block ? mark.used : 0;
  // Everything after the mark is released: in its block, and in every block after it.
  ARENA_POISON(kept->data + used, kept->capacity - used);
  for (block *b = kept->next; b; b = b->next)
    ARENA_POISON(b->data, b->capacity);
  local.current = kept;
  kept->used = used;
}
