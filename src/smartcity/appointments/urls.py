app_name = "appointments"

urlpatterns = []
