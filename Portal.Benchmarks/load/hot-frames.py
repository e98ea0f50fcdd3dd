#!/usr/bin/env python3
"""Summarizes a speedscope profile (dotnet-trace convert --format speedscope) of Portal under load: for the threads
that served requests, the share of sampled time per frame, exclusive (the frame itself) and inclusive (the frame and
what it called), plus JIT/tiering time. Prints Markdown tables.

    hot-frames.py trace.speedscope.json [top]
"""
import json
import sys
from collections import defaultdict

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
doc = json.load(open(path, encoding="utf-8"))
frames = [f["name"] for f in doc["shared"]["frames"]]

def short(name):
    # "Assembly!Namespace.Type.Method(args)" -> "Type.Method"
    name = name.split("!", 1)[-1]
    name = name.split("(", 1)[0]
    parts = name.split(".")
    return ".".join(parts[-2:]) if len(parts) > 1 else name

exclusive = defaultdict(float)
inclusive = defaultdict(float)
total = 0.0
for profile in doc["profiles"]:
    if profile.get("type") != "evented":
        continue
    stack = []
    last = None
    for event in profile["events"]:
        at = event["at"]
        if last is not None and stack:
            span = at - last
            names = [frames[i] for i in stack]
            # Idle threads (waiting in the thread pool or epoll) are not CPU: leave stacks whose top is a wait out.
            top_name = names[-1]
            if not any(w in top_name for w in ("WaitHandle", "LowLevelLifoSemaphore", "epoll_wait", "Monitor.Wait",
                                                "Thread.Sleep", "SpinWait", "WaitForSignal", "WaitOneCore",
                                                "UNMANAGED_CODE_TIME", "CPU_TIME")) or "CPU_TIME" in top_name:
                total += span
                exclusive[short(top_name)] += span
                for n in set(short(x) for x in names):
                    inclusive[n] += span
        if event["type"] == "O":
            stack.append(event["frame"])
        elif stack:
            stack.pop()
        last = at

if total == 0:
    sys.exit("no samples")
print(f"Busy samples: {total:.0f} ms of thread time.\n")
print("| frame (exclusive) | share |")
print("| --- | ---: |")
for name, t in sorted(exclusive.items(), key=lambda kv: -kv[1])[:top]:
    print(f"| `{name}` | {100 * t / total:.1f}% |")
print()
print("| frame (inclusive) | share |")
print("| --- | ---: |")
for name, t in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top * 2]:
    print(f"| `{name}` | {100 * t / total:.1f}% |")
