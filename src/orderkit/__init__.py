"""orderkit: an order management system you import.

Start with :class:`Shop`::

    import orderkit as ok

    shop = ok.Shop.open("sqlite:///shop.db")
    shop.catalog.add(ok.Product(sku="TEE-M", name="T-shirt M", price=ok.Money("19.90", "EUR")))

Importing orderkit reads no environment, opens no connection and starts nothing.
"""

from orderkit import errors
from orderkit._version import __version__
from orderkit.addresses import Address, Coordinates
from orderkit.catalog import Dimensions, Product, ProductAdded, ProductPriceChanged
from orderkit.clock import Clock, ManualClock, SystemClock
from orderkit.countries import country_name
from orderkit.currencies import currency_exponent
from orderkit.customers import Customer, CustomerRegistered
from orderkit.events import DomainEvent, OutboxMessage
from orderkit.fulfillment import Parcel
from orderkit.ids import IdGenerator, IdSource
from orderkit.inventory import (
    BackorderMode,
    ByPriority,
    FewestShipments,
    MovementKind,
    Nearest,
    PurchaseOrder,
    PurchaseOrderStatus,
    RankingStrategy,
    Reservation,
    ReservationStatus,
    RoutingPlan,
    StockLevel,
    StockMovement,
    StockPolicy,
    Warehouse,
)
from orderkit.lifecycle import Order, OrderLine, OrderPlaced
from orderkit.money import Money
from orderkit.payments import PaymentMethod, request_fingerprint
from orderkit.quantity import MAX_QUANTITY, validate_quantity
from orderkit.reports import SalesSummary, summarise_sales
from orderkit.serialization import EventCodec, make_converter
from orderkit.services.reservations import ReservationRequest
from orderkit.shop import Shop
from orderkit.storage import Store, UnitOfWork

__all__ = [
    "MAX_QUANTITY",
    "Address",
    "BackorderMode",
    "ByPriority",
    "Clock",
    "Coordinates",
    "Customer",
    "CustomerRegistered",
    "Dimensions",
    "DomainEvent",
    "EventCodec",
    "FewestShipments",
    "IdGenerator",
    "IdSource",
    "ManualClock",
    "Money",
    "MovementKind",
    "Nearest",
    "Order",
    "OrderLine",
    "OrderPlaced",
    "OutboxMessage",
    "Parcel",
    "PaymentMethod",
    "Product",
    "ProductAdded",
    "ProductPriceChanged",
    "PurchaseOrder",
    "PurchaseOrderStatus",
    "RankingStrategy",
    "Reservation",
    "ReservationRequest",
    "ReservationStatus",
    "RoutingPlan",
    "SalesSummary",
    "Shop",
    "StockLevel",
    "StockMovement",
    "StockPolicy",
    "Store",
    "SystemClock",
    "UnitOfWork",
    "Warehouse",
    "__version__",
    "country_name",
    "currency_exponent",
    "errors",
    "make_converter",
    "request_fingerprint",
    "summarise_sales",
    "validate_quantity",
]
