from django.contrib import admin

from .forms import ReviewerAdminForm
from .models import Reviewer


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    form = ReviewerAdminForm
    list_display = ["user", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user"]
