#!/usr/bin/env python3
"""Voter: takes no stances; votes only on what clears its bottom line (protocol v2).

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bots/voter.py"

In the last two rounds before the deadline it calls a vote (once a round, while
it has votes left) when its utility for the draft is at least its bottom line
and no red line of its own is crossed. It signs a vote on the same test. With
the pen, it adopts nothing.
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
    if kind == "new_game":
        called = None
    elif kind == "vote":
        you = msg["you"]
        send({"id": msg["id"], "sign": clears(you),
              "reason": "utility %.2f, bottom line %.2f" % (you["utility"], you["reservation"])})
    elif kind == "revise":
        send({"id": msg["id"], "adopt": [], "reason": "it adopts nothing"})
    elif kind == "turn":
        me, you = msg["party"], msg["you"]
        late = msg["round"] >= msg["deadline"] - 1
        if late and clears(you) and msg["votes_left"] > 0 and called != msg["round"]:
            called = msg["round"]
            # The moves after a call_vote are played once the vote is over.
            moves = [{"type": "call_vote", "party": me}, {"type": "end_turn", "party": me}]
        else:
            moves = [{"type": "end_turn", "party": me}]
        send({"id": msg["id"], "moves": moves, "reason": "it waits for a text worth signing"})
    # hello, refused, end: nothing to answer.
