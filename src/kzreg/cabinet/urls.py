"""The public site at `/` and the cabinet under `/cabinet/` (docs/cabinet.md: how to add a page).

Every `/cabinet/` page is wrapped in `guard.cabinet_page`; `tests/cabinet/test_sweep.py` walks this list,
so a page added here is tried with another tenant's ids without anyone remembering to.
"""

from django.urls import include, path

from kzreg.cabinet import (
    dashboard,
    domain_page,
    domains,
    money_invoices,
    money_pages,
    money_prices,
    ops_bulk,
    ops_domain,
    ops_registrants,
    ops_transfer,
    order_new,
    order_renew,
    public,
    registrants,
    settings_keys,
    settings_page,
    staff_pages,
)

app_name = "cabinet"
urlpatterns = [
    path("", public.home, name="home"),
    path("regulation/", public.regulation_page, name="regulation"),
    path("rights/", public.rights_page, name="rights"),
    path("resellers/", public.resellers_page, name="resellers"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the choice kept in a cookie
    path("cabinet/", dashboard.dashboard_page, name="dashboard"),
    path("cabinet/domains/", domains.domains_page, name="domains"),
    path("cabinet/domains/<str:name>/", domain_page.domain_page, name="domain"),
    path("cabinet/domains/<str:name>/auth-code/", domain_page.auth_code_page, name="domain_auth_code"),
    path("cabinet/domains/<str:name>/renew/", order_renew.renew_page, name="domain_renew"),
    path("cabinet/domains/<str:name>/modify/", ops_domain.modify_page, name="domain_modify"),
    path("cabinet/domains/<str:name>/delete/", ops_domain.delete_page, name="domain_delete"),
    path("cabinet/domains/<str:name>/registrant/", ops_domain.registrant_page, name="domain_registrant"),
    path("cabinet/transfer/", ops_transfer.transfer_page, name="transfer"),
    path("cabinet/bulk/", ops_bulk.bulk_page, name="bulk"),
    path("cabinet/bulk/<str:job_id>/", ops_bulk.bulk_job_page, name="bulk_job"),
    path("cabinet/order/", order_new.order_new_page, name="order_new"),
    path("cabinet/registrants/", registrants.registrants_page, name="registrants"),
    path("cabinet/registrants/new/", ops_registrants.registrant_new_page, name="registrant_new"),
    path("cabinet/registrants/<str:customer_id>/", registrants.registrant_page, name="registrant"),
    path("cabinet/registrants/<str:customer_id>/edit/", ops_registrants.registrant_edit_page, name="registrant_edit"),
    path("cabinet/money/", money_pages.money_page, name="money"),
    path("cabinet/money/payments/", money_pages.payments_page, name="money_payments"),
    path("cabinet/money/invoices/", money_invoices.invoices_page, name="money_invoices"),
    path("cabinet/money/invoices/<str:number>/", money_invoices.invoice_page, name="money_invoice"),
    path("cabinet/money/invoices/<str:number>/pdf/", money_invoices.invoice_pdf_page, name="money_invoice_pdf"),
    path("cabinet/money/prices/", money_prices.prices_page, name="money_prices"),
    path("cabinet/settings/", settings_page.settings_page, name="settings"),
    path("cabinet/settings/users/add/", settings_page.user_add, name="settings_user_add"),
    path("cabinet/settings/users/grant/", settings_page.user_grant, name="settings_user_grant"),
    path("cabinet/settings/users/deactivate/", settings_page.user_deactivate, name="settings_user_deactivate"),
    path("cabinet/settings/tokens/create/", settings_keys.token_create, name="settings_token_create"),
    path("cabinet/settings/tokens/revoke/", settings_keys.token_revoke, name="settings_token_revoke"),
    path("cabinet/settings/webhooks/add/", settings_keys.webhook_add, name="settings_webhook_add"),
    path("cabinet/settings/webhooks/remove/", settings_keys.webhook_remove, name="settings_webhook_remove"),
    path("cabinet/staff/resellers/", staff_pages.resellers_page, name="staff_resellers"),
    path("cabinet/staff/reseller/", staff_pages.reseller_page, name="staff_reseller"),
    path("cabinet/staff/audit/", staff_pages.audit_page, name="staff_audit"),
    path("cabinet/staff/data-views/", staff_pages.data_views_page, name="staff_data_views"),
]
