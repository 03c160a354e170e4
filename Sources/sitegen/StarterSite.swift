/// The files `sitegen init` writes: a small site that builds as it is, for people starting their own: pages,
/// and a dated collection of posts with its list page.
/// Kept in the executable itself, so that `init` works from a copied binary with nothing beside it.
enum StarterSite {
    static let files: [(path: String, text: String)] = [
        ("content/site.yaml", """
            # Site settings: every key is in sitegen's guide (docs/, "Settings"; build it with the command in the README).
            title: My site
            language: en
            description: A site built with sitegen.
            # The published address, for sitemap.xml and absolute links; every link in the site is relative.
            # base_url: https://example.org/
            unsafe_html: false
            smart_punctuation: true
            navigation:
              - index.md
              - posts/index.md
              - about.md
            # Collections: folders whose files share typed fields, checked as the site is built. Each post is
            # dated (`date`, or the date at the start of its file name with `sitegen new`), listed newest
            # first by year on posts/ (`descending`), linked to the one before and after it, and in an Atom
            # feed (with base_url).
            collections:
              posts:
                folder: posts
                layout: post
                list_layout: posts
                fields:
                  title: {type: text, required: true, example: A first post}
                  date: {type: date, required: true}
                  summary: text
                start: date
                order: start
                group_by: year
                descending: true
                feed: true

            """),
        ("content/index.md", """
            ---
            title: Welcome
            description: The home page of a new sitegen site.
            ---

            This is the home page. Edit `content/index.md`, or run `sitegen serve` and watch the page change as you save.

            Pages are Markdown files in `content/`; [the about page](about.md) is one. Links name the Markdown file, and
            sitegen checks that every link leads somewhere.

            """),
        ("content/posts/index.md", """
            ---
            title: Posts
            description: Every post, by year.
            ---

            Add a post with `sitegen new posts/YYYY-MM-DD-short-name.md`: it gets its date from its name.

            """),
        ("content/posts/2026-01-05-hello.md", """
            ---
            title: Hello
            date: 2026-01-05
            summary: The first post of this site.
            ---

            A post is an item of the `posts` collection declared in `site.yaml`: its front matter is checked against
            the declaration, and the posts page lists it.

            """),
        ("content/about.md", """
            ---
            title: About
            description: What this site is.
            ---

            A page of its own, at `/about/`. Add pages with `sitegen new NAME.md`.

            ## A section

            Headings get ids, so [links can point at them](#a-section).

            """),
        ("templates/base.mustache", """
            <!DOCTYPE html>
            <html lang="{{language}}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{title}}{{^isHome}} – {{site.title}}{{/isHome}}</title>
            {{#page.description}}<meta name="description" content="{{page.description}}">
            {{/page.description}}
            <link rel="stylesheet" href="{{assets}}style.css">
            </head>
            <body>
            <header>
            <a class="site-title" href="{{root}}">{{site.title}}</a>
            <nav aria-label="Site">
            <ul>
            {{#nav}}
            <li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{title}}</a></li>
            {{/nav}}
            </ul>
            </nav>
            </header>
            <main id="main">
            {{{main}}}
            </main>
            <footer><p>Built with sitegen.</p></footer>
            </body>
            </html>

            """),
        ("templates/page.mustache", """
            <article>
            <h1>{{page.title}}</h1>
            {{{page.body}}}
            </article>

            """),
        ("templates/post.mustache", """
            <article>
            <h1>{{page.title}}</h1>
            <p class="date"><time datetime="{{page.start.iso}}">{{page.start.text}}</time></p>
            {{{page.body}}}
            <nav aria-label="Posts">
            <p>{{#page.previous}}Earlier: <a href="{{href}}" rel="prev">{{title}}</a>{{/page.previous}}</p>
            <p>{{#page.next}}Later: <a href="{{href}}" rel="next">{{title}}</a>{{/page.next}}</p>
            </nav>
            </article>

            """),
        ("templates/posts.mustache", """
            <article>
            <h1>{{page.title}}</h1>
            {{{page.body}}}
            {{#list.groups}}
            <section aria-labelledby="{{id}}">
            <h2 id="{{id}}">{{label}}</h2>
            <ul>
            {{#entries}}
            <li><time datetime="{{date.iso}}">{{date.text}}</time>: <a href="{{href}}">{{title}}</a>{{#fields.summary}} – {{fields.summary}}{{/fields.summary}}</li>
            {{/entries}}
            </ul>
            </section>
            {{/list.groups}}
            </article>

            """),
        ("templates/assets/style.css", """
            :root { color-scheme: light dark; --accent: #1a5fb4; }
            body { max-width: 42rem; margin: 0 auto; padding: 1rem; font: 1.05rem/1.6 system-ui, sans-serif; }
            header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: baseline; border-bottom: 1px solid #8884; }
            header ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; margin: 0; }
            a { color: var(--accent); }
            a[aria-current="page"] { font-weight: bold; text-decoration: none; }
            .site-title { font-weight: bold; }
            footer { margin-top: 3rem; border-top: 1px solid #8884; font-size: .9rem; }
            @media (prefers-color-scheme: dark) { :root { --accent: #99c1f1; } }

            """),
    ]
}
