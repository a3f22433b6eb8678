#!/usr/bin/env python3
"""Random: a random stance on every open clause, a random signature (protocol v2).

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bots/random_bot.py"

Its draws come from Python's `random`, seeded from each game's seed and the
party id (in `new_game`), so the same game replays the same way, in a sweep
too. Stances are accept, reject or propose:VARIANT (a wording other than the
draft's). It never strikes: a strike that breaks a clause's linkage (the
`requires`/`excludes` of the hello) would be refused. It signs a vote half the
time, never across a red line (the engine refuses that signature). With the
pen, it adopts each proposal with probability one half, one per clause.
"""
import json
import random
import sys


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


variants, rng = {}, random.Random(0)
for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        variants = {c["id"]: [v["id"] for v in c["variants"]] for c in msg["clauses"]}
    elif kind == "new_game":
        rng = random.Random("%s:%s" % (msg["seed"], msg["party"]))
    elif kind == "vote":
        sign = msg["you"]["red_line_crossed"] is None and rng.random() < 0.5
        send({"id": msg["id"], "sign": sign, "reason": "a coin"})
    elif kind == "revise":
        taken, adopt = set(), []
        for p in msg["proposals"]:
            clauses = [c for c, _ in p["changes"]]
            if rng.random() < 0.5 and not taken.intersection(clauses):
                taken.update(clauses)
                adopt.append(p["index"])
        send({"id": msg["id"], "adopt": adopt, "reason": "coins"})
    elif kind == "turn":
        me = msg["party"]
        moves = []
        for cid, option in msg["draft"].items():
            if cid in msg["closed"]:
                continue
            choices = ["accept", "reject"]
            choices += ["propose:" + v for v in variants[cid] if v != option]
            stance = rng.choice(choices)
            moves.append({"type": "stance", "party": me, "clause": cid, "stance": stance})
        moves.append({"type": "end_turn", "party": me})
        send({"id": msg["id"], "moves": moves, "reason": "at random"})
    # refused, end: nothing to answer.
