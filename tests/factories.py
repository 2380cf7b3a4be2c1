"""Factories for tests: a tiny city built from the real code paths."""

import itertools

import factory

from tongban.core.identifiers import resident_id_check_character, uscc_check_character
from tongban.org.models import (
    Agency,
    Applicant,
    Region,
    ServicePoint,
    StaffAssignment,
    StaffRole,
    User,
    Window,
)

_serial = itertools.count(1)


def make_uscc(region_code: str = "371400", prefix: str = "11") -> str:
    """A valid unified social credit code (GB 32100): prefix 11 = government body, 91 = company."""
    body = f"{prefix}{region_code}{next(_serial):09d}"
    return body + uscc_check_character(body)


def make_resident_id(birth: str = "19900101", region: str = "371402") -> str:
    """A valid resident ID number (GB 11643) born on ``birth``."""
    first17 = f"{region}{birth}{next(_serial) % 1000:03d}"
    return first17 + resident_id_check_character(first17)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "370000"
    name = "山东省"
    level = Region.Level.PROVINCE
    parent = None


def city_region() -> Region:
    province = RegionFactory()
    return RegionFactory(code="371400", name="德州市", level=Region.Level.CITY, parent=province)


def county_region(code: str = "371402", name: str = "德城区") -> Region:
    return RegionFactory(code=code, name=name, level=Region.Level.COUNTY, parent=city_region())


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"测试局{n}")
    credit_code = factory.LazyFunction(make_uscc)
    kind = Agency.Kind.LINE_DEPARTMENT
    region = factory.LazyFunction(city_region)


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    name = factory.Sequence(lambda n: f"政务服务大厅{n}")
    kind = ServicePoint.Kind.CITY_HALL
    region = factory.LazyFunction(city_region)
    address = "德州市德城区"


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    service_point = factory.SubFactory(ServicePointFactory)
    number = factory.Sequence(lambda n: f"A{n:02d}")
    name = "综合受理窗口"
    kind = Window.Kind.COMPREHENSIVE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    kind = User.Kind.STAFF
    full_name = factory.Sequence(lambda n: f"员工{n}")
    phone = "13800000000"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff(role: str, *, agency=None, service_point=None, **user_fields) -> User:
    """A staff member holding ``role`` in the given scope."""
    user = UserFactory(**user_fields)
    StaffAssignment.objects.create(user=user, role=role, agency=agency, service_point=service_point)
    return user


def applicant_account(*, name: str = "张三", kind: str = Applicant.Kind.PERSON, **user_fields):
    """An applicant login with its applicant record."""
    user = UserFactory(kind=User.Kind.APPLICANT, full_name=name, **user_fields)
    applicant = Applicant(kind=kind, name=name, account=user, phone="13900000000")
    if kind == Applicant.Kind.PERSON:
        applicant.set_id_number(make_resident_id())
    else:
        applicant.credit_code = make_uscc("371402", prefix="91")
    applicant.save()
    return user, applicant


__all__ = [
    "AgencyFactory",
    "ServicePointFactory",
    "StaffRole",
    "UserFactory",
    "WindowFactory",
    "applicant_account",
    "city_region",
    "county_region",
    "make_resident_id",
    "make_uscc",
    "staff",
]
