"""Plain helpers with no business rules: environment, errors, pagination, progress."""
