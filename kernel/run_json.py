"""`--from-json RUN.json`: the filesystem-level counterexamples of a
`daxcheck run|swarm|explore --level fs --json` document, each written as a
`level: fs` corpus file and then emitted like any other .dax input."""

import json
import os
import re

import reproducers

# The universe flags every filesystem-level reproduce line carries.
_UNIVERSE_FLAGS = ("files", "pfns", "offsets", "pmd-order", "max-pins")


def _universe(reproduce, where):
    found = {}
    for flag in _UNIVERSE_FLAGS:
        m = re.search(rf"--{flag} (\d+)", reproduce or "")
        if not m:
            raise reproducers.InputError(f"{where}: its reproduce line has no --{flag}")
        found[flag] = m.group(1)
    return " ".join(f"{k}={v}" for k, v in found.items())


def _one_line(text):
    return " ".join(str(text).split())[:400]


def corpus_text(result, source, index):
    """The `level: fs` corpus file of one failing result (a dict of the run JSON)."""
    where = f"{source}: results[{index}]"
    for key in ("variant", "property", "profile", "counterexample"):
        if key not in result:
            raise reproducers.InputError(f"{where}: no \"{key}\"")
    ops = result["counterexample"]
    if not isinstance(ops, list) or not all(isinstance(o, str) for o in ops) or not ops:
        raise reproducers.InputError(f"{where}: \"counterexample\" is not a list of operations")
    lines = [f"# From {source}, results[{index}]:",
             f"#   {result.get('reproduce', '(no reproduce line)')}",
             f"universe: {_universe(result.get('reproduce'), where)}",
             "level: fs",
             f"property: {result['property']}",
             f"profile: {result['profile']}",
             f"shows: {_one_line(result.get('failure') or 'a filesystem-level counterexample')}",
             f"expect: {result['variant']} fail",
             ""]
    return "\n".join(lines + ops) + "\n"


def collect(path, daxcheck, out_dir):
    """(reproducers, notes): one reproducer per distinct filesystem-level
    counterexample in the run JSON at `path`; raises InputError."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        raise reproducers.InputError(f"--from-json {path}: no such file")
    except (OSError, UnicodeDecodeError) as e:
        raise reproducers.InputError(f"--from-json {path}: cannot read it: {e}")
    except json.JSONDecodeError as e:
        raise reproducers.InputError(f"--from-json {path}:{e.lineno}: not JSON: {e.msg}")
    results = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(results, list):
        raise reproducers.InputError(f"--from-json {path}: no \"results\" list (write it with "
                                     "`daxcheck run --level fs --json FILE`)")
    stem = os.path.splitext(os.path.basename(path))[0]
    found, notes, seen = [], [], set()
    function_level = 0
    for i, r in enumerate(results):
        if not isinstance(r, dict) or r.get("verdict") != "fail" or "counterexample" not in r:
            continue
        if r.get("level", doc.get("level")) != "fs":
            function_level += 1
            continue
        text = corpus_text(r, path, i)
        # The same sequence from two cells (another property) boots once.
        key = (_universe(r.get("reproduce"), path), tuple(r["counterexample"]))
        if key in seen:
            continue
        seen.add(key)
        name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{stem}-{r['variant']}-{r['property']}-{r['profile']}")
        dax = os.path.join(out_dir, "from-json", name + ".dax")
        os.makedirs(os.path.dirname(dax), exist_ok=True)
        with open(dax, "w", encoding="utf-8") as f:
            f.write(text)
        found.append(reproducers.collect([dax], daxcheck, out_dir)[0])
    if function_level:
        notes.append(f"{path}: {function_level} function-level counterexample(s) skipped: they are "
                     "calls, not file operations (`daxcheck reach` asks whether the filesystem makes them)")
    if not found:
        raise reproducers.InputError(f"--from-json {path}: no filesystem-level counterexample in it"
                                     + (f" ({notes[0].split(': ', 1)[1]})" if notes else ""))
    return found, notes
