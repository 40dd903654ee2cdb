#!/usr/bin/env python3
"""Fails when the top-level modules of a crate (every crates/*/src, frontend/src and frontend/*/src) import each other in a
cycle (comments ignored). The server's route modules (`routes/*`) may not use one another either. Between
crates, cargo itself refuses a cycle."""
import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def code(path: pathlib.Path) -> str:
    return "\n".join(line.split("//")[0] for line in path.read_text(encoding="utf-8").splitlines())


def check(src: pathlib.Path) -> list[str]:
    edges = collections.defaultdict(set)
    route_edges = []
    for path in src.rglob("*.rs"):
        parts = path.relative_to(src).with_suffix("").parts
        top = parts[0]
        text = code(path)
        used_here = set(re.findall(r"crate::([a-z_]+)", text))
        if len(parts) == 1:
            # A top-level module's `super::` is the crate's root (a crate whose lib.rs holds its main type).
            used_here |= set(re.findall(r"super::([a-z_]+)::", text))
        for used in used_here:
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
    return sorted(set(cycles)) + route_edges, len(edges)


def main() -> int:
    failed = False
    for src in sorted(ROOT.glob("crates/*/src")) + [ROOT / "frontend/src"] + sorted(ROOT.glob("frontend/*/src")):
        name = src.relative_to(ROOT)
        problems, modules = check(src)
        if problems:
            print(f"import cycles in {name}:\n  " + "\n  ".join(problems), file=sys.stderr)
            failed = True
        else:
            print(f"no import cycle among {modules} modules of {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
