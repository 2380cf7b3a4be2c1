from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _page(name: str):
    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, "workbench/page.html", {"page": name})

    view.__name__ = name
    return view


home = _page("home")
counter = _page("counter")
inbox = _page("inbox")
approvals = _page("approvals")
agent = _page("agent")
supervision = _page("supervision")
hall = _page("hall")
