#!/usr/bin/env python3
"""Checks the include rules of docs/architecture.md: inside plugin/src and sample_host/src a folder
includes only its own headers and those of the folders below it; the SDK's public headers include
nothing of this repository but each other. Prints every offending #include and exits 1 if any.

Usage: check_layers.py [REPOSITORY_ROOT]"""
import pathlib
import re
import sys

# Lower folders first. A folder may include itself and anything listed before it.
LAYERS = {
    "plugin/src": ["support", "transport", "sage", "form", "oauth", "connector"],
    "sample_host/src": ["runtime", "security", "storage", "output", "marketplace", "connectors", "commands",
                        "console"],
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def check_tree(root, base, layers):
    problems = []
    rank = {name: i for i, name in enumerate(layers)}
    for path in sorted((root / base).rglob("*.[ch]pp")):
        relative = path.relative_to(root / base)
        own = relative.parts[0] if len(relative.parts) > 1 else None  # main.cpp sits above every folder
        if own is not None and own not in rank:
            problems.append(f"{path.relative_to(root)}: folder '{own}' is not in the layer list")
            continue
        for quote, header in INCLUDE.findall(path.read_text(encoding="utf-8")):
            if quote != '"':
                continue
            target = header.split("/")[0] if "/" in header else None
            if target is None:
                problems.append(f"{path.relative_to(root)}: #include \"{header}\" names no folder")
                continue
            if target not in rank:
                continue
            if own is not None and rank[target] > rank[own]:
                problems.append(f"{path.relative_to(root)}: '{own}' may not include '{header}' ('{target}' is above it)")
    return problems


def check_sdk(root):
    problems = []
    for path in sorted((root / "host_sdk/include/connector_sdk").glob("*.hpp")):
        for quote, header in INCLUDE.findall(path.read_text(encoding="utf-8")):
            if quote == '"' or not (header.startswith("connector_sdk/") or "/" not in header or
                                    (header.startswith("boost/dll") and path.name == "export.hpp")):
                problems.append(f"{path.relative_to(root)}: the contract may not include <{header}>")
    return problems


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    problems = check_sdk(root)
    for base, layers in LAYERS.items():
        problems += check_tree(root, base, layers)
    for line in problems:
        print(line)
    print(f"{len(problems)} include rule violation(s)" if problems else "include rules hold")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
