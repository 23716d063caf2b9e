#!/usr/bin/env bash
# The GPU check of issue 27: one device call, under 8 minutes, results in one JSON file.
#
#   bash benchmarks/gpu_check.sh                  # on a lent GPU: writes $OUT/gpu_check.json
#   bash benchmarks/gpu_check.sh --device cpu --quick --json PATH   # the dry run, here
#
# From the device tool: run(command="PYTHONUNBUFFERED=1 bash benchmarks/gpu_check.sh",
# carry=[".whl", ".gpu_data"], timeout_s=540); the script stops itself at 470 s and the
# JSON is rewritten after each step, so a late step loses only its own entry.
#
# Nothing can be downloaded on the device machine. Its image already holds CuPy
# (cupy-cuda13x), NumPy, pandas, pyarrow, typer, rich, SciPy, h5py, Pillow, scikit-learn and
# pytest (/work/.library/device/KINDS.md); the reference benchmake 1.1.2 is missing and
# travels as a wheel in .whl/ (ignored by git; name .whl and .gpu_data in the run's carry):
#
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#       --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 \
#       -d .whl benchmake==1.1.2
#
# On a machine without CuPy, add cupy-cuda12x and its one dependency, fastrlock, the same way
# (the device's python is 3.12 there; check the first line this script prints, and change
# --python-version and the cp312 ABI if it differs):
#
#   python3 -m pip download --only-binary=:all: --python-version 3.12 --implementation cp \
#       --abi cp312 --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 \
#       -d .whl cupy-cuda12x fastrlock
#
# but the carried tree is limited to 64 MiB and the CuPy wheel is larger, so the image's
# CuPy is the one to use. The shared data sets are not on the device either: copy the ones
# the check reads, and carry .gpu_data:
#
#   mkdir -p .gpu_data
#   cp -r ../shared/datasets/{german_credit,bace,lipophilicity,qm7,nir_peach,hiv,pneumoniamnist} .gpu_data/
#
# Without them the check generates synthetic stand-ins of the same shapes and says so in
# the JSON ("data").
set -euo pipefail
cd "$(dirname "$0")/.."

device=gpu
quick=()
json="${OUT:+$OUT/gpu_check.json}"
while [ $# -gt 0 ]; do
    case "$1" in
        --device) device="$2"; shift 2 ;;
        --quick) quick=(--quick); shift ;;
        --json) json="$2"; shift 2 ;;
        *) echo "gpu_check.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$json" ]; then
    echo "gpu_check.sh: set OUT or pass --json PATH" >&2
    exit 2
fi

python=python3
echo "gpu_check: $($python --version 2>&1) on $(uname -m), device $device"
if [ -d .whl ] && ls .whl/*.whl >/dev/null 2>&1; then
    $python -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/gpu_check_site .whl/*.whl
    export PYTHONPATH="/tmp/gpu_check_site${PYTHONPATH:+:$PYTHONPATH}"
fi
if [ "$device" = gpu ]; then
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec timeout 470 "$python" benchmarks/gpu_check.py --device "$device" "${quick[@]}" --json "$json"
