"""soe-analysis: monthly flash-report data of municipal SOEs, cleaned, validated and analysed."""

__version__ = "0.1.0"
