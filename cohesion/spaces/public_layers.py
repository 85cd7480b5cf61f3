"""Public layers of community spaces, read into the register's shape and validated the same way.

- Arts Council England "Libraries basic dataset" (the 2023 edition's columns): every library is
  kept; those not operating in 2023 (`operation_23` other than LA council-run or CR
  community-run) have `is_open` False, so the page can show them as "lost spaces" without
  counting them as provision.
- NHS ODS `epraccur` (no header, 27 columns): active (status A) GP practices (prescribing
  setting 4) become "health setting"; the other rows are other kinds of organisation, counted in
  the layer's notes rather than silently dropped.
- NHS ODS `edispensary` (the same layout family): active (status A) community pharmacies (column
  14 type 1) become "pharmacy"; appliance contractors (type 2) and closed or proposed rows are
  counted in the notes.
- DfE Get Information About Schools, "open state-funded schools" extract (urn, name, open_date,
  town, postcode): every row is an open state-funded school, category "school" (not the
  register's "school opened for community use": the file does not say which schools host
  community use).

The registry of layers (file names, default use) is `cohesion.spaces.layer_registry`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cohesion.geo.postcodes import PostcodeLookup
from cohesion.loaders.errors import require_columns
from cohesion.spaces.layer import Layer, join_address, read_ods
from cohesion.spaces.register import Area, validate

# ODS column positions (0-based) from the epraccur / edispensary specifications; only these are used.
EPRACCUR_COLUMNS = {0: "org_code", 1: "name", 4: "address1", 5: "address2", 6: "address3", 7: "address4",
                    9: "postcode", 12: "status", 25: "prescribing_setting"}
EDISPENSARY_COLUMNS = {0: "org_code", 1: "name", 4: "address1", 5: "address2", 6: "address3", 7: "address4",
                       9: "postcode", 12: "status", 13: "type_code"}
OPEN_LIBRARY_OPERATION = {"LA": "council-run", "CR": "community-run"}
ODS_CREDIT = "Contains public sector information licensed under the Open Government Licence v3.0 (NHS England ODS)."
GIAS_CREDIT = ("Contains public sector information licensed under the Open Government Licence v3.0 "
               "(Department for Education, Get Information About Schools).")


def title_case(values: pd.Series) -> pd.Series:
    """ODS names are in capitals: 'CORNWELL'S CHEMISTS' -> 'Cornwell's Chemists' (not str.title's 'Cornwell'S')."""
    return values.str.lower().map(lambda s: re.sub(r"[a-z]+('[a-z]+)?", lambda m: m.group(0).capitalize(), s))


def _distinct_names(names: pd.Series, postcodes: pd.Series, codes: pd.Series) -> pd.Series:
    # Two branches of one chain at one postcode (e.g. in a health centre) are two organisations,
    # not a duplicate row: their ODS codes tell them apart.
    key = names.str.lower() + "|" + postcodes.str.replace(" ", "").str.upper()
    repeated = key.duplicated(keep=False)
    return names.where(~repeated, names + " (" + codes + ")")


def load_libraries(path: Path, lookup: PostcodeLookup | None = None, area: Area | None = None) -> Layer:
    """ACE public libraries; closed ones kept with is_open False (the 'lost spaces')."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip().lower() for c in raw.columns]
    operation = "operation_23" if "operation_23" in raw else "operation_2023"
    require_columns(path, list(raw.columns), ["name", "postcode", operation])
    op = raw[operation].str.strip()
    hours = raw["hours"].str.strip() if "hours" in raw else pd.Series("", index=raw.index)
    opening = [f"{h} hours a week (2023)" if h.replace(".", "", 1).isdigit() else "" for h in hours]
    staffing = op.map(OPEN_LIBRARY_OPERATION).fillna("")
    shaped = pd.DataFrame({
        "row": range(2, len(raw) + 2),
        "name": raw["name"], "category": "library",
        "address": join_address(raw, ["address1", "address2", "address3"]),
        "postcode": raw["postcode"],
        "operator": staffing.where(staffing == "", "library service (" + staffing + ")"),
        "opening_pattern": opening, "free_to_use": "yes",
        "open": op.isin(list(OPEN_LIBRARY_OPERATION)).map({True: "yes", False: "no"}),
        "source": "Arts Council England, Public libraries in England basic dataset 2023",
        "last_checked": "2023-12-31", "sensitive": "no",
    })
    spaces = validate(shaped, file=path.name, layer="libraries", lookup=lookup, area=area)
    closed = int((~spaces["is_open"]).sum())
    notes = [f"{len(spaces)} libraries listed; {len(spaces) - closed} operating in 2023 (council- or "
             f"community-run); {closed} closed or temporarily closed, shown only as lost spaces"]
    return Layer("libraries", "Public libraries (Arts Council England, 2023)", spaces, notes,
                 "Public libraries in England basic dataset, Arts Council England.")


def load_gp_practices(path: Path, lookup: PostcodeLookup | None = None, area: Area | None = None) -> Layer:
    """Active GP practices from an ODS epraccur file (no header, 27 columns)."""
    raw = read_ods(path, EPRACCUR_COLUMNS, "epraccur")
    keep = (raw["status"].str.strip() == "A") & (raw["prescribing_setting"].str.strip() == "4")
    practices = raw[keep]
    shaped = pd.DataFrame({
        "row": practices["row"], "name": title_case(practices["name"]), "category": "health setting",
        "address": title_case(join_address(practices, ["address1", "address2", "address3", "address4"])),
        "postcode": practices["postcode"], "operator": "GP practice (" + practices["org_code"] + ")",
        "open": "yes", "source": "NHS England ODS, GP practices (epraccur)", "last_checked": "",
        "sensitive": "no",
    })
    spaces = validate(shaped, file=path.name, layer="gp_practices", lookup=lookup, area=area)
    notes = [f"{len(raw)} rows in the file; {int(keep.sum())} are active GP practices (status A, prescribing "
             f"setting 4); the other {int((~keep).sum())} are closed practices or other prescribing settings"]
    return Layer("gp_practices", "GP practices (NHS ODS)", spaces, notes, ODS_CREDIT)


def load_pharmacies(path: Path, lookup: PostcodeLookup | None = None, area: Area | None = None) -> Layer:
    """Active community pharmacies from an ODS edispensary file (no header, 27 columns)."""
    raw = read_ods(path, EDISPENSARY_COLUMNS, "edispensary")
    status, kind = raw["status"].str.strip(), raw["type_code"].str.strip()
    keep = (status == "A") & (kind == "1")
    pharmacies = raw[keep]
    shaped = pd.DataFrame({
        "row": pharmacies["row"], "category": "pharmacy",
        "name": _distinct_names(title_case(pharmacies["name"]), pharmacies["postcode"], pharmacies["org_code"]),
        "address": title_case(join_address(pharmacies, ["address1", "address2", "address3", "address4"])),
        "postcode": pharmacies["postcode"], "operator": "community pharmacy (" + pharmacies["org_code"] + ")",
        "open": "yes", "source": "NHS England ODS, pharmacies (edispensary)", "last_checked": "",
        "sensitive": "no",
    })
    spaces = validate(shaped, file=path.name, layer="pharmacies", lookup=lookup, area=area)
    appliance = int(((status == "A") & (kind == "2")).sum())
    notes = [f"{len(raw)} rows in the file; {int(keep.sum())} are active community pharmacies (status A, type 1); "
             f"{appliance} active appliance contractors (type 2) and {int((status != 'A').sum())} closed or "
             "proposed rows are not mapped"]
    return Layer("pharmacies", "Community pharmacies (NHS ODS)", spaces, notes, ODS_CREDIT)


def load_schools(path: Path, lookup: PostcodeLookup | None = None, area: Area | None = None) -> Layer:
    """Open state-funded schools from a DfE GIAS extract (urn, name, open_date, town, postcode)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip().lower() for c in raw.columns]
    require_columns(path, list(raw.columns), ["urn", "name", "postcode"])
    shaped = pd.DataFrame({
        "row": range(2, len(raw) + 2), "name": raw["name"], "category": "school",
        "address": join_address(raw, ["town"]), "postcode": raw["postcode"],
        "operator": "state-funded school (URN " + raw["urn"].str.strip() + ")",
        "open": "yes", "source": "DfE Get Information About Schools, open state-funded schools",
        "last_checked": "", "sensitive": "no",
    })
    spaces = validate(shaped, file=path.name, layer="schools", lookup=lookup, area=area)
    notes = [f"{len(raw)} open state-funded schools in the file (independent and closed schools are not in it); "
             "type and phase are not given"]
    return Layer("schools", "State-funded schools (DfE GIAS)", spaces, notes, GIAS_CREDIT)
