"""Kostnadsutjämning: one module per delmodell (SPEC §3–§5, §14).

The registry maps the delmodell names used in the rule sets (``allmant.kostnadsutjamning.delmodeller_kommun`` /
``delmodeller_region``) to their functions ``f(ctx) -> {component: kr/inv, …, "standardkostnad": total}``.
"""
from __future__ import annotations

import importlib

KOMMUN = {
    "forskola": "engine.kostnad.forskola:forskola",
    "grundskola": "engine.kostnad.grundskola:grundskola",
    "gymnasieskola": "engine.kostnad.gymnasieskola:gymnasieskola",
    "ifo": "engine.kostnad.ifo:ifo",
    "komvux": "engine.kostnad.komvux:komvux",
    "aldreomsorg": "engine.kostnad.aldreomsorg:aldreomsorg",
    "gator_och_vagar": "engine.kostnad.gator_och_vagar:gator_och_vagar",
    "raddningstjanst": "engine.kostnad.raddningstjanst:raddningstjanst",
    "befolkningsminskning": "engine.kostnad.befolkningsminskning:befolkningsminskning",
    "fastigheter": "engine.kostnad.fastigheter:fastigheter",
    "politisk_verksamhet": "engine.kostnad.politisk_verksamhet:politisk_verksamhet",
    "kollektivtrafik": "engine.kostnad.kollektivtrafik:kollektivtrafik",
    "infrastruktur_och_skydd": "engine.kostnad.infrastruktur_och_skydd:infrastruktur_och_skydd",
    "verksamhetsovergripande": "engine.kostnad.verksamhetsovergripande:verksamhetsovergripande",
}
REGION = {
    "halso_och_sjukvard": "engine.kostnad.halso_och_sjukvard:halso_och_sjukvard",
    "kollektivtrafik": "engine.kostnad.kollektivtrafik:kollektivtrafik_region",
    "befolkningsforandringar_region": "engine.kostnad.halso_och_sjukvard:befolkningsforandringar_region",
}


def resolve(spec: str):
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)
