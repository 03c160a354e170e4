// Concurrent cmark_parser_finish for cmark-gfm.
//
// The inline parser keeps a process-global table of special characters (inlines.c). Every
// cmark_parser_finish adds the characters of the parser's inline extensions (`~`, `:`, `w`) to it
// before parsing inlines and removes them afterwards, through the exported function
// cmark_manage_extensions_special_characters, called through the library's PLT. Two threads
// finishing at once therefore lose strikethrough and autolinks.
//
// This file defines that function in the executable, which takes precedence over the library's
// (ELF symbol interposition; the executable exports it, see Package.swift). The table is filled
// once with the characters of every extension and left alone while parsers that attach exactly
// those extensions finish, under a shared lock: nothing writes the table, so they see exactly what
// a serial run sees. A parser with other extensions needs a different table: it finishes under the
// exclusive lock and the table is switched to its characters and back. If the interposition does
// not take effect (another linker, a static library), or SITEGEN_CMARK_SERIAL is set, every finish
// takes the exclusive lock.

#define _GNU_SOURCE
#include "CmarkConcurrency.h"

#include <cmark-gfm-extension_api.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*manage_function)(cmark_parser *parser, int add);

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static manage_function library_manage;  // the library's own definition
static cmark_parser *reference_parser;   // every extension attached
static atomic_long calls_adding;         // calls that reached the definition below, by kind
static atomic_long calls_removing;
static bool frozen;                      // the table holds the reference parser's characters for good

static void find_library_manage(void) {
  manage_function found = (manage_function)dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
  library_manage = found == cmark_manage_extensions_special_characters ? NULL : found;
}

// Whether `parser` attaches exactly the reference parser's extensions: one more (its characters are not
// in the frozen table) or one fewer (the table has characters it must not see) takes the serial path.
static bool has_reference_extensions(cmark_parser *parser) {
  size_t own_count = 0, reference_count = 0;
  for (cmark_llist *own = cmark_parser_get_syntax_extensions(parser); own; own = own->next)
    own_count++;
  for (cmark_llist *wanted = cmark_parser_get_syntax_extensions(reference_parser); wanted; wanted = wanted->next) {
    reference_count++;
    bool found = false;
    for (cmark_llist *own = cmark_parser_get_syntax_extensions(parser); own && !found; own = own->next)
      found = own->data == wanted->data;
    if (!found)
      return false;
  }
  // Every reference extension is attached; an extension attached twice is still the same set.
  if (own_count == reference_count)
    return true;
  for (cmark_llist *own = cmark_parser_get_syntax_extensions(parser); own; own = own->next) {
    bool known = false;
    for (cmark_llist *wanted = cmark_parser_get_syntax_extensions(reference_parser); wanted && !known; wanted = wanted->next)
      known = own->data == wanted->data;
    if (!known)
      return false;
  }
  return true;
}

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add) {
  atomic_fetch_add(add ? &calls_adding : &calls_removing, 1);
  // Reached before sitegen_cmark_freeze_special_characters, from any cmark call: the library's pointer is
  // found here first, so no call goes through a null pointer.
  pthread_once(&library_once, find_library_manage);
  if (library_manage == NULL) {
    fputs("sitegen: cmark-gfm's cmark_manage_extensions_special_characters cannot be found\n", stderr);
    abort();
  }
  if (!frozen) {
    library_manage(parser, add);
    return;
  }
  if (has_reference_extensions(parser))
    return;  // the frozen table is this parser's table
  // Other extensions: under the exclusive lock, switch the table to this parser's characters and back.
  if (add) {
    library_manage(reference_parser, 0);
    library_manage(parser, 1);
  } else {
    library_manage(parser, 0);
    library_manage(reference_parser, 1);
  }
}

bool sitegen_cmark_freeze_special_characters(cmark_parser *reference) {
  const char *serial = getenv("SITEGEN_CMARK_SERIAL");
  if (serial != NULL && *serial != '\0' && *serial != '0')
    return false;
  pthread_once(&library_once, find_library_manage);
  if (library_manage == NULL)
    return false;
  reference_parser = reference;
  // A finish proves the library calls this file's definition at both of its call sites, the addition
  // before inlines are parsed and the removal after; until `frozen` it behaves as the library's.
  long adding = atomic_load(&calls_adding), removing = atomic_load(&calls_removing);
  static const char probe[] = "~~probe~~ www.example.org\n";
  cmark_parser_feed(reference, probe, sizeof probe - 1);
  cmark_node_free(cmark_parser_finish(reference));
  if (atomic_load(&calls_adding) - adding != 1 || atomic_load(&calls_removing) - removing != 1)
    return false;
  library_manage(reference, 1);
  frozen = true;
  return true;
}

bool sitegen_cmark_parser_finishes_concurrently(cmark_parser *parser) {
  return frozen && has_reference_extensions(parser);
}

cmark_node *sitegen_cmark_parser_finish(cmark_parser *parser) {
  bool shared = sitegen_cmark_parser_finishes_concurrently(parser);
  if (shared)
    pthread_rwlock_rdlock(&table_lock);
  else
    pthread_rwlock_wrlock(&table_lock);
  cmark_node *document = cmark_parser_finish(parser);
  pthread_rwlock_unlock(&table_lock);
  return document;
}

void sitegen_cmark_override_calls(long *adding, long *removing) {
  *adding = atomic_load(&calls_adding);
  *removing = atomic_load(&calls_removing);
}
