from django.urls import include, path

from cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("calendar/", include("cohorts.feed_urls")),
]
