"""Notifiers of the macro platform (provider layout: ``notifiers/<name>.py``).

Import them as ``from notifiers.slack_failure import SlackFailureNotifier`` (the plugins folder
is on ``sys.path`` in every Airflow process; see ``macro_plugin.py``).
"""
