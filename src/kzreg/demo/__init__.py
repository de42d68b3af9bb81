"""Demo data for `kzreg up` and `kzreg demo load`, and the bulk loader for benchmarks (`kzreg bulkload`)."""

from __future__ import annotations


def load_demo_if_empty() -> bool:
    """Loads the demo data when the database has no domain yet; True when it did."""
    from kzreg.demo.loader import load_demo_if_empty as load

    return load()


__all__ = ["load_demo_if_empty"]
