#ifndef CMARK_CONCURRENCY_H
#define CMARK_CONCURRENCY_H

#include <cmark-gfm.h>
#include <stdbool.h>
#include <stddef.h>

/// Sets up the shared table of inline special characters for parsers that attach every extension of
/// `reference` (a parser with the extensions attached, kept for the life of the process). Call once,
/// before any concurrency. Returns true when such parsers may finish concurrently from now on; false when
/// the replacement is not reached at both of the library's call sites, or the environment variable
/// SITEGEN_CMARK_SERIAL is set (to anything but 0): then every finish is serialised.
bool sitegen_cmark_freeze_special_characters(cmark_parser *reference);

/// `cmark_parser_finish`, safe from any thread: concurrent with other parsers that attach exactly the
/// extensions of the reference parser, alone otherwise. Every finish in sitegen goes through it.
cmark_node *sitegen_cmark_parser_finish(cmark_parser *parser);

/// Whether `parser` would finish under the shared lock (the table is frozen and its extensions are exactly
/// the reference parser's).
bool sitegen_cmark_parser_finishes_concurrently(cmark_parser *parser);

/// How often the library has called the replacement, adding and removing characters: a test's proof that
/// each of the library's call sites reaches it.
void sitegen_cmark_override_calls(long *adding, long *removing);

/// An allocator for cmark whose memory belongs to the calling thread and is released only by
/// rewinding to a mark: everything allocated after the mark at once. Pass it to
/// `cmark_parser_new_with_mem`; nodes, the HTML renderer's output and `free` calls then use it, and
/// nothing from it may be used after the rewind.
cmark_mem *sitegen_cmark_arena(void);

typedef struct {
  void *block;
  size_t used;
} sitegen_arena_mark;

sitegen_arena_mark sitegen_cmark_arena_mark(void);
void sitegen_cmark_arena_rewind(sitegen_arena_mark mark);

#endif
