#ifndef CMARK_CONCURRENCY_H
#define CMARK_CONCURRENCY_H

#include <cmark-gfm.h>
#include <stdbool.h>

/// Sets up the shared table of inline special characters for parsers that attach every extension of
/// `reference` (a parser with the extensions attached, kept for the life of the process). Call once,
/// before any concurrency. Returns true when such parsers may finish concurrently from now on.
bool sitegen_cmark_freeze_special_characters(cmark_parser *reference);

/// `cmark_parser_finish`, safe from any thread: concurrent with other parsers that attach every
/// extension of the reference parser, alone otherwise.
cmark_node *sitegen_cmark_parser_finish(cmark_parser *parser);

#endif
