"""What the runner prints: a progress line per boot, the summary table, and
the --json document (written as kernel/output_file.py writes output files)."""

import json

import output_file


def progress(job):
    r = job.result
    return (f"daxcheck kernel: {job.kernel_label():<30} {job.repro.name:<32} "
            f"{r['seconds']:5.1f} s  {r['verdict']}")


def _events_cell(result):
    evs = result.get("details", {}).get("events", [])
    if not evs:
        return "-"
    return ", ".join(f"{e['identified_function'] or e['function']}@{e['step']}" for e in evs)


def summary(jobs):
    rows = [("reproducer", "kernel", "release", "port", "DAX", "kernel events (function@step)",
             "time", "verdict")]
    for j in jobs:
        r = j.result
        dax = {True: "yes", False: "no", None: "-"}[r.get("dax_active")]
        rows.append((j.repro.name, j.kernel_name, r.get("release") or "-", r.get("port") or "-",
                     dax, _events_cell(r), f"{r['seconds']:.1f} s", r["verdict"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
    return "\n".join(lines)


def notes(jobs):
    out = []
    for j in jobs:
        for n in j.result.get("details", {}).get("notes", []):
            out.append(f"  {j.repro.name} on {j.kernel_name}: {n}")
    return "\n".join(out)


def write_json(path, kernels, jobs):
    doc = {"kernels": kernels,
           "results": [dict(j.result, reproducer=j.repro.name, input=j.repro.origin,
                            kernel=j.kernel_name) for j in jobs]}
    output_file.write(path, json.dumps(doc, indent=2) + "\n")
