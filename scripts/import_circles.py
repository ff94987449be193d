#!/usr/bin/env python3
"""Fails when modules of a crate import each other in a circle.

Usage: python3 scripts/import_circles.py CRATE_SRC_DIR...   (part of `make check`)

A module is a file (`a/b.rs` or `a/b/mod.rs` is `a::b`). It depends on every module it
names through `crate::` or `super::` paths (grouped imports included). A module naming
its own ancestors is not counted: a child using its parent's items is how Rust modules
are built. Any other cycle (siblings, cousins, a parent and a child that both reach
each other through a third module) is printed and fails the check: one concern per
file only helps when the files can be read in one direction.
"""
import os
import re
import sys

PATH = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)*)(::\{)?")


def modules(root):
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".rs"):
                path = os.path.join(folder, name)
                parts = os.path.relpath(path, root)[:-3].split(os.sep)
                if parts[-1] in ("mod", "lib", "main"):
                    parts = parts[:-1]
                found["::".join(parts)] = path
    return found


def group_items(text, start):
    """The comma-separated paths of the `{...}` group opening at `start` (nested too)."""
    depth, at, item, items = 1, start, "", []
    while at < len(text) and depth:
        ch = text[at]
        if ch == "{":
            depth += 1
            item = ""  # a nested group: its own prefix is rarely a module; keep the head
        elif ch == "}":
            depth -= 1
            if item.strip():
                items.append(item.strip())
            item = ""
        elif ch == ",":
            if item.strip():
                items.append(item.strip())
            item = ""
        else:
            item += ch
        at += 1
    return [i.split(" as ")[0].split("::") for i in items]


def edges(found):
    graph = {module: set() for module in found}
    for module, path in found.items():
        text = re.sub(r"//[^\n]*", "", open(path, encoding="utf-8").read())
        own = module.split("::") if module else []
        is_dir_module = os.path.basename(path) in ("mod.rs", "lib.rs", "main.rs")
        for match in PATH.finditer(text):
            kind, rest, group = match.group(1), match.group(2), match.group(3)
            head = [p for p in rest.split("::") if p]
            if kind == "super":
                base = own[:-1] if not is_dir_module else own[:-1]
                # `super` of a file module is its folder's module; of `a/mod.rs` it is a's parent.
                head = base + head
            tails = group_items(text, match.end()) if group else [[]]
            for tail in tails:
                full = head + [p for p in tail if p and p != "self"]
                for k in range(len(full), 0, -1):
                    target = "::".join(full[:k])
                    if target in found:
                        if target != module and not module.startswith(target + "::"):
                            graph[module].add(target)
                        break
    return graph


def cycles(graph):
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(100000)

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def main(roots):
    failed = False
    for root in roots:
        graph = edges(modules(root))
        for component in cycles(graph):
            failed = True
            print(f"{root}: modules import each other in a circle: {', '.join(component)}")
            for module in component:
                inside = sorted(graph[module] & set(component))
                print(f"  {module or '(crate root)'} -> {', '.join(inside)}")
    if failed:
        sys.exit(1)
    print(f"no import circles in {', '.join(roots)}")


if __name__ == "__main__":
    main(sys.argv[1:])
