"""Load the demo bundles and synonyms idempotently; rebuild the search index."""

from collections import Counter

from tongban.catalog.models import Bundle, BundleItem, Item, Synonym
from tongban.catalog.search import reindex_all
from tongban.org.models import Agency

from .bundle_data import BUNDLE_FORMS, BUNDLES, SYNONYMS

KINDS = ("bundles", "synonyms")


def _items_by_name() -> dict[str, Item]:
    from tongban.catalog.actions import current_version

    found = {}
    for item in Item.objects.all():
        version = current_version(item)
        if version is not None:
            found.setdefault(version.name, item)
    return found


def load_demo_bundles() -> dict[str, int]:
    counts: Counter[str] = Counter()
    items = _items_by_name()
    agencies = {a.name: a for a in Agency.objects.all()}
    for code, name, theme, lead, keywords, description, item_names in BUNDLES:
        wanted = {
            "name": name,
            "theme": theme,
            "lead_agency": agencies[lead],
            "keywords": keywords,
            "description": description,
            "is_active": True,
            "form_fields": BUNDLE_FORMS.get(code, {}).get("form_fields", []),
            "preset_answers": BUNDLE_FORMS.get(code, {}).get("preset_answers", {}),
            "promised_limit": BUNDLE_FORMS.get(code, {}).get("promised_limit"),
        }
        per_item = BUNDLE_FORMS.get(code, {}).get("items", {})
        entries = [items[item_name].pk for item_name in item_names]
        setups = [per_item.get(item_name, ({}, [])) for item_name in item_names]
        bundle = Bundle.objects.filter(code=code).first()
        if bundle is None:
            bundle = Bundle.objects.create(code=code, **wanted)
            state = "created"
        elif any(getattr(bundle, field) != value for field, value in wanted.items()):
            Bundle.objects.filter(pk=bundle.pk).update(**wanted)
            state = "updated"
        else:
            state = "unchanged"
        current = list(bundle.entries.values_list("item_id", "field_map", "covers"))
        wanted_entries = [
            (item_id, field_map, covers)
            for item_id, (field_map, covers) in zip(entries, setups, strict=True)
        ]
        if current != wanted_entries:
            bundle.entries.all().delete()
            BundleItem.objects.bulk_create(
                BundleItem(
                    bundle=bundle, item_id=item_id, order=order, field_map=field_map, covers=covers
                )
                for order, (item_id, field_map, covers) in enumerate(wanted_entries, start=1)
            )
            state = "updated" if state == "unchanged" else state
        if state != "unchanged":
            counts[f"bundles_{state}"] += 1
    for term, expansion in SYNONYMS.items():
        synonym, created = Synonym.objects.get_or_create(
            term=term, defaults={"expansion": expansion}
        )
        if created:
            counts["synonyms_created"] += 1
        elif synonym.expansion != expansion:
            synonym.expansion = expansion
            synonym.save(update_fields=["expansion"])
            counts["synonyms_updated"] += 1
    reindex_all()  # derived data: cheap to rebuild, never audited
    return {
        f"{kind}_{state}": counts[f"{kind}_{state}"]
        for kind in KINDS
        for state in ("created", "updated")
    }
