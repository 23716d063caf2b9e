"""benchmake: turn any scientific data set into a reproducible machine-learning benchmark."""

from ._version import __version__
from .errors import BenchmakeError, ExitCode
from .method.split import SplitParameters, split_matrix
from .pipeline.run import SplitResult
from .pipeline.whole import prepare
from .tasks.in_memory import partition
from .tasks.load import LoadedSplit, load_split
from .tasks.split import split_file
from .tasks.verify import VerifyReport, verify_manifest

__all__ = [
    "BenchmakeError",
    "EvaluateSettings",
    "Evaluation",
    "ExitCode",
    "LoadedSplit",
    "SplitParameters",
    "SplitResult",
    "VerifyReport",
    "__version__",
    "evaluate_file",
    "evaluate_manifest",
    "load_split",
    "partition",
    "prepare",
    "split_file",
    "split_matrix",
    "verify_manifest",
]

_EVALUATE = ("EvaluateSettings", "Evaluation", "evaluate_file", "evaluate_manifest")


def __getattr__(name: str) -> object:
    """The evaluation API, imported on first use (it needs SciPy, which splitting does not)."""
    if name in _EVALUATE:
        from .tasks import evaluate

        return getattr(evaluate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
