#!/usr/bin/env python3
"""Recompute a seat's utility from protocol v2 messages alone (tests/protocol_v2.rs).

Usage: check_utility.py TRANSCRIPT.jsonl... (the lines a bot received). Prints each
request where the sum differs from you.utility, then the worst difference.
"""
import json, sys

def holds(c, draft, closed, metrics):
    (k, v), = c.items()
    if k == "variant": return draft[v[0]] == v[1] and closed.get(v[0]) != "struck"
    if k == "struck": return draft[v] == "struck" or closed.get(v) == "struck"
    if k == "present": return draft[v] != "struck" and closed.get(v) != "struck"
    if k == "agreed": return closed.get(v) == "agreed"
    if k == "metric_below": return metrics[v[0]] < v[1]
    if k == "metric_above": return metrics[v[0]] > v[1]
    if k == "all_of": return all(holds(x, draft, closed, metrics) for x in v)
    if k == "any_of": return any(holds(x, draft, closed, metrics) for x in v)
    if k == "not": return not holds(v, draft, closed, metrics)
    if k == "always": return True
    raise ValueError(k)

worst = 0
for path in sys.argv[1:]:
    hello = None
    for line in open(path):
        msg = json.loads(line)
        if msg["type"] == "hello":
            hello = msg; me = msg["party"]
            opts = {}
            for c in msg["clauses"]:
                for o in c["variants"] + ([c["struck"]] if c["struck"] else []):
                    opts[c["id"], o["id"]] = o
            party = next(p for p in msg["parties"] if p["id"] == me)
            metrics0 = {m["id"]: m for m in msg["metrics"]}
        if msg["type"] not in ("turn", "vote"):
            continue
        draft, closed = msg["draft"], msg["closed"]
        u = 0.0
        eff = {m: 0.0 for m in metrics0}
        for cid, oid in draft.items():
            o = opts[cid, oid]
            u += o["utility"][me]
            for m, d in o["effects"].items(): eff[m] += d
        for comb in hello["combinations"]:
            if holds(comb["when"], draft, closed, msg["metrics"]):
                u += comb["utility"].get(me, 0.0)
                for m, d in comb["effects"].items(): eff[m] += d
        for m, w in party["weights"].items():
            md = metrics0[m]
            if md["kind"] == "deal_likelihood":
                val = msg["metrics"][m]
            else:
                val = min(md["max"], max(md["min"], md["initial"] + msg["base"][m] + eff[m]))
            u += w * (val - md["initial"])
        diff = abs(u - msg["you"]["utility"])
        worst = max(worst, diff)
        if diff > 1e-3:
            print(path, msg["round"], msg["type"], "computed", round(u, 4), "table", msg["you"]["utility"])
print("worst difference", worst)
