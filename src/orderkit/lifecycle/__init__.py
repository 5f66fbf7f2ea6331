"""The order lifecycle: the order aggregate, pricing and tax, the workflow engine and policy."""

from orderkit.lifecycle.events import OrderEdited, OrderPlaced, OrderTransitioned
from orderkit.lifecycle.order import LineStage, Order, OrderLine, PricedLine
from orderkit.lifecycle.order_workflow import HoldReason, OrderState, default_order_workflow
from orderkit.lifecycle.policy import OrderPolicy
from orderkit.lifecycle.repository import OrderQuery, OrderRepository
from orderkit.lifecycle.status import FulfilmentStatus, PaymentStatus
from orderkit.lifecycle.tax import NoTax, TaxCalculator, TaxRateTable, TaxRounding
from orderkit.lifecycle.workflow import RETURN, HistoryEntry, Transition, Workflow

__all__ = [
    "RETURN",
    "FulfilmentStatus",
    "HistoryEntry",
    "HoldReason",
    "LineStage",
    "NoTax",
    "Order",
    "OrderEdited",
    "OrderLine",
    "OrderPlaced",
    "OrderPolicy",
    "OrderQuery",
    "OrderRepository",
    "OrderState",
    "OrderTransitioned",
    "PaymentStatus",
    "PricedLine",
    "TaxCalculator",
    "TaxRateTable",
    "TaxRounding",
    "Transition",
    "Workflow",
    "default_order_workflow",
]
