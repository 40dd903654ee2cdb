#!/usr/bin/env python3
"""Fails on lines that an edit joined together: code after a `//` comment, or a statement, a closing tag or a
closing bracket followed by more code after a run of spaces. rustfmt does not touch macro bodies (`view!`,
utoipa attributes), so such lines survive formatting, and code after a comment silently never runs."""
import re
import subprocess
import sys

# Code that follows a comment after a run of 4+ spaces: `// why.            call(...)`.
AFTER_COMMENT = re.compile(r"//.*\S {4,}([A-Za-z_][\w:]*\s*(::|\.|\(|!|=)|let |<[A-Za-z/]|[}\])]|_ =>)")
# A statement or closing token followed by more code after a run of 4+ spaces: `x; y`, `</p>  <p>`, `},  _ =>`.
AFTER_CODE = re.compile(r"([;,{}>)\]]) {4,}(<[A-Za-z/]|[A-Za-z_][\w:]*\s*(::|\.|\(|!| =|->)|let |\(|_ =>|[}\])]|#\[)")


def strip_strings(line: str) -> str:
    """Blank out string literals so aligned text inside strings is not mistaken for code."""
    return re.sub(r'"(\\.|[^"\\])*"', '""', line)


def main() -> int:
    files = subprocess.run(["git", "ls-files", "*.rs"], capture_output=True, text=True, check=True).stdout.split()
    found = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                code = strip_strings(line.rstrip("\n"))
                stripped = code.lstrip()
                if stripped.startswith(("///", "//!")):
                    continue
                if AFTER_COMMENT.search(code) or (not stripped.startswith("//") and AFTER_CODE.search(code.split("//")[0])):
                    found.append(f"{path}:{number}: {line.strip()}")
    if found:
        print("Lines that look like two lines joined by an edit (split them):", file=sys.stderr)
        print("\n".join(found), file=sys.stderr)
        return 1
    print(f"no joined lines in {len(files)} Rust files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
