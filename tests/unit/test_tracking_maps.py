"""Every multi-carrier API's statuses map into the one tracking status set."""

import pytest

import orderkit as ok
from orderkit.errors import ValidationError
from orderkit.fulfillment.tracking_maps import TRACKING_APIS, tracking_status


@pytest.mark.parametrize("api", sorted(TRACKING_APIS))
def test_every_listed_status_maps_to_a_tracking_status(api: str) -> None:
    for raw, status in TRACKING_APIS[api].items():
        assert isinstance(status, ok.TrackingStatus)
        assert tracking_status(api, raw) is status or api == "aftership"


@pytest.mark.parametrize(
    ("api", "raw", "detail", "expected"),
    [
        ("easypost", "return_to_sender", None, "returning"),
        ("easypost", "pre_transit", None, "label_created"),
        ("shippo", "TRANSIT", "pickup_available", "available_for_pickup"),
        ("shippo", "RETURNED", None, "returned"),
        ("aftership", "AttemptFail", None, "attempted"),
        ("aftership", "Exception", "Exception_010", "returning"),
        ("aftership", "Exception", "Exception_004", "exception"),
        ("trackingmore", "undelivered", None, "attempted"),
        ("trackingmore", "brand-new", None, "unknown"),
    ],
)
def test_statuses_and_their_finer_details(
    api: str, raw: str, detail: str | None, expected: str
) -> None:
    assert tracking_status(api, raw, detail).value == expected


def test_an_unknown_api_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="api"):
        tracking_status("carrier-pigeon", "flying")
