"""Audit area: the actions taken from apiwatch, newest first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..widgets.table import Column, ResourceTable
from .base import AreaScreen

AUDIT_COLUMNS = [
    Column("time", "When", 16),
    Column("action", "Action", 16),
    Column("target", "Resources", 24, flex=True),
    Column("outcome", "Outcome", 12),
]


class AuditScreen(AreaScreen):
    crumb_title = "Audit"

    def body(self) -> ComposeResult:
        yield Static("No actions have been taken from this console yet.", id="audit-empty")
        yield ResourceTable(AUDIT_COLUMNS, markable=False, id="audit")

    def show_data(self) -> None:
        self.query_one(ResourceTable).set_rows([])
