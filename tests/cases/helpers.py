import io

from tongban.cases import actions
from tongban.catalog.models import Material

from .conftest import PDF


def upload(world, case, name, who=None):
    material = Material.objects.get(version=case.item_version, name=name)
    stream = io.BytesIO(PDF + name.encode())
    stream.name = f"{name}.pdf"
    return actions.attach_material(world.p(who or world.citizen), case, material, stream)


def online_case(world, *answers, upload_all=True):
    """A citizen's online application, submitted with every material of the answers."""
    answers = answers or ("自有房产", "否")
    case = actions.start_application(
        world.p(world.citizen),
        world.item,
        applicant=world.applicant,
        channel="portal",
        answers=world.answers(*answers),
        form_data={"contact_phone": "13900000000"},
    )
    if upload_all:
        for material in actions.missing_materials(case):
            upload(world, case, material.name)
    return case
