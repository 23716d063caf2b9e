"""Decision margins: how safe a split is to reproduce on other hardware.

A split is decided by discrete decisions on floating-point numbers:

- ``early_stop``: each convergence test, ``previous − error < tol × initial`` (relative to
  ‖X‖², the size of the terms the error is computed from);
- ``archetype_order``: each pair of neighbours in the variance order of the archetypes
  (relative to the larger variance);
- ``free_row``: each archetype's choice of its nearest free row over every other free row
  (relative to ``‖archetype‖² + ‖row‖²``).

Another BLAS build, CPU or GPU sums in another order and changes the numbers by about
1e-14 relative after 200 iterations; a decision changes only when its margin is smaller.
Each kind's smallest margin goes into the manifest's ``info`` (outside what ``verify``
compares) and a margin below :data:`THRESHOLD` is a warning. docs/reliability.md gives the
reasoning for the threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

#: margins below this may be flipped by another machine's rounding (docs/reliability.md)
THRESHOLD = 1e-11

LOW_MARGIN = "decision margin below"  #: begins each warning (the CLI marks them as warnings)

NAMES = {
    "early_stop": "early-stop test",
    "archetype_order": "archetype order",
    "free_row": "free-row choice",
}


@dataclass(frozen=True)
class Margins:
    """The smallest relative margin of each kind of decision (``inf``: no such decision)."""

    early_stop: float
    archetype_order: float
    free_row: float

    def to_dict(self) -> dict[str, Any]:
        """For the manifest: two significant digits, ``None`` for no decision of a kind.

        >>> Margins(float("inf"), 1.23456e-7, 0.0).to_dict()["archetype_order"]
        1.2e-07
        """
        return {
            "threshold": THRESHOLD,
            **{name: _rounded(getattr(self, name)) for name in NAMES},
        }

    @classmethod
    def smallest(cls, parts: list[Margins]) -> Margins:
        """Each kind's smallest margin over the parts of a split (e.g. its shards).

        >>> Margins.smallest([Margins(1.0, 2.0, 3.0), Margins(4.0, 0.5, 6.0)]).archetype_order
        0.5
        """
        inf = float("inf")
        return cls(*(min((getattr(p, n) for p in parts), default=inf) for n in NAMES))

    def low(self) -> list[str]:
        """The kinds whose smallest margin is below the threshold."""
        return [name for name in NAMES if getattr(self, name) < THRESHOLD]

    def warnings(self) -> list[str]:
        """One line per kind below the threshold, for ``split``'s stderr.

        >>> Margins(1.0, 1.0, 3e-13).warnings()[0][:68]
        'decision margin below 1e-11: the smallest free-row choice margin is '
        """
        return [
            f"{LOW_MARGIN} {THRESHOLD:.0e}: the smallest {NAMES[name]} margin is "
            f"{getattr(self, name):.1e}; another machine (BLAS, CPU or GPU) may round "
            "differently and pick another test set; see docs/reliability.md"
            for name in self.low()
        ]


def describe(recorded: dict[str, Any] | None) -> str:
    """A manifest's margins in one phrase, e.g. for ``verify``.

    >>> describe({"early_stop": None, "archetype_order": 2e-6, "free_row": 3e-12})
    'early-stop test none, archetype order 2.0e-06, free-row choice 3.0e-12 (below 1e-11)'
    """
    if not isinstance(recorded, dict):
        return "not recorded"
    parts = []
    for name, label in NAMES.items():
        value = recorded.get(name)
        if isinstance(value, (int, float)):
            below = f" (below {THRESHOLD:.0e})" if value < THRESHOLD else ""
            parts.append(f"{label} {value:.1e}{below}")
        else:
            parts.append(f"{label} none")
    return ", ".join(parts)


def _rounded(value: float) -> float | None:
    if math.isinf(value):
        return None
    return float(f"{value:.2g}")
