#!/usr/bin/env python3
"""Summarizes a speedscope profile (dotnet-trace convert --format speedscope, sampled thread time) of Portal under
load: of the samples where a thread was running managed code (leaf CPU_TIME), the share per frame, exclusive (the frame
itself) and inclusive (the frame and what it called), plus the share of a few named areas. Prints Markdown tables.

    hot-frames.py trace.speedscope.json [top]
"""
import json
import sys
from collections import defaultdict

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
doc = json.load(open(path, encoding="utf-8"))
frames = [f["name"] for f in doc["shared"]["frames"]]
AREAS = {
    "Hangfire (jobs server)": ("Hangfire.",),
    "Entity Framework Core": ("Microsoft.EntityFrameworkCore",),
    "Kestrel": ("Microsoft.AspNetCore.Server.Kestrel",),
    "Portal.Tokens (the token engine)": ("Portal.Tokens!",),
    "Portal's token routes": ("Portal.Features.TokenIssuance",),
    "Authentication": ("Microsoft.AspNetCore.Authentication",),
    "Lock waits (Monitor.Enter)": ("Monitor.Enter_Slowpath",),
}


def short(name):
    # "Assembly!Namespace.Type.Method(args)" -> "Type.Method"
    name = name.split("!", 1)[-1].split("(", 1)[0]
    parts = name.split(".")
    return ".".join(parts[-2:]) if len(parts) > 1 else name


exclusive = defaultdict(float)
inclusive = defaultdict(float)
areas = defaultdict(float)
total = 0.0
for profile in doc["profiles"]:
    if profile.get("type") != "evented":
        continue
    stack, last = [], None
    for event in profile["events"]:
        at = event["at"]
        if last is not None and len(stack) > 1 and frames[stack[-1]] == "CPU_TIME":
            span = at - last
            names = [frames[i] for i in stack[:-1]]
            total += span
            exclusive[short(names[-1])] += span
            for n in set(short(x) for x in names):
                inclusive[n] += span
            for area, needles in AREAS.items():
                if any(any(k in x for k in needles) for x in names):
                    areas[area] += span
        if event["type"] == "O":
            stack.append(event["frame"])
        elif stack:
            stack.pop()
        last = at

if total == 0:
    sys.exit("no samples of running managed code")
print(f"Samples of running managed code: {total:.0f} ms of thread time.\n")
print("| area (inclusive) | share |")
print("| --- | ---: |")
for area in AREAS:
    print(f"| {area} | {100 * areas[area] / total:.1f}% |")
print()
print("| frame (exclusive) | share |")
print("| --- | ---: |")
for name, t in sorted(exclusive.items(), key=lambda kv: -kv[1])[:top]:
    print(f"| `{name}` | {100 * t / total:.1f}% |")
