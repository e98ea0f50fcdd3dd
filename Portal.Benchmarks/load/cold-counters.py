#!/usr/bin/env python3
"""The runtime counters of a cold run (dotnet-counters collect --format csv) as a Markdown table, one row a second:
JIT time, methods compiled, CPU, GC pause.

    cold-counters.py counters.csv [seconds]
"""
import csv
import sys
from collections import OrderedDict

path = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 20
rows = OrderedDict()
with open(path, newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        second = rows.setdefault(r["Timestamp"], {})
        name = r["Counter Name"]
        try:
            value = float(r["Mean/Increment"])
        except ValueError:
            continue
        if name.startswith("dotnet.process.cpu.time"):
            second["cpu"] = second.get("cpu", 0.0) + value
        else:
            second[name.split(" ")[0]] = value

print("| second | JIT time | methods compiled | process CPU | GC pause |")
print("| ---: | ---: | ---: | ---: | ---: |")
n = 0
for second in rows.values():
    if "dotnet.jit.compilation.time" not in second:
        continue  # the first sample has no rates yet
    n += 1
    print(f"| {n} | {second.get('dotnet.jit.compilation.time', 0) * 1000:.0f} ms | {second.get('dotnet.jit.compiled_methods', 0):.0f} "
          f"| {second.get('cpu', 0):.2f} cores "
          f"| {second.get('dotnet.gc.pause.time', 0) * 1000:.0f} ms |")
    if n == limit:
        break
