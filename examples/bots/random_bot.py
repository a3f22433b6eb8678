#!/usr/bin/env python3
"""Random: a random stance on every open clause, a random signature.

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bots/random_bot.py"

Its draws come from Python's `random`, seeded from the hello's seed and the
party id, so the same game replays the same way. Stances are accept, reject or
propose:VARIANT (a wording other than the draft's). It never strikes: the hello
does not carry linkage (`requires`/`excludes`), and a strike that breaks it
would be refused, forfeiting the rest of the turn. It signs a vote half the
time, never across a red line (the engine refuses that signature).
"""
import json
import random
import sys


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


hello, rng = None, None
for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        hello = msg
        rng = random.Random("%s:%s" % (msg["seed"], msg["party"]))
        continue
    if kind == "end":
        continue
    me, you = msg["party"], msg["you"]
    if kind == "vote":
        sign = you["red_line_crossed"] is None and rng.random() < 0.5
        send({"sign": sign, "reason": "a coin"})
        continue
    clauses = {c["id"]: c for c in hello["clauses"]}
    moves = []
    for item in msg["draft"]:
        if item["status"] != "open":
            continue
        variants = [v["id"] for v in clauses[item["clause"]]["variants"]]
        choices = ["accept", "reject"]
        choices += ["propose:" + v for v in variants if v != item["option"]]
        stance = rng.choice(choices)
        moves.append({"type": "stance", "party": me, "clause": item["clause"], "stance": stance})
    moves.append({"type": "end_turn", "party": me})
    send({"moves": moves, "reason": "at random"})
