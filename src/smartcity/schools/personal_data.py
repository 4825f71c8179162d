"""What the schools capability keeps about a platform user: the schools where they teach.

Pupils have no platform account; their nickname and password hash belong to the class and go
when the teacher (or the school) deletes the class.
"""

from smartcity.core.registries import PersonalData, personal_data
from smartcity.schools.models import Teacher


def export(user) -> dict:
    return {
        "teacher_at": [
            {
                "school": teacher.school.name,
                "classes": [school_class.name for school_class in teacher.classes.all()],
            }
            for teacher in Teacher.objects.filter(user=user).select_related("school")
        ]
    }


def erase(user) -> None:
    """The classes stay with the school (without teacher); the teacher links go."""
    Teacher.objects.filter(user=user).delete()


def register() -> None:
    personal_data.register("schools", PersonalData("schools", export, erase))
