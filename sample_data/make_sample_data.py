"""Regenerate the self-made sample data sets (deterministic; run from the repository root).

alloys.csv / alloys.parquet: 300 synthetic steel-like alloys. Composition fractions, two
processing parameters, a text column (crystal phase) and the target ``hardness``. The
Parquet file holds exactly the numbers of the CSV.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def alloys(n: int = 300, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ni = rng.uniform(0.0, 0.3, n)
    cr = rng.uniform(0.0, 0.25, n)
    mo = rng.exponential(0.02, n).clip(0, 0.1)
    c = rng.gamma(2.0, 0.002, n)
    fe = 1.0 - ni - cr - mo - c
    temperature = rng.normal(1050.0, 60.0, n)
    cooling = rng.lognormal(2.0, 0.8, n)
    phase = np.where(ni > 0.15, "fcc", np.where(cr > 0.18, "bcc", "bcc+fcc"))
    hardness = 120 + 900 * c + 250 * mo + 40 * np.log(cooling) - 0.05 * (temperature - 1000)
    hardness += rng.normal(0, 8, n)
    frame = pd.DataFrame(
        {
            "alloy_id": [f"A{i:04d}" for i in range(n)],
            "fe": fe,
            "ni": ni,
            "cr": cr,
            "mo": mo,
            "c": c,
            "anneal_temp_c": temperature,
            "cooling_rate_k_s": cooling,
            "phase": phase,
            "hardness_hv": hardness,
        }
    )
    numeric = frame.select_dtypes("number").columns
    frame[numeric] = frame[numeric].round(6)
    return frame


def main() -> None:
    frame = alloys()
    frame.to_csv(HERE / "alloys.csv", index=False, lineterminator="\n")
    # read the CSV back so the Parquet file holds exactly the numbers a CSV reader sees
    pd.read_csv(HERE / "alloys.csv").to_parquet(HERE / "alloys.parquet", index=False)


if __name__ == "__main__":
    main()
