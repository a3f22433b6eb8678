#!/usr/bin/env python3
"""Reject-all: rejects every open clause and refuses every vote.

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bots/reject_all.py"
"""
import json
import sys


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind in ("hello", "end"):
        continue
    me = msg["party"]
    if kind == "vote":
        send({"sign": False, "reason": "it signs nothing"})
        continue
    mine = msg["stances"].get(me, {})
    moves = [
        {"type": "stance", "party": me, "clause": item["clause"], "stance": "reject"}
        for item in msg["draft"]
        if item["status"] == "open" and mine.get(item["clause"]) != "reject"
    ]
    moves.append({"type": "end_turn", "party": me})
    send({"moves": moves, "reason": "it rejects everything"})
