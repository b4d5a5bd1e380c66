"""Distances between facilities: great-circle from coordinates, or a distance table.

    d = detour · 2 R asin √( sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2) ),   R = 6,371.0088 km

(haversine; R the mean Earth radius of the IUGG/WGS84 ellipsoid). ``detour`` (the park's
``detour_factor``, default 1) turns straight lines into road or pipe lengths; a row of the
inventory's ``distances`` table overrides the computed value (not multiplied).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lcasym.discovery.model import OperationsInventory

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray):
    """Great-circle distance in km between points in decimal degrees (broadcasts)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class Locations:
    """Facility coordinates (NaN when absent) and the distance table as sorted pair keys."""

    lat: np.ndarray
    lon: np.ndarray
    detour: float
    table_keys: np.ndarray  # i * n + j for both orders, sorted
    table_km: np.ndarray

    @classmethod
    def from_inventory(cls, inv: OperationsInventory) -> Locations:
        """Arrays of the inventory's facilities (in file order) and distance rows."""
        index = {f.id: i for i, f in enumerate(inv.facilities)}
        n = len(inv.facilities)
        lat = np.array([f.coordinates.lat if f.coordinates else np.nan for f in inv.facilities])
        lon = np.array([f.coordinates.lon if f.coordinates else np.nan for f in inv.facilities])
        keys, km = [], []
        for row in inv.distances:
            i, j = index[row.a], index[row.b]
            keys += [i * n + j, j * n + i]
            km += [row.km, row.km]
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        return cls(
            lat,
            lon,
            float(inv.park.detour_factor),
            np.array(keys, dtype=np.int64)[order],
            np.array(km, dtype=float)[order],
        )

    def distances(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Distance in km of facility pairs (i, j) (broadcast); NaN when unknown."""
        i, j = np.broadcast_arrays(np.asarray(i), np.asarray(j))
        d = self.detour * haversine_km(self.lat[i], self.lon[i], self.lat[j], self.lon[j])
        if len(self.table_keys):
            key = i.astype(np.int64) * len(self.lat) + j
            pos = np.clip(np.searchsorted(self.table_keys, key), 0, len(self.table_keys) - 1)
            hit = self.table_keys[pos] == key
            d = np.where(hit, self.table_km[pos], d)
        return np.where(i == j, 0.0, d)
