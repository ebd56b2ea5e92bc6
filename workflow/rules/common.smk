# Shared set-up: validate the configuration, load cohorts and reference data, and define the
# small input functions the rules use. Anything longer lives in the miriam package.
import sys
import time

from snakemake.io import strip_wildcard_constraints
from snakemake.utils import validate

sys.path.insert(
    0, str(Path(workflow.basedir) / "src")
)  # the package, also without install
from miriam import __version__ as miriam_version  # noqa: E402
from miriam import config as miriam_config  # noqa: E402
from miriam.provenance import code_digest as miriam_code  # noqa: E402
from miriam.config import settings as miriam_settings  # noqa: E402

# When this run started: the onerror handler prints the errors logged since (Snakefile).
RUN_STARTED = time.time()

validate(config, schema="../../src/miriam/config/schemas/config.schema.yaml")

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
PUBLICATION_PLAN = "config/publication.yaml"
# The catalogue's age subgroups must follow the configured cut: checked before any job runs.
miriam_config.check_age_group_labels(
    miriam_config.load_catalogue(INDICATOR_CATALOGUE, "config/instruments"),
    config["generalise"]["age_group_cut"],
    INDICATOR_CATALOGUE,
)
NAME_ALIASES = "config/reference/name_aliases.yaml"
# Templates and wording belong to the workflow, not to a project's config: found beside it.
REPORT_SOURCES = Path(workflow.basedir) / "report"
DATA_DICTIONARY = Path(workflow.basedir) / "workflow" / "data_dictionary.yaml"
# The code the rules run: their scripts and the package those import (see code_of).
SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"
PACKAGE_DIR = Path(workflow.basedir) / "src" / "miriam"


wildcard_constraints:
    cohort="|".join(COHORTS),
    lang="nl|fr",


def code_of(script):
    """The digest of a rule's script and of every miriam module it imports, transitively
    (miriam.provenance.code_digest), for the rule's `params: code=`. Snakemake re-runs a job whose params
    changed (default --rerun-triggers), so a rule re-runs when the code it runs changes, and
    so does everything downstream. Read once per script, at parse time."""
    return miriam_code.script_digest(SCRIPTS / script, PACKAGE_DIR)


def code_by_rule(wildcards):
    """For the manifest: per rule that runs a script for this cohort, the digest of its code
    and the outputs it writes. Called when the jobs are made, after every rule file is read.
    """
    exports = set(get_exports(wildcards))
    built = {}
    for rule_ in workflow.rules:
        if not rule_.script:
            continue
        # the patterns carry the global wildcard constraints: {cohort,a|b}
        patterns = [strip_wildcard_constraints(str(o)) for o in rule_.output]
        if not any("{cohort}" in p or p in exports for p in patterns):
            continue  # another cohort's demo exports
        outputs = [p.replace("{cohort}", wildcards.cohort) for p in patterns]
        built[rule_.name] = {
            "code_sha256": code_of(Path(rule_.script).name),
            "outputs": sorted(outputs),
        }
    return dict(sorted(built.items()))


def report_files(*parts):
    """The files under report/<parts> (templates, assets), sorted: inputs file by file, since
    Snakemake takes a directory's own mtime, which editing a file in it does not change.
    """
    folder = REPORT_SOURCES.joinpath(*parts)
    return sorted(str(p) for p in folder.rglob("*") if p.is_file())


def get_cohort_config(wildcards):
    """The cohort's config file (so that editing it re-runs the cohort)."""
    return str(miriam_config.cohort_path(wildcards.cohort))


def get_instrument(wildcards):
    """The codebook of the cohort's instrument version."""
    return str(miriam_config.instrument_path(COHORTS[wildcards.cohort].instrument))


def cohort_settings(wildcards):
    """The cohort's settings: config.yaml's defaults with the cohort file's own `disclosure`,
    `generalise`, `precision` and `verification` (miriam.config.settings)."""
    return miriam_settings.cohort_settings(config, COHORTS[wildcards.cohort].raw)


def verified_cohorts():
    """Cohorts built in verification mode as well: `--config verify=<cohort>[,<cohort>]`, or
    `verification: {build: true}` in the cohort file (docs/verification.md)."""
    asked = config.get("verify") or []
    if isinstance(asked, str):
        asked = [name for name in asked.split(",") if name]
    asked = list(asked)
    unknown = [name for name in asked if name not in COHORTS]
    if unknown:
        raise ValueError(
            f"verify={','.join(unknown)}: not a cohort listed under `cohorts:` in config/config.yaml"
        )
    asked += [
        name
        for name, c in COHORTS.items()
        if c.raw.get("verification", {}).get("build") and name not in asked
    ]
    return asked


def get_exports(wildcards):
    """The cohort's raw exports, as declared in its config."""
    return [export.path for export in COHORTS[wildcards.cohort].exports]


def same_kind(cohort):
    """The configured cohorts of the same kind as `cohort`: real with real, demo with demo.

    Demo cohorts (`demo: true`, synthetic data) are never the history of a real cohort, nor a
    real cohort that of a demo: its trend, scale chart and "other editions" come only from
    cohorts of its own kind listed under `cohorts:` in config/config.yaml.
    """
    demo = COHORTS[cohort].demo
    return [name for name, c in COHORTS.items() if c.demo == demo]


def cohorts_so_far(wildcards):
    """The cohorts of this one's kind (same_kind) up to and including it, by window start.

    A cohort's trend and its OCMWs' "cohorts so far" look back, never forward: a later cohort
    (or a correction in it) never changes an earlier cohort's documents, nor rebuilds them.
    (The index pages link every configured cohort of the same kind: adding one adds a link.)
    """
    start = COHORTS[wildcards.cohort].window()[0]
    return sorted(
        (
            name
            for name in same_kind(wildcards.cohort)
            if COHORTS[name].window()[0] <= start
        ),
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
    outputs += [f"verification/{cohort}/index.html" for cohort in verified_cohorts()]
    return outputs
