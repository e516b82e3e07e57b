"""Airflow plugin of the macro platform: registers the exchange-session timetables.

Layout (provider style). ``AIRFLOW__CORE__PLUGINS_FOLDER`` points here: ``macro airflow`` and
the Dockerfile set it.

    plugins/
      .airflowignore          keeps Airflow's plugin loader out of the two packages below
      macro_plugin.py         this module, the only file the loader executes
      timetables/exchange.py  ExchangeSessionTimetable and its B3 / NYSE subclasses
      notifiers/slack_failure.py  SlackFailureNotifier

How the code is imported. There is exactly one import path, and it is the same everywhere.
``import airflow`` runs ``settings.initialize()``, which appends the plugins folder to
``sys.path`` (``prepare_syspath_for_config_and_plugins``). This happens in the scheduler, the
dag-processor, the API server and the task runner alike. So DAG files, this plugin and the tests
all import::

    from timetables.exchange import B3BusinessDayTimetable, NyseBusinessDayTimetable
    from notifiers.slack_failure import SlackFailureNotifier

Do not import them as ``plugins.timetables.exchange``. From the repo root that also resolves, as
a namespace package, but it creates a second class object. Airflow serializes a custom
timetable by its class path, and the scheduler looks that path up among the classes registered
here. Only ``timetables.exchange.<Class>`` is registered, so a DAG built with the other path
would fail to serialize (``TimetableNotRegistered``).

Why ``.airflowignore``: the plugin loader executes every ``*.py`` under the plugins folder as a
top-level module named after the file's stem, and puts it in ``sys.modules``. Without the
ignore file, ``timetables/exchange.py`` would also load as a second module ``exchange``, and the
package ``__init__`` files as ``__init__``.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from timetables.exchange import (
    B3BusinessDayTimetable,
    ExchangeSessionTimetable,
    NyseBusinessDayTimetable,
)


class MacroPlatformPlugin(AirflowPlugin):
    name = "macro_platform"
    timetables = [ExchangeSessionTimetable, B3BusinessDayTimetable, NyseBusinessDayTimetable]
