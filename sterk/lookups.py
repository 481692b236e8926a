"""An integer out of a column's range in an `in` lookup matches nothing, on every database.

Django 5 already treats such a value as "no row" for exact, gt, gte, lt and lte
(`IntegerFieldOverflow` in django.db.models.lookups), but not for `in`. So a forged id like
99999999999999999999 among a multiple choice (ModelMultipleChoiceField checks its values
with `pk__in`) raised OverflowError on SQLite: a 500 instead of "not one of the available
choices". Registered on IntegerField (every integer column and primary key) and on foreign
keys, this serves every form, filter and view at once.
"""

from django.core.exceptions import FieldError
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


def _in_range(value, low, high) -> bool:
    if isinstance(value, bool) or not isinstance(value, int):
        return True  # an expression or another type: the database compares it
    return (low is None or value >= low) and (high is None or value <= high)


def _column_range(lookup, connection):
    """(low, high) of the column compared, or None when it is not a plain integer."""
    field = lookup.lhs.output_field
    try:
        if field.is_relation:
            field = field.target_field
        return connection.ops.integer_field_range(field.get_internal_type())
    except (AttributeError, FieldError, KeyError):  # several columns, or not an integer
        return None


class _OutOfRangeMatchesNothing:
    def process_rhs(self, compiler, connection):
        bounds = _column_range(self, connection) if self.rhs_is_direct_value() else None
        if bounds is None:
            return super().process_rhs(compiler, connection)
        given = self.rhs
        # No row holds a value the column cannot store: leave it out (an empty list means
        # "nothing matches", which Django turns into an empty result).
        self.rhs = [value for value in given if _in_range(value, *bounds)]
        try:
            return super().process_rhs(compiler, connection)
        finally:
            self.rhs = given


class IntegerFieldIn(_OutOfRangeMatchesNothing, In):
    pass


class RelatedIntegerIn(_OutOfRangeMatchesNothing, RelatedIn):
    pass


def register():
    IntegerField.register_lookup(IntegerFieldIn)
    ForeignObject.register_lookup(RelatedIntegerIn)
