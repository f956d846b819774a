"""apiwatch: a terminal console for Microsoft Defender for APIs."""

__version__ = "0.1.0"
