#!/usr/bin/env python3
"""An example backchannel bot, agent protocol v2 (docs/AGENT_PROTOCOL.md).

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bot.py"
      backchannel sweep plan28 --runs 10000 --seat ua=exec:"python3 examples/bot.py"

It reads one JSON object per line on stdin and answers each request ("turn",
"vote", "revise") with one JSON line on stdout that echoes the request's "id".
One process can play many games: "hello" comes once, then "new_game" ... "end"
for each game. Strategy: accept every open clause whose drafted wording is its
favourite, propose its favourite wording elsewhere, sign when its utility is at
or above its true bottom line and no red line of its own is crossed, and, when
it holds the pen, adopt the proposals that raise its own utility.
"""
import json
import sys

dumps = json.JSONEncoder(separators=(",", ":")).encode
out = sys.stdout


def send(obj):
    out.write(dumps(obj) + "\n")
    out.flush()


def clears(you):
    return you["red_line_crossed"] is None and you["utility"] >= you["reservation"]


me = None
favourite = {}  # clause id -> (favourite option id, the stance that asks for it)
utility = {}  # (clause id, option id) -> this party's utility

for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        me = msg["party"]
        for c in msg["clauses"]:
            options = c["variants"] + ([c["struck"]] if c["struck"] else [])
            for o in options:
                utility[c["id"], o["id"]] = o["utility"][me]
            best = max(options, key=lambda o: o["utility"][me])["id"]
            favourite[c["id"]] = (best, "strike" if best == "struck" else "propose:" + best)
    elif kind == "vote":
        you = msg["you"]
        send({"id": msg["id"], "sign": clears(you),
              "reason": "utility %.1f against bottom line %.1f" % (you["utility"], you["reservation"])})
    elif kind == "revise":
        # Adopt each proposal that raises its own utility, one per clause.
        current = msg["draft"]
        taken, adopt = set(), []
        for p in msg["proposals"]:
            clauses = [c for c, _ in p["changes"]]
            gain = sum(utility[c, o] - utility[c, current[c]] for c, o in p["changes"])
            if gain > 0 and not taken.intersection(clauses):
                taken.update(clauses)
                adopt.append(p["index"])
        send({"id": msg["id"], "adopt": adopt, "reason": "what raises its utility"})
    elif kind == "turn":
        mine = msg["stances"].get(me, {})
        moves = []
        closed = msg["closed"]
        for cid, option in msg["draft"].items():
            if cid in closed:
                continue
            best, ask = favourite[cid]
            stance = "accept" if best == option else ask
            if mine.get(cid) != stance:
                moves.append({"type": "stance", "party": me, "clause": cid, "stance": stance})
        moves.append({"type": "end_turn", "party": me})
        send({"id": msg["id"], "moves": moves, "reason": "its favourite wordings"})
    # "new_game", "refused", "end" and any newer notice need no answer.
