from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["region", "grid", "household"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "phone_masked", "is_active", "last_login"]
    fieldsets = BaseUserAdmin.fieldsets + (("Profile", {"fields": ("display_name", "phone_masked")}),)
    readonly_fields = ["phone_masked"]
    inlines = [RoleAssignmentInline]
