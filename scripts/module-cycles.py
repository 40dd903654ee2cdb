#!/usr/bin/env python3
"""Fails when the top-level modules of crates/api/src import each other in a cycle (comments ignored).
Route modules (`routes/*`) may not use one another either."""
import collections
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "crates/api/src"


def code(path: pathlib.Path) -> str:
    return "\n".join(line.split("//")[0] for line in path.read_text(encoding="utf-8").splitlines())


def main() -> int:
    edges = collections.defaultdict(set)
    route_edges = []
    for path in SRC.rglob("*.rs"):
        parts = path.relative_to(SRC).with_suffix("").parts
        top = parts[0]
        text = code(path)
        for used in set(re.findall(r"crate::([a-z_]+)", text)):
            if used != top:
                edges[top].add(used)
        if top == "routes" and parts[-1] != "mod":
            for other in set(re.findall(r"(?:crate::routes::|super::)([a-z_]+)::", text)):
                if other != parts[-1]:
                    route_edges.append(f"routes/{parts[-1]} -> routes/{other}")
    cycles = []
    def visit(node, stack, seen):
        for nxt in sorted(edges.get(node, ())):
            if nxt in stack:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in seen:
                seen.add(nxt)
                visit(nxt, stack + [nxt], seen)
    for start in sorted(edges):
        visit(start, [start], {start})
    problems = sorted(set(cycles)) + route_edges
    if problems:
        print("import cycles in crates/api/src:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"no import cycle among {len(edges)} modules of crates/api/src")
    return 0


if __name__ == "__main__":
    sys.exit(main())
