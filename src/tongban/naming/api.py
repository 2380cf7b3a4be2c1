"""``/api/v1/naming``: check a proposed enterprise name before applying (public)."""

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from tongban.core.api import ErrorOut
from tongban.org.api_auth import PUBLIC
from tongban.org.models import Region

from . import services

router = Router(tags=["naming"])


class CheckIn(Schema):
    name: str = Field(max_length=500, description="the proposed full name")
    region_code: str = Field("", description="division code of the place of registration")


class FindingOut(Schema):
    code: str
    message: str
    existing: list[str] = Field(description="conflicting registered names (at most 10)")


class PartsOut(Schema):
    division: str
    trade_name: str
    industry: str
    form: str


class CheckOut(Schema):
    outcome: str = Field(description="ok / warning / refused")
    findings: list[FindingOut]
    parts: PartsOut


@router.post("/check", response={200: CheckOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def check(request, payload: CheckIn):
    """Anyone may check a name; nothing is stored or reserved."""
    region = get_object_or_404(Region, code=payload.region_code) if payload.region_code else None
    result = services.check_name(payload.name, region=region)
    return {
        "outcome": result.outcome,
        "findings": [f.as_dict() for f in result.findings],
        "parts": result.parts.as_dict(),
    }
