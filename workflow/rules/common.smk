# Shared set-up: validate the configuration, load cohorts and reference data, and define the
# small input functions the rules use. Anything longer lives in the miriam package.
import sys

from snakemake.utils import validate

sys.path.insert(
    0, str(Path(workflow.basedir) / "src")
)  # the package, also without install
from miriam import __version__ as miriam_version  # noqa: E402
from miriam import config as miriam_config  # noqa: E402

validate(config, schema="../schemas/config.schema.yaml")

COHORTS = {
    name: miriam_config.load_cohort(miriam_config.cohort_path(name))
    for name in config["cohorts"]
}
OCMW_REFERENCE = config["reference"]["ocmw"]
# One software environment for all rules, used with `--software-deployment-method conda`. The
# project's environment.yml (it also installs the miriam package); relative to the rule files.
CONDA_ENV = "../../environment.yml"
GROUPS = "config/reference/groups.yaml"
INDICATOR_CATALOGUE = "config/indicators.yaml"
# The catalogue's age subgroups must follow the configured cut: checked before any job runs.
miriam_config.check_age_group_labels(
    miriam_config.load_catalogue(INDICATOR_CATALOGUE),
    config["generalise"]["age_group_cut"],
    INDICATOR_CATALOGUE,
)
NAME_ALIASES = "config/reference/name_aliases.yaml"
# Templates and wording belong to the workflow, not to a project's config: found beside it.
REPORT_SOURCES = Path(workflow.basedir) / "report"
DATA_DICTIONARY = Path(workflow.basedir) / "workflow" / "data_dictionary.yaml"


wildcard_constraints:
    cohort="|".join(COHORTS),
    lang="nl|fr",


def get_cohort_config(wildcards):
    """The cohort's config file (so that editing it re-runs the cohort)."""
    return str(miriam_config.cohort_path(wildcards.cohort))


def get_instrument(wildcards):
    """The codebook of the cohort's instrument version."""
    return str(miriam_config.instrument_path(COHORTS[wildcards.cohort].instrument))


def get_exports(wildcards):
    """The cohort's raw exports, as declared in its config."""
    return [export.path for export in COHORTS[wildcards.cohort].exports]


def cohorts_so_far(wildcards):
    """The cohorts up to and including this one, by the start of their window.

    A cohort's trend and its OCMWs' "cohorts so far" look back, never forward: a later cohort
    (or a correction in it) never changes an earlier cohort's documents, nor rebuilds them.
    (The index pages link every configured cohort: adding one adds a link there.)
    """
    start = COHORTS[wildcards.cohort].window()[0]
    return sorted(
        (name for name, c in COHORTS.items() if c.window()[0] <= start),
        key=lambda name: COHORTS[name].window()[0],
    )


def report_languages(cohort):
    """Languages the cohort's report is built in (config `languages`)."""
    return list(config["languages"])


def get_final_outputs():
    """Per cohort: the rendered report of every language and the index page (and the
    k-anonymous extract, when config `extract.enabled`)."""
    outputs = [f"results/{cohort}/report/index.html" for cohort in COHORTS]
    if config["extract"]["enabled"]:
        outputs += [f"private/{cohort}/extract.parquet" for cohort in COHORTS]
    return outputs
