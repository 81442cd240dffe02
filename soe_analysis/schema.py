"""The canonical panel: which lines exist, what they are called, and how they behave.

Every module that reads or writes the panel takes its column names from here.

Panel layout (one row per enterprise and month-end, amounts in 亿元):

- ``enterprise``: canonical short name (e.g. ``交发集团``), after aliases are resolved;
- ``period``: ``"YYYY-MM"`` (month-end of the report), ``year`` and ``month`` as ints;
- for each flow line ``x``: ``x_ytd`` (本年累计, year-to-date) and ``x_m`` (that month alone,
  from differencing YTD);
- for each stock line ``x``: ``x`` (month-end level);
- ``jan_feb_combined``: True on January and February rows of a year whose first release was the
  combined 1–2月 report (see :mod:`soe_analysis.io.panel_build` for the split rule);
- ``dataset``: ``"demonstration"`` or ``"real"`` or ``"user"`` (see :data:`DATASET_LABELS`);
- lineage: ``source_file`` (path relative to the raw folder, ``[sheet]`` appended for a
  worksheet) and ``source_row`` (1-based line or spreadsheet row of the figure in that file).

Optional columns, present only when some file reported them (summary tables and enterprise forms):

- ``x_ytd_prior_reported`` for a flow, ``x_prior_reported`` for a stock: the 上年同期 figure
  printed in this month's report (亿元). It is the comparable basis (可比口径) official year-on-year
  figures use, correct across scope changes and restatements; see
  :func:`soe_analysis.io.panel.prior_year_ytd`.
- ``x_m_reported`` for a flow: the 本月数 printed on an enterprise form, checked at ingest against
  the difference of year-to-date figures (the panel's ``x_m`` stays that difference).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """One reported line of a flash report."""

    name: str  # canonical column stem, snake_case English
    zh: str  # the standard Chinese header
    kind: str  # "flow" (YTD cumulative in reports) or "stock" (month-end level)
    unit: str = "amount"  # "amount" (money, 亿元 in the panel) or "persons"
    nonneg: bool = True  # a flow that can never be negative: its YTD never falls
    aliases: tuple[str, ...] = field(default_factory=tuple)
    en: str = ""


LINES: tuple[Line, ...] = (
    # Balance sheet (stocks)
    Line("total_assets", "资产总额", "stock", aliases=("资产合计", "总资产", "total assets", "assets"), en="Total assets"),
    Line("total_liabilities", "负债总额", "stock", aliases=("负债合计", "总负债", "total liabilities", "liabilities"), en="Total liabilities"),
    Line("equity", "所有者权益", "stock", nonneg=False,
         aliases=("所有者权益合计", "所有者权益（合计）", "所有者权益(合计)", "净资产", "owners' equity", "equity", "total equity"),
         en="Owners' equity"),
    Line("interest_bearing_debt", "带息负债", "stock", aliases=("带息负债总额", "interest-bearing debt", "interest bearing debt"), en="Interest-bearing debt"),
    Line("employees", "从业人员", "stock", unit="persons", aliases=("从业人数", "职工人数", "employees", "headcount"), en="Employees"),
    # Income statement (flows, YTD)
    Line("revenue", "营业总收入", "flow", aliases=("营业收入", "total revenue", "revenue", "operating revenue"), en="Revenue"),
    Line("total_cost", "营业总成本", "flow", aliases=("total operating cost", "total cost"), en="Total operating cost"),
    Line("operating_cost", "营业成本", "flow", aliases=("cost of sales", "operating cost"), en="Cost of sales"),
    Line("taxes_surcharges", "税金及附加", "flow", aliases=("营业税金及附加", "taxes and surcharges"), en="Taxes and surcharges"),
    Line("selling_expense", "销售费用", "flow", aliases=("selling expenses", "selling expense"), en="Selling expenses"),
    Line("admin_expense", "管理费用", "flow", aliases=("administrative expenses", "admin expense"), en="Administrative expenses"),
    Line("rnd_expense", "研发费用", "flow", aliases=("r&d expenses", "rnd expense"), en="R&D expenses"),
    Line("finance_expense", "财务费用", "flow", nonneg=False, aliases=("finance costs", "finance expense", "financial expenses"), en="Finance costs"),
    Line("interest_expense", "利息费用", "flow",
         aliases=("其中：利息费用", "其中:利息费用", "其中利息费用", "interest expense"), en="Interest expense"),
    Line("other_income", "其他收益", "flow", nonneg=False, aliases=("other income", "other gains"), en="Other income"),
    Line("investment_income", "投资收益", "flow", nonneg=False, aliases=("investment income",), en="Investment income"),
    Line("non_operating_income", "营业外收入", "flow", aliases=("non-operating income",), en="Non-operating income"),
    Line("non_operating_expense", "营业外支出", "flow", aliases=("non-operating expenses", "non-operating expense"), en="Non-operating expenses"),
    Line("total_profit", "利润总额", "flow", nonneg=False, aliases=("total profit", "profit before tax"), en="Total profit"),
    Line("net_profit", "净利润", "flow", nonneg=False, aliases=("net profit",), en="Net profit"),
    # Cost schedule (成本费用表) and supplementary lines (flows, YTD)
    Line("depreciation", "折旧", "flow",
         aliases=("折旧(摊销)", "折旧（摊销）", "折旧摊销", "折旧及摊销", "depreciation", "depreciation and amortisation", "d&a"),
         en="Depreciation & amortisation"),
    Line("staff_cost", "职工薪酬", "flow", aliases=("人工成本", "staff costs", "staff cost", "employee compensation"), en="Staff costs"),
    Line("one_off_items", "非经常性损益", "flow", nonneg=False, aliases=("non-recurring items", "one-off items", "one off items"), en="One-off (non-recurring) items"),
    Line("operating_cash_flow", "经营活动现金流量净额", "flow", nonneg=False,
         aliases=("经营活动产生的现金流量净额", "经营现金流量净额", "operating cash flow", "cfo"), en="Operating cash flow"),
    Line("investment_completed", "投资完成额", "flow", aliases=("完成投资", "investment completed", "capex"), en="Investment completed"),
    Line("rnd_spending", "研发经费投入", "flow", aliases=("研发投入", "r&d spending"), en="R&D spending"),
)

LINE_BY_NAME: dict[str, Line] = {ln.name: ln for ln in LINES}
FLOWS: tuple[str, ...] = tuple(ln.name for ln in LINES if ln.kind == "flow")
STOCKS: tuple[str, ...] = tuple(ln.name for ln in LINES if ln.kind == "stock")
AMOUNT_LINES: tuple[str, ...] = tuple(ln.name for ln in LINES if ln.unit == "amount")

# Identifier columns of a raw flash report.
ENTERPRISE_HEADERS = ("企业名称", "单位名称", "企业", "单位", "集团名称", "enterprise", "company", "entity", "name")
PERIOD_HEADERS = ("报告期", "期间", "报告期间", "所属期", "月份", "period", "report period", "month")

# Names that mark a total (合计) row rather than an enterprise.
TOTAL_ROW_NAMES = ("合计", "总计", "合  计", "汇总", "市属国企合计", "total", "grand total")

DATASET_LABELS = {
    "demonstration": "演示数据（非真实企业数据）/ Demonstration data, not real enterprise figures",
    "real": "真实公开数据 / Real published data",
    "user": "用户提供数据 / User-supplied data",
}

ID_COLUMNS = ("enterprise", "period", "year", "month")
LINEAGE_COLUMNS = ("dataset", "source_file", "source_row")


def ytd(name: str) -> str:
    """Column holding a flow's year-to-date value."""
    return f"{name}_ytd"


def monthly(name: str) -> str:
    """Column holding a flow's single-month value."""
    return f"{name}_m"


def reported_column(name: str, role: str) -> str:
    """Optional column of a reported figure: role ``prior`` (上年同期) or ``month`` (本月数)."""
    line = LINE_BY_NAME[name]
    if role == "prior":
        return f"{name}_ytd_prior_reported" if line.kind == "flow" else f"{name}_prior_reported"
    return f"{name}_m_reported"


def panel_columns() -> list[str]:
    """All columns of the canonical panel, in order."""
    cols = list(ID_COLUMNS)
    for ln in LINES:
        if ln.kind == "flow":
            cols += [ytd(ln.name), monthly(ln.name)]
        else:
            cols.append(ln.name)
    cols += ["jan_feb_combined", *LINEAGE_COLUMNS]
    return cols
