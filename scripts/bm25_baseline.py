#!/usr/bin/env python3
"""The plain-BM25 baseline of ../shared/eval/README.md, for the ablation table in
BENCHMARKS.md: Okapi BM25 (k1=1.5, b=0.75) over lower-cased word tokens, each
non-empty body line of a corpus file a passage, the top three lines cited, never
"not found".

    python3 scripts/bm25_baseline.py --corpus corpus [--corpus DIR …] QUESTIONS.jsonl …
"""
import argparse, collections, glob, json, math, os, re

TOKEN = re.compile(r"[a-z0-9]+")


def norm(s):
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", s).strip().lower()


def passages(dirs):
    out = []
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "*.md"))):
            text = open(path, encoding="utf-8").read()
            body = text.split("+++", 2)[2] if text.startswith("+++") else text
            out += [l.strip() for l in body.splitlines() if l.strip()]
    return out


class Bm25:
    def __init__(self, docs, k1=1.5, b=0.75):
        self.docs = docs
        self.tf = [collections.Counter(TOKEN.findall(d.lower())) for d in docs]
        self.len = [sum(t.values()) for t in self.tf]
        self.avg = sum(self.len) / max(1, len(self.len))
        df = collections.Counter(w for t in self.tf for w in t)
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.k1, self.b = k1, b

    def top(self, q, k=3):
        words = TOKEN.findall(q.lower())
        scores = []
        for i, tf in enumerate(self.tf):
            s = 0.0
            for w in words:
                f = tf.get(w, 0)
                if f:
                    s += self.idf[w] * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * self.len[i] / self.avg))
            scores.append((s, -i))
        scores.sort(reverse=True)
        return [self.docs[-i] for s, i in scores[:k]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", action="append", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    bm = Bm25(passages(a.corpus))
    for f in a.files:
        qs = [json.loads(l) for l in open(f, encoding="utf-8") if l.strip()]
        ans = [q for q in qs if q["must"]]
        has = lambda t, m: all(norm(x) in norm(t) for x in m)
        tops = [bm.top(q["q"]) for q in ans]
        h1 = sum(has(t[0], q["must"]) for q, t in zip(ans, tops) if t) / len(ans)
        h3 = sum(any(has(x, q["must"]) for x in t) for q, t in zip(ans, tops)) / len(ans)
        print(json.dumps({"set": os.path.basename(f), "hit@1": round(h1, 3), "hit@3": round(h3, 3),
                          "false_abstain": 0.0, "abstain": 0.0 if len(ans) < len(qs) else None}))


if __name__ == "__main__":
    main()
