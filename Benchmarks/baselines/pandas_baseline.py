"""The pandas way: what a competent analyst writes without PolicyScore.

Reads the portfolio with pandas, finds the model's keywords with
pyahocorasick, scores segments and holdings with the model's formulas
(exported by `policyscore-bench --export-model`), ranks within each portfolio
and writes rankings.csv.

    python pandas_baseline.py MODEL_EXPORT_DIR PORTFOLIO.csv OUT.csv

Text is matched as PolicyScore matches it (ASCII word boundaries, a term
inside a longer match dropped, the specific beating the generic, the
business named first getting the lead bonus), but mapping is text only (no
industry codes, registry or decisions), so a few rankings differ from
PolicyScore's; the benchmark prints how many agree.
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
    automaton.add_word(text, (text, value))
automaton.make_automaton()

def is_word(char):
    return char.isascii() and char.isalnum()


# As PolicyScore's matcher: an ASCII term starts at a word boundary, and one
# of at most 4 bytes also ends at one (so `ct` does not match in `product`).
boundaries = {
    text: (is_word(text[0]), len(text.encode()) <= 4 and is_word(text[-1])) for text in roles
}
domain = segments["domain"].to_dict()
general = set(segments.index[segments["general"] == 1])

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
term_weight = parameters["term_weight"]
strong = parameters["strong_weight"]
lead_bonus = parameters["lead_bonus"]
mapped_rows, mapped_segments, mapped_shares = [], [], []
texts = (frame["name"] + "\n" + frame["description"]).str.lower()
for position, text in enumerate(texts):
    seen = set()
    scores, strongest, first, ruled_out = {}, {}, {}, set()
    excluded = False
    spans = []
    for end, (term, found) in automaton.iter(text):
        start = end - len(term) + 1
        needs_start, needs_end = boundaries[term]
        if needs_start and start > 0 and is_word(text[start - 1]):
            continue
        if needs_end and end + 1 < len(text) and is_word(text[end + 1]):
            continue
        spans.append((start, end, term, found))
    for start, end, term, found in sorted(spans):
        # A term inside a longer match does not count ('surgical' in
        # 'surgical robot'); each term counts once, where first named.
        if term in seen or any(
            b <= start and e >= end and e - b > end - start for b, e, _, _ in spans
        ):
            continue
        seen.add(term)
        for segment, weight, kind in found:
            if kind == "exclusion":
                excluded = True
            elif kind == "negative":
                ruled_out.add(segment)
            else:
                scores[segment] = scores.get(segment, 0) + weight
                strongest[segment] = max(strongest.get(segment, 0), weight)
                # A therapeutic area counts but never leads.
                if weight >= term_weight and kind != "area":
                    first[segment] = min(first.get(segment, start), start)
    if excluded:
        continue
    alive = [segment for segment in scores if segment not in ruled_out]
    # The specific beats the generic: a domain's general segment yields to a
    # strong term of its domain; weak-only segments yield to any ordinary term.
    strong_domains = {domain[s] for s in alive if strongest[s] >= strong}
    any_ordinary = any(strongest[s] >= term_weight for s in alive)
    alive = [
        s
        for s in alive
        if not (strongest[s] < strong and domain[s] in strong_domains and s in general)
        and not (strongest[s] < term_weight and any_ordinary)
    ]
    if not alive:
        continue
    # The business the text names first gets the lead bonus.
    lead = min((first[s] for s in alive if s in first), default=None)
    settled = {
        s: strongest[s] + extra * (scores[s] - strongest[s])
        + (lead_bonus if lead is not None and first.get(s) == lead else 0)
        for s in alive
    }
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
