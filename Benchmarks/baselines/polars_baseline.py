"""The polars way: the same job as pandas_baseline.py, written for polars.

Keywords are found with `str.extract_many` and `str.find_many` (Aho–Corasick
inside polars); everything else is joins and group-bys.

    python polars_baseline.py MODEL_EXPORT_DIR PORTFOLIO.csv OUT.csv
"""

import json
import sys

import polars as pl

model_dir, portfolio_path, out_path = sys.argv[1:4]
parameters = json.load(open(f"{model_dir}/parameters.json"))
terms = pl.read_csv(f"{model_dir}/terms.csv").with_columns(pl.col("term").str.to_lowercase())
segments = pl.read_csv(f"{model_dir}/segments.csv")
extra = parameters["extra_term_weight"]
china = parameters["china_share"]["domestic"]
w = parameters["weights"]

frame = (
    pl.read_csv(portfolio_path, infer_schema=False)
    .with_row_index("row")
    .with_columns(
        (pl.col("row") + 2).alias("line"),
        pl.col("weight").cast(pl.Float64, strict=False),
    )
    .filter(pl.col("weight").is_not_null())
)
totals = pl.col("weight").sum().over("portfolio")
frame = frame.with_columns(
    pl.when(totals > 1.5).then(pl.col("weight") / 100).otherwise(pl.col("weight")).alias("weight")
)
term_weight = parameters["term_weight"]
strong = parameters["strong_weight"]
# As PolicyScore's matcher: an ASCII term starts at a word boundary, and one of
# at most 4 bytes also ends at one (`ct` does not match in `product`). Every
# ASCII word is marked \x01 word \x02 in the texts and in the terms; a term
# keeps its first mark only if it starts with a word, its last only if it is
# that short.
words = r"([a-z0-9]+)"
terms = terms.with_columns(
    pl.col("term")
    .str.replace_all(words, "\x01${1}\x02")
    .pipe(
        lambda marked: pl.when(pl.col("term").str.len_bytes() > 4)
        .then(marked.str.strip_suffix("\x02"))
        .otherwise(marked)
    )
    .alias("pattern")
)
patterns = terms["pattern"].unique().to_list()
text = (pl.col("name") + "\n" + pl.col("description")).str.to_lowercase().str.replace_all(words, "\x01${1}\x02")
spans = (
    frame.select(
        "row",
        text.str.extract_many(patterns, overlapping=True).alias("pattern"),
        text.str.find_many(patterns, overlapping=True).alias("at"),
    )
    .explode("pattern", "at")
    .drop_nulls("pattern")
    .with_columns((pl.col("at") + pl.col("pattern").str.len_bytes()).alias("end"))
)
# A term inside a longer match does not count ('surgical' in 'surgical
# robot'); each term counts once, from where the text first names it.
inside = (
    spans.join(spans, on="row", suffix="_outer")
    .filter(
        (pl.col("at_outer") <= pl.col("at"))
        & (pl.col("end_outer") >= pl.col("end"))
        & (pl.col("end_outer") - pl.col("at_outer") > pl.col("end") - pl.col("at"))
    )
    .select("row", "pattern", "at")
    .unique()
)
found = (
    spans.join(inside, on=["row", "pattern", "at"], how="anti")
    .group_by("row", "pattern")
    .agg(pl.col("at").min())
    .join(terms, on="pattern")
)
excluded = found.filter(pl.col("kind") == "exclusion").select("row").unique()
ruled_out = found.filter(pl.col("kind") == "negative").select("row", "segment").unique()
named = (
    found.filter(pl.col("kind").is_in(["term", "area"]))
    .join(excluded, on="row", how="anti")
    .join(ruled_out, on=["row", "segment"], how="anti")
    .group_by("row", "segment")
    .agg(
        pl.col("weight").sum().alias("sum"),
        pl.col("weight").max().alias("max"),
        # A therapeutic area counts but never leads.
        pl.col("at")
        .filter((pl.col("weight") >= term_weight) & (pl.col("kind") == "term"))
        .min()
        .alias("first"),
    )
    .join(segments.select("segment", "domain", "general"), on="segment")
)
# The specific beats the generic: a domain's general segment yields to a
# strong term of its domain; weak-only segments yield to any ordinary term.
strong_domains = named.filter(pl.col("max") >= strong).select("row", "domain").unique()
strong_domains = strong_domains.with_columns(pl.lit(True).alias("strong_domain"))
scores = (
    named.join(strong_domains, on=["row", "domain"], how="left")
    .with_columns((pl.col("max") >= term_weight).any().over("row").alias("any_ordinary"))
    .filter(
        ~(
            (pl.col("max") < strong)
            & pl.col("strong_domain").fill_null(False)
            & (pl.col("general") == 1)
        )
        & ~((pl.col("max") < term_weight) & pl.col("any_ordinary"))
    )
    # The business the text names first gets the lead bonus.
    .with_columns(
        (
            pl.col("max")
            + extra * (pl.col("sum") - pl.col("max"))
            + pl.when(pl.col("first") == pl.col("first").min().over("row"))
            .then(parameters["lead_bonus"])
            .otherwise(0)
        ).alias("score")
    )
    .with_columns(pl.col("score").max().over("row").alias("best"))
    .filter(
        (pl.col("best") >= parameters["min_text_score"])
        & (pl.col("score") >= pl.col("best") * parameters["keep_ratio"])
    )
    .with_columns((pl.col("score") / pl.col("score").sum().over("row")).alias("share"))
    .select("row", "segment", "share")
    .join(segments, on="segment")
)
exposed = lambda column: pl.col("share") * (50 + china * (pl.col(column) - 50))
factors = (
    scores.sort(["row", "share", "segment"], descending=[False, True, False])
    .group_by("row", maintain_order=True)
    .agg(
        exposed("e").sum().alias("e"),
        exposed("f_domestic").sum().alias("f"),
        exposed("d_domestic").sum().alias("d"),
        pl.col("segment").first().alias("primary_segment"),
    )
    .with_columns(
        (w["encouraged"] * pl.col("e") + w["financial"] * pl.col("f") + w["substitution"] * pl.col("d"))
        .alias("composite")
    )
)
(
    frame.join(factors, on="row")
    .sort(["portfolio", "composite", "ticker"], descending=[False, True, False])
    .with_columns(pl.col("row").cum_count().over("portfolio").alias("rank"))
    .select("portfolio", "rank", "ticker", "name", "weight", "e", "f", "d", "composite", "primary_segment", "line")
    .write_csv(out_path, float_precision=4)
)
