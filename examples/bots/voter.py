#!/usr/bin/env python3
"""Voter: takes no stances; votes only on what clears its bottom line.

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bots/voter.py"

In the last two rounds before the deadline it calls a vote (once a round, while
it has votes left) when its utility for the draft is at least its bottom line
and no red line of its own is crossed. It signs a vote on the same test.
"""
import json
import sys


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def clears(you):
    return you["red_line_crossed"] is None and you["utility"] >= you["reservation"]


called = None  # the round it last called a vote in
for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        called = None
        continue
    if kind == "end":
        continue
    me, you = msg["party"], msg["you"]
    if kind == "vote":
        send({"sign": clears(you), "reason": "utility %.2f, bottom line %.2f" % (you["utility"], you["reservation"])})
        continue
    moves = []
    late = msg["round"] >= msg["deadline"] - 1
    if late and clears(you) and msg["votes_left"] > 0 and called != msg["round"]:
        called = msg["round"]
        moves.append({"type": "call_vote", "party": me})
    else:
        moves.append({"type": "end_turn", "party": me})
    send({"moves": moves, "reason": "it waits for a text worth signing"})
