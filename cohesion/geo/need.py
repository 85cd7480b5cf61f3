"""Where provision is thin: the rule that ranks neighbourhoods by need against provision, and the
"what if" that re-runs it with a space closed or opened.

The rule (shown on the page word for word, from `rule_text`):
- High need: the neighbourhood is in IMD decile 1 or 2 (IMD 2025 on 2021 LSOAs when loaded, else
  IMD 2019 on 2011 LSOAs; `edition_text` says which) (the most deprived 20% in
  England). For wards, half or more of the ward's residents live in such neighbourhoods.
- Provision score: the average of two percentile ranks within the city: spaces per 1,000
  residents (more is better) and distance from the centroid to the nearest open space (nearer is
  better). Low provision: a score in the city's lowest third.
- Thin: high need AND low provision. Thin areas come first, most deprived first (and, where the
  Community Needs Index is loaded, greater civic-assets need breaks ties), then the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from cohesion.geo.postcodes import normalise_postcode, postcode_district

HIGH_NEED_MAX_DECILE = 2  # IMD deciles 1-2: the most deprived 20% of neighbourhoods in England
WARD_HIGH_NEED_SHARE_PCT = 50.0  # a ward is high need when at least half its residents are
LOW_PROVISION_FRACTION = 1 / 3  # the city's lowest third of provision scores


IMD2025_TEXT = ("Deprivation: English Indices of Deprivation 2025 (MHCLG), on 2021 neighbourhoods (LSOAs); "
                "wards from the ONS best-fit LSOA 2021 to ward lookup.")
IMD2019_TEXT = ("Deprivation: English Indices of Deprivation 2019 (MHCLG), on 2011 neighbourhoods (LSOAs), "
                "because IMD 2025 is not loaded; import it with `python -m cohesion geo import`.")


def edition(geo: object) -> str:
    """'IMD 2025' or 'IMD 2019': the edition need is measured with for this geography."""
    return "IMD 2025" if getattr(geo, "uses_imd2025", False) else "IMD 2019"


def edition_text(geo: object) -> str:
    """One sentence for the page: which deprivation edition and which neighbourhoods are used."""
    if getattr(geo, "uses_imd2025", False):
        return IMD2025_TEXT
    if getattr(geo, "imd", None) is not None:
        return IMD2019_TEXT
    return "Deprivation: no index loaded (IMD 2025 or IMD 2019), so need cannot be measured yet."


def neighbourhood_label(geo: object) -> str:
    """'Neighbourhoods (LSOA 2021)' or '(LSOA 2011)': the units need is measured on."""
    return f"Neighbourhoods (LSOA {'2021' if getattr(geo, 'uses_imd2025', False) else '2011'})"


def example_postcode(geo: object) -> str:
    """A placeholder postcode from the place's own postcode lookup (a well-known one without it)."""
    lookup = getattr(geo, "postcodes", None)
    if lookup is not None and len(lookup):
        return f"e.g. {lookup.frame.index[len(lookup) // 2]}"
    return "e.g. SW1A 1AA"


def rule_text(level: str = "lsoa", geo: object | None = None) -> str:
    """The ranking rule in plain words, for the page (naming the edition in use when `geo` is given)."""
    imd = edition(geo) if geo is not None else "IMD"
    need = (f"{imd} decile 1 to {HIGH_NEED_MAX_DECILE} (the most deprived 20% of neighbourhoods in England)"
            if level == "lsoa" else
            f"at least {WARD_HIGH_NEED_SHARE_PCT:.0f}% of residents live in {imd} decile 1 to "
            f"{HIGH_NEED_MAX_DECILE} neighbourhoods")
    return (f"**High need**: {need}. **Provision score**: the average of two within-city percentile ranks: "
            "spaces per 1,000 residents (more is better) and distance to the nearest open space (nearer is "
            f"better). **Thin** = high need AND a provision score in the city's lowest "
            f"{round(LOW_PROVISION_FRACTION * 100)}%. Sensitive venues are not counted here.")


def rank_thin(table: pd.DataFrame, level: str = "lsoa") -> pd.DataFrame:
    """Add need_high, provision_score, provision_low, thin and rank (1 = thinnest) to an area table."""
    out = table.copy()
    if level == "lsoa":
        out["need_high"] = out["imd_decile"] <= HIGH_NEED_MAX_DECILE
        need_order = out["imd_rank"] if "imd_rank" in out else out["imd_decile"]
    else:
        out["need_high"] = out["deprived_share_pct"] >= WARD_HIGH_NEED_SHARE_PCT
        need_order = -out["deprived_share_pct"]
    per_1k = out["spaces_per_1k"].rank(pct=True)
    nearness = (-out["nearest_space_m"]).rank(pct=True)
    out["provision_score"] = pd.concat([per_1k, nearness], axis=1).mean(axis=1, skipna=True)
    out["provision_low"] = out["provision_score"] <= out["provision_score"].quantile(LOW_PROVISION_FRACTION)
    out["thin"] = out["need_high"].fillna(False) & out["provision_low"].fillna(False)
    civic = -out["civic_assets_score"] if "civic_assets_score" in out else pd.Series(0.0, index=out.index)
    order = pd.DataFrame({"thin": ~out["thin"], "need": need_order, "civic": civic.fillna(0),
                          "provision": out["provision_score"]}, index=out.index)
    ranked = order.sort_values(["thin", "need", "civic", "provision"]).index
    out.loc[ranked, "rank"] = np.arange(1, len(out) + 1)
    out["rank"] = out["rank"].astype(int)
    return out.sort_values("rank")


def what_if(spaces: pd.DataFrame, remove_ids: Iterable[str] = (), add: Iterable[tuple[str, str]] = (),
            lookup: object | None = None, area_code: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Spaces with some closed (by id) and some opened (name, postcode); returns (spaces, messages).

    Added spaces are placed at their postcode's centroid; a postcode that is invalid or not in
    the lookup is reported, not guessed.
    """
    out = spaces.copy()
    messages: list[str] = []
    remove = set(remove_ids)
    if remove:
        hit = out["id"].isin(remove)
        out.loc[hit, "is_open"] = False
        messages.append(f"closed {int(hit.sum())} space(s) for this what-if")
    new_rows = []
    for n, (name, postcode_text) in enumerate(add, start=1):
        postcode = normalise_postcode(postcode_text)
        if postcode is None:
            messages.append(f"'{postcode_text}' is not a valid postcode; nothing added")
            continue
        located = lookup.locate(pd.Series([postcode])) if lookup is not None else None
        if located is None or not bool(located["found"].iloc[0]):
            messages.append(f"{postcode} is not in the postcode lookup; nothing added")
            continue
        if area_code and located["lad_code"].iloc[0] not in (area_code, "", None):
            messages.append(f"{postcode} is outside the area; nothing added")
            continue
        new_rows.append({
            "id": f"whatif:{n}", "layer": "what-if", "row": 0, "name": name or "New space (what-if)",
            "category": "other", "address": "", "postcode": postcode,
            "district": postcode_district(pd.Series([postcode])).iloc[0], "lat": located["lat"].iloc[0],
            "lon": located["lon"].iloc[0], "operator": "", "access": "", "source": "what-if (not real)",
            "last_checked": "", "sensitive": False, "is_open": True, "status": "located", "problem": "",
            "lad_code": located["lad_code"].iloc[0], "ward_code": located["ward_code"].iloc[0],
        })
        messages.append(f"added '{name or 'New space'}' at {postcode} for this what-if")
    if new_rows:
        out = pd.concat([out, pd.DataFrame(new_rows)], ignore_index=True)
    return out, messages


def ranking_changes(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, list[str]]:
    """Names of areas that became thin and that stopped being thin between two rankings."""
    was = set(before.loc[before["thin"], "name"])
    now = set(after.loc[after["thin"], "name"])
    return {"now_thin": sorted(now - was), "no_longer_thin": sorted(was - now)}
