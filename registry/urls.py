from django.urls import path

from registry import views, views_excel

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/mine/", views.my_household, name="my_household"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:household_id>/members/new/", views.person_create, name="person_create"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:org_id>/edit/", views.organization_edit, name="organization_edit"),
    path("party/", views.party_list, name="party_list"),
    path("party/new/", views.party_branch_form, name="party_branch_create"),
    path("party/<int:branch_id>/", views.party_detail, name="party_detail"),
    path("party/<int:branch_id>/edit/", views.party_branch_form, name="party_branch_edit"),
    path("party/<int:branch_id>/members/new/", views.party_member_form, name="party_member_create"),
    path("party/<int:branch_id>/members/<int:member_id>/edit/", views.party_member_form, name="party_member_edit"),
    path("import/", views_excel.import_households, name="import"),
    path("import/template.xlsx", views_excel.import_template, name="import_template"),
    path("export.xlsx", views_excel.export_households, name="export"),
]
