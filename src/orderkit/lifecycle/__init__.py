"""The order lifecycle: the order aggregate, its lines, its events and its repository port."""

from orderkit.lifecycle.events import OrderPlaced
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.lifecycle.repository import OrderRepository

__all__ = ["Order", "OrderLine", "OrderPlaced", "OrderRepository"]
