"""How far a baseline's rankings agree with PolicyScore's rankings.csv.

    python agreement.py POLICYSCORE_RANKINGS.csv BASELINE_RANKINGS.csv

Prints one line: holdings ranked by each, and of those ranked by both the
share with the same primary segment and with the same composite (±0.01).
"""

import sys

import pandas as pd

ours = pd.read_csv(sys.argv[1], encoding="utf-8-sig", dtype={"ticker": str})
theirs = pd.read_csv(sys.argv[2], dtype={"ticker": str})
both = ours.merge(theirs, on=["portfolio", "line"], suffixes=("", "_baseline"))
same_segment = (both["primary_segment"] == both["primary_segment_baseline"]).mean()
same_composite = ((both["composite"] - both["composite_baseline"]).abs() <= 0.01).mean()
print(
    f"ranked {len(ours)} vs {len(theirs)}; of {len(both)} in both: "
    f"primary segment agrees {same_segment:.1%}, composite agrees {same_composite:.1%}"
)
