"""The JSON API at /api/v1: one NinjaAPI, a router per app, errors as {code, message}."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from tongban import __version__
from tongban.archive.api import router as archive_router
from tongban.bundles.api import router as bundles_router
from tongban.cases.actions import StaleCase
from tongban.cases.api import router as cases_router
from tongban.cases.transitions import IllegalTransition as CaseIllegalTransition
from tongban.catalog.api import router as catalog_router
from tongban.catalog.models import PublishedVersionIsImmutable
from tongban.certificates.api import router as certificates_router
from tongban.core.api import ApiError
from tongban.credit.api import router as credit_router
from tongban.instant.api import router as instant_router
from tongban.naming.api import router as naming_router
from tongban.org.api import router as org_router
from tongban.projects.api import router as projects_router
from tongban.rules.api import router as rules_router
from tongban.sharing.api import router as sharing_router
from tongban.supervision.api import router as supervision_router
from tongban.training.api import router as training_router
from tongban.violations.api import router as violations_router
from tongban.workdays.api import router as workdays_router

api = NinjaAPI(
    title="tongban API",
    version="1",
    description=(
        "Government services platform API. Department systems authenticate with "
        "`Authorization: Bearer <token>` (a token bound to an agency and scopes); browsers "
        'use their session. Errors are `{"code", "message"}`, the message in Chinese, or '
        "English with `Accept-Language: en`. Every list is paginated (`page`, `page_size`)."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)
api.add_router("/org", org_router)
api.add_router("/catalog", catalog_router)
api.add_router("/training", training_router)
api.add_router("/workdays", workdays_router)
api.add_router("/cases", cases_router)
api.add_router("/bundles", bundles_router)
api.add_router("/naming", naming_router)
api.add_router("/projects", projects_router)
api.add_router("/archive", archive_router)
api.add_router("/sharing", sharing_router)
api.add_router("/rules", rules_router)
api.add_router("/certificates", certificates_router)
api.add_router("/instant", instant_router)
api.add_router("/credit", credit_router)
api.add_router("/supervision", supervision_router)
api.add_router("/violations", violations_router)


def _error(request, status: int, code: str, message, errors=None):
    body = {"code": code, "message": str(message)}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.status, exc.code, exc.message)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    messages = exc.messages
    return _error(
        request,
        400,
        "invalid",
        messages[0] if messages else _("Invalid input."),
        errors=[{"message": m} for m in messages],
    )


@api.exception_handler(SchemaValidationError)
def _schema_error(request, exc: SchemaValidationError):
    errors = [
        {
            "location": ".".join(str(part) for part in error.get("loc", [])),
            "message": error.get("msg"),
        }
        for error in exc.errors
    ]
    where = errors[0]["location"] if errors else ""
    return _error(
        request,
        422,
        "invalid_request",
        _("The request is not well formed: check %(field)s.") % {"field": where or _("the body")},
        errors=errors,
    )


@api.exception_handler(PublishedVersionIsImmutable)
def _immutable(request, exc):
    return _error(
        request,
        409,
        "published_is_immutable",
        _("A published version cannot change; start a new draft."),
    )


@api.exception_handler(CaseIllegalTransition)
def _case_illegal(request, exc: CaseIllegalTransition):
    return _error(request, 409, "illegal_transition", exc)


@api.exception_handler(StaleCase)
def _case_stale(request, exc: StaleCase):
    # A ValidationError, but 409: the request was fine, the case moved on meanwhile.
    return _error(request, 409, "stale", exc.messages[0])


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    message = getattr(exc, "message", None) or _("You are not allowed to do this.")
    return _error(request, 403, "forbidden", message)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(
        request,
        401,
        "unauthenticated",
        _("Log in, or send a valid API token as 'Authorization: Bearer <token>'."),
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(
            request,
            403,
            "csrf_failed",
            _("The form expired or did not come from this site; reload the page."),
        )
    # django-ninja turns any failure of its body parser into this one HttpError: its
    # text is the only sign (a test pins it).
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _error(request, 400, "malformed_body", _("The request body is not valid JSON."))
    return _error(request, exc.status_code, "error", str(exc))


@api.get("/health", auth=None, tags=["platform"])
def health(request):
    """Liveness and database check, for load balancers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "version": __version__}
