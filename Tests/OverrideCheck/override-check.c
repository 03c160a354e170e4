// Checks the replacement of cmark_manage_extensions_special_characters (Sources/CmarkConcurrency) in each
// way it can fail. Built twice by CmarkOverrideTests: with the replacement exported, as sitegen is, and
// with its symbol made local, so that the library's calls never reach it, as another linker might leave it. Prints one line per check; exits 1 at the first that fails.
//   override-check exported|hidden
#include "CmarkConcurrency.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sample[] = "~~gone~~ and www.example.org, a|b\n";
static const char expected[] = "<p><del>gone</del> and <a href=\"http://www.example.org\">www.example.org</a>, a|b</p>\n";

static int failures;

static void check(int ok, const char *what) {
  printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  if (!ok)
    failures++;
}

static cmark_parser *parser_with(const char **names) {
  cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (; *names; names++)
    cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(*names));
  return parser;
}

// Renders `sample` with a parser of these extensions through the wrapper.
static char *render(const char **names, int *concurrent) {
  cmark_parser *parser = parser_with(names);
  cmark_parser_feed(parser, sample, strlen(sample));
  *concurrent = sitegen_cmark_parser_finishes_concurrently(parser);
  cmark_node *document = sitegen_cmark_parser_finish(parser);
  char *html = cmark_render_html(document, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
  cmark_node_free(document);
  cmark_parser_free(parser);
  return html;
}

int main(int argc, char **argv) {
  int exported = argc > 1 && strcmp(argv[1], "exported") == 0;  // else "hidden"
  cmark_gfm_core_extensions_ensure_registered();

  // Before anything is prepared: the library's own entry points must work, not call a null pointer.
  char *plain = cmark_markdown_to_html(sample, strlen(sample), CMARK_OPT_DEFAULT);
  check(strcmp(plain, "<p>~~gone~~ and www.example.org, a|b</p>\n") == 0, "cmark_markdown_to_html before the set-up");
  free(plain);
  const char *both[] = {"strikethrough", "autolink", NULL};
  int concurrent;
  char *early = render(both, &concurrent);
  check(strcmp(early, expected) == 0 && !concurrent, "cmark_parser_finish before the set-up, serial");
  free(early);

  long adding, removing;
  sitegen_cmark_override_calls(&adding, &removing);
  check(exported ? (adding == 2 && removing == 2) : (adding == 0 && removing == 0),
        exported ? "the library called the replacement at both call sites, once per finish" : "the replacement was never reached");

  // The set-up: the serial path when the variable asks for it, or when the replacement is not reached.
  cmark_parser *reference = parser_with(both);
  int frozen = sitegen_cmark_freeze_special_characters(reference);
  const char *serial = getenv("SITEGEN_CMARK_SERIAL");
  int serialAsked = serial != NULL && *serial != '\0' && *serial != '0';
  check(frozen == (exported && !serialAsked), exported && !serialAsked ? "the table is frozen" : "the table is not frozen: every finish is serial");

  // The same extensions: concurrent once frozen. Fewer or more: serial. The output is the same on every path.
  char *same = render(both, &concurrent);
  check(strcmp(same, expected) == 0 && concurrent == frozen, "the reference's extensions");
  free(same);
  const char *fewer[] = {"strikethrough", NULL};
  char *lessHTML = render(fewer, &concurrent);
  check(strcmp(lessHTML, "<p><del>gone</del> and www.example.org, a|b</p>\n") == 0 && !concurrent, "fewer extensions: serial, and no autolink");
  free(lessHTML);
  const char *more[] = {"strikethrough", "autolink", "table", NULL};
  char *moreHTML = render(more, &concurrent);
  check(strcmp(moreHTML, expected) == 0 && !concurrent, "more extensions: serial");
  free(moreHTML);
  const char *other[] = {"autolink", "table", NULL};
  char *otherHTML = render(other, &concurrent);
  check(strcmp(otherHTML, "<p>~~gone~~ and <a href=\"http://www.example.org\">www.example.org</a>, a|b</p>\n") == 0 && !concurrent,
        "other extensions: serial, and no strikethrough");
  free(otherHTML);
  char *after = render(both, &concurrent);
  check(strcmp(after, expected) == 0 && concurrent == frozen, "the reference's extensions again, after the others switched the table");
  free(after);
  return failures ? 1 : 0;
}
