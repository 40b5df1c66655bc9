from django.urls import path

from deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("", views.home, name="home"),
    path("topics/new/", views.propose, name="propose"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/steps/<slug:step>/", views.topic_step, name="topic_step"),
    path("topics/<int:pk>/cosign/", views.topic_cosign, name="cosign"),
    path("topics/<int:pk>/agenda/", views.topic_agenda, name="topic_agenda"),
    path("topics/<int:pk>/comments/", views.topic_comment, name="topic_comment"),
    path("topics/<int:pk>/polls/", views.poll_open, name="poll_open"),
    path("polls/<int:pk>/answer/", views.poll_answer, name="poll_answer"),
    path("polls/<int:pk>/close/", views.poll_close, name="poll_close"),
    path("decisions/<int:pk>/tasks/", views.task_create, name="task_create"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/steps/<slug:step>/", views.task_step, name="task_step"),
    path("rules/", views.rules_list, name="rules"),
    path("rules/new/", views.rules_create, name="rules_create"),
    path("rules/<int:pk>/", views.rules_detail, name="rules_detail"),
    path("rules/<int:pk>/edit/", views.rules_edit, name="rules_edit"),
    path("rules/<int:pk>/steps/<slug:step>/", views.rules_step, name="rules_step"),
    path("rules/<int:pk>/agenda/", views.rules_agenda, name="rules_agenda"),
    path("rules/<int:pk>/comments/", views.rules_comment, name="rules_comment"),
    path("rules/<int:pk>/sign/", views.rules_sign, name="rules_sign"),
    path("rules/<int:pk>/paper/", views.rules_paper, name="rules_paper"),
    path("review/", views.review, name="review"),
    path("list/", views.deliberation_list, name="list"),
]
