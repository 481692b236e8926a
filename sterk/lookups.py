"""An integer out of a column's range in an `in` lookup matches nothing, on every database.

Django 5 already treats such a value as "no row" for exact, gt, gte, lt and lte
(`IntegerFieldOverflow` in django.db.models.lookups), but not for `in`. So a forged id like
99999999999999999999 among a multiple choice (ModelMultipleChoiceField checks its values
with `pk__in`) raised OverflowError on SQLite: a 500 instead of "not one of the available
choices". Registered on IntegerField, this covers every integer column and primary key,
for every form, filter and view at once (see docs/rules.md, "no 500 on any input").
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


def _in_range(value, low, high) -> bool:
    if isinstance(value, bool) or not isinstance(value, int):
        return True  # an expression or another type: the database compares it
    return (low is None or value >= low) and (high is None or value <= high)


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().process_rhs(compiler, connection)
        try:
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
        except KeyError:  # an integer type the backend has no range for
            return super().process_rhs(compiler, connection)
        given = self.rhs
        # No row holds a value the column cannot store: leave it out (an empty list means
        # "nothing matches", which Django turns into an empty result).
        self.rhs = [value for value in given if _in_range(value, low, high)]
        try:
            return super().process_rhs(compiler, connection)
        finally:
            self.rhs = given


def register():
    IntegerField.register_lookup(IntegerFieldIn)
