from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from academy import views

# The admin signs people in through allauth (email verification, MFA, rate limits)
# and refuses anyone who is not staff.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Governance Academy administration"
admin.site.site_title = "Governance Academy"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("healthz", views.healthz, name="healthz"),
    path("staff/audit/", views.audit_log, name="audit_log"),
    path("", include("modules.urls")),
    path("", include("cohorts.urls")),
    path("", include("certificates.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
