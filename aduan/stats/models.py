"""The statistics' own tables (DESIGN.md §8): what each report contributes
(``Contribution``), their sums by day and by month (``Rollup``), the working days
they took (``Duration``), and the reports whose contributions are to be worked
out again (``Pending``).

The dimensions are plain columns, not foreign keys: a roll-up row outlives any
reference row's changes, and "none" is 0 or "" rather than NULL so that one
unique key — and one ``INSERT … ON CONFLICT`` — covers every row."""

from django.db import models

# The figures a report (or one agency's time with it) adds to a roll-up row, in the
# order of the columns. Each is a count, except rating_sum.
COUNTERS: tuple[str, ...] = (
    "received",
    "dispositioned",
    "followed_up",
    "first_on_time",
    "first_late",
    "completed",
    "completed_on_time",
    "completed_late",
    "bounced",
    "reopened",
    "closed_confirmed",
    "closed_auto",
    "closed_intervened",
    "archived",
    "rating_count",
    "rating_sum",
    "satisfied",
    # Follow-ups not made yet whose deadline is still ahead: not yet due, so out of
    # the on-time shares (they change when the deadline passes; see facts.py).
    "first_waiting",
    "completion_waiting",
)

# What a row is about; a contribution has the same key without the grain.
DIMENSIONS: tuple[str, ...] = (
    "agency_id",  # 0: the report as a whole (national and regional figures)
    "province",  # "32"
    "regency",  # "32.74"; "" when the report has no region
    "day",
    "type",
    "category_id",  # 0: none
    "channel",
)


# Each contribution is summed at three levels of region — its regency or city,
# its province (regency ALL), the nation (province and regency ALL) — so that any
# region's figures are a few rows, not every regency's.
ALL = "*"

# What a duration row is about: no type, category or channel (medians are of an
# agency or a region, never broken down further).
DURATION_DIMENSIONS: tuple[str, ...] = ("agency_id", "province", "regency", "day")


class Grain(models.TextChoices):
    DAY = "d"
    MONTH = "m"  # day is the first of the month


class Counters(models.Model):
    """The figures (COUNTERS) as columns."""

    received = models.IntegerField(default=0)
    dispositioned = models.IntegerField(default=0)
    followed_up = models.IntegerField(default=0)
    first_on_time = models.IntegerField(default=0)
    first_late = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    completed_on_time = models.IntegerField(default=0)
    completed_late = models.IntegerField(default=0)
    bounced = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    closed_confirmed = models.IntegerField(default=0)
    closed_auto = models.IntegerField(default=0)
    closed_intervened = models.IntegerField(default=0)
    archived = models.IntegerField(default=0)
    rating_count = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    first_waiting = models.IntegerField(default=0)
    completion_waiting = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Dimensions(models.Model):
    """What a figure is about (DIMENSIONS) as columns."""

    agency_id = models.IntegerField()
    province = models.CharField(max_length=2)
    regency = models.CharField(max_length=5)
    day = models.DateField()
    type = models.CharField(max_length=24)
    category_id = models.IntegerField()
    channel = models.CharField(max_length=8)

    class Meta:
        abstract = True


class Rollup(Dimensions, Counters):
    """The sum of the contributions with one key, by day and by month."""

    grain = models.CharField(max_length=1, choices=Grain.choices)

    class Meta:
        # The key serves every read: an agency (or 0), a region level, a span of days.
        constraints = [
            models.UniqueConstraint(fields=["grain", *DIMENSIONS], name="stats_rollup_key")
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} agency {self.agency_id} {self.regency}"


class Duration(models.Model):
    """How many contributions took ``days`` working days, to the first follow-up or
    to completion: medians and percentiles come from these, exactly."""

    class Measure(models.TextChoices):
        FIRST = "first"
        COMPLETION = "completion"

    grain = models.CharField(max_length=1, choices=Grain.choices)
    agency_id = models.IntegerField()
    province = models.CharField(max_length=2)
    regency = models.CharField(max_length=5)
    day = models.DateField()
    measure = models.CharField(max_length=10, choices=Measure.choices)
    days = models.IntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", *DURATION_DIMENSIONS, "measure", "days"],
                name="stats_duration_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.days}d ×{self.count}"


class Contribution(Dimensions, Counters):
    """What one report adds to the roll-ups, as last worked out: one row for the
    report as a whole (agency 0) and one for each agency's time with it. Kept so
    that a change subtracts exactly what was added before."""

    report_id = models.BigIntegerField(db_index=True)
    first_days = models.IntegerField(null=True)
    completion_days = models.IntegerField(null=True)

    def __str__(self) -> str:
        return f"report {self.report_id} agency {self.agency_id}"


class Pending(models.Model):
    """A report whose contributions are to be worked out again: written in the
    transaction of the change (one cheap insert, no hot row locked), taken by the
    worker within seconds."""

    report_id = models.BigIntegerField()
    queued_at = models.DateTimeField()

    class Meta:
        # The worker takes what is due; deadlines ahead wait here for their moment.
        indexes = [models.Index(fields=["queued_at"], name="stats_pending_due")]

    def __str__(self) -> str:
        return f"report {self.report_id} pending"
