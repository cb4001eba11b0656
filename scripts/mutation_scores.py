"""Mutation score per module of tracker/domain, from `mutmut results --all true` on stdin.

    mutmut run; mutmut results --all true | python scripts/mutation_scores.py

Score = killed (or timed out) / all mutants a test reached; "no tests" are counted apart,
as code the selected tests never run.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict

LINE = re.compile(r"^\s*tracker\.domain\.(\w+)\.\S+: (.+)$")


def main() -> None:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for line in sys.stdin:
        found = LINE.match(line)
        if found:
            counts[found.group(1)][found.group(2).strip()] += 1
    total: Counter[str] = Counter()
    print(f"{'module':<14}{'killed':>7}{'survived':>9}{'no tests':>9}{'score':>7}")
    for module, count in [*sorted(counts.items()), ("all", total)]:
        if module != "all":
            total.update(count)
        killed = count["killed"] + count["timeout"]
        reached = killed + count["survived"] + count["suspicious"]
        score = f"{100 * killed / reached:.0f}%" if reached else "-"
        print(f"{module:<14}{killed:>7}{count['survived']:>9}{count['no tests']:>9}{score:>7}")


if __name__ == "__main__":
    main()
