app_name = "sensors"

urlpatterns = []
