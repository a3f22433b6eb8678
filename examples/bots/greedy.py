#!/usr/bin/env python3
"""Greedy: asks for its best wording everywhere, and signs what clears its bottom line.

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bots/greedy.py"

On every open clause it accepts the draft's wording if that is its best (by its
own utility table in the hello), and otherwise proposes its best wording (or
strikes, if striking is its best). It never trades, never tables a package,
takes no diplomatic action and never calls a vote. At a vote it signs if and
only if no red line of its own is crossed and its utility for the draft is at
least its bottom line (`you.utility >= you.reservation`), as its state says.
"""
import json
import sys


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def best(clause):
    """The option id this party values most (ties: the first listed)."""
    return max(clause["utility"].items(), key=lambda kv: kv[1])[0]


hello = None
for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        hello = msg
        continue
    if kind == "end":
        continue
    me, you = msg["party"], msg["you"]
    if kind == "vote":
        sign = you["red_line_crossed"] is None and you["utility"] >= you["reservation"]
        send({"sign": sign, "reason": "utility %.2f, bottom line %.2f" % (you["utility"], you["reservation"])})
        continue
    clauses = {c["id"]: c for c in hello["clauses"]}
    mine = msg["stances"].get(me, {})
    moves = []
    for item in msg["draft"]:
        if item["status"] != "open":
            continue
        cid, current = item["clause"], item["option"]
        utility = clauses[cid]["utility"]
        want = best(clauses[cid])
        if utility[current] >= utility[want]:
            stance = "accept"
        elif want == "struck":
            stance = "strike"
        else:
            stance = "propose:" + want
        if mine.get(cid) != stance:
            moves.append({"type": "stance", "party": me, "clause": cid, "stance": stance})
    moves.append({"type": "end_turn", "party": me})
    send({"moves": moves, "reason": "its best wordings"})
