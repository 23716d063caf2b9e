"""benchmake: turn any scientific data set into a reproducible machine-learning benchmark."""

from ._version import __version__
from .api import SplitResult, prepare, split_file
from .errors import BenchmakeError, ExitCode
from .in_memory import partition
from .split import SplitParameters, split_matrix
from .verify import VerifyReport, verify_manifest

__all__ = [
    "BenchmakeError",
    "ExitCode",
    "SplitParameters",
    "SplitResult",
    "VerifyReport",
    "__version__",
    "partition",
    "prepare",
    "split_file",
    "split_matrix",
    "verify_manifest",
]
