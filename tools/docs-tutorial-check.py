#!/usr/bin/env python3
"""Follows the guide's tutorial (docs/content/tutorial/*.md) as a reader would, and fails where it is wrong.

    python3 tools/docs-tutorial-check.py SITEGEN

Run from the repository's root. Every ```sh block of the steps is run in order with bash, `swift run sitegen`
replaced by the executable SITEGEN (a line that starts `serve` is left out: it would not end). A block must
succeed, unless a ```text block follows it: then what it prints (standard output and error) must be that text.
"""
import os
import re
import shlex
import subprocess
import sys

BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)


def main():
    sitegen = os.path.abspath(sys.argv[1])
    folder = "docs/content/tutorial"
    steps = sorted(name for name in os.listdir(folder) if name.endswith(".md") and name != "index.md")
    if os.path.exists("/tmp/visits-tutorial"):
        sys.exit("/tmp/visits-tutorial exists: the tutorial starts by making it; remove it first")
    for step in steps:
        blocks = BLOCK.findall(open(os.path.join(folder, step), encoding="utf-8").read())
        for index, (language, text) in enumerate(blocks):
            if language != "sh":
                continue
            script = "\n".join(line for line in text.splitlines() if " sitegen serve " not in line + " ")
            script = script.replace("swift run sitegen", shlex.quote(sitegen))
            run = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following and following[0] == "text":
                if (run.stdout + run.stderr).strip() != following[1].strip():
                    sys.exit(f"{step}: block {index + 1} printed\n{run.stdout}{run.stderr}\ninstead of\n{following[1]}")
            elif run.returncode != 0:
                sys.exit(f"{step}: block {index + 1} failed with status {run.returncode}:\n{run.stdout}{run.stderr}")
            print(f"{step}: block {index + 1} as written")
    if os.path.exists("/tmp/visits-tutorial"):
        sys.exit("the last step leaves /tmp/visits-tutorial behind")


if __name__ == "__main__":
    main()
