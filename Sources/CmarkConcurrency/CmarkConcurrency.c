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
// once with the characters of every extension and left alone while parsers that attach all of
// them finish, under a shared lock: nothing writes the table, so they see exactly what a serial
// run sees. A parser with fewer extensions needs a different table: it finishes under the
// exclusive lock and the table is switched to its characters and back. If the interposition does
// not take effect (another linker, a static library), every finish takes the exclusive lock.

#define _GNU_SOURCE
#include "CmarkConcurrency.h"

#include <cmark-gfm-extension_api.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

typedef void (*manage_function)(cmark_parser *parser, int add);

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static manage_function library_manage;  // the library's own definition
static cmark_parser *reference_parser;   // every extension attached
static atomic_bool interposed;           // set when the library called the definition below
static bool frozen;                      // the table holds the reference parser's characters for good

static bool has_every_reference_extension(cmark_parser *parser) {
  for (cmark_llist *wanted = cmark_parser_get_syntax_extensions(reference_parser); wanted; wanted = wanted->next) {
    bool found = false;
    for (cmark_llist *own = cmark_parser_get_syntax_extensions(parser); own && !found; own = own->next)
      found = own->data == wanted->data;
    if (!found)
      return false;
  }
  return true;
}

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add) {
  atomic_store(&interposed, true);
  if (!frozen) {
    library_manage(parser, add);
    return;
  }
  if (has_every_reference_extension(parser))
    return;  // the frozen table is this parser's table
  // Fewer extensions: under the exclusive lock, switch the table to this parser's characters and back.
  if (add) {
    library_manage(reference_parser, 0);
    library_manage(parser, 1);
  } else {
    library_manage(parser, 0);
    library_manage(reference_parser, 1);
  }
}

bool sitegen_cmark_freeze_special_characters(cmark_parser *reference) {
  library_manage = (manage_function)dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
  if (library_manage == NULL || library_manage == cmark_manage_extensions_special_characters)
    return false;
  reference_parser = reference;
  // A finish proves the library calls this file's definition; until `frozen` it behaves as the library's.
  static const char probe[] = "~~probe~~ www.example.org\n";
  cmark_parser_feed(reference, probe, sizeof probe - 1);
  cmark_node_free(cmark_parser_finish(reference));
  if (!atomic_load(&interposed))
    return false;
  library_manage(reference, 1);
  frozen = true;
  return true;
}

cmark_node *sitegen_cmark_parser_finish(cmark_parser *parser) {
  bool shared = frozen && has_every_reference_extension(parser);
  if (shared)
    pthread_rwlock_rdlock(&table_lock);
  else
    pthread_rwlock_wrlock(&table_lock);
  cmark_node *document = cmark_parser_finish(parser);
  pthread_rwlock_unlock(&table_lock);
  return document;
}
