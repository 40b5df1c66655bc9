from django.contrib import admin

from registry.models import Household, Organization, PartyBranch, Person, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "restricted", "sensitive"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["number", "head_name", "village", "grid"]
    search_fields = ["number", "head_name"]
    raw_id_fields = ["village", "township", "county", "group", "grid"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "gender", "id_number_masked", "phone_masked", "village"]
    search_fields = ["name"]
    readonly_fields = ["id_number_masked", "phone_masked"]
    raw_id_fields = ["household", "village", "township", "county", "user"]


admin.site.register(Organization)
admin.site.register(PartyBranch)
