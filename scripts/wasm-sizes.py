#!/usr/bin/env python3
"""What takes the space in the SPA's wasm: code bytes per crate (and the biggest functions), read from the
function bodies and the `name` section of cargo's output (before wasm-bindgen strips the names).

    scripts/wasm-sizes.py target/wasm32-unknown-unknown/wasm-release/jobbot-frontend.wasm [top-N]

The figures are sizes before wasm-opt and compression; the proportions are what to look at.
"""
import re
import sys
from collections import Counter


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def sections(data):
    pos = 8
    while pos < len(data):
        kind = data[pos]
        size, pos = leb(data, pos + 1)
        yield kind, data[pos:pos + size]
        pos += size


def main():
    data = open(sys.argv[1], "rb").read()
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    imported = 0
    bodies = []
    names = {}
    data_bytes = 0
    for kind, body in sections(data):
        if kind == 2:  # imports: functions among them take the first indices
            count, pos = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    length, pos = leb(body, pos)
                    pos += length
                what = body[pos]
                pos += 1
                if what == 0:
                    _, pos = leb(body, pos)
                    imported += 1
                elif what == 1:
                    pos += 1
                    flags, pos = leb(body, pos)
                    _, pos = leb(body, pos)
                    if flags & 1:
                        _, pos = leb(body, pos)
                elif what == 2:
                    flags, pos = leb(body, pos)
                    _, pos = leb(body, pos)
                    if flags & 1:
                        _, pos = leb(body, pos)
                elif what == 3:
                    pos += 2
        elif kind == 10:
            count, pos = leb(body, 0)
            for _ in range(count):
                size, pos = leb(body, pos)
                bodies.append(size)
                pos += size
        elif kind == 11:
            data_bytes = len(body)
        elif kind == 0:
            length, pos = leb(body, 0)
            if body[pos:pos + length] != b"name":
                continue
            pos += length
            while pos < len(body):
                sub = body[pos]
                size, pos = leb(body, pos + 1)
                end = pos + size
                if sub == 1:
                    count, p = leb(body, pos)
                    for _ in range(count):
                        index, p = leb(body, p)
                        length, p = leb(body, p)
                        names[index] = body[p:p + length].decode("utf-8", "replace")
                        p += length
                pos = end
    total = sum(bodies)
    per_crate = Counter()
    per_function = []
    for i, size in enumerate(bodies):
        name = names.get(imported + i, f"<function {imported + i}>")
        clean = re.sub(r"^_?<", "", name)
        match = re.match(r"_?ZN\d+([A-Za-z_][A-Za-z0-9_]*)", name) or re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", clean)
        crate = match.group(1) if match else name.split("::")[0][:40]
        per_crate[crate] += size
        per_function.append((size, name))
    print(f"code: {total:,} bytes in {len(bodies):,} functions; data: {data_bytes:,} bytes")
    print("\nper crate:")
    for crate, size in per_crate.most_common(top):
        print(f"  {size:>9,}  {100 * size / total:5.1f}%  {crate}")
    print("\nbiggest functions:")
    for size, name in sorted(per_function, reverse=True)[:top]:
        print(f"  {size:>9,}  {name[:150]}")


if __name__ == "__main__":
    main()
