// Checks cmark's per-thread arena (Sources/CmarkConcurrency/CmarkArena.c) under AddressSanitizer:
// `valid` uses it as MarkdownRenderer does (nested marks, growing buffers, large blocks) and must run
// clean; `after-rewind` reads memory released by a rewind and must be reported.
#include "CmarkConcurrency.h"
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  cmark_mem *mem = sitegen_cmark_arena();
  if (argc > 1 && strcmp(argv[1], "after-rewind") == 0) {
    sitegen_arena_mark mark = sitegen_cmark_arena_mark();
    char *text = mem->calloc(1, 100);
    text[5] = 'x';
    sitegen_cmark_arena_rewind(mark);
    printf("%c\n", text[5]);  // released: AddressSanitizer stops here
    return 0;
  }
  for (int page = 0; page < 1000; page++) {
    sitegen_arena_mark outer = sitegen_cmark_arena_mark();
    char *buffer = NULL;
    for (size_t size = 16; size <= 64 * 1024; size *= 2) {  // a buffer growing like cmark's strbuf
      buffer = mem->realloc(buffer, size);
      memset(buffer, 'a', size);
    }
    char *zeroed = mem->calloc(300, 1000);  // larger than a block
    for (int i = 0; i < 300000; i++)
      if (zeroed[i] != 0) return 1;
    sitegen_arena_mark inner = sitegen_cmark_arena_mark();
    char *heading = mem->calloc(1, 64);
    heading[63] = 'h';
    sitegen_cmark_arena_rewind(inner);
    if (buffer[64 * 1024 - 1] != 'a') return 1;  // still held by the outer mark
    mem->free(buffer);
    sitegen_cmark_arena_rewind(outer);
  }
  puts("arena: valid use ran clean");
  return 0;
}
