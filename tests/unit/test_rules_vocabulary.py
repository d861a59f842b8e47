"""The API's request vocabulary states the domain's enums, value for value.

The request schemas keep their `Literal` types (they shape the published
OpenAPI document and the 400 messages); these tests keep them from drifting
away from the one definition of each enum in domain/.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from simulator.api.order_schemas import NewOrderRequest
from simulator.api.response_schemas import Execution
from simulator.api.schemas import BatchAllocationOpenRequest, BatchTradeAllocationRequest, ClientRequest, CommissionSettings
from simulator.domain.batches import BatchType
from simulator.domain.fees import CommissionModel, Side
from simulator.domain.orders import OrderType, TimeInForce
from simulator.service.state import FundingModel


def literal_values(model: type[BaseModel], field: str) -> tuple[Any, ...]:
    annotation = model.model_fields[field].annotation
    return get_args(annotation)


@pytest.mark.parametrize(
    ("model", "field", "enum"),
    [
        (BatchTradeAllocationRequest, "side", Side),
        (NewOrderRequest, "side", Side),
        (Execution, "side", Side),
        (BatchAllocationOpenRequest, "type", BatchType),
        (NewOrderRequest, "type", OrderType),
        (NewOrderRequest, "timeInForce", TimeInForce),
        (CommissionSettings, "model", CommissionModel),
        (ClientRequest, "fundingModel", FundingModel),
    ],
)
def test_a_request_field_lists_exactly_its_enums_values(model: type[BaseModel], field: str, enum: type[StrEnum]) -> None:
    """As sets: the order of a Literal is the reference's, published as it is."""
    assert set(literal_values(model, field)) == {member.value for member in enum}
