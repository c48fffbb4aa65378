"""The polars way: the same job as pandas_baseline.py, written for polars.

Keywords are found with `str.extract_many` (Aho–Corasick inside polars);
everything else is joins and group-bys.

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
patterns = terms["term"].unique().to_list()
found = (
    frame.select(
        "row",
        (pl.col("name") + "\n" + pl.col("description"))
        .str.to_lowercase()
        .str.extract_many(patterns, overlapping=True)
        .list.unique()
        .alias("term"),
    )
    .explode("term")
    .drop_nulls("term")
    .join(terms, on="term")
)
excluded = found.filter(pl.col("kind") == "exclusion").select("row").unique()
ruled_out = found.filter(pl.col("kind") == "negative").select("row", "segment").unique()
scores = (
    found.filter(pl.col("kind") == "term")
    .join(excluded, on="row", how="anti")
    .join(ruled_out, on=["row", "segment"], how="anti")
    .group_by("row", "segment")
    .agg(pl.col("weight").sum().alias("sum"), pl.col("weight").max().alias("max"))
    .with_columns((pl.col("max") + extra * (pl.col("sum") - pl.col("max"))).alias("score"))
    .with_columns(pl.col("score").max().over("row").alias("best"))
    .filter(
        (pl.col("best") >= parameters["min_text_score"])
        & (pl.col("score") >= pl.col("best") * parameters["keep_ratio"])
    )
    .with_columns((pl.col("score") / pl.col("score").sum().over("row")).alias("share"))
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
