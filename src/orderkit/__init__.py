"""orderkit: an order management system you import.

Start with :class:`Shop`::

    import orderkit as ok

    shop = ok.Shop.open("sqlite:///shop.db")
    shop.catalog.add(ok.Product(sku="TEE-M", name="T-shirt M", price=ok.Money("19.90", "EUR")))

Importing orderkit reads no environment, opens no connection and starts nothing.
"""

from orderkit import errors
from orderkit._version import __version__
from orderkit.capabilities import EventCodec, make_converter
from orderkit.catalog import Dimensions, Product, ProductAdded, ProductPriceChanged
from orderkit.core.addresses import Address, Coordinates
from orderkit.core.clock import Clock, ManualClock, SystemClock
from orderkit.core.countries import country_code, country_name
from orderkit.core.currencies import currency_exponent
from orderkit.core.events import DomainEvent, OutboxMessage
from orderkit.core.ids import IdGenerator, IdSource
from orderkit.core.money import Money
from orderkit.core.quantity import MAX_QUANTITY, validate_quantity
from orderkit.core.retry import RetryPolicy
from orderkit.customers import Customer, CustomerRegistered
from orderkit.fulfillment import (
    Box,
    Package,
    PackItem,
    Parcel,
    Shipment,
    ShipmentLine,
    ShipmentState,
    ShipmentStep,
    WeightRule,
    choose_boxes,
)
from orderkit.fulfillment.events import ShipmentCreated, ShipmentMoved, ShortPicked
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
from orderkit.inventory.reservation_service import ReservationRequest
from orderkit.lifecycle import (
    RETURN,
    FulfilmentStatus,
    HistoryEntry,
    HoldReason,
    LineStage,
    NoTax,
    Order,
    OrderEdited,
    OrderLine,
    OrderPlaced,
    OrderPolicy,
    OrderQuery,
    OrderState,
    OrderTransitioned,
    PaymentStatus,
    PricedLine,
    TaxCalculator,
    TaxRateTable,
    TaxRounding,
    Transition,
    Workflow,
    default_order_workflow,
)
from orderkit.lifecycle.ports import StockCoupling
from orderkit.lifecycle.service import OrderPage
from orderkit.payments import (
    CheckResult,
    GatewayExchange,
    GatewayOutcome,
    GatewayResult,
    GatewayTimeout,
    Payment,
    PaymentAuthorised,
    PaymentCaptured,
    PaymentExpired,
    PaymentFailed,
    PaymentGateway,
    PaymentMethod,
    PaymentRefunded,
    PaymentSignals,
    PaymentState,
    PaymentVoided,
    Verdict,
    VerificationPipeline,
    request_fingerprint,
)
from orderkit.reports import SalesSummary, summarise_sales
from orderkit.settings import ShopSettings
from orderkit.shop import Shop
from orderkit.storage import Store, UnitOfWork

__all__ = [
    "MAX_QUANTITY",
    "RETURN",
    "Address",
    "BackorderMode",
    "Box",
    "ByPriority",
    "CheckResult",
    "Clock",
    "Coordinates",
    "Customer",
    "CustomerRegistered",
    "Dimensions",
    "DomainEvent",
    "EventCodec",
    "FewestShipments",
    "FulfilmentStatus",
    "GatewayExchange",
    "GatewayOutcome",
    "GatewayResult",
    "GatewayTimeout",
    "HistoryEntry",
    "HoldReason",
    "IdGenerator",
    "IdSource",
    "LineStage",
    "ManualClock",
    "Money",
    "MovementKind",
    "Nearest",
    "NoTax",
    "Order",
    "OrderEdited",
    "OrderLine",
    "OrderPage",
    "OrderPlaced",
    "OrderPolicy",
    "OrderQuery",
    "OrderState",
    "OrderTransitioned",
    "OutboxMessage",
    "PackItem",
    "Package",
    "Parcel",
    "Payment",
    "PaymentAuthorised",
    "PaymentCaptured",
    "PaymentExpired",
    "PaymentFailed",
    "PaymentGateway",
    "PaymentMethod",
    "PaymentRefunded",
    "PaymentSignals",
    "PaymentState",
    "PaymentStatus",
    "PaymentVoided",
    "PricedLine",
    "Product",
    "ProductAdded",
    "ProductPriceChanged",
    "PurchaseOrder",
    "PurchaseOrderStatus",
    "RankingStrategy",
    "Reservation",
    "ReservationRequest",
    "ReservationStatus",
    "RetryPolicy",
    "RoutingPlan",
    "SalesSummary",
    "Shipment",
    "ShipmentCreated",
    "ShipmentLine",
    "ShipmentMoved",
    "ShipmentState",
    "ShipmentStep",
    "Shop",
    "ShopSettings",
    "ShortPicked",
    "StockCoupling",
    "StockLevel",
    "StockMovement",
    "StockPolicy",
    "Store",
    "SystemClock",
    "TaxCalculator",
    "TaxRateTable",
    "TaxRounding",
    "Transition",
    "UnitOfWork",
    "Verdict",
    "VerificationPipeline",
    "Warehouse",
    "WeightRule",
    "Workflow",
    "__version__",
    "choose_boxes",
    "country_code",
    "country_name",
    "currency_exponent",
    "default_order_workflow",
    "errors",
    "make_converter",
    "request_fingerprint",
    "summarise_sales",
    "validate_quantity",
]
