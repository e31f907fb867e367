import factory
from django.utils import timezone

from programs.enums import Field, Organisation
from reviews import aggregates
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import Assignment, CriterionScore, Review, Reviewer

from .accounts import UserFactory


class ReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reviewer

    user = factory.SubFactory(UserFactory)
    organisation = Organisation.MSS
    expertise = factory.LazyFunction(lambda: [Field.CELL_THERAPY.value])


def active_assignment(application, reviewer, **kwargs) -> Assignment:
    """A confirmed assignment, as the manager's confirmation leaves it (rows written
    directly: for tests of what reads assignments, not of the services that write them)."""
    return Assignment.objects.create(
        application=application,
        reviewer=reviewer,
        status=AssignmentStatus.ACTIVE,
        confirmed_at=timezone.now(),
        **kwargs,
    )


def submitted_review(application, reviewer, scores: dict, **kwargs) -> Review:
    """A submitted review with ``scores`` as ``{criterion: score}`` (rows written directly,
    like ``active_assignment``)."""
    assignment = Assignment.objects.filter(
        application=application, reviewer=reviewer
    ).first() or active_assignment(application, reviewer)
    review = Review.objects.create(
        assignment=assignment,
        status=ReviewStatus.SUBMITTED,
        submitted_at=timezone.now(),
        **kwargs,
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(review=review, criterion=criterion, score=score)
        for criterion, score in scores.items()
    )
    if len(scores) == application.cycle.criteria.count():
        # What the submission service does in its transaction: the stored score and the
        # aggregates the ranking reads (a partial review stays unscored, as the formula
        # refuses it).
        aggregates.review_scored(review, cycle=application.cycle)
    return review
