from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("rosters/", views.rosters, name="rosters"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/revoke/", views.delegation_revoke, name="delegation_revoke"),
    path("notice-periods/", views.policy, name="policy"),
    path("review/", views.review, name="review"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/motions/", views.motion_add, name="motion_add"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/sign-in/", views.sign_in_self, name="sign_in"),
    path("<int:pk>/print/", views.print_view, name="print"),
    path("motions/<int:pk>/open/", views.motion_open, name="motion_open"),
    path("motions/<int:pk>/close/", views.motion_close, name="motion_close"),
    path("motions/<int:pk>/totals/", views.motion_totals, name="motion_totals"),
    path("motions/<int:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("motions/<int:pk>/roll-call/batch/", views.votes_batch, name="votes_batch"),
    path("motions/<int:pk>/roll-call/correct/", views.vote_correct, name="vote_correct"),
    path("motions/<int:pk>/vote/", views.vote_self, name="vote"),
    path("motions/<int:pk>/delegation/", views.delegation_add, name="delegation_add"),
]
