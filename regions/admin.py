from django.contrib import admin

from regions.models import Grid, GridStaff, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]


class GridStaffInline(admin.TabularInline):
    model = GridStaff
    extra = 0


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "village"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [GridStaffInline]
