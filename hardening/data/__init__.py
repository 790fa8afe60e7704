"""Shipped data folders (rules, baselines, remediations, reports), mapped here in the wheel."""
