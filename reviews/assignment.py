"""Automatic reviewer assignment for a cycle: proposes, never half-does.

Pure Python on small frozen dataclasses; the service that calls it loads the cycle's
applications, reviewers, conflicts and current assignments, shows the proposal to the
manager and writes it only once confirmed. Nothing here queries or writes.

What a proposal guarantees
==========================

For every application given:

- it ends with ``reviews_per_application`` reviewers (kept + proposed), or more when the
  reviewers kept from manual assignments already exceed that number but lack an
  organisation (then exactly one more, of the missing organisation);
- at least one reviewer of MSS and one of iPark;
- no proposed reviewer is inactive, has declared a conflict with the company or has
  declined the application, and no reviewer is assigned twice to the same application;
- reviewers already assigned are kept as they are (a manager's choice is not undone).

Across reviewers, **balanced** means: a reviewer's *load* is their number of assignments
in the cycle, kept and proposed, and the proposal makes the sum of the squared loads of
the active reviewers as small as the rules allow. Hence:

- whenever some valid assignment has max load − min load ≤ 1, the proposal does too;
- when manual assignments have already put some reviewers ahead, the new work goes to the
  others until they catch up (water-filling), and nobody is pushed further ahead;
- when conflicts or the organisation rule force unevenness (say 3 iPark reviewers and 12
  MSS reviewers), no chain of moves could pass one review from a busier reviewer to one
  with two fewer without breaking a rule.

**Expertise** (the reviewer's fields include the application's field) is matched as much
as possible *among the most balanced proposals*: a match never costs balance. The
proposal reports how many of its new assignments match.

If some application cannot be covered (no eligible reviewer of an organisation, or fewer
eligible reviewers than reviews still needed), nothing is proposed: ``AssignmentInfeasible``
lists every such application with a reason a manager can act on.

How
===

A minimum-cost flow (OR-Tools' compiled ``SimpleMinCostFlow``): source → application (its
missing reviews) → its MSS / iPark slots (lower bound 1 for an organisation it still lacks) →
each eligible reviewer (capacity 1, cost 1 when the reviewer's expertise does not cover the
application's field) → sink through one unit arc per extra review with cost
``M × resulting load``. The load arcs make the cost of a reviewer's work grow with the
square of their load, which is what balances; ``M`` exceeds the largest possible number of
expertise misses, so balance always comes first (a lexicographic optimum).

Applications with the same field, the same eligible reviewers and the same needs are
merged into one node of capacity ``k`` (a reviewer takes at most one of each, so at most
``k`` of the group) and dealt back round-robin, which keeps every guarantee above; this
keeps the network small when conflicts are few. Ties are broken by a seeded order of the
reviewers, so the same input always gives the same proposal.

Over 500 lines on purpose: half of it is the contract above and the docstrings proving
it; the code is one algorithm (needs, then the flow network) that reads best in one file.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from django.utils.translation import gettext, ngettext
from ortools.graph.python import min_cost_flow

from programs.enums import Organisation

ORGANISATIONS = (Organisation.MSS.value, Organisation.IPARK.value)

# Applications merged by (field, reviews needed, organisations needed, eligible reviewers).
Groups = dict[tuple[str, int, frozenset[str], frozenset[int]], list[int]]


@dataclass(frozen=True, slots=True)
class Flow:
    """An optimal flow: ``used`` load arcs per reviewer; ``dealt`` units per (group index,
    organisation) → reviewer id."""

    used: dict[int, int]
    dealt: dict[tuple[int, str], dict[int, int]]


@dataclass(frozen=True, slots=True)
class ApplicationToAssign:
    id: int
    reference: str
    company_id: int
    field: str


@dataclass(frozen=True, slots=True)
class ReviewerToAssign:
    id: int
    organisation: str
    expertise: frozenset[str] = frozenset()
    is_active: bool = True
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or f"#{self.id}"


@dataclass(frozen=True, slots=True)
class KeptAssignment:
    """An assignment that exists already (manual or confirmed earlier) and is kept."""

    application_id: int
    reviewer_id: int


class ProblemCode:
    NO_ELIGIBLE_REVIEWER = "no_eligible_reviewer"
    TOO_FEW_REVIEWERS = "too_few_reviewers"
    CONFLICTED_REVIEWER_ASSIGNED = "conflicted_reviewer_assigned"


@dataclass(frozen=True, slots=True)
class AssignmentProblem:
    """Why an application cannot be covered; ``message`` is translated when read."""

    application_id: int
    reference: str
    code: str
    params: Mapping[str, object]

    @property
    def message(self) -> str:
        params = dict(self.params)
        if self.code == ProblemCode.NO_ELIGIBLE_REVIEWER:
            params["organisation"] = Organisation(str(params["organisation"])).label
            return (
                gettext(
                    "No eligible %(organisation)s reviewer: every active one has declared a "
                    "conflict with the company or declined the application."
                )
                % params
            )
        if self.code == ProblemCode.TOO_FEW_REVIEWERS:
            return (
                ngettext(
                    "Needs %(needed)d more reviewer, but only %(eligible)d can be assigned: "
                    "the others are inactive, conflicted, declined or already assigned.",
                    "Needs %(needed)d more reviewers, but only %(eligible)d can be assigned: "
                    "the others are inactive, conflicted, declined or already assigned.",
                    cast(int, params["needed"]),
                )
                % params
            )
        if self.code == ProblemCode.CONFLICTED_REVIEWER_ASSIGNED:
            return (
                gettext(
                    "Reviewer %(reviewer)s is assigned but has declared a conflict with the "
                    "company or declined the application; remove that assignment first."
                )
                % params
            )
        raise ValueError(f"Unknown problem code {self.code!r}.")

    def __str__(self) -> str:
        return f"{self.reference}: {self.message}"


class AssignmentInfeasible(Exception):
    """Raised instead of a partial proposal; ``problems`` lists every uncovered application."""

    def __init__(self, problems: list[AssignmentProblem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class AssignmentProposal:
    """New assignments to confirm, with what the manager needs to judge them."""

    proposed: dict[int, tuple[int, ...]]
    """Application id → reviewer ids to add (sorted); every given application is a key."""
    kept: dict[int, tuple[int, ...]]
    """Application id → reviewer ids already assigned (sorted)."""
    loads: dict[int, int]
    """Active reviewer id → assignments in the cycle once the proposal is confirmed."""
    expertise_matches: int
    """How many proposed assignments match the reviewer's expertise."""
    expertise_possible: int = field(default=0)
    """How many proposed assignments could match at most, balance aside: per application,
    its missing reviews or its eligible reviewers with the field, whichever is fewer."""

    @property
    def new_assignments(self) -> int:
        return sum(len(reviewers) for reviewers in self.proposed.values())

    @property
    def expertise_match_rate(self) -> float | None:
        return self.expertise_matches / self.new_assignments if self.new_assignments else None

    @property
    def load_spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0

    def reviewers_for(self, application_id: int) -> tuple[int, ...]:
        return tuple(sorted(self.kept[application_id] + self.proposed[application_id]))


@dataclass(frozen=True, slots=True)
class _Need:
    """What an application still needs: ``count`` more reviewers, among ``eligible``,
    including one of each organisation in ``organisations``."""

    count: int
    organisations: frozenset[str]
    eligible: frozenset[int]


def find_assignment_problems(
    *,
    applications: Iterable[ApplicationToAssign],
    reviewers: Iterable[ReviewerToAssign],
    reviews_per_application: int,
    conflicts: Iterable[tuple[int, int]] = (),
    declined: Iterable[tuple[int, int]] = (),
    kept: Iterable[KeptAssignment] = (),
) -> list[AssignmentProblem]:
    """Every reason an application cannot be covered, in reference order (empty if none).

    ``conflicts`` are (reviewer id, company id) pairs; ``declined`` are (reviewer id,
    application id) pairs of reviewers who declined an application for a conflict.
    """
    problems, _ = _needs(
        list(applications),
        list(reviewers),
        reviews_per_application,
        conflicts,
        declined,
        list(kept),
    )
    return problems


def propose_assignments(
    *,
    applications: Iterable[ApplicationToAssign],
    reviewers: Iterable[ReviewerToAssign],
    reviews_per_application: int,
    conflicts: Iterable[tuple[int, int]] = (),
    declined: Iterable[tuple[int, int]] = (),
    kept: Iterable[KeptAssignment] = (),
    seed: int = 0,
) -> AssignmentProposal:
    """Propose reviewers for every application (see the module docstring for guarantees).

    ``kept`` may include assignments of applications not given (they count in loads).
    Raises ``AssignmentInfeasible`` (with every problem) before assigning anything.
    """
    applications = sorted(applications, key=lambda application: application.id)
    reviewers = sorted(reviewers, key=lambda reviewer: reviewer.id)
    kept = list(kept)
    problems, needs = _needs(
        applications, reviewers, reviews_per_application, conflicts, declined, kept
    )
    if problems:
        raise AssignmentInfeasible(problems)

    active = {reviewer.id: reviewer for reviewer in reviewers if reviewer.is_active}
    kept_loads = Counter(assignment.reviewer_id for assignment in kept)
    proposed = _solve(applications, needs, active, kept_loads, seed)

    by_id = {application.id: application for application in applications}
    kept_by_application: dict[int, set[int]] = defaultdict(set)
    for assignment in kept:
        kept_by_application[assignment.application_id].add(assignment.reviewer_id)
    loads = {reviewer_id: kept_loads[reviewer_id] for reviewer_id in active}
    matches = 0
    for application_id, reviewer_ids in proposed.items():
        for reviewer_id in reviewer_ids:
            loads[reviewer_id] += 1
            matches += by_id[application_id].field in active[reviewer_id].expertise
    possible = sum(
        min(need.count, sum(by_id[pk].field in active[r].expertise for r in need.eligible))
        for pk, need in needs.items()
    )
    return AssignmentProposal(
        proposed={pk: tuple(sorted(proposed.get(pk, ()))) for pk in by_id},
        kept={pk: tuple(sorted(kept_by_application[pk])) for pk in by_id},
        loads=loads,
        expertise_matches=matches,
        expertise_possible=possible,
    )


def _needs(
    applications: list[ApplicationToAssign],
    reviewers: list[ReviewerToAssign],
    reviews_per_application: int,
    conflicts: Iterable[tuple[int, int]],
    declined: Iterable[tuple[int, int]],
    kept: list[KeptAssignment],
) -> tuple[list[AssignmentProblem], dict[int, _Need]]:
    """What each application still needs (reviewers per organisation) and the problems that
    make it impossible, from the kept assignments, conflicts and declines. Over 60
    lines on purpose: it validates the inputs and builds the needs in one pass, and
    the problems it reports follow the order of those checks.

    Over 60 lines on purpose: each rule of the module docstring is one check here,
    in the order listed there.
    """
    if reviews_per_application < 2:
        raise ValueError("Each application needs at least two reviews (one per organisation).")
    for reviewer in reviewers:
        if reviewer.organisation not in ORGANISATIONS:
            raise ValueError(f"Unknown organisation {reviewer.organisation!r}.")
    by_id = {reviewer.id: reviewer for reviewer in reviewers}
    conflicted_companies: dict[int, set[int]] = defaultdict(set)
    for reviewer_id, company_id in conflicts:
        conflicted_companies[company_id].add(reviewer_id)
    declined_applications: dict[int, set[int]] = defaultdict(set)
    for reviewer_id, application_id in declined:
        declined_applications[application_id].add(reviewer_id)
    kept_by_application: dict[int, set[int]] = defaultdict(set)
    for assignment in kept:
        if assignment.reviewer_id not in by_id:
            raise ValueError(f"Kept assignment names unknown reviewer {assignment.reviewer_id}.")
        kept_by_application[assignment.application_id].add(assignment.reviewer_id)
    active = [reviewer for reviewer in reviewers if reviewer.is_active]

    problems: list[AssignmentProblem] = []
    needs: dict[int, _Need] = {}
    for application in sorted(applications, key=lambda application: application.reference):
        excluded = (
            conflicted_companies[application.company_id] | declined_applications[application.id]
        )
        assigned = kept_by_application[application.id]

        for reviewer_id in sorted(assigned & excluded):
            problems.append(
                _problem(
                    application,
                    ProblemCode.CONFLICTED_REVIEWER_ASSIGNED,
                    reviewer=by_id[reviewer_id].label,
                )
            )
        covered = {by_id[reviewer_id].organisation for reviewer_id in assigned}
        missing = frozenset(ORGANISATIONS) - covered
        count = max(reviews_per_application - len(assigned), len(missing))
        eligible = frozenset(
            reviewer.id
            for reviewer in active
            if reviewer.id not in excluded and reviewer.id not in assigned
        )
        for organisation in ORGANISATIONS:
            if organisation in missing and not any(
                by_id[reviewer_id].organisation == organisation for reviewer_id in eligible
            ):
                problems.append(
                    _problem(
                        application, ProblemCode.NO_ELIGIBLE_REVIEWER, organisation=organisation
                    )
                )
        if len(eligible) < count:
            problems.append(
                _problem(
                    application,
                    ProblemCode.TOO_FEW_REVIEWERS,
                    eligible=len(eligible),
                    needed=count,
                )
            )
        if count:
            needs[application.id] = _Need(count, missing, eligible)
    return problems, needs


def _problem(application: ApplicationToAssign, code: str, **params: object) -> AssignmentProblem:
    return AssignmentProblem(application.id, application.reference, code, params)


def _solve(
    applications: list[ApplicationToAssign],
    needs: dict[int, _Need],
    active: dict[int, ReviewerToAssign],
    kept_loads: Counter,
    seed: int,
) -> dict[int, list[int]]:
    """Application id → proposed reviewer ids; assumes ``needs`` are each satisfiable."""
    total = sum(need.count for need in needs.values())
    if not total:
        return {}
    # Seeded reviewer order: the solver breaks ties by it, so the extra review of an uneven
    # split does not always fall on the lowest id.
    order = sorted(active)
    random.Random(seed).shuffle(order)  # noqa: S311 — tie-breaking, not security
    rank = {reviewer_id: position for position, reviewer_id in enumerate(order)}

    groups: Groups = defaultdict(list)
    for application in applications:
        need = needs.get(application.id)
        if need is not None:
            key = (application.field, need.count, need.organisations, need.eligible)
            groups[key].append(application.id)
    groups = dict(sorted(groups.items(), key=lambda item: item[1][0]))

    # How many new reviews each reviewer could take at most.
    capacity: Counter[int] = Counter()
    for (_, _, _, eligible), members in groups.items():
        for reviewer_id in eligible:
            capacity[reviewer_id] += len(members)
    level = -(-(total + sum(kept_loads[r] for r in active)) // len(active))
    arcs = {r: min(capacity[r], max(level - kept_loads[r], 0) + 2) for r in order}

    while True:
        flow = _min_cost_flow(groups, active, kept_loads, order, rank, arcs, total)
        if flow is None:
            grown = {r: min(capacity[r], 2 * arcs[r] + 1) for r in order}
        else:
            used = flow.used
            # A reviewer using every load arc might have been better off with one more:
            # give those more room and solve again. Costs are convex, so once no cap binds
            # the optimum with caps is the optimum without.
            grown = {
                r: min(capacity[r], 2 * arcs[r] + 1) if used[r] == arcs[r] else arcs[r]
                for r in order
            }
        if grown == arcs:
            break
        arcs = grown
    if flow is None:  # pragma: no cover — the needs were checked satisfiable
        raise RuntimeError("No assignment found although every application is coverable.")
    return _deal(groups, flow, active, order)


def _min_cost_flow(
    groups: Groups,
    active: dict[int, ReviewerToAssign],
    kept_loads: Counter,
    order: list[int],
    rank: dict[int, int],
    arcs: dict[int, int],
    total: int,
) -> Flow | None:
    """The optimal flow with ``arcs[r]`` load arcs per reviewer, or None if too few.

    Over 60 lines on purpose: building the network (its nodes, arcs and the positions
    that map arcs back to slots) and reading the solution share those lists.
    """
    miss_cost = 1
    balance_cost = total * miss_cost + 1  # more than every expertise miss together
    solver = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[object, int] = {}
    supplies: list[int] = []

    def node(key: object, supply: int = 0) -> int:
        nodes[key] = len(supplies)
        supplies.append(supply)
        return nodes[key]

    starts: list[int] = []
    ends: list[int] = []
    capacities: list[int] = []
    costs: list[int] = []
    # Arc position → (group index, organisation, reviewer id) of each slot → reviewer arc.
    slot_arcs: dict[int, tuple[int, str, int]] = {}

    def arc(start: int, end: int, capacity: int, cost: int) -> None:
        starts.append(start)
        ends.append(end)
        capacities.append(capacity)
        costs.append(cost)

    sink = node("sink", -total)
    for reviewer_id in order:
        reviewer_node = node(("reviewer", reviewer_id))
        for extra in range(1, arcs[reviewer_id] + 1):
            load = kept_loads[reviewer_id] + extra
            arc(reviewer_node, sink, 1, balance_cost * load)
    load_arcs = len(starts)
    for index, ((field_, count, organisations, eligible), members) in enumerate(groups.items()):
        size = len(members)
        lower = {org: size if org in organisations else 0 for org in ORGANISATIONS}
        # Lower bounds become supplies: the group sends its minimum per organisation
        # directly from that organisation's node.
        source = node(("group", index), size * count - sum(lower.values()))
        for organisation in ORGANISATIONS:
            other = next(org for org in ORGANISATIONS if org != organisation)
            upper = size * count - lower[other]
            slots = node(("slots", index, organisation), lower[organisation])
            if upper - lower[organisation] > 0:
                arc(source, slots, upper - lower[organisation], 0)
            for reviewer_id in sorted(eligible, key=rank.__getitem__):
                reviewer = active[reviewer_id]
                if reviewer.organisation == organisation:
                    slot_arcs[len(starts)] = (index, organisation, reviewer_id)
                    arc(
                        slots,
                        nodes[("reviewer", reviewer_id)],
                        size,
                        0 if field_ in reviewer.expertise else miss_cost,
                    )
    solver.add_arcs_with_capacity_and_unit_cost(
        np.array(starts, dtype=np.int32),
        np.array(ends, dtype=np.int32),
        np.array(capacities, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    solver.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), np.array(supplies))
    if solver.solve() != solver.OPTIMAL:
        return None
    flows = solver.flows(np.arange(len(starts), dtype=np.int32)).tolist()
    used: Counter[int] = Counter()
    for position in range(load_arcs):
        if flows[position]:
            used[order[_reviewer_of(nodes, starts[position])]] += 1
    dealt: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for position, (index, organisation, reviewer_id) in slot_arcs.items():
        if flows[position]:
            dealt[(index, organisation)][reviewer_id] = flows[position]
    return Flow(used={r: used[r] for r in order}, dealt=dealt)


def _reviewer_of(nodes: dict[object, int], node_index: int) -> int:
    # Reviewer nodes are created first, right after the sink, in ``order``.
    return node_index - nodes["sink"] - 1


def _deal(
    groups: Groups, flow: Flow, active: dict[int, ReviewerToAssign], order: list[int]
) -> dict[int, list[int]]:
    """Hand a group's reviewers to its applications round-robin.

    Reviewers are laid out organisation by organisation, each repeated as often as the
    flow gives them (at most once per application of the group), and position ``p`` goes
    to application ``p mod k``: each application gets its count, distinct reviewers, and
    at least its minimum of each organisation (the flow gave the group ``k`` times it).
    """
    proposed: dict[int, list[int]] = {}
    for index, members in enumerate(groups.values()):
        sequence = []
        for organisation in ORGANISATIONS:
            units_of = flow.dealt.get((index, organisation), {})
            for reviewer_id in order:
                if active[reviewer_id].organisation == organisation:
                    sequence.extend([reviewer_id] * units_of.get(reviewer_id, 0))
        for position, reviewer_id in enumerate(sequence):
            proposed.setdefault(members[position % len(members)], []).append(reviewer_id)
    return proposed
