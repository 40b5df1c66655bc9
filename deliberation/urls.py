from django.urls import path

from deliberation.views import lists, rules, tasks, topics

# The steps of a topic, a task or the village rules are taken at casework's step view (casework:step), from the
# panels their declaration gives (deliberation/flows.py).
app_name = "deliberation"
urlpatterns = [
    path("", topics.home, name="home"),
    path("topics/new/", topics.propose, name="propose"),
    path("topics/<int:pk>/", topics.topic_detail, name="topic"),
    path("topics/<int:pk>/cosign/", topics.topic_cosign, name="cosign"),
    path("topics/<int:pk>/agenda/", topics.topic_agenda, name="topic_agenda"),
    path("topics/<int:pk>/comments/", topics.topic_comment, name="topic_comment"),
    path("topics/<int:pk>/polls/", topics.poll_open, name="poll_open"),
    path("polls/<int:pk>/answer/", topics.poll_answer, name="poll_answer"),
    path("polls/<int:pk>/close/", topics.poll_close, name="poll_close"),
    path("decisions/<int:pk>/tasks/", tasks.task_create, name="task_create"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("rules/", rules.rules_list, name="rules"),
    path("rules/new/", rules.rules_create, name="rules_create"),
    path("rules/<int:pk>/", rules.rules_detail, name="rules_detail"),
    path("rules/<int:pk>/edit/", rules.rules_edit, name="rules_edit"),
    path("rules/<int:pk>/agenda/", rules.rules_agenda, name="rules_agenda"),
    path("rules/<int:pk>/comments/", rules.rules_comment, name="rules_comment"),
    path("rules/<int:pk>/sign/", rules.rules_sign, name="rules_sign"),
    path("rules/<int:pk>/paper/", rules.rules_paper, name="rules_paper"),
    path("review/", lists.review, name="review"),
    path("list/", lists.deliberation_list, name="list"),
]
