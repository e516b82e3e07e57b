"""Point-in-time access: nothing computed for date D may use data not known at D."""

from macro_models.pit.asof import as_of_cutoff

__all__ = ["PointInTimeLoader", "as_of_cutoff"]


def __getattr__(name: str):
    # The loader needs pandas; the CLI's export and the API's cut-off do not.
    if name == "PointInTimeLoader":
        from macro_models.pit.loader import PointInTimeLoader

        return PointInTimeLoader
    raise AttributeError(name)
