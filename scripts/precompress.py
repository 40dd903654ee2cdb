#!/usr/bin/env python3
"""Writes FILE.gz (gzip -9) and FILE.br (brotli -q 11, when the `brotli` command is installed) next to every
compressible file of the built SPA, for nginx's gzip_static and brotli_static: compressed once at build time,
at the best ratio, instead of on every request.

    scripts/precompress.py frontend/dist
"""
import gzip
import pathlib
import shutil
import subprocess
import sys

COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".wasm", ".svg", ".txt", ".json", ".webmanifest"}


def main(dist: pathlib.Path) -> int:
    brotli = shutil.which("brotli")
    if brotli is None:
        print("precompress: no `brotli` command (Debian: apt-get install brotli): .gz only", file=sys.stderr)
    before = after_gz = after_br = 0
    for path in sorted(p for p in dist.rglob("*") if p.is_file() and p.suffix in COMPRESSIBLE):
        data = path.read_bytes()
        before += len(data)
        gz = path.with_name(path.name + ".gz")
        # mtime=0: the same input gives the same bytes (reproducible images).
        gz.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        after_gz += gz.stat().st_size
        if brotli:
            br = path.with_name(path.name + ".br")
            subprocess.run([brotli, "-q", "11", "-f", "-o", str(br), str(path)], check=True)
            after_br += br.stat().st_size
    summary = f"precompress: {before / 1024:.0f} KiB -> {after_gz / 1024:.0f} KiB gzip"
    if brotli:
        summary += f", {after_br / 1024:.0f} KiB brotli"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "frontend/dist")))
