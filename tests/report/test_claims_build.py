"""Issue 13, done when: no sentence in either language of a built report claims a change that
its test does not support. The outside check (tests/claim_walker.py) reads the Quarto sources
the workflow wrote for both cohorts and holds every claim against the published tests table."""

import pytest
from claim_walker import check_sources
from pages import MAIN, OLD

from miriam.config import ROOT, load_yaml
from miriam.report.claims import ClaimRules

RULES = ClaimRules.from_config(load_yaml(ROOT / "config" / "config.yaml").get("report"))


@pytest.mark.parametrize("cohort", [MAIN, OLD])
@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_no_sentence_claims_what_its_test_does_not_support(build, cohort, lang):
    src = build.report_dir(cohort) / "src" / lang
    bad, read = check_sources(
        src, lang, build.instrument(cohort), build.table("tests", cohort),
        p_column=RULES.p_column, alpha=RULES.alpha,
    )  # fmt: skip
    assert read > 50, f"too few sentences read in {src}"
    assert not bad, "\n".join(f"{v.document}: {v.why}: {v.sentence}" for v in bad)
