"""Numerical tolerances of the computation, in one place, each with what it guards.

None of these is a constant of the law (those live in ``data/`` with value, unit, source and validity): they say
when an iteration has converged, when two floating-point numbers are "the same" after binary rounding, when a
count adds up. Each lies far below the smallest unit anything is published in (1 kr per invånare, 1 person, an
index to 4 decimals), so no result depends on it; the tests pin the results, not these numbers.
"""

from __future__ import annotations

# --- engine: fixed points ----------------------------------------------------------------------------------------
#: Befolkningsminskning and the regleringspost are one fixed point (OPEN-14, engine/model.py): the iteration stops
#: when no kommun's kostnadsutjämning or regleringspost moves by more than this, kr per invånare.
FIXPUNKT_KR_PER_INV = 1e-6
#: "Inklusive finansiering" (OPEN-23, engine/bidrag.los_finansiering): |Σ w·b(f) − f| at the fixed point, relative
#: to max(1, |f|) kr per invånare.
FINANSIERING_REL = 1e-9
#: The joint financing of the 13 § and LSS införandebidrag (engine/bidrag.los_inforandebidrag) has converged when
#: neither financing moves by more than this, kr per invånare.
FINANSIERING_GEMENSAM_KR_PER_INV = 1e-10
#: A population share this close to 1 is the whole population: no financing fixed point exists then.
HELA_BEFOLKNINGEN = 1e-12

# --- engine: comparisons and identities --------------------------------------------------------------------------
#: The law's "minst" / "mer än" limits (1,2 %, 1 %, …) compared robustly to binary rounding: equal within this,
#: relative to max(1, |limit|) (engine/bidrag.uppfyller).
GRANS_REL = 1e-9
#: Counts that must add up (age groups to the population, the vårdbehov cells to the region): whole persons, so
#: only float noise is allowed (engine/indata.py).
SUMMA_PERSONER = 1e-6
#: Government-decided shares of a län's kollektivtrafik must add up to 1 within this.
ANDELAR_SUMMA = 1e-9
#: A deviation (kr per invånare) smaller than this is neither tillägg nor avdrag in the summary: the rounding noise
#: of a population-weighted mean (engine/sammanfattning.py).
NOLL_KR_PER_INV = 1e-6

# --- geo and the index model -------------------------------------------------------------------------------------
#: Floating-point slack of a distance criterion (relative, and absolute in metres) when candidates are collected
#: from a k-d tree before the exact test dx² + dy² ≤ r² (geo/matt.population_within).
AVSTAND_REL = 1e-9
AVSTAND_M = 1e-6
#: A raster pixel is square when its sides agree within this, relative to the side (geo/readers.py).
PIXEL_REL = 1e-9
#: A pixel side is a whole number of metres within this (geo/readers.py).
PIXEL_HELTAL_M = 1e-6
#: The frozen medeldistans is stored to 3 decimals (km): a kommun's own medeldistans differs from it when they
#: differ by more than half the last digit (utjamning gleshet, utjamning index).
FRYST_MEDELDISTANS_KM = 5e-4
#: The frozen befolkningsunderlag are stored as whole inhabitants: the run's own differs when they differ by more
#: than half an inhabitant (utjamning gleshet).
FRYST_BEFOLKNINGSUNDERLAG = 0.5
#: An index value at the table's minimum (the floor of an asymmetric index): printed to 4 decimals, so equal within
#: float noise of the stored value (the index model).
INDEX_GOLV = 1e-6
#: The same for a recomputed index, whose values are not rounded yet.
INDEX_GOLV_BERAKNAD = 1e-12
