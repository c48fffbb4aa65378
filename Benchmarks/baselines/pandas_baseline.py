"""The pandas way: what a competent analyst writes without PolicyScore.

Reads the portfolio with pandas, finds the model's keywords with
pyahocorasick, scores segments and holdings with the model's formulas
(exported by `policyscore-bench --export-model`), ranks within each portfolio
and writes rankings.csv.

    python pandas_baseline.py MODEL_EXPORT_DIR PORTFOLIO.csv OUT.csv

Mapping is text only (no industry codes, registry or decisions), so a few
rankings differ from PolicyScore's; the benchmark prints how many agree.
"""

import json
import sys

import ahocorasick
import numpy as np
import pandas as pd

model_dir, portfolio_path, out_path = sys.argv[1:4]
parameters = json.load(open(f"{model_dir}/parameters.json"))
terms = pd.read_csv(f"{model_dir}/terms.csv", keep_default_na=False)
segments = pd.read_csv(f"{model_dir}/segments.csv").set_index("segment")

automaton = ahocorasick.Automaton()
roles = {}
for term in terms.itertuples(index=False):
    roles.setdefault(term.term.lower(), []).append((term.segment, term.weight, term.kind))
for text, value in roles.items():
    automaton.add_word(text, value)
automaton.make_automaton()

frame = pd.read_csv(portfolio_path, dtype=str, keep_default_na=False)
frame["line"] = np.arange(2, len(frame) + 2)
frame["weight"] = pd.to_numeric(frame["weight"], errors="coerce")
frame = frame[frame["weight"].notna()].copy()
# Percent or fraction, per portfolio: weights summing well above 1 are percents.
totals = frame.groupby("portfolio")["weight"].transform("sum")
frame["weight"] = np.where(totals > 1.5, frame["weight"] / 100, frame["weight"])

extra = parameters["extra_term_weight"]
keep_ratio = parameters["keep_ratio"]
minimum = parameters["min_text_score"]
mapped_rows, mapped_segments, mapped_shares = [], [], []
texts = (frame["name"] + "\n" + frame["description"]).str.lower()
for position, text in enumerate(texts):
    seen = set()
    scores, strongest, ruled_out = {}, {}, set()
    excluded = False
    for _, found in automaton.iter(text):
        for segment, weight, kind in found:
            if (segment, kind, weight) in seen:
                continue
            seen.add((segment, kind, weight))
            if kind == "exclusion":
                excluded = True
            elif kind == "negative":
                ruled_out.add(segment)
            else:
                scores[segment] = scores.get(segment, 0) + weight
                strongest[segment] = max(strongest.get(segment, 0), weight)
    if excluded:
        continue
    settled = {
        segment: strongest[segment] + extra * (score - strongest[segment])
        for segment, score in scores.items()
        if segment not in ruled_out
    }
    if not settled:
        continue
    best = max(settled.values())
    if best < minimum:
        continue
    kept = {s: v for s, v in settled.items() if v >= best * keep_ratio}
    total = sum(kept.values())
    for segment, value in kept.items():
        mapped_rows.append(position)
        mapped_segments.append(segment)
        mapped_shares.append(value / total)

shares = pd.DataFrame({"row": mapped_rows, "segment": mapped_segments, "share": mapped_shares})
shares = shares.join(segments, on="segment")
china = parameters["china_share"]["domestic"]
w = parameters["weights"]
for factor, key in (("e", "e"), ("f", "f_domestic"), ("d", "d_domestic")):
    shares[factor] = shares["share"] * (50 + china * (shares[key] - 50))
factors = shares.groupby("row")[["e", "f", "d"]].sum()
primary = shares.sort_values(["row", "share", "segment"], ascending=[True, False, True])
primary = primary.groupby("row")["segment"].first()
factors["composite"] = (
    w["encouraged"] * factors["e"] + w["financial"] * factors["f"] + w["substitution"] * factors["d"]
)
factors["primary_segment"] = primary
scored = frame.reset_index(drop=True).join(factors, how="inner")
scored = scored.sort_values(["portfolio", "composite", "ticker"], ascending=[True, False, True])
scored["rank"] = scored.groupby("portfolio").cumcount() + 1
scored[
    ["portfolio", "rank", "ticker", "name", "weight", "e", "f", "d", "composite", "primary_segment", "line"]
].to_csv(out_path, index=False, float_format="%.4f")
