from django.urls import path

from finance import views

app_name = "finance"
urlpatterns = [
    path("", views.home, name="home"),
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/export.xlsx", views.export, name="export"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/vouchers/", views.entry_vouchers, name="entry_vouchers"),
    path("income/new/", views.income_new, name="income_new"),
    path("vouchers/<int:pk>/", views.voucher, name="voucher"),
    path("expenses/", views.expense_list, name="expenses"),
    path("expenses/new/", views.expense_new, name="expense_new"),
    path("expenses/<int:pk>/", views.expense_detail, name="expense"),
    path("expenses/<int:pk>/correct/", views.expense_correct, name="expense_correct"),
    path("queue/", views.queue, name="queue"),
    path("config/", views.config, name="config"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("disclosures/<int:pk>/correct/", views.disclosure_correct, name="disclosure_correct"),
]
