#!/usr/bin/env python3
"""Writes a large synthetic git history, deterministically and offline, for benchmarking
`leakhound git` (issue 12).

    python3 scripts/gen_history.py OUT_DIR [--commits 50000] [--files 5000] [--seed 12]

The repository looks like a real project's: a few thousand source files in deep folders,
about 40 large files (64-256 KiB: changelogs, generated code, fixtures) that get many small
edits, one or two small line edits per commit, files added, deleted and renamed, feature
branches that fork and merge back (about one commit in twelve is a merge), and 10 planted fake
credentials (6 Binance key/secret pairs, 4 GitHub tokens with a valid checksum), half of them
removed again later so that they live only in history. Everything comes from one seed: the
same arguments give the same commit ids on every machine (git `fast-import` with fixed
authors and dates; no network, no randomness from the system). The pack is then rewritten by
`git repack -a -d`, so that it has the object order a clone has.

It writes OUT_DIR (a git repository, checked out), OUT_DIR.truth.tsv (the planted values:
path, kind, commit that added it, in_head) and prints a one-line summary.
"""

import argparse
import os
import random
import string
import subprocess
import sys
import time
import zlib

ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
WORDS = ("self value index buffer result config handler request response client server "
         "context error status count offset length table entry record stream reader writer "
         "parse format encode decode update insert delete select filter mapper reduce cache "
         "token session user account payload header body message event queue worker thread "
         "timeout retry limit option default params args kwargs items keys values range list "
         "dict set tuple string bytes int float bool none true false return yield import from "
         "class def if else elif for while try except finally with as pass break continue").split()
EXTS = ["py", "rs", "go", "js", "ts", "java", "c", "h", "md", "toml", "yaml", "json", "txt"]
AUTHORS = [("Ada Lovelace", "ada@example.invalid"), ("Alan Turing", "alan@example.invalid"),
           ("Grace Hopper", "grace@example.invalid"), ("Edsger Dijkstra", "edsger@example.invalid"),
           ("Barbara Liskov", "barbara@example.invalid")]
EPOCH = 1_500_000_000


def base62(n, width):
    s = ""
    while n:
        n, d = divmod(n, 62)
        s = BASE62[d] + s
    return s.rjust(width, "0")


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def word(self):
        return self.r.choice(WORDS)

    def line(self, i):
        r = self.r
        k = r.random()
        indent = "    " * r.randrange(0, 4)
        if k < 0.1:
            return ""
        if k < 0.2:
            return "%s# %s %s %s %d" % (indent, self.word(), self.word(), self.word(), i)
        if k < 0.6:
            return "%s%s_%s = %s(%s, %d)" % (indent, self.word(), self.word(), self.word(),
                                             self.word(), r.randrange(1000))
        return "%sif %s.%s(%s) > %d: %s()" % (indent, self.word(), self.word(), self.word(),
                                              r.randrange(100), self.word())

    def lines(self, n):
        return [self.line(i) for i in range(n)]

    def rand(self, alphabet, n):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def path(self, n):
        r = self.r
        depth = r.randrange(2, 7)
        parts = ["%s%d" % (r.choice(["src", "lib", "pkg", "internal", "core", "tests", "docs"]),
                           r.randrange(8))]
        for _ in range(depth - 1):
            parts.append("%s_%d" % (self.word(), r.randrange(6)))
        return "/".join(parts) + "/%s_%d.%s" % (self.word(), n, r.choice(EXTS))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--commits", type=int, default=50_000)
    ap.add_argument("--files", type=int, default=5_000)
    ap.add_argument("--large-files", type=int, default=40)
    ap.add_argument("--seed", type=int, default=12)
    a = ap.parse_args()
    a.out = os.path.abspath(a.out)
    if os.path.exists(a.out):
        sys.exit("gen_history: %s exists" % a.out)
    started = time.time()
    g = Gen(a.seed)
    r = g.r
    os.makedirs(a.out)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=a.out)
    subprocess.run(["git", "init", "-q", "-b", "main", a.out], check=True, env=env)
    proc = subprocess.Popen(["git", "-c", "core.autocrlf=false", "fast-import", "--quiet",
                             "--export-marks=" + a.out + ".marks"],
                            cwd=a.out, stdin=subprocess.PIPE, env=env)
    w = proc.stdin

    # The files: path -> list of lines.
    content = {}
    small, large = [], []
    for n in range(a.files):
        p = g.path(n)
        content[p] = g.lines(r.randrange(20, 160))
        small.append(p)
    for n in range(a.large_files):
        p = "%s/%s_big_%d.%s" % (r.choice(["docs/changes", "gen/schema", "tests/fixtures"]),
                                 g.word(), n, r.choice(["md", "py", "json"]))
        content[p] = g.lines(r.randrange(1500, 6000))
        large.append(p)

    total = [0]

    def data(text):
        b = text.encode()
        total[0] += len(b)
        w.write(b"data %d\n" % len(b))
        w.write(b)
        w.write(b"\n")

    def blob_of(p):
        return "\n".join(content[p]) + "\n"

    # Planted credentials: (commit number, kind); every other one removed 5% later.
    kinds = ["binance"] * 6 + ["github"] * 4
    plant_at = sorted(r.sample(range(a.commits // 10, a.commits - a.commits // 10), len(kinds)))
    planted = []  # dicts: path, kind, commit, removed_at, values
    removals = {}

    def plant(kind):
        if kind == "binance":
            key, secret = g.rand(ALNUM, 64), g.rand(ALNUM, 64)
            return ["BINANCE_API_KEY=%s" % key, "BINANCE_SECRET_KEY=%s" % secret], secret
        body = g.rand(ALNUM, 30)
        token = "ghp_" + body + base62(zlib.crc32(body.encode()), 6)
        return ["GITHUB_TOKEN = \"%s\"" % token], token

    marks = {}  # commit number -> mark
    main_mark = None
    branches = []  # [name, tip mark]
    next_branch = 0
    merges = 0
    mark = 0
    for c in range(a.commits):
        changes = {}
        deletes, renames = [], []
        msg = []
        k = r.random()
        edits = 1 + (r.random() < 0.4)
        for _ in range(edits):
            if r.random() < 0.08:
                p = r.choice(large)
            else:
                p = r.choice(small)
            if p not in content:
                continue
            lines = content[p]
            i = r.randrange(len(lines) + 1)
            if r.random() < 0.5 and i < len(lines):
                lines[i] = g.line(i)
            else:
                lines.insert(i, g.line(i))
            changes[p] = True
            msg.append("edit %s" % os.path.basename(p))
        if k < 0.02:
            p = g.path(a.files + c)
            content[p] = g.lines(r.randrange(10, 120))
            small.append(p)
            changes[p] = True
            msg.append("add %s" % os.path.basename(p))
        elif k < 0.025 and len(small) > 100:
            p = small.pop(r.randrange(len(small)))
            if p in content and p not in changes:
                del content[p]
                deletes.append(p)
                msg.append("delete %s" % os.path.basename(p))
        elif k < 0.035:
            p = r.choice(small)
            if p in content and p not in changes:
                q = g.path(a.files + c)
                if q not in content:
                    content[q] = content.pop(p)
                    small[small.index(p)] = q
                    renames.append((p, q))
                    msg.append("rename %s" % os.path.basename(p))
        if plant_at and plant_at[0] == c:
            plant_at.pop(0)
            kind = kinds[len(planted)]
            p = r.choice(small + large)
            if p not in content or any(p == old for old, _ in renames):
                p = small[0]
            lines, value = plant(kind)
            i = r.randrange(len(content[p]) + 1)
            content[p][i:i] = lines
            changes[p] = True
            removed = None
            if len(planted) % 2 == 1:
                removed = c + a.commits // 20
                removals.setdefault(removed, []).append((p, lines))
            planted.append(dict(path=p, kind=kind, commit=c, removed=removed, value=value))
            msg.append("configure %s" % os.path.basename(p))
        for p, lines in removals.pop(c, []):
            if p in content:
                content[p] = [l for l in content[p] if l not in lines]
                changes[p] = True
                msg.append("remove credentials from %s" % os.path.basename(p))

        # Branches: fork one now and then, commit on a branch, merge one back.
        on_branch = None
        if main_mark is not None and r.random() < 0.06:
            branches.append(["topic-%d" % next_branch, main_mark, set()])
            next_branch += 1
        if branches and r.random() < 0.25 and not renames and not deletes:
            on_branch = r.choice(branches)
        merge = None
        if on_branch is None and branches and r.random() < 0.08:
            merge = branches.pop(r.randrange(len(branches)))
            # fast-import takes a merge's tree from its first parent: bring the branch's files.
            for p in merge[2]:
                changes[p] = True
            merges += 1
        if on_branch:
            on_branch[2].update(changes)

        mark += 1
        name, email = AUTHORS[c % len(AUTHORS)]
        ts = EPOCH + c * 1800
        ref = "refs/heads/" + (on_branch[0] if on_branch else "main")
        w.write(("commit %s\nmark :%d\n" % (ref, mark)).encode())
        w.write(("author %s <%s> %d +0000\n" % (name, email, ts)).encode())
        w.write(("committer %s <%s> %d +0000\n" % (name, email, ts + 60)).encode())
        m = ("; ".join(msg) or "touch") + "\n"
        if merge:
            m = "Merge branch '%s'\n\n%s" % (merge[0], m)
        mb = m.encode()
        w.write(b"data %d\n" % len(mb) + mb + b"\n")
        parent = on_branch[1] if on_branch else main_mark
        if parent is not None:
            w.write(b"from :%d\n" % parent)
        if merge:
            w.write(b"merge :%d\n" % merge[1])
        if c == 0:
            for p in sorted(content):
                w.write(("M 100644 inline %s\n" % p).encode())
                data(blob_of(p))
        else:
            for p in deletes:
                w.write(("D %s\n" % p).encode())
            for p, q in renames:
                w.write(("R %s %s\n" % (p, q)).encode())
            for p in sorted(changes):
                if p in content:
                    w.write(("M 100644 inline %s\n" % p).encode())
                    data(blob_of(p))
        w.write(b"\n")
        marks[c] = mark
        if on_branch:
            on_branch[1] = mark
        else:
            main_mark = mark
    # Branches still open are merged at the end, so that everything is on main.
    for name, tip, touched in branches:
        merges += 1
        mark += 1
        ts = EPOCH + (a.commits + mark) * 1800
        w.write(("commit refs/heads/main\nmark :%d\n" % mark).encode())
        w.write(("author Ada Lovelace <ada@example.invalid> %d +0000\n" % ts).encode())
        w.write(("committer Ada Lovelace <ada@example.invalid> %d +0000\n" % ts).encode())
        mb = ("Merge branch '%s'\n" % name).encode()
        w.write(b"data %d\n" % len(mb) + mb + b"\n")
        w.write(b"from :%d\nmerge :%d\n" % (main_mark, tip))
        for p in sorted(touched):
            if p in content:
                w.write(("M 100644 inline %s\n" % p).encode())
                data(blob_of(p))
        w.write(b"\n")
        main_mark = mark
    w.close()
    if proc.wait() != 0:
        sys.exit("gen_history: git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=a.out, check=True, env=env)
    subprocess.run(["git", "branch", "-q", "-D"] + ["topic-%d" % i for i in range(next_branch)],
                   cwd=a.out, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # fast-import writes objects in import order, each commit between its trees and blobs; a
    # cloned or garbage-collected repository has pack-objects' order (commits first, then
    # trees and blobs by recency). Repack into that shape, keeping fast-import's deltas.
    subprocess.run(["git", "repack", "-a", "-d", "-q"], cwd=a.out, check=True, env=env)
    sha = {}
    with open(a.out + ".marks") as fh:
        for line in fh:
            m, s = line.split()
            sha[int(m[1:])] = s
    os.remove(a.out + ".marks")
    with open(a.out + ".truth.tsv", "w") as fh:
        fh.write("path\tkind\tcommit\tin_head\tsecret\n")
        for d in planted:
            fh.write("%s\t%s\t%s\t%s\t%s\n" % (d["path"], d["kind"], sha[marks[d["commit"]]],
                                               "no" if d["removed"] is not None else "yes",
                                               d["value"]))
    print("gen_history: %d commits (%d merges), %d files at HEAD, %.0f MB of blob data written, "
          "%d planted (%d only in history), %.0f s"
          % (mark, merges, len(content), total[0] / 1e6,
             len(planted), sum(1 for d in planted if d["removed"] is not None),
             time.time() - started))


if __name__ == "__main__":
    main()
