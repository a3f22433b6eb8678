#!/usr/bin/env python3
"""Greedy: asks for its best wording everywhere, and signs what clears its bottom line.

Run:  backchannel run plan28 --seat ua=exec:"python3 examples/bots/greedy.py"

On every open clause it accepts the draft's wording if that is its best (by its
own utilities in the hello), and otherwise proposes its best wording (or
strikes, if striking is its best). It never trades, never tables a package,
takes no diplomatic action and never calls a vote. At a vote it signs if and
only if no red line of its own is crossed and its utility for the draft is at
least its bottom line (`you.utility >= you.reservation`), as its state says.
With the pen, it adopts each proposal that raises its own clause utilities
(one per clause); a linkage refusal then adopts nothing.
"""
import json
import sys


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


me, options = None, {}  # clause id -> {option id: its utility}
for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        me = msg["party"]
        for c in msg["clauses"]:
            opts = c["variants"] + ([c["struck"]] if c["struck"] else [])
            options[c["id"]] = {o["id"]: o["utility"][me] for o in opts}
    elif kind == "vote":
        you = msg["you"]
        sign = you["red_line_crossed"] is None and you["utility"] >= you["reservation"]
        send({"id": msg["id"], "sign": sign,
              "reason": "utility %.2f, bottom line %.2f" % (you["utility"], you["reservation"])})
    elif kind == "revise":
        current = msg["draft"]
        taken, adopt = set(), []
        for p in msg["proposals"]:
            clauses = [c for c, _ in p["changes"]]
            gain = sum(options[c][o] - options[c][current[c]] for c, o in p["changes"])
            if gain > 0 and not taken.intersection(clauses):
                taken.update(clauses)
                adopt.append(p["index"])
        send({"id": msg["id"], "adopt": adopt, "reason": "what raises its utility"})
    elif kind == "turn":
        mine = msg["stances"].get(me, {})
        moves = []
        for cid, current in msg["draft"].items():
            if cid in msg["closed"]:
                continue
            utility = options[cid]
            # The best option (ties: the first listed).
            want = max(utility.items(), key=lambda kv: kv[1])[0]
            if utility[current] >= utility[want]:
                stance = "accept"
            elif want == "struck":
                stance = "strike"
            else:
                stance = "propose:" + want
            if mine.get(cid) != stance:
                moves.append({"type": "stance", "party": me, "clause": cid, "stance": stance})
        moves.append({"type": "end_turn", "party": me})
        send({"id": msg["id"], "moves": moves, "reason": "its best wordings"})
    # new_game, refused, end: nothing to answer.
