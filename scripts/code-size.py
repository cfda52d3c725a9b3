#!/usr/bin/env python3
"""Lines per file and per function in crates/*/src (the largest ten of each), and the public
items of app. A rough brace-counting reader, good enough to watch sizes over time:

  python3 scripts/code-size.py [REPO_DIR]
"""
import pathlib, re, sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
files = sorted(root.glob("crates/*/src/**/*.rs"))
sizes = [(len(f.read_text().splitlines()), f.relative_to(root)) for f in files]
fn_re = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(async\s+)?fn\s+(\w+)")
funcs = []
for f in files:
    lines = f.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = fn_re.match(lines[i])
        if m and not lines[i].rstrip().endswith(";"):
            depth, started, j = 0, False, i
            while j < len(lines):
                code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j].split("//")[0])
                depth += code.count("{") - code.count("}")
                started = started or "{" in code
                if started and depth <= 0:
                    break
                j += 1
            funcs.append((j - i + 1, f"{f.relative_to(root)}::{m.group(4)}"))
            i += 1
        else:
            i += 1
print(f"{len(files)} files, {sum(n for n, _ in sizes)} lines in crates/*/src")
print("largest files:")
for n, f in sorted(sizes, reverse=True)[:10]:
    print(f"  {n:5}  {f}")
print("largest functions:")
for n, f in sorted(funcs, reverse=True)[:10]:
    print(f"  {n:5}  {f}")
over = [f for n, f in funcs if n > 120]
print(f"functions over 120 lines: {len(over)}")
app = [f for f in files if f.parts[-3:-1] == ("app", "src") or "crates/app/src" in str(f)]
pub = 0
for f in app:
    for line in f.read_text().splitlines():
        if re.match(r"^\s*pub (fn|struct|enum|const|type|trait|mod|use|static)\b", line):
            pub += 1
print(f"public items in crates/app/src: {pub}")
