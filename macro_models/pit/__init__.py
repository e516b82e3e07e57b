"""Point-in-time access: nothing computed for date D may use data not known at D."""

from macro_models.pit.asof import as_of_cutoff
from macro_models.pit.loader import PointInTimeLoader

__all__ = ["PointInTimeLoader", "as_of_cutoff"]
