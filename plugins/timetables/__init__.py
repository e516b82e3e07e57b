"""Timetables of the macro platform (provider layout: ``timetables/<name>.py``).

Import them as ``from timetables.exchange import B3BusinessDayTimetable``: Airflow puts the
plugins folder on ``sys.path``, and the class path the scheduler looks up is
``timetables.exchange.<Class>`` (see ``macro_plugin.py``).
"""
