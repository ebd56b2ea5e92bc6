"""Rule compute_trend: reach and comparable national scores over the built cohorts."""

from miriam import config, io
from miriam.indicators import trend
from miriam.provenance import logs


def main(snakemake):
    cohorts = {
        name: config.load_cohort(path)
        for name, path in zip(snakemake.params.cohorts, snakemake.input.cohorts, strict=True)
    }
    labels = {name: cohort.label for name, cohort in cohorts.items()}
    instruments = {
        name: config.load_instrument(config.instrument_path(c.instrument)) for name, c in cohorts.items()
    }
    reach = {
        name: io.read_table(p)
        for name, p in zip(snakemake.params.cohorts, snakemake.input.reach, strict=True)
    }
    scores = {
        name: io.read_table(p)
        for name, p in zip(snakemake.params.cohorts, snakemake.input.scores, strict=True)
    }
    reach_table = trend.reach_trend(reach, labels)
    score_table = trend.score_trend(scores, labels, instruments)
    io.write_table(reach_table, snakemake.output.reach)
    io.write_csv(reach_table, snakemake.output.reach_csv)
    io.write_table(score_table, snakemake.output.scores)
    io.write_csv(score_table, snakemake.output.scores_csv)


logs.run_step(snakemake, main)  # noqa: F821
