from django.contrib import admin

from smartcity.schools import models


class BuildingInline(admin.TabularInline):
    model = models.Building
    extra = 0


class PeriodInline(admin.TabularInline):
    model = models.Period
    extra = 0


class TeacherInline(admin.TabularInline):
    model = models.Teacher
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "address", "is_public")
    list_filter = ("city", "is_public")
    search_fields = ("name", "address")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [BuildingInline, PeriodInline, TeacherInline]


class RoomSensorInline(admin.TabularInline):
    model = models.RoomSensor
    extra = 0
    raw_id_fields = ("datastream",)


class OccupancyInline(admin.TabularInline):
    model = models.Occupancy
    extra = 0


@admin.register(models.Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "building", "volume", "seats")
    list_filter = ("building__school__city", "building__school")
    search_fields = ("name", "building__school__name")
    raw_id_fields = ("thing",)
    inlines = [RoomSensorInline, OccupancyInline]


@admin.register(models.SchoolHoliday)
class SchoolHolidayAdmin(admin.ModelAdmin):
    list_display = ("name", "state", "start", "end")
    list_filter = ("state",)


class TaskInline(admin.StackedInline):
    model = models.Task
    extra = 0


@admin.register(models.SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "code", "is_open")
    list_filter = ("school",)
    readonly_fields = ("code",)
    inlines = [TaskInline]


@admin.register(models.Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ("nickname", "school_class", "created_at")
    list_filter = ("school_class__school",)
    exclude = ("password",)
