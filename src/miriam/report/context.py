"""The factsheet's context figure (issue 15, modelled on the Antwerpen sheet): how many leefloon
recipients the project's OCMWs count, and what share of them the project's women with both
measurements are.

Only public numbers: the leefloon counts of the reference (config `reference.leefloon`; in
the shipped reference they are illustrative, and the sentence says so) and the project's
published `n_paired`. The number of women per project is not published (next to n_paired it
would give the women without both measurements), so the share is of the paired women: a lower
bound of the share reached, and the sentence says whom it counts. A withheld project gets the
recipients only (its sheet names no count of its women, as it names no rule); one whose OCMWs
the reference does not all list gets no sentence.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from miriam.printed import is_missing, is_published
from miriam.report.text import Text


def project_recipients(units: pd.DataFrame, project: str, leefloon: pd.DataFrame) -> tuple[int, int] | None:
    """The leefloon recipients of a project's OCMWs (the units' OCMW rows under it) and the
    number of those OCMWs, or None when the reference lacks one of them."""
    ocmws = units[(units["level"] == "ocmw") & (units["parent"].astype(str) == str(project))]["unit"]
    counts = leefloon.assign(ocmw_id=leefloon["ocmw_id"].astype(str)).set_index("ocmw_id")
    wanted = [str(o) for o in ocmws]
    if not wanted or any(o not in counts.index for o in wanted):
        return None
    return int(counts.loc[wanted, "leefloon_recipients"].sum()), len(wanted)


def leefloon_sentence(
    units: pd.DataFrame, project: Mapping, leefloon: pd.DataFrame | None, t: Text, *, illustrative: bool
) -> str:
    """ "Het OCMW telt 4.422 leefloongerechtigden. De 53 deelneemsters met beide metingen zijn
    1,2 % van hen." The share only where n_paired is published; "" without the reference."""
    if leefloon is None or leefloon.empty:
        return ""
    found = project_recipients(units, str(project["unit"]), leefloon)
    if not found or not found[0]:
        return ""
    recipients, k = found
    key = "context_recipients" if k == 1 else "context_recipients_many"
    parts = [t(f"publication.factsheet.{key}", recipients=t.fmt.int(recipients), k=t.count_word(k))]
    # a withheld sheet shows no count of its women (not even n_paired): it says no rule either
    if is_published(project) and not is_missing(project.get("n_paired")):
        n = int(project["n_paired"])
        parts.append(
            t("publication.factsheet.context_share", n=t.fmt.int(n), pct=t.fmt.dec(100 * n / recipients, 1))
        )
    if illustrative:
        parts.append(t("publication.factsheet.context_illustrative"))
    return " ".join(parts)
