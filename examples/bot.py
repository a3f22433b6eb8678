#!/usr/bin/env python3
"""An example backchannel bot (docs/AGENT_PROTOCOL.md).

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bot.py"

It reads one JSON object per line on stdin and answers each "turn" and "vote"
request with one JSON line on stdout. Strategy: accept every open clause whose
drafted wording is its favourite, propose its favourite wording elsewhere, and
sign when its utility is at or above its reservation.
"""
import json
import sys

hello = None


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def favourite(clause):
    """The option id this party values most for a clause."""
    return max(clause["utility"].items(), key=lambda kv: kv[1])[0]


for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        hello = msg
        continue
    if kind == "end":
        break
    me = msg["party"]
    if kind == "vote":
        you = msg["you"]
        sign = you["red_line_crossed"] is None and you["utility"] >= you["reservation"]
        send({"sign": sign, "reason": "utility %.1f against reservation %.1f" % (you["utility"], you["reservation"])})
        continue
    # A turn: one stance per open clause, then end the turn.
    clauses = {c["id"]: c for c in hello["clauses"]}
    mine = msg["stances"].get(me, {})
    moves = []
    for item in msg["draft"]:
        if item["status"] != "open":
            continue
        cid, current = item["clause"], item["option"]
        best = favourite(clauses[cid])
        if best == current:
            stance = "accept"
        elif best == "struck":
            stance = "strike"
        else:
            stance = "propose:" + best
        if mine.get(cid) != stance:
            moves.append({"type": "stance", "party": me, "clause": cid, "stance": stance})
    moves.append({"type": "end_turn", "party": me})
    send({"moves": moves, "reason": "its favourite wordings"})
