#!/usr/bin/env python3
# Marconi. Checks every #include against the layer order in docs/architecture.md (make layers).
"""Fails, naming the file, the include and the rule, on any include that goes against the
layer table in docs/architecture.md ("Layers and what each may include"). That table is the
one source of truth: this script holds no layer names of its own.

Each row names a layer, the folders it owns, the layers it may include ("anything" for a
composition root) and the system headers it must never include (prefixes such as
<boost/beast). A file belongs to the layer owning the longest folder prefix of its path;
files named *_test.cpp belong to the layer named `tests` wherever they sit. A quoted include
resolves against the including file's folder first, then against src/ (the spelling every
library's include directory provides). Python 3 standard library only.
"""
import argparse
import os
import re
import sys

TABLE_HEADING = "## Layers and what each may include"
SCANNED = ("src", "tests", "fuzz", "bench", "tools")
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".cc", ".ipp")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
TEST_FILE = re.compile(r"_[a-z]*test\.cpp$")


class Layer:
    def __init__(self, name, folders, may_include, never):
        self.name = name
        self.folders = folders
        self.anything = may_include == ["anything"]
        self.may_include = set() if self.anything else set(may_include)
        self.never = never


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def names(cell):
    """`a`, `b`, or 'nothing of ours' -> ['a', 'b'] / []."""
    text = cell.replace("`", "").strip()
    if text in ("", "-", "nothing of ours", "nothing"):
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def read_layers(doc_path):
    with open(doc_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == TABLE_HEADING)
    except StopIteration:
        sys.exit(f"check_layers: {doc_path} has no '{TABLE_HEADING}' section")
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            rows.append(cells(line))
    if len(rows) < 3:
        sys.exit(f"check_layers: the table under '{TABLE_HEADING}' in {doc_path} is empty")
    header = [h.lower() for h in rows[0]]
    expected = ["layer", "folders", "may include", "never includes"]
    if header != expected:
        sys.exit(f"check_layers: {doc_path}: the layer table's columns must be {expected}, "
                 f"not {header}")
    layers = {}
    for row in rows[2:]:
        name, folders, may, never = (row + [""] * 4)[:4]
        name = name.replace("`", "")
        folders = [f.rstrip("/") + "/" for f in names(folders)]
        layers[name] = Layer(name, folders, names(may), names(never))
    for layer in layers.values():
        for other in layer.may_include:
            if other not in layers:
                sys.exit(f"check_layers: {doc_path}: layer {layer.name} may include "
                         f"'{other}', which is not a layer of the table")
    if "tests" not in layers:
        sys.exit(f"check_layers: {doc_path}: the table needs a `tests` row")
    return layers


def layer_of(rel_path, layers):
    if TEST_FILE.search(rel_path):
        return layers["tests"]
    best = None
    for layer in layers.values():
        for folder in layer.folders:
            if rel_path.startswith(folder) and (best is None or len(folder) > len(best[0])):
                best = (folder, layer)
    return best[1] if best else None


def resolve(root, including_dir, spelling):
    for base in (including_dir, os.path.join(root, "src")):
        candidate = os.path.normpath(os.path.join(base, spelling))
        if os.path.isfile(candidate):
            return os.path.relpath(candidate, root).replace(os.sep, "/")
    return None


def sources(root):
    for top in SCANNED:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.join(dirpath, name)


def allowed(layers, layer):
    if layer.anything:
        return "anything"
    return ", ".join(sorted(layer.may_include)) or "nothing of ours"


def check(root, doc_path):
    layers = read_layers(doc_path)
    problems = []
    edges = 0
    for path in sources(root):
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        layer = layer_of(rel, layers)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read().splitlines()
        for number, line in enumerate(text, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, spelling = m.groups()
            where = f"{rel}:{number}"
            shown = f'"{spelling}"' if kind == '"' else f"<{spelling}>"
            if layer is None:
                if kind == '"':
                    problems.append(f"{where}: {shown}: the file is in no layer of the table")
                    break
                continue
            if kind == "<":
                for prefix in layer.never:
                    prefix = prefix.lstrip("<")
                    if spelling.startswith(prefix):
                        problems.append(f"{where}: includes {shown}: {layer.name} never "
                                        f"includes <{prefix}")
                continue
            target = resolve(root, os.path.dirname(path), spelling)
            if target is None:
                problems.append(f"{where}: includes {shown}, which is no file of the tree")
                continue
            edges += 1
            target_layer = layer_of(target, layers)
            if target_layer is None:
                continue  # a local helper of tests/fuzz/bench (their own folders)
            if target_layer is layer or layer.anything:
                continue
            if target_layer.name not in layer.may_include:
                problems.append(f"{where}: includes {shown} ({target_layer.name}): "
                                f"{layer.name} may include {allowed(layers, layer)}")
    return problems, edges


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."),
                        help="the source tree (default: this script's checkout)")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    doc = os.path.join(root, "docs", "architecture.md")
    problems, edges = check(root, doc)
    for problem in problems:
        print(problem)
    if problems:
        print(f"layers: {len(problems)} include(s) against the order in docs/architecture.md")
        return 1
    print(f"layers: {edges} includes follow the order in docs/architecture.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
