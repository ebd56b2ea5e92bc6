"""What a rule's script may read: its input, output, params, wildcards and threads, never
`snakemake.config` (a value read there is invisible to the rule: changing it does not re-run
the job, and the rule does not say what it depends on). A script that sizes a pool by
`snakemake.threads` belongs to a rule that declares `threads:`."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "workflow" / "scripts").glob("*.py"))


def _rules() -> dict[str, str]:
    """script file name -> the text of the rule that runs it."""
    rules = {}
    for path in (ROOT / "workflow" / "rules").glob("*.smk"):
        for block in re.split(r"^(?=rule \w+:)", path.read_text(), flags=re.M):
            if match := re.search(r'script:\s*\n\s*"\.\./scripts/([\w.]+)"', block):
                rules[match.group(1)] = block
    return rules


def test_no_script_reads_the_workflow_config():
    readers = [p.name for p in SCRIPTS if "snakemake.config" in p.read_text()]
    assert not readers, f"pass what these need through the rule's params: {readers}"


def test_a_script_using_threads_runs_in_a_rule_that_declares_them():
    rules = _rules()
    users = [p.name for p in SCRIPTS if "snakemake.threads" in p.read_text()]
    assert "render_report.py" in users
    for name in users:
        assert re.search(r"^\s+threads:", rules[name], re.M), f"the rule running {name} declares no threads:"
