from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    # Managers' hub
    path("manage/", views.manage_cycles, name="manage_cycles"),
    path("manage/cycles/<int:cycle_pk>/", views.manage_cycle, name="manage_cycle"),
]

# Reviewing (reviewers, screening, assignment)
urlpatterns += []

# Selection (ranking, decisions, approvals, announcement, dashboard, exports)
urlpatterns += []
