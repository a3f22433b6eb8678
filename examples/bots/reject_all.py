#!/usr/bin/env python3
"""Reject-all: rejects every open clause and refuses every vote (protocol v2).

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bots/reject_all.py"

With the pen, it adopts nothing.
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
        send({"id": msg["id"], "sign": False, "reason": "it signs nothing"})
    elif kind == "revise":
        send({"id": msg["id"], "adopt": [], "reason": "it adopts nothing"})
    elif kind == "turn":
        me = msg["party"]
        mine = msg["stances"].get(me, {})
        moves = [
            {"type": "stance", "party": me, "clause": cid, "stance": "reject"}
            for cid in msg["draft"]
            if cid not in msg["closed"] and mine.get(cid) != "reject"
        ]
        moves.append({"type": "end_turn", "party": me})
        send({"id": msg["id"], "moves": moves, "reason": "it rejects everything"})
    # hello, new_game, refused, end: nothing to answer.
