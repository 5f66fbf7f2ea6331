"""The public API is exactly what orderkit/__init__.py exports, and all of it is documented."""

import importlib
import inspect
import re
import subprocess
import sys

import orderkit

EXPECTED = {
    "PaymentExpired",
    "CheckResult",
    "PaymentSignals",
    "Verdict",
    "VerificationPipeline",
    "PaymentVoided",
    "PaymentState",
    "PaymentRefunded",
    "PaymentGateway",
    "PaymentFailed",
    "PaymentCaptured",
    "PaymentAuthorised",
    "Payment",
    "GatewayTimeout",
    "GatewayResult",
    "GatewayOutcome",
    "GatewayExchange",
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
    "FulfilmentStatus",
    "HistoryEntry",
    "HoldReason",
    "IdGenerator",
    "IdSource",
    "LineStage",
    "MAX_QUANTITY",
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
    "Parcel",
    "ProofOfDelivery",
    "PriorityRules",
    "PickList",
    "ShippingCalendar",
    "Promise",
    "ShipmentProblem",
    "TrackingStatus",
    "TrackingEvent",
    "RateRequest",
    "RateQuote",
    "RateChoice",
    "PackageLabel",
    "Label",
    "CarrierService",
    "Carrier",
    "choose_boxes",
    "WeightRule",
    "PackItem",
    "Package",
    "Box",
    "Shipment",
    "ShipmentCreated",
    "ShipmentLine",
    "ShipmentMoved",
    "ShipmentState",
    "Claim",
    "ClaimKind",
    "ClaimRemedy",
    "Feedback",
    "InspectionOutcome",
    "PerfectOrder",
    "RefundTiming",
    "ReturnPolicy",
    "ReturnReason",
    "ReturnRequest",
    "ReturnResolution",
    "ReturnState",
    "ShipmentStep",
    "ShortPicked",
    "PaymentMethod",
    "PaymentStatus",
    "PricedLine",
    "Product",
    "ProductAdded",
    "ProductPriceChanged",
    "PurchaseOrder",
    "PurchaseOrderStatus",
    "RETURN",
    "RankingStrategy",
    "Reservation",
    "ReservationRequest",
    "ReservationStatus",
    "RetryPolicy",
    "RoutingPlan",
    "Period",
    "ReportTable",
    "SaleKind",
    "SaleRow",
    "SalesFigures",
    "SalesSummary",
    "Shop",
    "ShopSettings",
    "PickupStock",
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
    "Warehouse",
    "Workflow",
    "__version__",
    "country_code",
    "country_name",
    "currency_exponent",
    "default_order_workflow",
    "errors",
    "make_converter",
    "request_fingerprint",
    "summarise_sales",
    "validate_quantity",
}


def test_all_is_pinned() -> None:
    assert set(orderkit.__all__) == EXPECTED
    for name in orderkit.__all__:
        assert hasattr(orderkit, name), name


def test_every_public_name_has_a_docstring() -> None:
    for name in orderkit.__all__:
        value = getattr(orderkit, name)
        if inspect.isclass(value) or inspect.isfunction(value) or inspect.ismodule(value):
            assert inspect.getdoc(value), name
            for member_name, member in vars(value).items() if inspect.isclass(value) else ():
                if member_name.startswith("_") or not callable(member):
                    continue
                assert inspect.getdoc(member), f"{name}.{member_name}"


def test_every_error_is_exported_from_errors_and_documented() -> None:
    errors = importlib.import_module("orderkit.errors")
    classes = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, errors.OrderkitError)
    }
    assert classes == set(errors.__all__)
    for name in classes:
        assert name in errors.__doc__, f"{name} is missing from the tree in the module docstring"


def test_importing_orderkit_reads_no_environment_and_opens_nothing() -> None:
    code = """
import os, sqlite3, sys

class Recorder(dict):
    reads = []
    def __getitem__(self, key):
        self.reads.append(key)
        return super().__getitem__(key)
    def get(self, key, default=None):
        self.reads.append(key)
        return super().get(key, default)
    def __contains__(self, key):
        self.reads.append(key)
        return super().__contains__(key)

os.environ = Recorder(os.environ)
opened = []
real_connect = sqlite3.connect
sqlite3.connect = lambda *a, **k: opened.append(a) or real_connect(*a, **k)
import orderkit
print(sorted(set(Recorder.reads)), opened, "psycopg" in sys.modules, "pandas" in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[] [] False False", result.stdout


def test_every_public_name_is_in_the_api_reference() -> None:
    from pathlib import Path

    reference = (Path(__file__).resolve().parents[2] / "docs/reference/api.md").read_text()
    listed = set(re.findall(r"^::: orderkit\.(\w+)$", reference, re.M))
    values = {name for name in orderkit.__all__ if not inspect.ismodule(getattr(orderkit, name))}
    missing = sorted(values - listed - {"__version__"})
    assert not missing, f"add to docs/reference/api.md: {missing}"
