"""The named mutants and the spot check of ``benchmarks/mutation.py``: textual breaks of
the behaviour issue 28 lists, and of the behaviour 20 chosen tests name."""

from __future__ import annotations

#: issue 28's table: name -> (file, text, replacement, the tests it is run against); each
#: text occurs once in its file
NAMED: dict[str, tuple[str, str, str, list[str]]] = {
    "shard-own-minmax": (
        "pipeline/shards.py",
        "bounds=(task.low, task.span),",
        "bounds=None,",
        ["tests/test_golden_splits.py", "tests/test_sharding.py", "tests/test_archive.py"],
    ),
    "furthestsum-squared": (
        "method/hull.py",
        "xp.rint(xp.sqrt(xp.maximum(d2, 0.0)) * (1.0 / QUANTUM))",
        "xp.rint(xp.maximum(d2, 0.0) * (1.0 / QUANTUM))",
        ["tests/test_golden_splits.py", "tests/test_hull.py"],
    ),
    "all-rows-tie-flipped": (
        "method/match.py",
        "order = np.lexsort((np.arange(len(steps)), np.rint(steps)))",
        "order = np.lexsort((-np.arange(len(steps)), np.rint(steps)))",
        [
            "tests/test_golden_splits.py",
            "tests/test_match_ties.py",
            "tests/test_split_invariants.py",
        ],
    ),
    "card-random-scores-the-split": (
        "tasks/card.py",
        "scored, neighbours = shared.neighbours(rows)",
        "scored, neighbours = shared.neighbours(test)",
        ["tests/test_card_claims.py", "tests/test_card.py"],
    ),
    "rank-reversed": (
        "tasks/rank.py",
        "keyed = np.where(np.isnan(values), -np.inf, values if higher_is_better else -values)",
        "keyed = np.where(np.isnan(values), -np.inf, -values if higher_is_better else values)",
        ["tests/test_rank.py"],
    ),
    "rank-reversed-in-the-panel": (
        "tasks/rank.py",
        "ranks = np.column_stack([ranks_of(scores[:, j], higher) for j in range(len(splits))])",
        "ranks = np.column_stack([ranks_of(scores[:, j], not higher) for j in range(len(splits))])",
        ["tests/test_rank.py"],
    ),
    "shard-second-digest-word": (
        "pipeline/shards.py",
        'dtype=">u4")[::4]',
        'dtype=">u4")[1::4]',
        ["tests/test_golden_splits.py", "tests/test_sharding.py"],
    ),
    "test-count-float": (
        "method/split.py",
        "exact = Decimal(repr(float(frac))) * n",
        "exact = float(frac) * n",
        [
            "tests/test_golden_splits.py",
            "tests/test_properties.py",
            "tests/test_split_invariants.py",
        ],
    ),
    "sigint-143": (
        "cli/common.py",
        'raise fail("interrupted", ExitCode.INTERRUPTED) from None',
        'raise fail("interrupted", ExitCode.TERMINATED) from None',
        ["tests/test_signals_exit.py", "tests/test_crash_safety.py"],
    ),
}

#: the spot check: 20 tests, each run against a break of the behaviour its name states
#: (file relative to the repository root, text, replacement); each must fail
_G = "tests/test_golden_splits.py::test_the_split_equals_its_pinned_golden"
SPOT: dict[str, tuple[str, str, str]] = {
    f"{_G}[wide900__benchmake-cli__shards300__frac0.2]": (
        "benchmake_cli/pipeline/shards.py", "bounds=(task.low, task.span),", "bounds=None,"
    ),
    f"{_G}[wide900__benchmake-hull]": (
        "benchmake_cli/method/hull.py",
        "xp.rint(xp.sqrt(xp.maximum(d2, 0.0)) * (1.0 / QUANTUM))",
        "xp.rint(xp.maximum(d2, 0.0) * (1.0 / QUANTUM))",
    ),
    "tests/test_match_ties.py::test_ties_go_to_the_earlier_row_in_the_all_rows_fallback[1]": (
        "benchmake_cli/method/match.py",
        "order = np.lexsort((np.arange(len(steps)), np.rint(steps)))",
        "order = np.lexsort((-np.arange(len(steps)), np.rint(steps)))",
    ),
    "tests/test_card_claims.py::test_the_cards_baselines_on_the_twenty_random_splits": (
        "benchmake_cli/tasks/card.py",
        "scored, neighbours = shared.neighbours(rows)",
        "scored, neighbours = shared.neighbours(test)",
    ),
    "tests/test_rank.py::test_rank_order_is_pinned_and_recomputed_independently": (
        "benchmake_cli/tasks/rank.py",
        "keyed = np.where(np.isnan(values), -np.inf, values if higher_is_better else -values)",
        "keyed = np.where(np.isnan(values), -np.inf, -values if higher_is_better else values)",
    ),
    "tests/test_sharding.py::test_shard_of_a_row_depends_on_its_digest_only": (
        "benchmake_cli/pipeline/shards.py", 'dtype=">u4")[::4]', 'dtype=">u4")[1::4]'
    ),
    "tests/test_properties.py::test_exact_sizes_follow_the_decimal_rule_where_floats_would_not": (
        "benchmake_cli/method/split.py",
        "exact = Decimal(repr(float(frac))) * n",
        "exact = float(frac) * n",
    ),
    "tests/test_signals_exit.py::test_run_core_maps_the_signal_to_its_exit_code[SIGINT]": (
        "benchmake_cli/cli/common.py",
        'raise fail("interrupted", ExitCode.INTERRUPTED) from None',
        'raise fail("interrupted", ExitCode.TERMINATED) from None',
    ),
    "tests/test_selection.py::test_ties_in_hash_order_not_input_order": (
        "benchmake_cli/analysis/selection.py",
        'by_norm = hash_order[np.argsort(norms[hash_order], kind="stable")]',
        'by_norm = np.argsort(norms, kind="stable")',
    ),
    "tests/test_cli_errors.py::test_one_hot_is_the_default_for_text_columns": (
        "benchmake_cli/encode/categories.py",
        "parts.append(np.eye(len(mapping))[mapping[X[:, j].astype(np.int64)]])",
        "parts.append(mapping[X[:, j].astype(np.int64)][:, None].astype(float))",
    ),
    "tests/test_split_invariants.py::test_seed_and_iterations_are_parameters_of_the_result": (
        "benchmake_cli/method/factorize.py",
        "for done in range(1, iterations + 1):",
        "for done in range(1, 200 + 1):",
    ),
    "tests/test_layout.py::test_core_has_no_user_interface[benchmake_cli.tasks.verify]": (
        "benchmake_cli/tasks/verify.py",
        "from __future__ import annotations\n",
        "from __future__ import annotations\n\nimport rich  # noqa: F401\n",
    ),
    "tests/test_layout.py::test_imports_run_one_way[benchmake_cli.method.scale]": (
        "benchmake_cli/method/scale.py",
        "from __future__ import annotations\n",
        "from __future__ import annotations\n\n\ndef _upward() -> None:\n"
        "    from ..pipeline import plan  # noqa: F401\n",
    ),
    "tests/test_card_claims.py::test_the_split_beats_random_on_the_statistics": (
        "benchmake_cli/analysis/statistics.py",
        "stats.ttest_ind(train, test, axis=0, equal_var=False)",
        "stats.ttest_ind(train, test, axis=0, equal_var=True)",
    ),
    "tests/test_card_claims.py::test_the_cards_baseline_on_the_split": (
        "benchmake_cli/tasks/card.py", "\nK = 5\n", "\nK = 3\n"
    ),
    "tests/test_golden.py::test_golden_split_of_the_sample_alloys[alloys.csv]": (
        "benchmake_cli/method/match.py",
        "order = np.lexsort((np.arange(len(scaled)), -np.rint(scaled)))",
        "order = np.lexsort((np.arange(len(scaled)), np.rint(scaled)))",
    ),
    "tests/test_archive.py::test_a_frozen_bundle_verifies_and_loads[alloys_csv_hull]": (
        "benchmake_cli/method/hull.py", "from_seed = take(0)", "from_seed = take(1)"
    ),
    "tests/test_suite_honesty.py::test_tests_that_need_shared_data_carry_the_marker[test_real_data.py]": (
        "tests/test_real_data.py", "pytestmark = pytest.mark.shared", "pytestmark = []"
    ),
    "tests/test_signals_exit.py::test_a_signal_during_a_split_exits_with_its_code_and_writes_nothing[writing-SIGTERM]": (
        "benchmake_cli/bundle/staging.py",
        "    except BaseException:\n        _discard(out, staging)\n        raise\n",
        "    except Exception:\n        _discard(out, staging)\n        raise\n",
    ),
    "tests/test_sharding.py::test_test_counts_add_up_to_k_and_follow_largest_remainders": (
        "benchmake_cli/pipeline/shards.py",
        "order = np.lexsort((np.arange(len(sizes)), -remainders))",
        "order = np.lexsort((-np.arange(len(sizes)), -remainders))",
    ),
}  # fmt: skip
