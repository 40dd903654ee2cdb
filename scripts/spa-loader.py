#!/usr/bin/env python3
"""Moves the inline module loader (written by scripts/spa-build.py, as trunk writes it) out of dist/index.html into a hashed file, so the SPA runs under a
Content-Security-Policy without 'unsafe-inline' (script-src 'self' 'wasm-unsafe-eval').

    scripts/spa-loader.py frontend/dist
    scripts/spa-loader.py frontend/dist/console /console/     (a build served under a prefix)
"""
import base64
import hashlib
import pathlib
import re
import sys

INLINE = re.compile(r'<script type="module">(.*?)</script>', re.S)


def main(dist: pathlib.Path, prefix: str = "/") -> int:
    index = dist / "index.html"
    html = index.read_text(encoding="utf-8")
    scripts = INLINE.findall(html)
    if len(scripts) != 1:
        # Already done (or the page changed): only fail if an inline script would remain.
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html):
            print(f"{index}: expected one inline module script, found {len(scripts)}", file=sys.stderr)
            return 1
        return 0
    code = scripts[0].strip() + "\n"
    digest = hashlib.sha256(code.encode()).hexdigest()[:16]
    name = f"loader-{digest}.js"
    (dist / name).write_text(code, encoding="utf-8")
    integrity = "sha384-" + base64.b64encode(hashlib.sha384(code.encode()).digest()).decode()
    tag = f'<script type="module" src="{prefix}{name}" integrity="{integrity}" crossorigin="anonymous"></script>'
    index.write_text(INLINE.sub(lambda _: tag, html), encoding="utf-8")
    print(f"loader moved to {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "frontend/dist"),
                  sys.argv[2] if len(sys.argv) > 2 else "/"))
