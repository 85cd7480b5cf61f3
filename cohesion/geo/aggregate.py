"""From points to neighbourhoods: spaces per 1,000 residents, distance to the nearest space, and
need (IMD 2025, or IMD 2019 for older comparisons; Community Needs Index) for LSOAs and current
wards; postcode districts too.

Units and vintages:
- With IMD 2025 loaded, neighbourhoods are 2021 LSOAs (the edition is published on them) and each
  reaches its current ward through the ONS best-fit LSOA 2021 to ward lookup. Residents come from
  the IMD 2025 file when it has them, else IoD2019's mid-2015 figures carried over by area.
- Without it, neighbourhoods are 2011 LSOAs, because IMD 2019 and its populations (residents
  mid-2015, IoD2019 File 6) are published on them.
- Current wards (2023-) are reached by the LSOA's centroid (for residents and need) and by each
  space's point (for counts): never by matching ward names across the 2023 change.
- The Community Needs Index 2023 is on 2021 LSOAs: each 2011 LSOA takes the value of the 2021
  LSOA containing its centroid (most are unchanged; splits share their parent's centroid area).
- Distances are straight lines from a neighbourhood's centroid, in metres on a local flat
  projection (under 0.5% error across a city), via a k-d tree.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from cohesion.geo.boundaries import GeoData

POPULATION_NOTE = "residents, mid-2015, from IoD2019 File 6 (carried by area onto 2021 LSOAs where those are used)"
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0


def to_metres(lat: np.ndarray, lon: np.ndarray, lat0: float) -> np.ndarray:
    """Local equirectangular projection: (n, 2) metres, good to well under 1% within a city."""
    x = np.asarray(lon, float) * M_PER_DEG_LON_EQUATOR * np.cos(np.radians(lat0))
    y = np.asarray(lat, float) * M_PER_DEG_LAT
    return np.column_stack([x, y])


def nearest_distance_m(from_lat: np.ndarray, from_lon: np.ndarray, to_lat: np.ndarray,
                       to_lon: np.ndarray) -> np.ndarray:
    """Distance in metres from each `from` point to its nearest `to` point (NaN if there are none)."""
    if len(to_lat) == 0:
        return np.full(len(from_lat), np.nan)
    lat0 = float(np.nanmean(from_lat)) if len(from_lat) else 0.0
    tree = cKDTree(to_metres(to_lat, to_lon, lat0))
    distance, _ = tree.query(to_metres(from_lat, from_lon, lat0))
    return distance


def provision_points(spaces: pd.DataFrame) -> pd.DataFrame:
    """The spaces that count as provision: open, located inside the area, and not sensitive.

    Sensitive venues are left out of every neighbourhood figure so their place cannot be
    inferred; they appear only in the postcode-district summary.
    """
    keep = (spaces["status"] == "located") & spaces["is_open"] & ~spaces["sensitive"]
    return spaces.loc[keep]


def _assign(points: pd.DataFrame, polygons: gpd.GeoDataFrame) -> pd.Series:
    """The `code` of the polygon containing each point (NaN outside every polygon)."""
    if points.empty:
        return pd.Series(dtype=object, index=points.index)
    pts = gpd.GeoDataFrame(index=points.index, geometry=gpd.points_from_xy(points["lon"], points["lat"]), crs=4326)
    joined = gpd.sjoin(pts, polygons[["code", "geometry"]], how="left", predicate="within")
    return joined[~joined.index.duplicated()]["code"].reindex(points.index)


@dataclass
class AreaTables:
    """Neighbourhood (LSOA 2011) and ward tables with provision and need, and their polygons."""

    lsoa: gpd.GeoDataFrame | None
    wards: gpd.GeoDataFrame | None
    notes: list[str]


def interpolate_population(target: gpd.GeoDataFrame, source: gpd.GeoDataFrame, population: pd.Series) -> np.ndarray:
    """Residents of each `target` polygon by areal weighting of `source` polygons' residents.

    Used to carry IoD2019's mid-2015 populations (2011 LSOAs) onto 2021 LSOAs when the IMD 2025
    file has no population column: most LSOAs are unchanged, so the estimate is exact for them.
    """
    src = source[["code", "geometry"]].assign(pop=source["code"].map(population).to_numpy()).to_crs(27700)
    src["src_area"] = src.area
    tgt = target[["code", "geometry"]].to_crs(27700)
    pieces = gpd.overlay(tgt.rename(columns={"code": "target"}), src, how="intersection", keep_geom_type=True)
    pieces["share"] = pieces["pop"] * pieces.area / pieces["src_area"]
    totals = pieces.groupby("target")["share"].sum(min_count=1)
    return target["code"].map(totals).to_numpy(dtype=float)


def _neighbourhoods_2021(geo: GeoData) -> gpd.GeoDataFrame:
    """2021 LSOAs with IMD 2025, residents, CNI civic assets and current ward (from the ONS lookup)."""
    units = geo.lsoa21[["code", "name", "geometry"]].copy()
    centroids = shapely.centroid(units.geometry.values)
    units["lat"], units["lon"] = shapely.get_y(centroids), shapely.get_x(centroids)
    imd = geo.imd2025.set_index("lsoa21_code")
    units["imd_decile"] = units["code"].map(imd["imd_decile"])
    units["imd_rank"] = units["code"].map(imd["imd_rank"])
    units["population"] = units["code"].map(imd["population"]) if "population" in imd else np.nan
    if units["population"].isna().all() and geo.imd is not None and geo.lsoa11 is not None:
        units["population"] = interpolate_population(units, geo.lsoa11, geo.imd.set_index("lsoa11_code")["population"])
    units["civic_assets_score"] = np.nan
    if geo.cni is not None:
        units["civic_assets_score"] = units["code"].map(geo.cni.set_index("lsoa21_code")["civic_assets_score"])
    units["ward_code"] = np.nan
    if geo.wards is not None:
        by_point = _assign(units[["lat", "lon"]], geo.wards)
        if geo.lsoa21_wards is not None:
            # The ONS best-fit lookup wins where its ward is one of the loaded wards; a ward set
            # from another vintage falls back on the LSOA's centroid, never on ward names.
            lookup = units["code"].map(geo.lsoa21_wards.set_index("lsoa21_code")["ward_code"])
            units["ward_code"] = lookup.where(lookup.isin(set(geo.wards["code"])), by_point)
        else:
            units["ward_code"] = by_point
    return units


def neighbourhoods(geo: GeoData) -> gpd.GeoDataFrame | None:
    """LSOAs with centroid, residents, IMD, CNI civic assets and current ward; None without polygons.

    With IMD 2025 and 2021 LSOA polygons loaded, the units are 2021 LSOAs (`geo.uses_imd2025`);
    otherwise 2011 LSOAs with IMD 2019, which stays readable for older comparisons.
    """
    if geo.uses_imd2025:
        return _neighbourhoods_2021(geo)
    if geo.lsoa11 is None:
        return None
    units = geo.lsoa11[["code", "name", "geometry"]].copy()
    centroids = shapely.centroid(units.geometry.values)
    units["lat"], units["lon"] = shapely.get_y(centroids), shapely.get_x(centroids)
    units["population"] = np.nan
    units["imd_decile"] = np.nan
    units["imd_rank"] = np.nan
    if geo.imd is not None:
        imd = geo.imd.set_index("lsoa11_code")
        units["population"] = units["code"].map(imd["population"])
        units["imd_decile"] = units["code"].map(imd["imd_decile"])
        units["imd_rank"] = units["code"].map(imd["imd_rank"])
    units["civic_assets_score"] = np.nan
    if geo.cni is not None:
        cni = geo.cni.set_index("lsoa21_code")["civic_assets_score"]
        # Without 2021 polygons fall back on codes: unchanged LSOAs kept their codes in 2021.
        lsoa21_code = _assign(units[["lat", "lon"]], geo.lsoa21) if geo.lsoa21 is not None else units["code"]
        units["civic_assets_score"] = lsoa21_code.map(cni).to_numpy()
    units["ward_code"] = _assign(units[["lat", "lon"]], geo.wards) if geo.wards is not None else np.nan
    return units


def add_provision(units: gpd.GeoDataFrame, spaces: pd.DataFrame) -> gpd.GeoDataFrame:
    """Add spaces_count, spaces_per_1k and nearest_space_m to LSOA units (spaces: the SPACES frame)."""
    points = provision_points(spaces)
    out = units.copy()
    codes = _assign(points, units)
    counts = codes.value_counts()
    out["spaces_count"] = out["code"].map(counts).fillna(0).astype(int)
    out["spaces_per_1k"] = out["spaces_count"] / out["population"] * 1000
    out["nearest_space_m"] = nearest_distance_m(out["lat"].to_numpy(), out["lon"].to_numpy(),
                                                points["lat"].to_numpy(), points["lon"].to_numpy())
    return out


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & weights.notna() & (weights > 0)
    return float(np.average(values[ok], weights=weights[ok])) if ok.any() else float("nan")


def ward_table(units: gpd.GeoDataFrame, wards: gpd.GeoDataFrame, spaces: pd.DataFrame,
               high_need_max_decile: int) -> gpd.GeoDataFrame:
    """Current wards: residents and need from their LSOAs (by centroid), spaces by their points."""
    rows = []
    points = provision_points(spaces)
    counts = _assign(points, wards).value_counts()
    for code, group in units.groupby("ward_code"):
        # Without residents, each LSOA counts once (LSOAs are built to hold similar populations).
        pop = group["population"] if group["population"].notna().any() else pd.Series(1.0, index=group.index)
        deprived = group["imd_decile"] <= high_need_max_decile
        rows.append({
            "code": code,
            "population": group["population"].sum(min_count=1),
            "lsoa_count": len(group),
            "deprived_share_pct": 100 * pop[deprived].sum() / pop.sum() if pop.sum() > 0 else np.nan,
            "imd_decile": group["imd_decile"].median(),
            "civic_assets_score": _weighted(group["civic_assets_score"], pop),
            "nearest_space_m": _weighted(group["nearest_space_m"], pop),
        })
    table = pd.DataFrame(rows, columns=["code", "population", "lsoa_count", "deprived_share_pct", "imd_decile",
                                        "civic_assets_score", "nearest_space_m"])
    out = wards[["code", "name", "geometry"]].merge(table, on="code", how="left")
    out["spaces_count"] = out["code"].map(counts).fillna(0).astype(int)
    out["spaces_per_1k"] = out["spaces_count"] / out["population"] * 1000
    return out


def area_tables(geo: GeoData, spaces: pd.DataFrame, high_need_max_decile: int = 2) -> AreaTables:
    """LSOA and ward tables with provision and need, as far as the loaded geography allows."""
    notes = []
    units = neighbourhoods(geo)
    if units is None:
        return AreaTables(None, None, ["No LSOA boundaries loaded: neighbourhood figures need them."])
    units = add_provision(units, spaces)
    if not geo.has_need:
        notes.append("No deprivation index loaded (IMD 2025, or IMD 2019): need and per-1,000 rates are missing.")
    elif units["population"].isna().all():
        notes.append("No residents figure for these neighbourhoods: per-1,000 rates are missing and provision "
                     "is scored on distance alone.")
    if geo.cni is None:
        notes.append("No Community Needs Index loaded: its civic-assets domain is not shown.")
    wards = None
    if geo.wards is not None:
        wards = ward_table(units, geo.wards, spaces, high_need_max_decile)
    else:
        notes.append("No ward boundaries loaded: the ward view is not available.")
    return AreaTables(units, wards, notes)


def district_summary(spaces: pd.DataFrame, participation: dict[str, float] | None = None) -> pd.DataFrame:
    """One row per postcode district: works from postcodes alone, with no boundaries loaded.

    Counts spaces inside the area (or not yet known to be outside it); sensitive venues are
    counted here and nowhere finer. `participation` maps district -> listening-exercise share (%).
    """
    inside = spaces[(spaces["district"] != "") & ~spaces["status"].isin(["outside area", "duplicate", "not placed"])]
    # .loc with a boolean mask: an empty object column would otherwise be read as column labels.
    open_ = inside.loc[inside["is_open"].astype(bool)]
    table = pd.DataFrame({
        "spaces_open": open_.loc[~open_["sensitive"].astype(bool)].groupby("district").size(),
        "sensitive_open": open_.loc[open_["sensitive"].astype(bool)].groupby("district").size(),
        "lost_spaces": inside.loc[~inside["is_open"].astype(bool)].groupby("district").size(),
    })
    categories = open_.loc[~open_["sensitive"].astype(bool)].groupby("district")["category"].agg(
        lambda s: ", ".join(f"{c} {n}" for c, n in s.value_counts().items()))
    table["categories"] = categories
    if participation:
        table = table.reindex(table.index.union(list(participation)))
        table["listening_participation_pct"] = pd.Series(participation, dtype=float)
    else:
        table["listening_participation_pct"] = np.nan
    for col in ("spaces_open", "sensitive_open", "lost_spaces"):
        table[col] = table[col].fillna(0).astype(int)
    table["categories"] = table["categories"].fillna("")
    table.index.name = "district"
    order = table.index.str.extract(r"^([A-Z]+)(\d+)", expand=True)
    table = table.assign(_a=order[0].to_numpy(), _n=order[1].astype(float).to_numpy()).sort_values(["_a", "_n"])
    return table.drop(columns=["_a", "_n"]).reset_index()


def spaces_near(lat: float, lon: float, district: str, spaces: pd.DataFrame, radius_m: float) -> pd.DataFrame:
    """Open spaces within `radius_m` of a point, nearest first; sensitive venues only as 'in <district>'.

    Sensitive venues never get a distance: those in the searched postcode's district are listed
    with `where` = "in SW1A" and no distance, whatever the radius.
    """
    pool = spaces[(spaces["status"] == "located") & spaces["is_open"] & ~spaces["sensitive"]]
    distance = nearest_pairwise_m(lat, lon, pool["lat"].to_numpy(), pool["lon"].to_numpy())
    near = pool.assign(distance_m=distance)
    near = near[near["distance_m"] <= radius_m].sort_values("distance_m")
    near = near.assign(where=near["distance_m"].round(-1).astype(int).astype(str) + " m")
    hidden = spaces[spaces["sensitive"] & spaces["is_open"] & (spaces["district"] == district)]
    hidden = hidden.assign(distance_m=np.nan, where="in " + district)
    cols = ["name", "category", "where", "distance_m", "access", "layer"]
    return pd.concat([near[cols], hidden[cols]], ignore_index=True)


def nearest_pairwise_m(lat: float, lon: float, to_lat: np.ndarray, to_lon: np.ndarray) -> np.ndarray:
    """Distance in metres from one point to each of many (local flat projection)."""
    if len(to_lat) == 0:
        return np.array([])
    origin = to_metres(np.array([lat]), np.array([lon]), lat)
    return np.hypot(*(to_metres(to_lat, to_lon, lat) - origin).T)
