"""Reports: the facilitator's roster grid and CSV, the staff overview and CSV.

Included from cohorts/urls.py at "", so these are full paths in the "cohorts" namespace.
"""

from django.urls import path

from cohorts import report_views

urlpatterns = [
    path("facilitate/<slug:slug>/roster/", report_views.roster, name="roster"),
    path("facilitate/<slug:slug>/roster.csv", report_views.roster_csv, name="roster_csv"),
    path("staff/reports/", report_views.staff_report, name="staff_report"),
    path("staff/reports.csv", report_views.staff_report_csv, name="staff_report_csv"),
]
