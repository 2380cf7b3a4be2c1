"""Credit in the demo city (信用审批): synthetic records from the city credit database and
what two items give applicants of good credit. Idempotent: records are matched by their
identifier at the source, policies by item.

- 德州市速达户外广告有限公司 (demo login ``dishonest``) is on the black list: no
  notify-and-commit, no tolerant acceptance, a person reviews with a credit check.
- 德州市明光广告传媒有限公司 is on the red list (tax credit A).
- 德州市鲁北餐饮管理有限公司 (``enterprise``) has no adverse record: the fast track —
  a food business licence promised in 1 working day instead of 3, and the pre-packaged
  food filing approved automatically on submission.
"""

from tongban.catalog.models import Item
from tongban.credit import actions, importing
from tongban.credit.models import CreditRecord, ItemCreditPolicy, Source
from tongban.org.policy import SYSTEM

from .catalog_data import ITEM_BY_KEY
from .data import credit_code

RECORDS = [
    {"id": "DZXY-2025-0901-001", "subject": credit_code("91", "371402", "MA3M7TW56"),
     "name": "德州市速达户外广告有限公司", "kind": "black_list", "title": "失信被执行人",
     "authority": "德州市德城区人民法院", "decided_on": "2025-09-01"},
    {"id": "DZXY-2026-0214-002", "subject": credit_code("91", "371402", "MA3M7TW56"),
     "name": "德州市速达户外广告有限公司", "kind": "black_list", "title": "重大税收违法失信主体",
     "authority": "国家税务总局德州市税务局", "decided_on": "2026-02-14"},
    {"id": "DZXY-2026-0420-003", "subject": credit_code("91", "371402", "MA3P0QX71"),
     "name": "德州市明光广告传媒有限公司", "kind": "red_list", "title": "纳税信用A级纳税人",
     "authority": "国家税务总局德州市税务局", "decided_on": "2026-04-20",
     "valid_until": "2027-04-19"},
    {"id": "DZXY-2024-0611-004", "subject": credit_code("91", "371403", "MA3Q2RB48"),
     "name": "德州市陵城区宏达标识标牌有限公司", "kind": "other",
     "title": "未按规定报送年度报告", "authority": "德州市陵城区市场监督管理局",
     "decided_on": "2024-06-11", "repaired_on": "2024-08-01"},
]  # fmt: skip

POLICIES = {
    # item key → (fast-track promised limit, automatic approval)
    "food_business": (1, False),
    "prepacked_food": (None, True),
}


def load_credit() -> dict[str, int]:
    known = set(
        CreditRecord.objects.filter(source=Source.CITY_DATABASE).values_list(
            "external_id", flat=True
        )
    )
    rows = [row for row in importing.parse_rows(RECORDS) if row.external_id not in known]
    created = 0
    if rows:  # a load that changes nothing leaves no import run (and no audit entry)
        run = actions.import_rows(SYSTEM, rows, source=Source.CITY_DATABASE, file_name="demo")
        created = run.created
    for key, (limit, automatic) in POLICIES.items():
        item = Item.objects.get(impl_code=ITEM_BY_KEY[key].impl_code)
        ItemCreditPolicy.objects.update_or_create(
            item=item,
            defaults={"fast_track_limit": limit, "fast_track_auto_approval": automatic},
        )
    return {"credit_records": created}
