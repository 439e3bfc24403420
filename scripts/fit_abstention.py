#!/usr/bin/env python3
"""Fits the abstention scorer's weights (src/decide.rs, `TUNING`) and its threshold: the
one that gives the fewest wrong replies on the fitted sets, and shows what moving it
trades.

    cargo run --release --example why -- --batch ../shared/eval/dev.jsonl  > /tmp/dev.sig
    cargo run --release --example why -- --batch ../shared/eval/dev2.jsonl > /tmp/dev2.sig
    python3 scripts/fit_abstention.py /tmp/dev.sig /tmp/dev2.sig [--check /tmp/archive.sig]

Each input line is one question: whether it is answerable and the signals of its best
passages (`examples/why --batch`). Label 1: one of the first three passages holds the
answer; label 0: the releases do not answer. Answerable questions whose answer was not
retrieved are left out: no threshold fixes them. Class-balanced logistic regression,
L2 0.01, plain gradient descent (standard library only). `--check` files are only
scored, never fitted: keep the archive set there.
"""
import argparse, json, math

FEATURES = ["coverage", "text_coverage", "gap", "sentence", "unknown", "frame", "focus"]


def load(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        ps = d["passages"]
        x = [ps[0]["signals"][f] for f in FEATURES] if ps else None
        y = 1 if d["answerable"] and any(p["holds"] for p in ps[:3]) else 0
        rows.append((d, x, y))
    return rows


def fit(rows, l2=0.01, steps=20000, lr=0.5):
    train = [(x, y) for d, x, y in rows if x is not None and (y == 1 or not d["answerable"])]
    pos = sum(y for _, y in train)
    neg = len(train) - pos
    w, b = [0.0] * len(FEATURES), 0.0
    for _ in range(steps):
        gw, gb = [0.0] * len(FEATURES), 0.0
        for x, y in train:
            p = 1 / (1 + math.exp(-(b + sum(wi * xi for wi, xi in zip(w, x)))))
            c = 1 / pos if y else 1 / neg
            for i, xi in enumerate(x):
                gw[i] += c * (p - y) * xi
            gb += c * (p - y)
        w = [wi - lr * (g + l2 * wi) for wi, g in zip(w, gw)]
        b -= lr * gb
    return w, b


def wrong_replies(rows, w, b, th):
    """Replies a user would find wrong: "not found" or a first quote that does not hold
    the answer for an answerable question, an answer for an unanswerable one."""
    says = lambda x: x is not None and b + sum(wi * xi for wi, xi in zip(w, x)) > th
    wrong = 0
    for d, x, _ in rows:
        if d["answerable"]:
            wrong += not (says(x) and d["passages"][0]["holds"])
        else:
            wrong += says(x)
    return wrong


def report(name, rows, w, b, th):
    ans = [(d, x) for d, x, _ in rows if d["answerable"]]
    una = [(d, x) for d, x, _ in rows if not d["answerable"]]
    says = lambda x: x is not None and b + sum(wi * xi for wi, xi in zip(w, x)) > th
    fa = sum(not says(x) for _, x in ans) / max(1, len(ans))
    h1 = sum(says(x) and d["passages"][0]["holds"] for d, x in ans) / max(1, len(ans))
    ab = sum(not says(x) for _, x in una) / max(1, len(una))
    print(f"{name:10} threshold {th:+.2f}  hit@1 {h1:.3f}  false_abstain {fa:.3f}  abstain {ab:.3f}"
          f"  (wrong replies {wrong_replies(rows, w, b, th)} of {len(rows)})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fit", nargs="+")
    ap.add_argument("--check", nargs="*", default=[])
    a = ap.parse_args()
    rows = [r for f in a.fit for r in load(f)]
    w, b = fit(rows)
    print("weights", {f: round(v, 2) for f, v in zip(FEATURES, w)}, "bias", round(b, 2))
    # The threshold: the fewest wrong replies on the fitted sets, in steps of 0.05.
    grid = [round(-1.5 + 0.05 * i, 2) for i in range(41)]
    best = min(grid, key=lambda th: (wrong_replies(rows, w, b, th), abs(th)))
    print("threshold", best, "wrong replies", wrong_replies(rows, w, b, best), "of", len(rows))
    for th in sorted({-1.0, -0.5, 0.0, 0.5, best}):
        report("fit", rows, w, b, th)
        for f in a.check:
            report("check", load(f), w, b, th)


if __name__ == "__main__":
    main()
