"""Order-free decompositions of a change: chain substitution (连环替代法) and Shapley averaging.

Generic and pure: ``f`` is any function of named factors (vectorised or scalar). The profit
bridge, the revenue volume/margin split and :func:`soe_analysis.metrics.interest_split` all use
these two, so "Shapley" means one thing throughout the package.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Callable, Mapping, Sequence

from .errors import UsageError

MAX_SHAPLEY_FACTORS = 10


def chain_substitution(f: Callable, base: Mapping, current: Mapping, order: Sequence[str] | None = None) -> dict:
    """Effects of each factor by chain substitution (连环替代法) in a stated order.

    Factors are replaced, one at a time in ``order`` (default the order of ``base``), from their
    base value to their current value; each factor's effect is the change in ``f`` when it is
    replaced. The effects sum to ``f(**current) - f(**base)`` exactly (telescoping), but depend
    on the order whenever ``f`` is not additive.

    Parameters
    ----------
    f : callable
        Called with the factors as keyword arguments; may be vectorised (arrays in, array out).
    base, current : mapping
        Factor name → value in the base and current period (scalars or arrays).
    order : sequence of str, optional
        The substitution order.

    Returns
    -------
    dict
        Factor → effect, in the order of ``base``.
    """
    names = list(base)
    order = list(order) if order is not None else names
    if sorted(order) != sorted(names) or set(current) != set(names):
        raise UsageError(f"chain substitution order {order} must name each factor of {names} once")
    state = dict(base)
    previous = f(**state)
    effects = {}
    for name in order:
        state[name] = current[name]
        value = f(**state)
        effects[name] = value - previous
        previous = value
    return {name: effects[name] for name in names}


def shapley(f: Callable, base: Mapping, current: Mapping) -> dict:
    """Shapley decomposition: each factor's chain-substitution effect averaged over all orders.

    Computed exactly over the 2^n subsets of factors (not by sampling orders):
    φ_i = Σ_{S ⊆ N∖{i}} |S|! (n−|S|−1)! / n! · [f(S ∪ {i} at current) − f(S at current)],
    the other factors at base values. The effects sum to ``f(**current) - f(**base)`` and do not
    depend on the order in which the factors are listed; for an additive ``f`` they equal the
    chain-substitution effects in any order. ``f`` may be vectorised. At most
    :data:`MAX_SHAPLEY_FACTORS` factors (2^n evaluations of ``f``).

    Returns
    -------
    dict
        Factor → effect, in the order of ``base``.
    """
    names = list(base)
    n = len(names)
    if set(current) != set(names):
        raise UsageError(f"base and current must name the same factors, got {names} and {list(current)}")
    if not 1 <= n <= MAX_SHAPLEY_FACTORS:
        raise UsageError(f"shapley takes 1 to {MAX_SHAPLEY_FACTORS} factors, got {n}")
    cache: dict[frozenset, object] = {}

    def value(at_current: frozenset):
        if at_current not in cache:
            cache[at_current] = f(**{k: (current[k] if k in at_current else base[k]) for k in names})
        return cache[at_current]

    weights = [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)]
    effects = {}
    for name in names:
        others = [k for k in names if k != name]
        total = 0.0
        for size in range(n):
            for subset in combinations(others, size):
                s = frozenset(subset)
                total = total + weights[size] * (value(s | {name}) - value(s))
        effects[name] = total
    return effects
