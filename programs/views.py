from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import selectors
from .filters import ChallengeFilter, TechnologyFilter

PAGE_SIZE = 12


def home(request):
    programs = selectors.programs_with_public_cycles()
    return render(request, "programs/home.html", {"programs": programs})


def program_detail(request, program: str):
    program_obj = selectors.program_for_public(program)
    return render(request, "programs/program_detail.html", {"program": program_obj})


def cycle_detail(request, program: str, cycle: str):
    cycle_obj = selectors.cycle_for_public(program, cycle)
    return render(
        request,
        "programs/cycle_detail.html",
        {"cycle": cycle_obj, "program": cycle_obj.program, "rubric": cycle_obj.rubric()},
    )


def _catalogue(request, *, filterset, relation: str, template: str):
    """A filtered, paginated catalogue page (technologies or challenges) whose items carry
    the public cycles offering them."""
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    items = selectors.attach_offering_cycles(page.object_list, relation)
    return render(
        request,
        template,
        {"filter": filterset, "page": page, "items": items, "query": query.urlencode()},
    )


def technology_list(request):
    return _catalogue(
        request,
        filterset=TechnologyFilter(request.GET, queryset=selectors.technologies_public()),
        relation="technologies",
        template="programs/technology_list.html",
    )


def technology_detail(request, pk: int):
    technology = get_object_or_404(selectors.technologies_public(), pk=pk)
    selectors.attach_offering_cycles([technology], "technologies")
    return render(request, "programs/technology_detail.html", {"technology": technology})


def challenge_list(request):
    return _catalogue(
        request,
        filterset=ChallengeFilter(request.GET, queryset=selectors.challenges_public()),
        relation="challenges",
        template="programs/challenge_list.html",
    )


def challenge_detail(request, pk: int):
    challenge = get_object_or_404(selectors.challenges_public(), pk=pk)
    selectors.attach_offering_cycles([challenge], "challenges")
    return render(request, "programs/challenge_detail.html", {"challenge": challenge})
