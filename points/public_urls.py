"""积分公示 (public, no login), the county's consequences, list rules and mentorships, and the grid ledger.

Included under /points/ in the "points" namespace (points.extra_urls).
"""

from django.urls import path

from points import public_views, views

urlpatterns = [
    # public: the notice board
    path("public/publication/<int:publication_id>/", public_views.public_publication, name="public_publication"),
    path(
        "public/publication/<int:publication_id>/print/",
        public_views.public_publication_print,
        name="public_publication_print",
    ),
    path("public/<str:village_code>/", public_views.public_village, name="public_village"),
    # the county's consequences; a scheme's red/black list rules; mentorships of black-listed households
    path("policy/", views.policy, name="policy"),
    path("schemes/<int:scheme_id>/lists/", views.list_rules, name="list_rules"),
    path("mentorships/<int:mentorship_id>/", views.mentorship_detail, name="mentorship"),
    # 一网格一档: a grid's monthly ledger
    path("schemes/<int:scheme_id>/ledger/", views.ledger, name="ledger"),
    path("schemes/<int:scheme_id>/ledger/print/", views.ledger_print, name="ledger_print"),
    path("schemes/<int:scheme_id>/ledger/export.xlsx", views.ledger_xlsx, name="ledger_export"),
]
