import factory

from programs.enums import Field, Organisation
from reviews.models import Reviewer

from .accounts import UserFactory


class ReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reviewer

    user = factory.SubFactory(UserFactory)
    organisation = Organisation.MSS
    expertise = factory.LazyFunction(lambda: [Field.CELL_THERAPY.value])
