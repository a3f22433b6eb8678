#!/usr/bin/env python3
"""Accept-all: accepts every open clause and signs every vote (protocol v2).

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bots/accept_all.py"

The one vote it cannot sign is one where the draft crosses its own red line:
the engine refuses that signature, so it refuses instead of forfeiting. With
the pen, it adopts nothing (the draft stays as the table left it).
"""
import json
import sys


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "vote":
        crossed = msg["you"]["red_line_crossed"]
        send({"id": msg["id"], "sign": crossed is None, "reason": "it signs anything it may sign"})
    elif kind == "revise":
        send({"id": msg["id"], "adopt": [], "reason": "it adopts nothing"})
    elif kind == "turn":
        me = msg["party"]
        mine = msg["stances"].get(me, {})
        moves = [
            {"type": "stance", "party": me, "clause": cid, "stance": "accept"}
            for cid in msg["draft"]
            if cid not in msg["closed"] and mine.get(cid) != "accept"
        ]
        moves.append({"type": "end_turn", "party": me})
        send({"id": msg["id"], "moves": moves, "reason": "it accepts everything"})
    # hello, new_game, refused, end: nothing to answer.
