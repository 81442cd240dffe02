"""Student-t and normal quantiles of the forecast intervals, as a table of scipy's own values.

Every interval is at 80% or 95% (:data:`soe_analysis.forecast_record.LEVELS`) with a number of
degrees of freedom counted in years (a few to a few dozen). Importing ``scipy.special`` for
these few numbers cost each forecasting kernel a quarter of a second; the table holds
``scipy.special.stdtrit(df, p)`` (and ``ndtri(p)`` for infinite d.f.) exactly as scipy gives
them, ``tests/test_forecast.py`` checks every entry against scipy, and any other (p, df) is
asked of scipy.
"""

from __future__ import annotations

import functools
import math

MAX_TABLE_DF = 30
# p → quantiles for df = 1..MAX_TABLE_DF, then the normal's (df = ∞)
_T_TABLE = {
    0.9: ((3.0776835371752544, 1.8856180831641272, 1.637744353696209, 1.533206274058944,
           1.4758840488244815, 1.4397557472651483, 1.4149239276505086, 1.3968153097438654,
           1.3830287383966329, 1.372183641110336, 1.3634303180205407, 1.356217334023205,
           1.3501712887800552, 1.345030374454651, 1.3406056078504558, 1.3367571673273153,
           1.3333793897216268, 1.3303909435699093, 1.3277282090267986, 1.3253407069850465,
           1.3231878738651728, 1.321236741613362, 1.3194602398161621, 1.3178359336731498,
           1.31634507267387, 1.3149718642705175, 1.3137029128292737, 1.3125267815926664,
           1.311433647301551, 1.3104150253913955),
          1.2815515655446004),
    0.975: ((12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934,
             2.5705818356363146, 2.4469118511449786, 2.364624251592784, 2.306004135204166,
             2.262157162798205, 2.228138851986274, 2.200985160091639, 2.1788128296672284,
             2.1603686564627913, 2.144786687917804, 2.131449545559776, 2.1199052992212546,
             2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
             2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245,
             2.0595385527532972, 2.0555294386428735, 2.0518305164802846, 2.0484071417952454,
             2.045229642132703, 2.0422724563012378),
            1.959963984540054),
}


def tabled_quantile(p: float, df: float) -> float | None:
    """The table's quantile for (p, df), or None when the table does not hold it."""
    row = _T_TABLE.get(p)
    if row is None:
        return None
    if math.isinf(df) and df > 0:
        return row[1]
    if float(df).is_integer() and 1 <= df <= MAX_TABLE_DF:
        return row[0][int(df) - 1]
    return None


@functools.lru_cache(maxsize=256)  # a few levels × a few degrees of freedom, asked at every origin
def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom (the normal's for infinite ``df``).

    ``scipy.stats.t.ppf`` and ``norm.ppf`` compute exactly these (``stdtrit``, ``ndtri``);
    importing ``scipy.stats`` for them cost every forecasting kernel a second or more, and
    ``scipy.special`` a quarter of one: the usual ones come from the table above.
    """
    q = tabled_quantile(p, df)
    if q is not None:
        return q
    from scipy.special import ndtri, stdtrit

    return float(stdtrit(df, p)) if math.isfinite(df) else float(ndtri(p))
