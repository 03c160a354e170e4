#!/usr/bin/env python3
"""Writes a synthetic site of N pages, the same Markdown for sitegen, Hugo and the cmark-gfm command.

    python3 bench/generate.py 10000 /tmp/bench-10000
    python3 bench/generate.py --from CORPUS /tmp/bench-corpus
    python3 bench/generate.py --site-templates 10000 /tmp/bench-site PROJECT   # the project's own templates

Deterministic: the same N gives the same bytes. Each page is about 3 KB of GitHub Flavored Markdown with
YAML front matter, headings, lists, a table, strikethrough, bare www. autolinks, footnotes and links to
other pages by source path.

With --from, the pages are your own: every .md file below CORPUS (YAML front matter with a title, folders
kept) goes to both sites, other files are copied beside them, and the Markdown after the front matter goes
to the cmark-gfm command. A folder's index.md becomes _index.md for Hugo, for which an index.md would make
the folder one page and hide its other files.
"""
import os
import random
import shutil
import sys

WORDS = ("relations embassy treaty agreement visit minister delegation trade aid program coup election "
         "border security council mission ambassador consul report summit policy region capital river "
         "history culture economy growth partnership dialogue statement exchange reform").split()


def sentence(rng, links=()):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    words[0] = words[0].capitalize()
    for link in links:
        words.insert(rng.randint(1, len(words) - 1), link)
    return " ".join(words) + "."


def page(rng, index, count):
    def other():
        return rng.randrange(count)
    parts = [f"Page {index} opens with **strong words**, *emphasis*, ~~struck text~~ and www.example.org/page/{index} "
             f"as a bare link. " + sentence(rng, [f"[page {other()}](page-{other():05d}.md)"]) + "[^a]", ""]
    for section in range(1, 4):
        parts += [f"## Section {section} of page {index}", ""]
        parts += [sentence(rng) + " " + sentence(rng, [f"~~{rng.choice(WORDS)}~~", f"www.{rng.choice(WORDS)}.example.com"]) + " "
                  + sentence(rng, [f"[see page {other()}](page-{other():05d}.md#section-2-of-page-x)".replace("x", "{}")]), ""]
        parts += [f"- item {item}: " + sentence(rng) for item in range(1, 4)] + [""]
        if section == 2:
            parts += ["| Year | Event | Amount |", "|---|---|---:|"]
            parts += [f"| {1960 + rng.randrange(60)} | {rng.choice(WORDS)} | {rng.randrange(1000)} |" for _ in range(4)] + [""]
        parts += [sentence(rng) + "[^b]" if section == 3 else sentence(rng), ""]
    parts += ["[^a]: First note with www.example.net and ~~old~~ text.", "[^b]: Second note.", ""]
    text = "\n".join(parts)
    # Links to a heading need the target page's real heading id.
    out, start = [], 0
    while True:
        at = text.find("(page-", start)
        if at < 0:
            out.append(text[start:])
            break
        end = text.find(")", at)
        target = text[at + 6:at + 11]
        out.append(text[start:at] + text[at:end].replace("{}", str(int(target))) + ")")
        start = end + 1
    return "".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def skeleton(root, title):
    """Settings, the home page and minimal templates for both generators, equivalent to each other."""
    write(f"{root}/sitegen/content/site.yaml", f"title: {title}\nlanguage: en\n")
    write(f"{root}/sitegen/content/index.md", f"---\ntitle: {title}\n---\n\nA synthetic site.\n")
    write(f"{root}/sitegen/templates/base.mustache",
          "<!DOCTYPE html>\n<html lang=\"{{language}}\"><head><meta charset=\"utf-8\"><title>{{title}}</title></head>\n<body>\n{{{main}}}\n</body></html>\n")
    write(f"{root}/sitegen/templates/page.mustache", "<h1>{{page.title}}</h1>\n{{{page.body}}}\n")
    write(f"{root}/sitegen/templates/404.mustache", "<h1>Not found</h1>\n")
    write(f"{root}/hugo/config.toml",
          f'baseURL = "http://localhost/"\ntitle = "{title}"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
          '[markup.goldmark.renderer]\nunsafe = false\n')
    write(f"{root}/hugo/layouts/_default/single.html",
          "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\n<body>\n<h1>{{ .Title }}</h1>\n{{ .Content }}\n</body></html>\n")
    write(f"{root}/hugo/layouts/_default/list.html",
          "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\n<body>\n{{ .Content }}\n</body></html>\n")
    write(f"{root}/hugo/content/_index.md", f"---\ntitle: {title}\n---\n\nA synthetic site.\n")


def body_of(text):
    """The Markdown after the front matter (the whole text when there is none)."""
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---\n", 3)
    return text if end < 0 else text[end + 5:]


def from_corpus(corpus, root):
    skeleton(root, "Benchmark")
    sizes = []
    for folder, folders, files in os.walk(corpus):
        folders.sort()
        for name in sorted(files):
            source = os.path.join(folder, name)
            relative = os.path.relpath(source, corpus)
            if name.startswith("."):
                continue
            hugo_relative = os.path.join(os.path.dirname(relative), "_index.md") if name == "index.md" else relative
            for target in (f"{root}/sitegen/content/{relative}", f"{root}/hugo/content/{hugo_relative}"):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(source, target)
            if name.endswith(".md"):
                with open(source, encoding="utf-8") as f:
                    body = body_of(f.read())
                write(f"{root}/markdown/{relative[:-3].replace(os.sep, '__')}.md", body)
                sizes.append(len(body))
    if os.path.exists(f"{corpus}/site.yaml"):
        os.remove(f"{root}/hugo/content/site.yaml")
    if not sizes:
        sys.exit(f"no .md files below {corpus}")
    print(f"{len(sizes)} pages, {sum(sizes) / len(sizes):.0f} bytes of Markdown each on average")


SECTIONS = 10


def site_collections(project):
    """The project's `collections:` declarations, which its templates name (the corpus has no item in them)."""
    text = open(f"{project}/content/site.yaml", encoding="utf-8").read()
    at = text.find("\ncollections:\n")
    return text[at + 1:] if at >= 0 else ""


def with_site_templates(count, root, project):
    """The same pages in ten sections (so pages have breadcrumbs), built with the project's own templates
    for sitegen and with bench/hugo-layouts for Hugo, which render the same structure: a base with the
    navigation, breadcrumbs, a table of contents and the footnotes."""
    rng = random.Random(count)
    title = "Benchmark"
    navigation = "".join(f"  - part-{n}/index.md\n" for n in range(min(SECTIONS, 6)))
    write(f"{root}/sitegen/content/site.yaml",
          f"title: {title}\nlanguage: en\ndescription: A synthetic site.\nsmart_punctuation: false\nnavigation:\n  - index.md\n{navigation}"
          "source_title: Mali–United States relations\n"
          "source_url: https://en.wikipedia.org/wiki/Mali%E2%80%93United_States_relations\n"
          "source_license: CC BY-SA 4.0\nsource_license_url: https://creativecommons.org/licenses/by-sa/4.0/\n"
          + site_collections(project))
    write(f"{root}/sitegen/content/index.md", f"---\ntitle: {title}\n---\n\nA synthetic site.\n")
    shutil.copytree(f"{project}/templates", f"{root}/sitegen/templates")
    menu = "".join(f'[[menu.main]]\nname = "Part {n}"\nurl = "/part-{n}/"\nweight = {n + 2}\n' for n in range(min(SECTIONS, 6)))
    write(f"{root}/hugo/config.toml",
          f'baseURL = "http://localhost/"\ntitle = "{title}"\nrelativeURLs = true\n'
          'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
          '[params]\ndescription = "A synthetic site."\n'
          '[markup.goldmark.renderer]\nunsafe = false\n[markup.tableOfContents]\nstartLevel = 2\nendLevel = 3\n'
          f'[[menu.main]]\nname = "{title}"\nurl = "/"\nweight = 1\n{menu}')
    shutil.copytree(f"{project}/bench/hugo-layouts", f"{root}/hugo/layouts")
    shutil.copytree(f"{project}/templates/assets", f"{root}/hugo/static/assets")
    write(f"{root}/hugo/content/_index.md", f"---\ntitle: {title}\n---\n\nA synthetic site.\n")
    # The home page's infobox (a template of the site's) links to this page's headings.
    for site in ("sitegen", "hugo"):
        write(f"{root}/{site}/content/missions.md", "---\ntitle: Missions\n---\n\n## Embassy of Mali in Washington, D.C.\n\n"
              "The embassy.\n\n## U.S. Embassy in Bamako\n\nThe embassy.\n")
    for n in range(SECTIONS):
        for site in ("sitegen", "hugo"):
            name = "index.md" if site == "sitegen" else "_index.md"
            write(f"{root}/{site}/content/part-{n}/{name}", f"---\ntitle: \"Part {n}\"\n---\n\nPart {n} of the site.\n")
    bodies = []
    for index in range(count):
        body = page(rng, index, count)
        # Links by source path from the page's own section: `(page-00042.md` → `(../part-2/page-00042.md`.
        out, start = [], 0
        while (at := body.find("(page-", start)) >= 0:
            target = int(body[at + 6:at + 11])
            out.append(body[start:at] + f"(../part-{target % SECTIONS}/page-")
            start = at + 6
        body = "".join(out) + body[start:]
        front = f"---\ntitle: \"Page {index}\"\n---\n\n"
        for site in ("sitegen", "hugo"):
            write(f"{root}/{site}/content/part-{index % SECTIONS}/page-{index:05d}.md", front + body)
        write(f"{root}/markdown/page-{index:05d}.md", body)
        bodies.append(len(body))
    print(f"{count} pages in {SECTIONS} sections, {sum(bodies) / count:.0f} bytes of Markdown each on average, the site's templates")


def main():
    if sys.argv[1] == "--from":
        from_corpus(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1] == "--site-templates":
        with_site_templates(int(sys.argv[2]), sys.argv[3], sys.argv[4])
        return
    count, root = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(count)
    skeleton(root, "Benchmark")
    bodies = []
    for index in range(count):
        body = page(rng, index, count)
        front = f"---\ntitle: \"Page {index}\"\n---\n\n"
        write(f"{root}/sitegen/content/page-{index:05d}.md", front + body)
        write(f"{root}/hugo/content/page-{index:05d}.md", front + body)
        write(f"{root}/markdown/page-{index:05d}.md", body)
        bodies.append(len(body))
    print(f"{count} pages, {sum(bodies) / count:.0f} bytes of Markdown each on average")


if __name__ == "__main__":
    main()
