"""The port's predictions for one reproducer (the JSON `daxcheck emit` writes):
which warnings each step should raise, whether the reproducer expresses every
operation (`complete`), and optional per-kernel expectations from the corpus
(`kernel_expect`)."""

import json
import re


class PredictionError(Exception):
    pass


def normalise(condition):
    """'( page->mapping )' -> 'page->mapping': whitespace and outer parentheses off."""
    c = re.sub(r"\s+", "", condition or "")
    while c.startswith("(") and c.endswith(")") and _balanced(c[1:-1]):
        c = c[1:-1]
    return c


def _balanced(s):
    depth = 0
    for ch in s:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


class Predictions:
    def __init__(self, data, path="<predictions>"):
        if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            raise PredictionError(f"{path}: no \"steps\" list")
        self.path = path
        self.source = data.get("source")
        self.variant = data.get("variant")
        self.complete = bool(data.get("complete", True))
        self.steps = []
        for s in data["steps"]:
            try:
                warnings = [{"function": w["function"], "condition": w.get("condition")}
                            for w in s.get("warnings", [])]
            except (TypeError, KeyError) as e:
                raise PredictionError(f"{path}: step {s!r}: a warning needs a \"function\" ({e})")
            self.steps.append({"step": str(s.get("step")), "op": s.get("op"), "warnings": warnings,
                               "signal": s.get("signal")})
        # Optional: what unmounting (every remaining entry released) should raise.
        self.at_unmount = data.get("at_unmount")
        # What unmounting raises in some inode eviction orders only (the
        # kernel picks the order): either outcome agrees.
        self.at_unmount_may = data.get("at_unmount_may") or []
        self.kernel_expect = data.get("kernel_expect", [])

    @classmethod
    def load(cls, path):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except OSError as e:
            raise PredictionError(f"{path}: {e.strerror}")
        except json.JSONDecodeError as e:
            raise PredictionError(f"{path}: not JSON ({e})")
        return cls(data, path)

    def expected_sites(self):
        """(step, function, condition) of each distinct predicted warning at the
        first step it is predicted: a WARN_ON_ONCE fires once per boot."""
        seen, out = set(), []
        for s in self.steps:
            for w in s["warnings"]:
                key = (w["function"], normalise(w["condition"]))
                if key not in seen:
                    seen.add(key)
                    out.append((s["step"], w["function"], w["condition"]))
        return out

    def expectation_for(self, kernel_name, release):
        """The corpus's `kernel:` line for this kernel (by name, or by X.Y of its release)."""
        series = re.match(r"\d+\.\d+", release or "")
        for e in self.kernel_expect:
            k = str(e.get("kernel"))
            if k == kernel_name or (series and k == series.group(0)):
                return e
        return None
