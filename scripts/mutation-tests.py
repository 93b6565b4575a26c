#!/usr/bin/env python3
"""Which tests run a line: the per-test coverage index that lets
scripts/mutation-go.sh run, for one mutant, only the tests that execute the
mutated line (a test that never runs the line cannot tell the mutant from
the original).

  mutation-tests.py index PKGDIR TESTBIN INDEX.json [SKIP-REGEX]
      runs each test of TESTBIN (built with -cover) alone, from PKGDIR, and
      writes {file: {line: [tests]}}; files are relative to the module root.
  mutation-tests.py select INDEX.json FILE LINE...
      prints the tests that run any of the lines, one a line, the quickest
      first; nothing when none does.
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import time


def index(pkgdir, testbin, out, skip=""):
    names = subprocess.run([testbin, "-test.list", ".*"], cwd=pkgdir, capture_output=True, text=True).stdout.split()
    names = [n for n in names if re.match(r"^(Test|Example|Fuzz)", n) and not (skip and re.search(skip, n))]
    module = os.environ.get("MODULE", "github.com/vpndoctor/vpndoctor") + "/"
    lines = {}
    tmp = tempfile.mkdtemp()
    took = {}

    def one(name):
        prof = os.path.join(tmp, name + ".out")
        start = time.monotonic()
        subprocess.run([testbin, "-test.run", "^" + name + "$", "-test.count", "1", "-test.coverprofile", prof, "-test.timeout", "5m"],
                       cwd=pkgdir, capture_output=True)
        took[name] = time.monotonic() - start
        return name, prof

    with concurrent.futures.ThreadPoolExecutor(int(os.environ.get("INDEX_JOBS", "2"))) as ex:
        for name, prof in ex.map(one, names):
            if not os.path.exists(prof):
                continue
            for row in open(prof):
                m = re.match(r"^(.+):(\d+)\.\d+,(\d+)\.\d+ \d+ (\d+)$", row.strip())
                if not m or m.group(4) == "0":
                    continue
                f = m.group(1).removeprefix(module)
                for ln in range(int(m.group(2)), int(m.group(3)) + 1):
                    lines.setdefault(f, {}).setdefault(str(ln), set()).add(name)
            os.remove(prof)
    json.dump({"took": took, "lines": {f: {ln: sorted(t) for ln, t in d.items()} for f, d in lines.items()}}, open(out, "w"))
    print(f"{out}: {len(names)} tests, {sum(len(d) for d in lines.values())} lines run")


def select(idx, f, *lns):
    ix = json.load(open(idx))
    d = ix["lines"].get(f, {})
    got = set()
    for ln in lns:
        got.update(d.get(ln, []))
    # The quickest first: with -failfast, a mutant one quick test kills
    # does not wait for the slow ones.
    for name in sorted(got, key=lambda n: (ix["took"].get(n, 0), n)):
        print(name)


if __name__ == "__main__":
    {"index": index, "select": select}[sys.argv[1]](*sys.argv[2:])
