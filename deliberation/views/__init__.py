"""Pages of 议事协商 for people who sign in, by subject: topics (deliberation.views.topics), tasks (.tasks), the
village rules (.rules), the township's review queue and the deliberation list (.lists); what they share is in
.common. Thin: reads go through deliberation.selectors, writes through deliberation.services; a step of a topic, a
task or the rules is taken through casework's step view from the panels its declaration gives (deliberation/flows.py).
The public pages (no login) are deliberation/public_views.py."""
