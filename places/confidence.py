"""A mention's confidence: the estimated probability that it is a place *and* within 161 km of
the right point, from a logistic model over what the resolver knows about its choice.

The weights live in ``data/confidence.json``, fitted by ``bench/calibration.py --fit`` on the
shared corpora and the reference article, less the held-out documents listed in
``bench/calibration_heldout.txt``; the same script reports the reliability table, ECE, Brier
score and AUROC on those held-out documents.
"""

from __future__ import annotations

__all__ = ["FEATURES", "SEATS_OF_POWER", "Evidence", "calibrated", "feature_vector", "load_weights"]

import json
import math
import operator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "confidence.json"

FEATURES = (
    "bias", "margin", "country", "region", "county", "city", "capital", "physical", "facility", "log_prior",
    "weak", "common", "hint", "repeat", "support", "link", "readings", "alias", "multiword", "abbreviation",
    "country_named", "country_share", "capital_named", "seat_of_power",
)
# Buildings whose names stand for a government ("the Kremlin said"): corpora that annotate
# places mostly leave them out, so their readings are right less often than other facilities'.
SEATS_OF_POWER = frozenset(
    f"curated:{slug}" for slug in "kremlin pentagon white-house capitol-hill downing-street elysee-palace".split()
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the resolver knew when it chose a reading."""

    margin: float  # softmax share of the chosen reading and those within 161 km of it, 0..1 (resolve._spread)
    kind: str
    prior: float
    weak: bool
    common: bool
    hint: bool  # "Town, State" said so
    repeat: bool  # a later mention of a name already resolved (one sense per document)
    support: float  # local evidence: named state, hint, nearby places
    link: bool  # a named county contains it, or it contains a named town
    readings: int  # the name's readings, less those within 161 km of the chosen one (no rivals for it)
    alias: bool  # matched by an alternate name of a town
    multiword: bool
    abbreviation: bool  # all caps or dotted ("US", "D.C.")
    country_named: bool = False  # the reading's country (or one of its states) is named by another name
    country_share: float = 0.0  # share of the text's other names read in the same country
    seat_of_power: bool = False  # see SEATS_OF_POWER


def feature_vector(e: Evidence) -> tuple[float, ...]:
    m = min(max(e.margin, 1e-3), 1 - 1e-3)
    return (
        1.0, math.log(m / (1 - m)), float(e.kind == "country"), float(e.kind == "region"),
        float(e.kind == "county"), float(e.kind == "city"), float(e.kind == "city" and e.prior >= 2e6),
        float(e.kind in ("water", "landform", "area", "continent")), float(e.kind == "facility"),
        math.log10(e.prior + 10.0) / 8.0, float(e.weak), float(e.common), float(e.hint), float(e.repeat),
        min(e.support, 10.0) / 10.0, float(e.link), math.log1p(e.readings) / 4.0, float(e.alias),
        float(e.multiword), float(e.abbreviation), float(e.country_named), e.country_share,
        float(e.kind == "city" and e.prior >= 2e6 and e.country_named), float(e.seat_of_power),
    )


@lru_cache(maxsize=1)
def load_weights() -> tuple[float, ...]:
    """The fitted weights, in FEATURES order (a missing or damaged file gives the raw margin)."""
    try:
        data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
        weights = tuple(float(data["weights"][name]) for name in FEATURES)
    except (OSError, ValueError, KeyError, TypeError):
        weights = tuple(1.0 if name == "margin" else 0.0 for name in FEATURES)
    return weights


def calibrated(e: Evidence) -> float:
    z = sum(map(operator.mul, load_weights(), feature_vector(e)))
    return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))), 3)
