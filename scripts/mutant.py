#!/usr/bin/env python3
"""Re-runs single gremlins mutants, to confirm that a new test kills a
survivor without a whole gremlins run:

  scripts/mutant.py analyse.go:258:21:CONDITIONALS_BOUNDARY ...

Each argument is FILE:LINE:COL:TYPE as gremlins reports it (FILE relative
to checks/, or to the module root). The mutation is applied to a copy of
the module, the package's tests run (VPNDOCTOR_MUTATION=1), and KILLED or
LIVED is printed. MUTANT_RUN=REGEX runs only the matching tests."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SWAP = {
    "ARITHMETIC_BASE": {"+": "-", "-": "+", "*": "/", "/": "*", "%": "*"},
    "CONDITIONALS_BOUNDARY": {"<": "<=", "<=": "<", ">": ">=", ">=": ">"},
    "CONDITIONALS_NEGATION": {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"},
    "INCREMENT_DECREMENT": {"++": "--", "--": "++"},
    "INVERT_NEGATIVES": {"-": "+"},
}

root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True).stdout.strip()
files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=root, capture_output=True, text=True).stdout.split()
skip = "^(TestOversizedAIA|TestOversizedCRL|TestSilentServerIsBounded|TestCancelEndsQuickly)$"
for arg in sys.argv[1:]:
    f, line, col, kind = arg.rsplit(":", 3)
    if not os.path.exists(os.path.join(root, f)):
        f = os.path.join("checks", f)
    work = tempfile.mkdtemp()
    try:
        for g in files:
            if os.path.exists(os.path.join(root, g)):
                os.makedirs(os.path.dirname(os.path.join(work, g)), exist_ok=True)
                shutil.copy2(os.path.join(root, g), os.path.join(work, g))
        src = open(os.path.join(work, f)).read().split("\n")
        ln, c = int(line) - 1, int(col) - 1
        text = src[ln]
        op = re.match(r"(\+\+|--|<=|>=|==|!=|[-+*/%<>])", text[c:])
        if not op or op.group(1) not in SWAP[kind]:
            print(f"NO MATCH {arg}: {text.strip()}")
            continue
        src[ln] = text[:c] + SWAP[kind][op.group(1)] + text[c + len(op.group(1)):]
        open(os.path.join(work, f), "w").write("\n".join(src))
        pkg = "./" + os.path.dirname(f)
        env = dict(os.environ, VPNDOCTOR_MUTATION="1")
        # MUTANT_RUN=regex runs only those tests (a new test that should kill it).
        run = ["-run", os.environ["MUTANT_RUN"]] if os.environ.get("MUTANT_RUN") else []
        r = subprocess.run(["go", "test", "-count=1", "-failfast", "-vet=off", "-skip", skip, *run, pkg], cwd=work, env=env, capture_output=True, text=True)
        if r.returncode == 0:
            status = "LIVED"
        elif "[build failed]" in r.stdout or "[setup failed]" in r.stdout:
            status = "NOT VIABLE"
        else:
            fails = re.findall(r"^--- FAIL: (\S+)", r.stdout, re.M)
            status = "KILLED by " + ",".join(fails[:3])
        print(f"{status:24} {arg}: {src[ln].strip()}", flush=True)
    finally:
        shutil.rmtree(work)
